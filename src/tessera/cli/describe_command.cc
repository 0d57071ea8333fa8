// `tessera describe NAME`: one object's stored definition at a version (the
// current one by default), when and by whom it was applied, and its history.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <memory>
#include <optional>

#include "tessera/cli/output.h"
#include "tessera/cli/registry_commands.h"
#include "tessera/cli/repo_session.h"
#include "tessera/cli/yaml_render.h"
#include "tessera/core/time.h"

namespace tessera::cli {
namespace {

using registry::HistoryEntry;
using registry::ObjectDescription;

struct DescribeArgs {
  std::string name;
  int64_t version = 0;  // 0: current
  std::string kind;
  bool json = false;
};

std::string HistoryLine(const HistoryEntry& h) {
  std::string event = registry::HistoryEventName(h.event);
  event.resize(std::max<size_t>(event.size(), 10), ' ');  // aligns "created" and "doc_change"
  return "  v" + std::to_string(h.version) + "  " + event + "  " + FormatTimestamp(h.at) + "  by " +
         h.by + "  (registry version " + std::to_string(h.registry_version) + ")";
}

void PrintText(const ObjectDescription& d) {
  std::cout << registry::ObjectKindName(d.kind) << " " << d.name << "\n"
            << "version:     " << d.version
            << (d.version == d.current_version
                    ? " (current)"
                    : " (current is " + std::to_string(d.current_version) + ")")
            << (d.deleted ? ", deleted from the repo" : "") << "\n"
            << "applied_at:  " << FormatTimestamp(d.applied_at) << "\n"
            << "applied_by:  " << d.applied_by << "\n"
            << "logic_hash:  " << d.logic_hash << "\n"
            << "definition:\n";
  std::cout << RenderJsonAsYaml(d.definition_json, 2);
  std::cout << "history:\n";
  for (const HistoryEntry& h : d.history) {
    std::cout << HistoryLine(h) << "\n";
    std::string diff = DiffJsonObjects(h.old_doc_json, h.new_doc_json);
    if (!diff.empty()) std::cout << "      " << diff << "\n";
  }
}

void WriteHistory(JsonWriter* w, const std::vector<HistoryEntry>& history) {
  w->StartArray();
  for (const HistoryEntry& h : history) {
    w->StartObject();
    w->Key("version");
    w->Int64(h.version);
    WriteStringMember(w, "event", registry::HistoryEventName(h.event));
    WriteStringMember(w, "at", FormatTimestamp(h.at));
    WriteStringMember(w, "by", h.by);
    w->Key("registry_version");
    w->Int64(h.registry_version);
    if (!h.old_doc_json.empty()) {
      w->Key("old_doc");
      WriteRawJson(w, h.old_doc_json);
      w->Key("new_doc");
      WriteRawJson(w, h.new_doc_json);
    }
    w->EndObject();
  }
  w->EndArray();
}

void PrintJson(const ObjectDescription& d) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  WriteStringMember(&w, "kind", registry::ObjectKindName(d.kind));
  WriteStringMember(&w, "name", d.name);
  w.Key("version");
  w.Int64(d.version);
  w.Key("current_version");
  w.Int64(d.current_version);
  w.Key("deleted");
  w.Bool(d.deleted);
  WriteStringMember(&w, "applied_at", FormatTimestamp(d.applied_at));
  WriteStringMember(&w, "applied_by", d.applied_by);
  WriteStringMember(&w, "logic_hash", d.logic_hash);
  w.Key("definition");
  WriteRawJson(&w, d.definition_json);
  w.Key("doc");
  WriteRawJson(&w, d.doc_json.empty() ? "{}" : d.doc_json);
  w.Key("history");
  WriteHistory(&w, d.history);
  w.EndObject();
  std::cout << buffer.GetString() << "\n";
}

int RunDescribe(const std::string& repo_dir, const DescribeArgs& args) {
  std::optional<registry::ObjectKind> kind;
  if (!args.kind.empty()) {
    auto parsed = registry::ParseObjectKind(args.kind);
    if (!parsed.ok()) return UsageError(parsed.status().message());
    kind = *parsed;
  }
  std::optional<int64_t> version;
  if (args.version != 0) version = args.version;
  auto reg = OpenExistingRegistry(repo_dir);
  if (!reg.ok()) return Fail(reg.status());
  auto desc = (*reg)->Describe(args.name, kind, version);
  if (!desc.ok()) return Fail(desc.status());
  if (args.json) {
    PrintJson(*desc);
  } else {
    PrintText(*desc);
  }
  return kExitOk;
}

}  // namespace

void RegisterDescribeCommand(CLI::App* app, CommandContext* ctx) {
  auto args = std::make_shared<DescribeArgs>();
  CLI::App* cmd = app->add_subcommand(
      "describe",
      "Show one registered object: its definition as stored (the current version, or --version "
      "N for an older one, which stays readable after later changes), when and by whom that "
      "version was applied, and the object's whole history of creations, new versions, "
      "doc-only changes and deletion. --kind picks among objects of different kinds with the "
      "same name.");
  cmd->footer("Example:\n  tessera describe user_profile --version 1 --json");
  cmd->add_option("NAME", args->name, "Object name")->required();
  cmd->add_option("--version", args->version, "Version to show (default: current)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--kind", args->kind, "entity | source | view | odfv | service");
  cmd->add_flag("--json", args->json, "Print JSON");
  cmd->callback([ctx, args] { ctx->run = [ctx, args] { return RunDescribe(ctx->repo, *args); }; });
}

}  // namespace tessera::cli
