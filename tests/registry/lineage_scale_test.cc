// Lineage on a 100,000-node chain of on-demand views, built directly with
// the lineage API: the walk is iterative (no stack overflow), visits each
// node once, and the JSON document stays linear and valid.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "tessera/registry/json_documents.h"
#include "tessera/registry/lineage.h"

namespace tessera::registry {
namespace {

constexpr int kChain = 100000;

std::vector<DependencyEdge> Chain() {
  std::vector<DependencyEdge> edges;
  edges.reserve(kChain);
  for (int i = 0; i + 1 < kChain; ++i) {
    edges.push_back({{ObjectKind::kOnDemandFeatureView, "v" + std::to_string(i)},
                     {ObjectKind::kOnDemandFeatureView, "v" + std::to_string(i + 1)},
                     "input",
                     ""});
  }
  return edges;
}

TEST(LineageScale, HundredThousandChainUpstreamAndDownstream) {
  std::vector<DependencyEdge> edges = Chain();
  LineageGraph up = TraverseLineage(edges, {ObjectKind::kOnDemandFeatureView, "v0"},
                                    LineageDirection::kUpstream, true);
  ASSERT_EQ(up.nodes.size(), static_cast<size_t>(kChain - 1));
  ASSERT_EQ(up.edges.size(), static_cast<size_t>(kChain - 1));
  for (int i = 0; i < kChain - 1; ++i) {
    ASSERT_EQ(up.nodes[i].depth, i + 1);
    ASSERT_EQ(up.nodes[i].object.name, "v" + std::to_string(i + 1));
  }
  LineageGraph down = TraverseLineage(edges, {ObjectKind::kOnDemandFeatureView, "v99999"},
                                      LineageDirection::kDownstream, true);
  ASSERT_EQ(down.nodes.size(), static_cast<size_t>(kChain - 1));
  EXPECT_EQ(down.nodes.back().object.name, "v0");
  EXPECT_EQ(down.nodes.back().depth, kChain - 1);

  std::string json = LineageDocument({up});
  // Linear: a bounded number of bytes per node and edge.
  EXPECT_LT(json.size(), static_cast<size_t>(kChain) * 600);
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(json.c_str());
  ASSERT_FALSE(doc.HasParseError());
  EXPECT_EQ(doc["upstream"]["nodes"].Size(), static_cast<rapidjson::SizeType>(kChain - 1));
}

}  // namespace
}  // namespace tessera::registry
