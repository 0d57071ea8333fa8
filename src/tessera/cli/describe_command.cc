// `tessera describe NAME`: one object's stored definition at a version (the
// current one by default), when and by whom it was applied, and its history.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <iostream>
#include <memory>
#include <optional>

#include "tessera/cli/output.h"
#include "tessera/cli/registry_commands.h"
#include "tessera/cli/repo_session.h"
#include "tessera/cli/yaml_render.h"
#include "tessera/core/time.h"
#include "tessera/registry/json_documents.h"
#include "tessera/registry/object_kinds.h"

namespace tessera::cli {
namespace {

using registry::HistoryEntry;
using registry::ObjectDescription;

struct DescribeArgs {
  std::string name;
  std::string version_text;  // --version, checked by ResolveTarget
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
  std::cout << registry::KindDisplayName(d.kind) << " " << d.name << "\n"
            << "version:     " << d.version
            << (d.version == d.current_version
                    ? " (current)"
                    : " (current is " + std::to_string(d.current_version) + ")")
            << (d.deleted ? ", deleted from the repo" : "") << "\n"
            << "applied_at:  " << FormatTimestamp(d.applied_at) << "\n"
            << "applied_by:  " << d.applied_by << "\n"
            << "logic_hash:  " << d.logic_hash << "\n"
            << "definition:\n";
  std::cout << RenderJsonAsYaml(d.definition_json, 2, /*omit_empty=*/true);
  std::cout << "history:\n";
  for (const HistoryEntry& h : d.history) {
    std::cout << HistoryLine(h) << "\n";
    std::string diff = DiffJsonObjects(h.old_doc_json, h.new_doc_json);
    if (!diff.empty()) std::cout << "      " << diff << "\n";
  }
}

// "--version N" as typed: a positive integer, else a usage error.
Result<int64_t> ParseVersion(const std::string& text, const std::string& what) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || v < 1) {
    return Status::Invalid(what + " must be a positive integer (got '" + text + "')");
  }
  return v;
}

// NAME, NAME@N (as docs/REGISTRY.md writes it) and --version N: the name and
// the version asked for (nullopt: current).
CommandStatus ResolveTarget(const DescribeArgs& args, std::string* name,
                            std::optional<int64_t>* version) {
  *name = args.name;
  if (!args.version_text.empty()) {
    auto v = ParseVersion(args.version_text, "--version");
    if (!v.ok()) return CommandStatus::Usage(v.status().message());
    *version = *v;
  }
  size_t at = args.name.find('@');
  if (at == std::string::npos) return Status::OK();
  *name = args.name.substr(0, at);
  auto v = ParseVersion(args.name.substr(at + 1), "the version after '@' in '" + args.name + "'");
  if (!v.ok()) return CommandStatus::Usage(v.status().message());
  if (version->has_value() && **version != *v) {
    return CommandStatus::Usage("'" + args.name + "' and --version " + args.version_text +
                                " ask for different versions");
  }
  *version = *v;
  return Status::OK();
}

CommandStatus RunDescribe(const std::string& repo_dir, const DescribeArgs& args) {
  std::optional<registry::ObjectKind> kind;
  if (!args.kind.empty()) {
    auto parsed = registry::ParseKindName(args.kind);
    if (!parsed.ok()) return CommandStatus::Usage(parsed.status().message());
    kind = *parsed;
  }
  std::string name;
  std::optional<int64_t> version;
  CommandStatus target = ResolveTarget(args, &name, &version);
  if (!target.ok()) return target;
  TS_ASSIGN_OR_RETURN(auto reg, OpenExistingRegistry(repo_dir));
  TS_ASSIGN_OR_RETURN(ObjectDescription desc, reg->Describe(name, kind, version));
  if (args.json) {
    std::cout << registry::DescribeDocument(desc) << "\n";
  } else {
    PrintText(desc);
  }
  return Status::OK();
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
  cmd->footer("Example:\n  tessera describe user_profile@1 --json");
  cmd->add_option("NAME", args->name, "Object name, or NAME@N for its version N")->required();
  cmd->add_option("--version", args->version_text,
                  "Version to show, a positive integer (default: current); NAME@N does the same");
  cmd->add_option("--kind", args->kind, std::string("Kind of NAME: ") + registry::KindNamesHelp());
  cmd->add_flag("--json", args->json, "Print JSON");
  cmd->callback([ctx, args] { ctx->run = [ctx, args] { return RunDescribe(ctx->repo, *args); }; });
}

}  // namespace tessera::cli
