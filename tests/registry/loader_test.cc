// Loading the valid example repo (DESIGN.md section 2): every field.
#include "tessera/registry/loader.h"

#include <gtest/gtest.h>

#include "loader_test_util.h"
#include "tessera/core/time.h"

namespace tessera::registry {
namespace {

using testing::RepoPath;

class ValidRepoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<LoadedRepo> repo = LoadRepo(RepoPath("valid_fraud"));
    ASSERT_TRUE(repo.ok()) << repo.status().ToString();
    repo_ = *repo;
  }
  const RepoDefinitions& defs() const { return repo_.definitions; }
  LoadedRepo repo_;
};

TEST_F(ValidRepoTest, Config) {
  EXPECT_EQ(repo_.config.project, "fraud");
  EXPECT_EQ(repo_.config.registry_path, "data/registry.db");
  EXPECT_EQ(repo_.config.offline_path, "data/offline");
  EXPECT_EQ(repo_.config.online.type, "rocksdb");
  EXPECT_EQ(repo_.config.online.path, "data/online");
  EXPECT_TRUE(repo_.root.ends_with("valid_fraud"));
}

TEST_F(ValidRepoTest, Entities) {
  ASSERT_EQ(defs().entities.size(), 2u);
  const Entity& user = defs().entities[0];
  EXPECT_EQ(user.name, "user");
  ASSERT_EQ(user.join_keys.size(), 1u);
  EXPECT_EQ(user.join_keys[0].name, "user_id");
  EXPECT_EQ(user.join_keys[0].type, DataType::Int64());
  EXPECT_EQ(user.doc.description, "A customer account.");
  EXPECT_EQ(user.doc.owner, "risk@example.com");
  EXPECT_EQ(user.doc.tags, (std::map<std::string, std::string>{{"domain", "payments"}}));
  EXPECT_EQ(user.location.ToString(), "features/payments.yaml:3");
  const Entity& merchant = defs().entities[1];
  EXPECT_EQ(merchant.name, "merchant");
  EXPECT_EQ(merchant.join_keys[0].type, DataType::String());
  EXPECT_TRUE(merchant.doc.description.empty());
}

TEST_F(ValidRepoTest, Sources) {
  ASSERT_EQ(defs().sources.size(), 4u);
  const Source& profiles = defs().sources[0];
  EXPECT_EQ(profiles.name, "user_profiles");
  EXPECT_EQ(profiles.kind, SourceKind::kBatch);
  EXPECT_EQ(profiles.path, "data/sources/user_profiles.parquet");
  EXPECT_EQ(profiles.timestamp_field, "event_timestamp");
  EXPECT_EQ(profiles.created_timestamp_field, "created_timestamp");
  EXPECT_EQ(defs().sources[1].path, "data/sources/transactions/*.parquet");
  EXPECT_EQ(defs().sources[1].timestamp_field, "ts");
  EXPECT_TRUE(defs().sources[1].created_timestamp_field.empty());
  const Source& push = defs().sources[2];
  EXPECT_EQ(push.kind, SourceKind::kPush);
  EXPECT_EQ(push.batch_source, "transactions");
  const Source& request = defs().sources[3];
  EXPECT_EQ(request.kind, SourceKind::kRequest);
  EXPECT_EQ(request.schema, (std::vector<Field>{{"amount", DataType::Double()}}));
  EXPECT_EQ(request.location.ToString(), "features/payments.yaml:26");
}

TEST_F(ValidRepoTest, FeatureViewWithFeaturesAndValidation) {
  ASSERT_EQ(defs().feature_views.size(), 2u);
  const FeatureView& v = defs().feature_views[0];
  EXPECT_EQ(v.name, "user_profile");
  EXPECT_EQ(v.entities, std::vector<std::string>{"user"});
  EXPECT_EQ(v.source, "user_profiles");
  EXPECT_EQ(v.ttl, 30 * kMicrosPerDay);
  EXPECT_TRUE(v.online);
  ASSERT_EQ(v.features.size(), 3u);
  EXPECT_EQ(v.features[0].name, "age");
  EXPECT_EQ(v.features[0].type, DataType::Int32());
  EXPECT_EQ(v.features[1].type, DataType::String());
  EXPECT_EQ(v.features[2].name, "is_new");
  EXPECT_EQ(v.features[2].type, DataType::Bool());
  EXPECT_EQ(v.features[2].expr, "tenure_days < 30");
  EXPECT_EQ(v.features[2].location.ToString(), "features/payments.yaml:38");
  ASSERT_EQ(v.validation.size(), 2u);
  EXPECT_EQ(v.validation.at("age").min, 0.0);
  EXPECT_EQ(v.validation.at("age").max, 130.0);
  EXPECT_FALSE(v.validation.at("age").not_null);
  EXPECT_TRUE(v.validation.at("country").not_null);
  EXPECT_FALSE(v.validation.at("country").min.has_value());
}

TEST_F(ValidRepoTest, FeatureViewWithAggregations) {
  const FeatureView& v = defs().feature_views[1];
  EXPECT_EQ(v.name, "user_spend");
  EXPECT_EQ(v.source, "transactions_push");
  EXPECT_EQ(v.ttl, 0);
  EXPECT_TRUE(v.features.empty());
  ASSERT_EQ(v.aggregations.size(), 3u);
  EXPECT_EQ(v.aggregations[0].column, "amount");
  EXPECT_EQ(v.aggregations[0].function, "sum");
  EXPECT_EQ(v.aggregations[0].windows,
            (std::vector<int64_t>{kMicrosPerHour, kMicrosPerDay, 7 * kMicrosPerDay}));
  EXPECT_EQ(v.aggregations[2].function, "count_distinct");
  EXPECT_EQ(FeatureNames(v),
            (std::vector<std::string>{"amount_sum_1h", "amount_sum_24h", "amount_sum_7d",
                                      "amount_count_24h", "merchant_id_count_distinct_7d"}));
}

TEST_F(ValidRepoTest, OnDemandViewAndService) {
  ASSERT_EQ(defs().on_demand_feature_views.size(), 1u);
  const OnDemandFeatureView& o = defs().on_demand_feature_views[0];
  EXPECT_EQ(o.name, "txn_scores");
  EXPECT_EQ(o.inputs, (std::vector<std::string>{"user_spend", "txn_request"}));
  ASSERT_EQ(o.features.size(), 1u);
  EXPECT_EQ(o.features[0].type, DataType::Double());
  EXPECT_EQ(o.features[0].expr, "amount / nullif(amount_sum_24h, 0)");
  ASSERT_EQ(defs().feature_services.size(), 1u);
  const FeatureService& s = defs().feature_services[0];
  EXPECT_EQ(s.name, "fraud_model_v1");
  EXPECT_EQ(s.features, (std::vector<std::string>{"user_profile:age", "user_profile:country",
                                                  "user_spend", "txn_scores"}));
  EXPECT_EQ(s.doc.owner, "risk@example.com");
}

// Hidden folders, data/ and build*/ hold YAML that is not definitions.
TEST(LoaderTest, SkipsDataHiddenAndBuildFolders) {
  LoadedRepo repo;
  std::vector<LoadError> errors = LoadRepoCollectErrors(RepoPath("valid_fraud_split"), &repo);
  EXPECT_TRUE(errors.empty()) << errors[0].ToString();
  EXPECT_EQ(repo.definitions.entities.size(), 2u);
  EXPECT_EQ(repo.config.registry_path, "data/registry.db");  // default
  EXPECT_EQ(repo.config.online.type, "rocksdb");
  EXPECT_EQ(repo.config.offline_path, "data/offline");
}

TEST(LoaderTest, MissingDirectory) {
  Result<LoadedRepo> repo = LoadRepo(RepoPath("no_such_repo"));
  ASSERT_FALSE(repo.ok());
  EXPECT_TRUE(repo.status().IsInvalid());
  EXPECT_NE(repo.status().message().find("no such directory"), std::string::npos);
}

TEST(LoaderTest, IsValidName) {
  EXPECT_TRUE(IsValidName("user_spend"));
  EXPECT_TRUE(IsValidName("_x9"));
  EXPECT_TRUE(IsValidName(std::string(128, 'a')));
  EXPECT_FALSE(IsValidName(std::string(129, 'a')));
  EXPECT_FALSE(IsValidName(""));
  EXPECT_FALSE(IsValidName("9lives"));
  EXPECT_FALSE(IsValidName("user-id"));
  EXPECT_FALSE(IsValidName("user id"));
  EXPECT_FALSE(IsValidName("user.id"));
}

TEST(DefinitionsTest, Names) {
  EXPECT_STREQ(ObjectKindName(ObjectKind::kOnDemandFeatureView), "on_demand_feature_view");
  EXPECT_STREQ(ObjectKindName(ObjectKind::kFeatureService), "feature_service");
  EXPECT_STREQ(SourceKindName(SourceKind::kPush), "push");
  Aggregation agg{"amount", "sum", {}, {}};
  EXPECT_EQ(agg.FeatureName(kMicrosPerDay), "amount_sum_24h");
  EXPECT_EQ(agg.FeatureName(90 * kMicrosPerMinute), "amount_sum_90m");
  EXPECT_EQ(agg.FeatureName(2 * kMicrosPerDay), "amount_sum_2d");
}

}  // namespace
}  // namespace tessera::registry
