// `tessera search TEXT` (ranked discovery) and `tessera lineage NAME` (what
// an object depends on, and what depends on it).
#include <CLI/CLI.hpp>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>

#include "tessera/cli/output.h"
#include "tessera/cli/registry_commands.h"
#include "tessera/cli/repo_session.h"

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

int RunSearch(const std::string& repo_dir, const SearchArgs& args) {
  std::string text;
  for (const std::string& w : args.words) text += (text.empty() ? "" : " ") + w;
  auto reg = OpenExistingRegistry(repo_dir);
  if (!reg.ok()) return Fail(reg.status());
  auto results = (*reg)->Search(text);
  if (!results.ok()) return Fail(results.status());
  if (args.json) {
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    w.StartArray();
    for (const registry::SearchResult& r : *results) {
      w.StartObject();
      WriteStringMember(&w, "kind", registry::ObjectKindName(r.kind));
      WriteStringMember(&w, "name", r.name);
      w.Key("score");
      w.Int(r.score);
      WriteStringMember(&w, "matched_field", r.matched_field);
      WriteStringMember(&w, "why", r.why);
      w.EndObject();
    }
    w.EndArray();
    std::cout << buffer.GetString() << "\n";
    return kExitOk;
  }
  Table table({"RANK", "SCORE", "KIND", "NAME", "WHY"});
  int rank = 0;
  for (const registry::SearchResult& r : *results) {
    table.AddRow({std::to_string(++rank), std::to_string(r.score), registry::ObjectKindName(r.kind),
                  r.name, r.why});
  }
  table.Print(std::cout);
  return kExitOk;
}

struct LineageArgs {
  std::string name;
  std::string kind;
  bool upstream = false;
  bool downstream = false;
  bool direct = false;
  bool json = false;
};

std::string Label(const ObjectRef& ref) {
  return ref.name + " (" + registry::ObjectKindName(ref.kind) + ")";
}

// Nodes form a tree through `via` (each node is listed once, reached from
// one parent), printed with ASCII guides so any terminal shows it.
void PrintTree(const LineageGraph& graph) {
  std::map<ObjectRef, std::vector<const LineageNode*>> children;
  for (const LineageNode& n : graph.nodes) children[n.via].push_back(&n);
  std::cout << Label(graph.root) << "\n";
  std::function<void(const ObjectRef&, const std::string&)> walk = [&](const ObjectRef& parent,
                                                                       const std::string& prefix) {
    const auto& kids = children[parent];
    for (size_t i = 0; i < kids.size(); ++i) {
      bool last = i + 1 == kids.size();
      std::cout << prefix << (last ? "`-- " : "|-- ") << Label(kids[i]->object) << "  ["
                << kids[i]->relation << "]\n";
      walk(kids[i]->object, prefix + (last ? "    " : "|   "));
    }
  };
  walk(graph.root, "");
  if (graph.nodes.empty()) std::cout << "(none)\n";
}

void WriteRef(JsonWriter* w, const ObjectRef& ref) {
  w->StartObject();
  WriteStringMember(w, "kind", registry::ObjectKindName(ref.kind));
  WriteStringMember(w, "name", ref.name);
  w->EndObject();
}

void WriteGraph(JsonWriter* w, const LineageGraph& graph) {
  w->StartObject();
  WriteStringMember(w, "direction",
                    graph.direction == LineageDirection::kUpstream ? "upstream" : "downstream");
  w->Key("root");
  WriteRef(w, graph.root);
  w->Key("nodes");
  w->StartArray();
  for (const LineageNode& n : graph.nodes) {
    w->StartObject();
    WriteStringMember(w, "kind", registry::ObjectKindName(n.object.kind));
    WriteStringMember(w, "name", n.object.name);
    w->Key("depth");
    w->Int(n.depth);
    WriteStringMember(w, "relation", n.relation);
    w->Key("via");
    WriteRef(w, n.via);
    w->EndObject();
  }
  w->EndArray();
  w->Key("edges");
  w->StartArray();
  for (const registry::DependencyEdge& e : graph.edges) {
    w->StartObject();
    w->Key("from");
    WriteRef(w, e.from);
    w->Key("to");
    WriteRef(w, e.to);
    WriteStringMember(w, "relation", e.relation);
    if (!e.detail.empty()) WriteStringMember(w, "detail", e.detail);
    w->EndObject();
  }
  w->EndArray();
  w->EndObject();
}

int RunLineage(const std::string& repo_dir, const LineageArgs& args) {
  std::optional<registry::ObjectKind> kind;
  if (!args.kind.empty()) {
    auto parsed = registry::ParseObjectKind(args.kind);
    if (!parsed.ok()) return UsageError(parsed.status().message());
    kind = *parsed;
  }
  // Neither flag: both directions, upstream first.
  std::vector<LineageDirection> directions;
  if (args.upstream || !args.downstream) directions.push_back(LineageDirection::kUpstream);
  if (args.downstream || !args.upstream) directions.push_back(LineageDirection::kDownstream);
  auto reg = OpenExistingRegistry(repo_dir);
  if (!reg.ok()) return Fail(reg.status());
  std::vector<LineageGraph> graphs;
  for (LineageDirection d : directions) {
    auto graph = (*reg)->Lineage(args.name, d, !args.direct, kind);
    if (!graph.ok()) return Fail(graph.status());
    graphs.push_back(std::move(*graph));
  }
  if (args.json) {
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    w.StartObject();
    for (const LineageGraph& g : graphs) {
      w.Key(g.direction == LineageDirection::kUpstream ? "upstream" : "downstream");
      WriteGraph(&w, g);
    }
    w.EndObject();
    std::cout << buffer.GetString() << "\n";
    return kExitOk;
  }
  for (size_t i = 0; i < graphs.size(); ++i) {
    if (i > 0) std::cout << "\n";
    bool up = graphs[i].direction == LineageDirection::kUpstream;
    std::cout << (up ? "Upstream (what it depends on):\n" : "Downstream (what depends on it):\n");
    PrintTree(graphs[i]);
  }
  return kExitOk;
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
      "Transitive unless --direct.");
  l->footer("Example:\n  tessera lineage transactions --downstream");
  l->add_option("NAME", lineage->name, "Object name")->required();
  l->add_flag("--upstream", lineage->upstream, "What NAME depends on");
  l->add_flag("--downstream", lineage->downstream, "What depends on NAME");
  l->add_flag("--direct", lineage->direct, "Direct neighbours only");
  l->add_option("--kind", lineage->kind, "entity | source | view | odfv | service");
  l->add_flag("--json", lineage->json, "Print JSON");
  l->callback(
      [ctx, lineage] { ctx->run = [ctx, lineage] { return RunLineage(ctx->repo, *lineage); }; });
}

}  // namespace tessera::cli
