#include "tessera/registry/lineage.h"

#include <algorithm>
#include <charconv>
#include <deque>
#include <map>
#include <set>
#include <tuple>

namespace tessera::registry {
namespace {

bool EdgeLess(const DependencyEdge& a, const DependencyEdge& b) {
  return std::tie(a.from, a.to, a.relation, a.detail) <
         std::tie(b.from, b.to, b.relation, b.detail);
}

// Which kind a referenced name has, given the kinds it may be, in order of
// preference; the first when none holds the name (an unvalidated repo).
class NameKinds {
 public:
  explicit NameKinds(const RepoDefinitions& defs) {
    for (const auto& e : defs.entities) names_.insert({ObjectKind::kEntity, e.name});
    for (const auto& s : defs.sources) names_.insert({ObjectKind::kSource, s.name});
    for (const auto& v : defs.feature_views) names_.insert({ObjectKind::kFeatureView, v.name});
    for (const auto& v : defs.on_demand_feature_views) {
      names_.insert({ObjectKind::kOnDemandFeatureView, v.name});
    }
  }
  ObjectRef Resolve(const std::string& name, std::initializer_list<ObjectKind> kinds) const {
    for (ObjectKind kind : kinds) {
      if (names_.count({kind, name}) > 0) return {kind, name};
    }
    return {*kinds.begin(), name};
  }

 private:
  std::set<std::pair<ObjectKind, std::string>> names_;
};

void AddViewEdges(const FeatureView& view, std::vector<DependencyEdge>* out) {
  ObjectRef from{ObjectKind::kFeatureView, view.name};
  for (const std::string& entity : view.entities) {
    out->push_back({from, {ObjectKind::kEntity, entity}, "entity", ""});
  }
  if (!view.source.empty())
    out->push_back({from, {ObjectKind::kSource, view.source}, "source", ""});
}

void AddOnDemandEdges(const OnDemandFeatureView& view, const NameKinds& kinds,
                      std::vector<DependencyEdge>* out) {
  ObjectRef from{ObjectKind::kOnDemandFeatureView, view.name};
  for (const std::string& input : view.inputs) {
    ObjectRef to = kinds.Resolve(
        input, {ObjectKind::kFeatureView, ObjectKind::kOnDemandFeatureView, ObjectKind::kSource});
    out->push_back({from, to, "input", ""});
  }
}

// One edge per referenced view; `detail` lists what of it the service uses.
void AddServiceEdges(const FeatureService& service, const NameKinds& kinds,
                     std::vector<DependencyEdge>* out) {
  std::map<ObjectRef, std::string> details;
  for (const std::string& text : service.features) {
    FeatureReference ref = ParseFeatureReference(text).value_or(FeatureReference{text, 0, ""});
    std::string part = ref.feature.empty() ? "*" : ref.feature;
    if (ref.version > 0) part = "@" + std::to_string(ref.version) + ":" + part;
    ObjectRef to =
        kinds.Resolve(ref.view, {ObjectKind::kFeatureView, ObjectKind::kOnDemandFeatureView});
    std::string& detail = details[to];
    detail += (detail.empty() ? "" : ",") + part;
  }
  ObjectRef from{ObjectKind::kFeatureService, service.name};
  for (auto& [to, detail] : details) out->push_back({from, to, "feature", detail});
}

}  // namespace

std::optional<FeatureReference> ParseFeatureReference(const std::string& text) {
  FeatureReference ref;
  size_t colon = text.find(':');
  std::string head = text.substr(0, colon);
  if (colon != std::string::npos) {
    ref.feature = text.substr(colon + 1);
    if (ref.feature.empty()) return std::nullopt;
  }
  size_t at = head.find('@');
  ref.view = head.substr(0, at);
  if (ref.view.empty()) return std::nullopt;
  if (at != std::string::npos) {
    const char* begin = head.data() + at + 1;
    const char* end = head.data() + head.size();
    auto [ptr, ec] = std::from_chars(begin, end, ref.version);
    if (begin == end || ec != std::errc() || ptr != end || ref.version < 1) return std::nullopt;
  }
  return ref;
}

std::vector<DependencyEdge> ExtractDependencies(const RepoDefinitions& defs) {
  NameKinds kinds(defs);
  std::vector<DependencyEdge> edges;
  for (const Source& source : defs.sources) {
    if (source.kind == SourceKind::kPush && !source.batch_source.empty()) {
      edges.push_back({{ObjectKind::kSource, source.name},
                       {ObjectKind::kSource, source.batch_source},
                       "batch_source",
                       ""});
    }
  }
  for (const FeatureView& view : defs.feature_views) AddViewEdges(view, &edges);
  for (const OnDemandFeatureView& view : defs.on_demand_feature_views) {
    AddOnDemandEdges(view, kinds, &edges);
  }
  for (const FeatureService& service : defs.feature_services) {
    AddServiceEdges(service, kinds, &edges);
  }
  std::sort(edges.begin(), edges.end(), EdgeLess);
  return edges;
}

LineageGraph TraverseLineage(const std::vector<DependencyEdge>& edges, const ObjectRef& root,
                             LineageDirection direction, bool transitive) {
  bool up = direction == LineageDirection::kUpstream;
  std::multimap<ObjectRef, const DependencyEdge*> adjacent;
  for (const DependencyEdge& edge : edges) adjacent.emplace(up ? edge.from : edge.to, &edge);

  LineageGraph graph;
  graph.root = root;
  graph.direction = direction;
  std::map<ObjectRef, int> depth_of{{root, 0}};
  std::deque<ObjectRef> queue{root};
  while (!queue.empty()) {
    ObjectRef node = queue.front();
    queue.pop_front();
    int depth = depth_of[node];
    if (depth >= 1 && !transitive) continue;
    auto [begin, end] = adjacent.equal_range(node);
    for (auto it = begin; it != end; ++it) {
      const DependencyEdge& edge = *it->second;
      graph.edges.push_back(edge);
      const ObjectRef& next = up ? edge.to : edge.from;
      if (depth_of.count(next) > 0) continue;  // seen at a smaller or equal depth
      depth_of[next] = depth + 1;
      graph.nodes.push_back({next, depth + 1, edge.relation, node});
      queue.push_back(next);
    }
  }
  std::sort(graph.nodes.begin(), graph.nodes.end(), [](const auto& a, const auto& b) {
    return std::tie(a.depth, a.object) < std::tie(b.depth, b.object);
  });
  std::sort(graph.edges.begin(), graph.edges.end(), EdgeLess);
  return graph;
}

}  // namespace tessera::registry
