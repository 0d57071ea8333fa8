// Lineage: which registry objects depend on which. Edges point from a
// dependent object to what it depends on:
//   feature view           -> its entities and its source
//   push source            -> its batch source
//   on-demand feature view -> its inputs (feature views, request sources)
//   feature service        -> the views its features come from ("view",
//                             "view:feature", "view@3:feature")
// Upstream of X is what X depends on; downstream is what depends on X.
//
// The registry stores the edges of the current version of every live object
// (recomputed at each apply), so lineage reflects the current definitions.
// Everything here is a pure function over plain values; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tessera/registry/definitions.h"

namespace tessera::registry {

struct ObjectRef {
  ObjectKind kind = ObjectKind::kEntity;
  std::string name;

  friend bool operator==(const ObjectRef&, const ObjectRef&) = default;
  friend auto operator<=>(const ObjectRef&, const ObjectRef&) = default;
};

struct DependencyEdge {
  ObjectRef from;        // the dependent object
  ObjectRef to;          // what it depends on
  std::string relation;  // "entity", "source", "batch_source", "input", "feature"
  // For a service edge: the referenced features ("age", "*" for the whole
  // view), with "@N" when pinned ("@3:age"), comma-separated; else empty.
  std::string detail;

  friend bool operator==(const DependencyEdge&, const DependencyEdge&) = default;
};

// A service's feature reference parsed: "view", "view:feature",
// "view@3:feature" (version 0 = current, feature empty = all features).
struct FeatureReference {
  std::string view;
  int64_t version = 0;
  std::string feature;
};
// Fails (nullopt) on an empty view, a bad "@N" or an empty feature after ':'.
std::optional<FeatureReference> ParseFeatureReference(const std::string& text);

// The outgoing edges of every object of `defs`, sorted by from, to, relation.
// A reference to a name not in `defs` gets the kind its position implies
// (a service or on-demand input is taken as a feature view).
std::vector<DependencyEdge> ExtractDependencies(const RepoDefinitions& defs);

enum class LineageDirection { kUpstream, kDownstream };

struct LineageNode {
  ObjectRef object;
  int depth = 0;         // 1 = direct neighbour of the root
  std::string relation;  // relation of the edge that first reached it
  ObjectRef via;         // the node it was reached from (the root at depth 1)
};

struct LineageGraph {
  ObjectRef root;
  LineageDirection direction = LineageDirection::kUpstream;
  // Reachable nodes, each once at its smallest depth, ordered by depth, kind,
  // name. The root is not among them.
  std::vector<LineageNode> nodes;
  // Every edge walked (between the root and nodes), in from/to order.
  std::vector<DependencyEdge> edges;
};

// Walks `edges` from `root` (breadth first). Not transitive: depth 1 only.
// Cycles (which a valid repo does not have) are walked once.
LineageGraph TraverseLineage(const std::vector<DependencyEdge>& edges, const ObjectRef& root,
                             LineageDirection direction, bool transitive);

}  // namespace tessera::registry
