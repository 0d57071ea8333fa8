// `tessera search TEXT` (ranked discovery) and `tessera lineage NAME` (what
// an object depends on, and what depends on it).
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <optional>

#include "tessera/cli/lineage_tree.h"
#include "tessera/cli/output.h"
#include "tessera/cli/registry_commands.h"
#include "tessera/cli/repo_session.h"
#include "tessera/registry/json_documents.h"
#include "tessera/registry/object_kinds.h"

namespace tessera::cli {
namespace {

using registry::LineageDirection;
using registry::LineageGraph;
using registry::LineageNode;
using registry::ObjectRef;

struct SearchArgs {
  std::vector<std::string> words;
  bool json = false;
};

CommandStatus RunSearch(const std::string& repo_dir, const SearchArgs& args) {
  std::string text;
  for (const std::string& w : args.words) text += (text.empty() ? "" : " ") + w;
  TS_ASSIGN_OR_RETURN(auto reg, OpenExistingRegistry(repo_dir));
  TS_ASSIGN_OR_RETURN(std::vector<registry::SearchResult> results, reg->Search(text));
  if (args.json) {
    std::cout << registry::SearchDocument(results) << "\n";
    return Status::OK();
  }
  Table table({"RANK", "SCORE", "KIND", "NAME", "WHY"});
  int rank = 0;
  for (const registry::SearchResult& r : results) {
    table.AddRow({std::to_string(++rank), std::to_string(r.score),
                  registry::KindDisplayName(r.kind), r.name, r.why});
  }
  table.Print(std::cout);
  return Status::OK();
}

struct LineageArgs {
  std::string name;
  std::string kind;
  bool upstream = false;
  bool downstream = false;
  bool direct = false;
  bool json = false;
};

CommandStatus RunLineage(const std::string& repo_dir, const LineageArgs& args) {
  std::optional<registry::ObjectKind> kind;
  if (!args.kind.empty()) {
    auto parsed = registry::ParseKindName(args.kind);
    if (!parsed.ok()) return CommandStatus::Usage(parsed.status().message());
    kind = *parsed;
  }
  // Neither flag: both directions, upstream first.
  std::vector<LineageDirection> directions;
  if (args.upstream || !args.downstream) directions.push_back(LineageDirection::kUpstream);
  if (args.downstream || !args.upstream) directions.push_back(LineageDirection::kDownstream);
  TS_ASSIGN_OR_RETURN(auto reg, OpenExistingRegistry(repo_dir));
  std::vector<LineageGraph> graphs;
  for (LineageDirection d : directions) {
    TS_ASSIGN_OR_RETURN(LineageGraph graph, reg->Lineage(args.name, d, !args.direct, kind));
    graphs.push_back(std::move(graph));
  }
  if (args.json) {
    std::cout << registry::LineageDocument(graphs) << "\n";
    return Status::OK();
  }
  for (size_t i = 0; i < graphs.size(); ++i) {
    if (i > 0) std::cout << "\n";
    bool up = graphs[i].direction == LineageDirection::kUpstream;
    std::cout << (up ? "Upstream (what it depends on):\n" : "Downstream (what depends on it):\n");
    PrintLineageTree(graphs[i], std::cout);
  }
  return Status::OK();
}

}  // namespace

void RegisterSearchLineageCommands(CLI::App* app, CommandContext* ctx) {
  auto search = std::make_shared<SearchArgs>();
  CLI::App* s = app->add_subcommand(
      "search",
      "Find registered objects by words: each word is matched against names (exact, prefix, "
      "substring), feature names, tags, owners and descriptions, and results are ranked by "
      "score, an exact name first, with the reason each one matched.");
  s->footer("Example:\n  tessera search spend 24h --json");
  s->add_option("TEXT", search->words, "Words to look for")->required();
  s->add_flag("--json", search->json, "Print JSON");
  s->callback(
      [ctx, search] { ctx->run = [ctx, search] { return RunSearch(ctx->repo, *search); }; });

  auto lineage = std::make_shared<LineageArgs>();
  CLI::App* l = app->add_subcommand(
      "lineage",
      "Show the dependencies of an object as a tree of named, typed nodes: --upstream for what "
      "it is built from (a service's views, a view's source and entities, a push source's batch "
      "source), --downstream for what would be affected by changing it; both by default. "
      "Transitive unless --direct. Every dependency is one line; an object reached again is "
      "marked (see above) and not expanded twice.");
  l->footer("Example:\n  tessera lineage transactions --downstream");
  l->add_option("NAME", lineage->name, "Object name")->required();
  l->add_flag("--upstream", lineage->upstream, "What NAME depends on");
  l->add_flag("--downstream", lineage->downstream, "What depends on NAME");
  l->add_flag("--direct", lineage->direct, "Direct neighbours only");
  l->add_option("--kind", lineage->kind, std::string("Kind of NAME: ") + registry::KindNamesHelp());
  l->add_flag("--json", lineage->json, "Print JSON");
  l->callback(
      [ctx, lineage] { ctx->run = [ctx, lineage] { return RunLineage(ctx->repo, *lineage); }; });
}

}  // namespace tessera::cli
