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
#include "tessera/registry/json_documents.h"
#include "tessera/registry/object_kinds.h"

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

CommandStatus RunList(const std::string& repo_dir, const ListArgs& args) {
  auto kind = registry::ParseKindName(args.kind);
  if (!kind.ok()) return CommandStatus::Usage(kind.status().message());
  registry::ListFilter filter;
  filter.owner = args.owner;
  filter.include_deleted = args.include_deleted;
  for (const std::string& tag : args.tags) {
    std::string key, value;
    if (!ParseTagFilter(tag, &key, &value)) {
      return CommandStatus::Usage("--tag expects key=value, got '" + tag + "'");
    }
    filter.tags[key] = value;
  }
  TS_ASSIGN_OR_RETURN(auto reg, OpenExistingRegistry(repo_dir));
  TS_ASSIGN_OR_RETURN(std::vector<ObjectSummary> objects, reg->List(*kind, filter));
  if (args.json) {
    std::cout << registry::ListDocument(objects) << "\n";
  } else {
    PrintTable(objects);
  }
  return Status::OK();
}

}  // namespace

void RegisterListCommand(CLI::App* app, CommandContext* ctx) {
  auto args = std::make_shared<ListArgs>();
  CLI::App* cmd = app->add_subcommand(
      "list",
      "List the objects of one kind registered by the last apply (entities, sources, "
      "feature-views, on-demand-views or services; singular and short forms work too) with their "
      "current version, owner, tags and description. "
      "--tag (repeatable; all must match) and --owner filter; --json prints a JSON array for "
      "scripts.");
  cmd->footer("Example:\n  tessera list views --tag tier=gold --owner risk@example.com");
  cmd->add_option("KIND", args->kind, std::string("Kind of objects: ") + registry::KindNamesHelp())
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
