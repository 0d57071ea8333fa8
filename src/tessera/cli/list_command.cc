// `tessera list KIND`: the registered objects of one kind, as a table or
// JSON, filtered by tags and owner.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <optional>

#include "tessera/cli/output.h"
#include "tessera/cli/registry_commands.h"
#include "tessera/cli/repo_session.h"
#include "tessera/core/time.h"

namespace tessera::cli {
namespace {

using registry::ObjectKind;
using registry::ObjectSummary;

struct ListArgs {
  std::string kind;
  std::vector<std::string> tags;
  std::string owner;
  bool json = false;
  bool include_deleted = false;
};

// The plural forms users type; the singular and registry spellings
// (ParseObjectKind) work too.
std::optional<ObjectKind> ParseListKind(const std::string& text) {
  if (text == "entities") return ObjectKind::kEntity;
  if (text == "sources") return ObjectKind::kSource;
  if (text == "views" || text == "feature-views" || text == "feature_views") {
    return ObjectKind::kFeatureView;
  }
  if (text == "on-demand-views" || text == "on_demand_views" || text == "on-demand-feature-views" ||
      text == "on_demand_feature_views" || text == "odfvs") {
    return ObjectKind::kOnDemandFeatureView;
  }
  if (text == "services" || text == "feature-services" || text == "feature_services") {
    return ObjectKind::kFeatureService;
  }
  auto parsed = registry::ParseObjectKind(text);
  if (parsed.ok()) return *parsed;
  return std::nullopt;
}

// Long descriptions would make the table unreadable; JSON keeps them whole.
std::string Shorten(const std::string& text, size_t max) {
  if (text.size() <= max) return text;
  return text.substr(0, max - 3) + "...";
}

void PrintTable(const std::vector<ObjectSummary>& objects) {
  Table table({"NAME", "VERSION", "OWNER", "TAGS", "DESCRIPTION"});
  for (const ObjectSummary& o : objects) {
    std::string version = "v" + std::to_string(o.version) + (o.deleted ? " (deleted)" : "");
    table.AddRow({o.name, version, o.owner, FormatTags(o.tags), Shorten(o.description, 60)});
  }
  table.Print(std::cout);
}

void PrintJson(const std::vector<ObjectSummary>& objects) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartArray();
  for (const ObjectSummary& o : objects) {
    w.StartObject();
    WriteStringMember(&w, "kind", registry::ObjectKindName(o.kind));
    WriteStringMember(&w, "name", o.name);
    w.Key("version");
    w.Int64(o.version);
    WriteStringMember(&w, "owner", o.owner);
    WriteStringMember(&w, "description", o.description);
    w.Key("tags");
    WriteStringMap(&w, o.tags);
    w.Key("deleted");
    w.Bool(o.deleted);
    WriteStringMember(&w, "updated_at", FormatTimestamp(o.updated_at));
    w.EndObject();
  }
  w.EndArray();
  std::cout << buffer.GetString() << "\n";
}

int RunList(const std::string& repo_dir, const ListArgs& args) {
  std::optional<ObjectKind> kind = ParseListKind(args.kind);
  if (!kind) {
    return UsageError("unknown kind '" + args.kind +
                      "': expected entities, sources, views, on-demand-views or services");
  }
  registry::ListFilter filter;
  filter.owner = args.owner;
  filter.include_deleted = args.include_deleted;
  for (const std::string& tag : args.tags) {
    std::string key, value;
    if (!ParseTagFilter(tag, &key, &value)) {
      return UsageError("--tag expects key=value, got '" + tag + "'");
    }
    filter.tags[key] = value;
  }
  auto reg = OpenExistingRegistry(repo_dir);
  if (!reg.ok()) return Fail(reg.status());
  auto objects = (*reg)->List(kind, filter);
  if (!objects.ok()) return Fail(objects.status());
  if (args.json) {
    PrintJson(*objects);
  } else {
    PrintTable(*objects);
  }
  return kExitOk;
}

}  // namespace

void RegisterListCommand(CLI::App* app, CommandContext* ctx) {
  auto args = std::make_shared<ListArgs>();
  CLI::App* cmd = app->add_subcommand(
      "list",
      "List the objects of one kind registered by the last apply (entities, sources, views, "
      "on-demand-views or services) with their current version, owner, tags and description. "
      "--tag (repeatable; all must match) and --owner filter; --json prints a JSON array for "
      "scripts.");
  cmd->footer("Example:\n  tessera list views --tag tier=gold --owner risk@example.com");
  cmd->add_option("KIND", args->kind, "entities | sources | views | on-demand-views | services")
      ->required();
  // One value per --tag, so `--tag a=b views` does not swallow the kind.
  cmd->add_option("--tag", args->tags, "Only objects with this tag, as key=value (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--owner", args->owner, "Only objects with this owner");
  cmd->add_flag("--json", args->json, "Print JSON instead of a table");
  cmd->add_flag("--deleted", args->include_deleted, "Include objects removed from the repo");
  cmd->callback([ctx, args] { ctx->run = [ctx, args] { return RunList(ctx->repo, *args); }; });
}

}  // namespace tessera::cli
