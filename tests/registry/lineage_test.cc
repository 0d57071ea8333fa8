// Lineage: dependency edges of a repo and the upstream/downstream walks,
// on the DESIGN.md example, directly and through the registry.
#include "tessera/registry/lineage.h"

#include <gtest/gtest.h>

#include "registry_fixtures.h"
#include "tessera/registry/registry.h"

namespace tessera::registry {
namespace {

constexpr ObjectKind kEntity = ObjectKind::kEntity;
constexpr ObjectKind kSource = ObjectKind::kSource;
constexpr ObjectKind kView = ObjectKind::kFeatureView;
constexpr ObjectKind kOdfv = ObjectKind::kOnDemandFeatureView;
constexpr ObjectKind kService = ObjectKind::kFeatureService;

// "depth:kind:name" per node, in the graph's order.
std::vector<std::string> Nodes(const LineageGraph& graph) {
  std::vector<std::string> out;
  for (const LineageNode& n : graph.nodes) {
    out.push_back(std::to_string(n.depth) + ":" + ObjectKindName(n.object.kind) + ":" +
                  n.object.name);
  }
  return out;
}

std::string Kind(ObjectKind kind) { return ObjectKindName(kind); }

TEST(FeatureReference, ParsesTheThreeForms) {
  auto whole = ParseFeatureReference("user_spend");
  ASSERT_TRUE(whole.has_value());
  EXPECT_EQ(whole->view, "user_spend");
  EXPECT_EQ(whole->version, 0);
  EXPECT_EQ(whole->feature, "");

  auto one = ParseFeatureReference("user_profile:age");
  ASSERT_TRUE(one.has_value());
  EXPECT_EQ(one->view, "user_profile");
  EXPECT_EQ(one->feature, "age");

  auto pinned = ParseFeatureReference("user_profile@3:age");
  ASSERT_TRUE(pinned.has_value());
  EXPECT_EQ(pinned->view, "user_profile");
  EXPECT_EQ(pinned->version, 3);
  EXPECT_EQ(pinned->feature, "age");

  for (const char* bad : {"", ":age", "v:", "v@:a", "v@x:a", "v@0:a", "v@-1", "@3:a"}) {
    EXPECT_FALSE(ParseFeatureReference(bad).has_value()) << bad;
  }
}

TEST(ExtractDependencies, EdgesOfTheDesignExample) {
  std::vector<DependencyEdge> edges = ExtractDependencies(testing::FraudRepo());
  std::vector<std::string> got;
  for (const DependencyEdge& e : edges) {
    got.push_back(e.from.name + "->" + e.to.name + " " + e.relation +
                  (e.detail.empty() ? "" : " " + e.detail));
  }
  std::vector<std::string> want = {
      "transactions_push->transactions batch_source",
      "user_profile->user entity",
      "user_profile->user_profiles source",
      "user_spend->user entity",
      "user_spend->transactions_push source",
      "txn_scores->txn_request input",  // sources sort before views
      "txn_scores->user_spend input",
      "fraud_model_v1->user_profile feature age,country",
      "fraud_model_v1->user_spend feature *",
      "fraud_model_v1->txn_scores feature *",
  };
  EXPECT_EQ(got, want);
  // Kinds come from where the name is defined.
  EXPECT_EQ(edges[5].to.kind, kSource);  // txn_request
  EXPECT_EQ(edges[9].to.kind, kOdfv);    // txn_scores from the service
}

TEST(ExtractDependencies, PinnedVersionsAreKeptInTheDetail) {
  RepoDefinitions defs = testing::FraudRepo();
  defs.feature_services[0].features = {"user_profile@2:age", "user_profile:country"};
  std::vector<DependencyEdge> edges = ExtractDependencies(defs);
  ASSERT_EQ(edges.back().from.name, "fraud_model_v1");
  EXPECT_EQ(edges.back().detail, "@2:age,country");
}

TEST(TraverseLineage, UpstreamOfTheServiceTransitively) {
  auto edges = ExtractDependencies(testing::FraudRepo());
  LineageGraph g =
      TraverseLineage(edges, {kService, "fraud_model_v1"}, LineageDirection::kUpstream, true);
  std::vector<std::string> want = {
      "1:" + Kind(kView) + ":user_profile",        "1:" + Kind(kView) + ":user_spend",
      "1:" + Kind(kOdfv) + ":txn_scores",          "2:" + Kind(kEntity) + ":user",
      "2:" + Kind(kSource) + ":transactions_push", "2:" + Kind(kSource) + ":txn_request",
      "2:" + Kind(kSource) + ":user_profiles",     "3:" + Kind(kSource) + ":transactions",
  };
  EXPECT_EQ(Nodes(g), want);
  EXPECT_EQ(g.nodes.back().via.name, "transactions_push");
  EXPECT_EQ(g.nodes.back().relation, "batch_source");
}

TEST(TraverseLineage, NotTransitiveStopsAtDepthOne) {
  auto edges = ExtractDependencies(testing::FraudRepo());
  LineageGraph g =
      TraverseLineage(edges, {kService, "fraud_model_v1"}, LineageDirection::kUpstream, false);
  ASSERT_EQ(g.nodes.size(), 3u);
  for (const LineageNode& n : g.nodes) EXPECT_EQ(n.depth, 1);
  EXPECT_EQ(g.edges.size(), 3u);
}

TEST(TraverseLineage, DownstreamOfTheBatchSource) {
  auto edges = ExtractDependencies(testing::FraudRepo());
  LineageGraph g =
      TraverseLineage(edges, {kSource, "transactions"}, LineageDirection::kDownstream, true);
  std::vector<std::string> want = {
      "1:" + Kind(kSource) + ":transactions_push",
      "2:" + Kind(kView) + ":user_spend",
      "3:" + Kind(kOdfv) + ":txn_scores",
      "3:" + Kind(kService) + ":fraud_model_v1",
  };
  EXPECT_EQ(Nodes(g), want);
}

TEST(TraverseLineage, CyclesAreWalkedOnce) {
  std::vector<DependencyEdge> edges = {
      {{kView, "a"}, {kView, "b"}, "input", ""},
      {{kView, "b"}, {kView, "a"}, "input", ""},
  };
  LineageGraph g = TraverseLineage(edges, {kView, "a"}, LineageDirection::kUpstream, true);
  ASSERT_EQ(g.nodes.size(), 1u);
  EXPECT_EQ(g.nodes[0].object.name, "b");
  EXPECT_EQ(g.edges.size(), 2u);
}

class RegistryLineageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto reg = Registry::Open(dir_.File("registry.db"));
    ASSERT_TRUE(reg.ok()) << reg.status().ToString();
    reg_ = std::move(reg).MoveValueUnsafe();
    ASSERT_TRUE(reg_->Apply(testing::FraudRepo(), "alice").ok());
  }
  std::vector<std::string> Walk(const std::string& name, LineageDirection direction) {
    auto g = reg_->Lineage(name, direction, /*transitive=*/true);
    EXPECT_TRUE(g.ok()) << g.status().ToString();
    return g.ok() ? Nodes(*g) : std::vector<std::string>{};
  }

  testing::ScratchDir dir_;
  std::unique_ptr<Registry> reg_;
};

TEST_F(RegistryLineageTest, UpstreamAndDownstreamFromStoredDefinitions) {
  std::vector<std::string> up = Walk("txn_scores", LineageDirection::kUpstream);
  std::vector<std::string> want_up = {
      "1:" + Kind(kSource) + ":txn_request",  "1:" + Kind(kView) + ":user_spend",
      "2:" + Kind(kEntity) + ":user",         "2:" + Kind(kSource) + ":transactions_push",
      "3:" + Kind(kSource) + ":transactions",
  };
  EXPECT_EQ(up, want_up);

  std::vector<std::string> down = Walk("user", LineageDirection::kDownstream);
  std::vector<std::string> want_down = {
      "1:" + Kind(kView) + ":user_profile",
      "1:" + Kind(kView) + ":user_spend",
      "2:" + Kind(kOdfv) + ":txn_scores",
      "2:" + Kind(kService) + ":fraud_model_v1",
  };
  EXPECT_EQ(down, want_down);
  EXPECT_TRUE(reg_->Lineage("nope", LineageDirection::kUpstream, true).status().IsNotFound());
}

TEST_F(RegistryLineageTest, FollowsTheCurrentDefinitions) {
  RepoDefinitions defs = testing::FraudRepo();
  defs.feature_services.clear();                  // removed: no longer downstream
  defs.feature_views[0].source = "transactions";  // user_profile re-pointed
  ASSERT_TRUE(reg_->Apply(defs, "bob").ok());

  std::vector<std::string> down = Walk("transactions", LineageDirection::kDownstream);
  std::vector<std::string> want = {
      "1:" + Kind(kSource) + ":transactions_push",
      "1:" + Kind(kView) + ":user_profile",
      "2:" + Kind(kView) + ":user_spend",
      "3:" + Kind(kOdfv) + ":txn_scores",
  };
  EXPECT_EQ(down, want);
  EXPECT_TRUE(Walk("user_profiles", LineageDirection::kDownstream).empty());
}

}  // namespace
}  // namespace tessera::registry
