// Pinned references ("view@N:feature") are checked at plan and apply
// against the stored versions and the version the apply creates
// (docs/DEFINITIONS.md, feature_services).
#include "tessera/registry/pinned_refs.h"

#include <gtest/gtest.h>

#include <string>

#include "registry_fixtures.h"
#include "tessera/registry/registry.h"

namespace tessera::registry {
namespace {

using testing::DumpTables;
using testing::FraudRepo;
using testing::ScratchDir;

// FraudRepo with `refs` appended to its service, each reported at
// services.yaml:10, 11, ...
RepoDefinitions WithPins(const std::vector<std::string>& refs, RepoDefinitions d = FraudRepo()) {
  FeatureService& s = d.feature_services[0];
  s.feature_locations.clear();
  for (size_t k = 0; k < s.features.size(); ++k) {
    s.feature_locations.push_back({"services.yaml", static_cast<int>(4 + k)});
  }
  for (const std::string& ref : refs) {
    s.features.push_back(ref);
    s.feature_locations.push_back({"services.yaml", static_cast<int>(4 + s.features.size() - 1)});
  }
  return d;
}

class PinnedRefsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto reg = Registry::Open(dir_.File("registry.db"));
    ASSERT_TRUE(reg.ok()) << reg.status().ToString();
    reg_ = std::move(reg).MoveValueUnsafe();
    ASSERT_TRUE(reg_->Apply(FraudRepo(), "alice").ok());  // every object at version 1
  }

  // The plan's and the apply's error for `defs` (which must be equal), and
  // that the failed apply wrote nothing.
  std::string PlanAndApplyError(const RepoDefinitions& defs) {
    auto plan = reg_->ComputePlan(defs);
    EXPECT_FALSE(plan.ok());
    auto dump = DumpTables(dir_.File("registry.db"));
    auto applied = reg_->Apply(defs, "alice");
    EXPECT_FALSE(applied.ok());
    EXPECT_TRUE(applied.status().IsInvalid());
    EXPECT_EQ(applied.status().message(), plan.status().message());
    EXPECT_EQ(DumpTables(dir_.File("registry.db")), dump);
    return plan.status().message();
  }

  ScratchDir dir_;
  std::unique_ptr<Registry> reg_;
};

TEST_F(PinnedRefsTest, VersionThatDoesNotExistIsAnError) {
  EXPECT_EQ(PlanAndApplyError(WithPins({"user_profile@99:age"})),
            "services.yaml:8: feature service 'fraud_model_v1': feature view 'user_profile' has no "
            "version 99 (in 'user_profile@99:age'; its latest version is 1)");
  // All features of a missing version, and an on-demand view.
  EXPECT_EQ(PlanAndApplyError(WithPins({"user_profile@2", "txn_scores@3:amount_vs_day"})),
            "services.yaml:8: feature service 'fraud_model_v1': feature view 'user_profile' has no "
            "version 2 (in 'user_profile@2'; its latest version is 1)\n"
            "services.yaml:9: feature service 'fraud_model_v1': on-demand feature view "
            "'txn_scores' has no version 3 (in 'txn_scores@3:amount_vs_day'; its latest version "
            "is 1)");
}

TEST_F(PinnedRefsTest, FeatureMissingFromThePinnedVersionIsAnError) {
  EXPECT_EQ(PlanAndApplyError(WithPins({"user_profile@1:nope"})),
            "services.yaml:8: feature service 'fraud_model_v1': version 1 of feature view "
            "'user_profile' has no feature 'nope' (in 'user_profile@1:nope')");
}

TEST_F(PinnedRefsTest, ValidPinsPassPlanAndApply) {
  // Stored version 1: a declared feature, an aggregation's generated
  // feature, an on-demand view's feature, all features.
  RepoDefinitions defs = WithPins({"user_profile@1:age", "user_spend@1:amount_sum_24h",
                                   "txn_scores@1:amount_vs_day", "user_spend@1"});
  ASSERT_TRUE(reg_->ComputePlan(defs).ok()) << reg_->ComputePlan(defs).status().ToString();
  auto applied = reg_->Apply(defs, "alice");
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
}

TEST_F(PinnedRefsTest, VersionCreatedByThisApplyCounts) {
  RepoDefinitions d = FraudRepo();
  d.feature_views[0].features.push_back(testing::Feature("score", DataType::Double()));
  // Version 2 is created by this apply and has the new feature; version 1
  // does not have it.
  EXPECT_EQ(PlanAndApplyError(WithPins({"user_profile@1:score"}, d)),
            "services.yaml:8: feature service 'fraud_model_v1': version 1 of feature view "
            "'user_profile' has no feature 'score' (in 'user_profile@1:score')");
  RepoDefinitions pinned = WithPins({"user_profile@2:score", "user_profile@1:age"}, d);
  ASSERT_TRUE(reg_->ComputePlan(pinned).ok());
  ASSERT_TRUE(reg_->Apply(pinned, "alice").ok());
  // Stored now: the same pins still hold, and version 3 does not exist.
  ASSERT_TRUE(reg_->ComputePlan(pinned).ok());
  EXPECT_EQ(PlanAndApplyError(WithPins({"user_profile@3:score"}, d)),
            "services.yaml:8: feature service 'fraud_model_v1': feature view 'user_profile' has no "
            "version 3 (in 'user_profile@3:score'; its latest version is 2)");
}

// A stored version's generated names are Aggregation::FeatureName's: a
// count of events, a percentile and last_n carry their own spellings.
TEST_F(PinnedRefsTest, StoredVersionsHaveTheGeneratedNamesOfEveryFunction) {
  RepoDefinitions d = FraudRepo();
  Aggregation count;
  count.function = "count";
  count.windows = {24 * kMicrosPerHour};
  Aggregation p99;
  p99.column = "amount";
  p99.function = "approx_percentile";
  p99.p = 0.99;
  p99.windows = {24 * kMicrosPerHour};
  Aggregation last5;
  last5.column = "amount";
  last5.function = "last_n";
  last5.k = 5;
  last5.windows = {7 * kMicrosPerDay};
  for (Aggregation* a : {&count, &p99, &last5}) a->tile_widths.assign(a->windows.size(), 0);
  d.feature_views[1].aggregations.insert(d.feature_views[1].aggregations.end(),
                                         {count, p99, last5});
  ASSERT_TRUE(reg_->Apply(d, "alice").ok());  // user_spend version 2, stored
  RepoDefinitions pinned = WithPins(
      {"user_spend@2:count_24h", "user_spend@2:amount_p99_24h", "user_spend@2:amount_last5_7d"}, d);
  auto plan = reg_->ComputePlan(pinned);
  EXPECT_TRUE(plan.ok()) << plan.status().ToString();
  // The stored version reads back with its parameters.
  Result<FeatureView> stored = reg_->FeatureViewAt("user_spend", 2);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(FeatureNames(*stored), FeatureNames(d.feature_views[1]));
  EXPECT_EQ(stored->aggregations.at(4).p, 0.99);
  EXPECT_EQ(stored->aggregations.at(5).k, 5);
  EXPECT_EQ(PlanAndApplyError(WithPins({"user_spend@2:amount_approx_percentile_24h"}, d)),
            "services.yaml:8: feature service 'fraud_model_v1': version 2 of feature view "
            "'user_spend' has no feature 'amount_approx_percentile_24h' (in "
            "'user_spend@2:amount_approx_percentile_24h')");
}

TEST(CheckPinnedReferences, AgainstANewRegistryOnlyTheCreatedVersionsExist) {
  RepoDefinitions defs = WithPins({"user_profile@1:age", "user_profile@2:age"});
  Result<std::vector<CanonicalForm>> forms = CanonicalizeAll(defs);
  ASSERT_TRUE(forms.ok()) << forms.status().ToString();
  Plan plan = DiffObjects({}, *forms);
  std::vector<LoadError> errors = CheckPinnedReferences(defs, plan, {});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].ToString(),
            "services.yaml:9: feature service 'fraud_model_v1': feature view 'user_profile' has no "
            "version 2 (in 'user_profile@2:age'; its latest version is 1)");
}

}  // namespace
}  // namespace tessera::registry
