#include "tessera/cli/lineage_tree.h"

#include <map>
#include <set>
#include <string>
#include <vector>

#include "tessera/registry/object_kinds.h"

namespace tessera::cli {

using registry::DependencyEdge;
using registry::LineageDirection;
using registry::ObjectRef;

std::string LineageLabel(const ObjectRef& ref) {
  return ref.name + " (" + registry::KindDisplayName(ref.kind) + ")";
}

void PrintLineageTree(const registry::LineageGraph& graph, std::ostream& out) {
  bool up = graph.direction == LineageDirection::kUpstream;
  // The edges leaving each node in the walk's direction, in the graph's
  // (from, to) order.
  std::map<ObjectRef, std::vector<const DependencyEdge*>> children;
  for (const DependencyEdge& e : graph.edges) children[up ? e.from : e.to].push_back(&e);

  out << LineageLabel(graph.root) << "\n";
  if (graph.edges.empty()) {
    out << "(none)\n";
    return;
  }
  std::set<ObjectRef> expanded{graph.root};
  struct Frame {
    const std::vector<const DependencyEdge*>* edges;
    size_t next = 0;
  };
  std::vector<Frame> stack{{&children[graph.root]}};
  std::string guide;  // the drawn guides of the open levels, 4 columns each
  while (!stack.empty()) {
    Frame& top = stack.back();
    if (top.next == top.edges->size()) {
      stack.pop_back();
      if (!stack.empty() && stack.size() < static_cast<size_t>(kMaxDrawnLevels)) {
        guide.resize(guide.size() - 4);
      }
      continue;
    }
    const DependencyEdge& edge = *(*top.edges)[top.next++];
    bool last = top.next == top.edges->size();
    const ObjectRef& node = up ? edge.to : edge.from;
    size_t level = stack.size();  // 1 = a direct neighbour of the root
    std::string line = guide;
    if (level > static_cast<size_t>(kMaxDrawnLevels)) {
      line += "(+" + std::to_string(level - kMaxDrawnLevels) + " levels) ";
    }
    line += (last ? "`-- " : "|-- ") + LineageLabel(node) + "  [" + edge.relation + "]";
    bool repeat = !expanded.insert(node).second;
    out << line << (repeat ? "  (see above)" : "") << "\n";
    if (repeat) continue;
    auto kids = children.find(node);
    if (kids == children.end()) continue;
    // `top` may dangle after the push below; `last` was read already.
    if (level < static_cast<size_t>(kMaxDrawnLevels)) guide += last ? "    " : "|   ";
    stack.push_back({&kids->second});
  }
}

}  // namespace tessera::cli
