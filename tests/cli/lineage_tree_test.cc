// The lineage tree printer (cli/lineage_tree.h): every edge one line,
// repeats marked and not expanded again, linear output on a 100,000-node
// chain (no recursion, bounded line length).
#include "tessera/cli/lineage_tree.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace tessera::cli {
namespace {

using registry::DependencyEdge;
using registry::LineageDirection;
using registry::ObjectKind;
using registry::ObjectRef;

ObjectRef View(const std::string& name) { return {ObjectKind::kFeatureView, name}; }
ObjectRef Entity(const std::string& name) { return {ObjectKind::kEntity, name}; }
ObjectRef Odfv(const std::string& name) { return {ObjectKind::kOnDemandFeatureView, name}; }

std::string Tree(const std::vector<DependencyEdge>& edges, const ObjectRef& root,
                 LineageDirection direction) {
  std::ostringstream out;
  PrintLineageTree(registry::TraverseLineage(edges, root, direction, true), out);
  return out.str();
}

// A diamond: the service reads two views that share an entity and a source.
TEST(LineageTree, RepeatsAreMarkedNotHidden) {
  ObjectRef service{ObjectKind::kFeatureService, "svc"};
  ObjectRef source{ObjectKind::kSource, "src"};
  std::vector<DependencyEdge> edges = {
      {service, View("a"), "feature", "*"},      {service, View("b"), "feature", "x"},
      {View("a"), Entity("user"), "entity", ""}, {View("a"), source, "source", ""},
      {View("b"), Entity("user"), "entity", ""}, {View("b"), source, "source", ""},
  };
  EXPECT_EQ(Tree(edges, service, LineageDirection::kUpstream),
            "svc (service)\n"
            "|-- a (feature-view)  [feature]\n"
            "|   |-- user (entity)  [entity]\n"
            "|   `-- src (source)  [source]\n"
            "`-- b (feature-view)  [feature]\n"
            "    |-- user (entity)  [entity]  (see above)\n"
            "    `-- src (source)  [source]  (see above)\n");
  EXPECT_EQ(Tree(edges, Entity("user"), LineageDirection::kDownstream),
            "user (entity)\n"
            "|-- a (feature-view)  [entity]\n"
            "|   `-- svc (service)  [feature]\n"
            "`-- b (feature-view)  [entity]\n"
            "    `-- svc (service)  [feature]  (see above)\n");
}

// A repeated node with children of its own is not expanded again.
TEST(LineageTree, ARepeatIsNotExpandedAgain) {
  std::vector<DependencyEdge> edges = {
      {Odfv("top"), Odfv("l"), "input", ""},    {Odfv("top"), Odfv("r"), "input", ""},
      {Odfv("l"), Odfv("shared"), "input", ""}, {Odfv("r"), Odfv("shared"), "input", ""},
      {Odfv("shared"), View("v"), "input", ""}, {View("v"), Entity("e"), "entity", ""},
  };
  EXPECT_EQ(Tree(edges, Odfv("top"), LineageDirection::kUpstream),
            "top (on-demand-view)\n"
            "|-- l (on-demand-view)  [input]\n"
            "|   `-- shared (on-demand-view)  [input]\n"
            "|       `-- v (feature-view)  [input]\n"
            "|           `-- e (entity)  [entity]\n"
            "`-- r (on-demand-view)  [input]\n"
            "    `-- shared (on-demand-view)  [input]  (see above)\n");
}

TEST(LineageTree, NoEdgesSaysNone) {
  EXPECT_EQ(Tree({}, Entity("e"), LineageDirection::kUpstream), "e (entity)\n(none)\n");
}

// A cycle (which a valid repo cannot have) ends at the repeat.
TEST(LineageTree, CycleEnds) {
  std::vector<DependencyEdge> edges = {{Odfv("a"), Odfv("b"), "input", ""},
                                       {Odfv("b"), Odfv("a"), "input", ""}};
  EXPECT_EQ(Tree(edges, Odfv("a"), LineageDirection::kUpstream),
            "a (on-demand-view)\n"
            "`-- b (on-demand-view)  [input]\n"
            "    `-- a (on-demand-view)  [input]  (see above)\n");
}

// 100,000 chained on-demand views (issue 6: the recursive printer overflowed
// the stack, and its output grew with the square of the depth).
TEST(LineageTree, HundredThousandChainIsLinear) {
  constexpr int kChain = 100000;
  std::vector<DependencyEdge> edges;
  edges.reserve(kChain);
  for (int i = 0; i + 1 < kChain; ++i) {
    edges.push_back(
        {Odfv("v" + std::to_string(i)), Odfv("v" + std::to_string(i + 1)), "input", ""});
  }
  std::string text = Tree(edges, Odfv("v0"), LineageDirection::kUpstream);
  std::istringstream in(text);
  size_t lines = 0, longest = 0;
  std::string last;
  for (std::string line; std::getline(in, line); ++lines) {
    longest = std::max(longest, line.size());
    last = line;
  }
  EXPECT_EQ(lines, static_cast<size_t>(kChain));  // the root, then one line per edge
  // 31 drawn levels of 4 columns, the fold marker, the connector, the label.
  const std::string deepest_label = "v99999 (on-demand-view)  [input]";
  EXPECT_EQ(last, std::string(4 * (kMaxDrawnLevels - 1), ' ') + "(+" +
                      std::to_string(kChain - 1 - kMaxDrawnLevels) + " levels) `-- " +
                      deepest_label);
  EXPECT_LE(longest, last.size());
  EXPECT_LE(text.size(), static_cast<size_t>(kChain) * (last.size() + 1));

  std::string down = Tree(edges, Odfv("v99999"), LineageDirection::kDownstream);
  EXPECT_EQ(std::count(down.begin(), down.end(), '\n'), kChain);
}

}  // namespace
}  // namespace tessera::cli
