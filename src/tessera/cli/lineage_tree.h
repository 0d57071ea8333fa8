// The text form of `tessera lineage`: a lineage graph drawn as a tree with
// ASCII guides, so any terminal shows it.
//
// Every edge walked is one line, so no dependency is hidden: a node reached
// again (a view's entity also used by another view, a diamond, a cycle in a
// broken registry) is printed again, marked "(see above)", and not expanded
// a second time. The output is therefore linear in nodes + edges; guides are
// drawn for the first kMaxDrawnLevels levels only, deeper lines say how many
// levels are folded, so a line's length is bounded too. Iterative: no
// recursion, whatever the depth.
#pragma once

#include <ostream>

#include "tessera/registry/lineage.h"

namespace tessera::cli {

inline constexpr int kMaxDrawnLevels = 32;

// "name (kind)" as the tree shows a node.
std::string LineageLabel(const registry::ObjectRef& ref);

void PrintLineageTree(const registry::LineageGraph& graph, std::ostream& out);

}  // namespace tessera::cli
