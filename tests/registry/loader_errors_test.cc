// Broken repos (tests/registry/repos/broken_*): each reports exactly the
// expected "file:line: reason" lines. The CLI tests run the binary over the
// same folders.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "loader_test_util.h"
#include "tessera/registry/loader.h"

namespace tessera::registry {
namespace {

using testing::RepoPath;

std::vector<std::string> Errors(const std::string& repo_name) {
  LoadedRepo repo;
  std::vector<std::string> out;
  for (const LoadError& e : LoadRepoCollectErrors(RepoPath(repo_name), &repo)) {
    out.push_back(e.ToString());
  }
  return out;
}

struct BrokenCase {
  const char* repo;
  const char* error;  // the one expected "file:line: reason"
};

constexpr const char* kExpectedDuration =
    "(expected 0 or a positive integer with a unit: 30s, 15m, 24h, 7d)";

const BrokenCase kCases[] = {
    {"broken_unknown_entity",
     "features.yaml:8: feature view 'user_profile': unknown entity 'customer'"},
    {"broken_unknown_source",
     "features.yaml:7: feature view 'user_profile': unknown source 'profiles'"},
    {"broken_duplicate_name", "b.yaml:3: duplicate entity 'user' (first defined at a.yaml:2)"},
    {"broken_unknown_type",
     "features.yaml:12: feature 'score' of feature view 'user_profile': unknown type 'decimal' "
     "(expected bool, int32, int64, float, double, string, bytes, timestamp or "
     "list<float|double|int64|string>)"},
    {"broken_unknown_key", "features.yaml:10: unknown key 'ttll' in feature view 'user_profile'"},
    {"broken_unknown_top_key",
     "features.yaml:2: unknown top-level key 'feature_veiws' (expected entities, sources, "
     "feature_views, on_demand_feature_views or feature_services)"},
    {"broken_service_unknown_view",
     "features.yaml:16: feature service 'model_v1': unknown feature view 'user_profiles' in "
     "'user_profiles:age'"},
    {"broken_service_unknown_feature",
     "features.yaml:14: feature service 'model_v1': feature view 'user_profile' has no feature "
     "'agee' (in 'user_profile:agee')"},
    {"broken_odfv_unknown_input",
     "features.yaml:3: on-demand feature view 'txn_scores': unknown input 'user_spend' (expected "
     "a feature view, an on-demand feature view or a request source)"},
    {"broken_cycle", "features.yaml:6: on-demand feature view 'a': cycle a -> b -> a"},
    {"broken_batch_no_timestamp",
     "sources.yaml:2: missing required key 'timestamp_field' in batch source 'profiles'"},
    {"broken_batch_no_path",
     "sources.yaml:2: missing required key 'path' in batch source 'profiles'"},
    {"broken_push_no_batch_source",
     "sources.yaml:2: missing required key 'batch_source' in push source 'transactions_push'"},
    {"broken_push_not_batch",
     "sources.yaml:7: push source 'transactions_push': batch_source 'txn_request' is a request "
     "source, not a batch source"},
    {"broken_request_no_schema",
     "sources.yaml:2: missing required key 'schema' in request source 'txn_request'"},
    {"broken_agg_unknown_function",
     "features.yaml:12: aggregation of feature view 'user_spend': unknown function 'median' "
     "(expected count, sum, avg, min, max, var, stddev, first, last, last_n, count_distinct, "
     "approx_count_distinct or approx_percentile)"},
    {"broken_agg_with_ttl",
     "features.yaml:10: feature view 'user_spend': ttl does not apply to a view with "
     "aggregations (its windows say what is recent); remove 'ttl'"},
    {"broken_agg_zero_window",
     "features.yaml:13: aggregation of feature view 'user_spend': window must be positive, got "
     "'0'"},
    {"broken_agg_empty_windows",
     "features.yaml:11: aggregation of feature view 'user_spend': 'windows' is empty"},
    {"broken_invalid_name",
     "features.yaml:2: invalid entity name 'user-account' (use letters, digits and '_', not "
     "starting with a digit, at most 128 characters)"},
    {"broken_duplicate_feature",
     "features.yaml:13: feature view 'user_spend': duplicate feature 'amount_sum_24h' (first "
     "declared at features.yaml:11)"},
    {"broken_no_features",
     "features.yaml:7: feature view 'user_profile' has no features and no aggregations"},
    {"broken_validation_unknown_feature",
     "features.yaml:14: feature view 'user_profile': validation rule for unknown feature 'agee'"},
    {"broken_entity_no_join_keys",
     "entities.yaml:2: missing required key 'join_keys' in entity 'user'"},
    {"broken_join_key_type",
     "entities.yaml:4: join key 'user_id' of entity 'user' has type double; join keys must be "
     "int32, int64, string or bytes"},
    // libyaml's wording, with the column and where the open collection began.
    {"broken_yaml_syntax",
     "features.yaml:4:3: invalid YAML: did not find expected ',' or ']', found '-' (while "
     "parsing a flow sequence started at line 3)"},
    {"broken_config_no_project", "tessera.yaml:2: missing required key 'project' in tessera.yaml"},
    {"broken_config_online_type",
     "tessera.yaml:3: online_store: unknown type 'memcached' (expected rocksdb, redis or "
     "redis-cluster)"},
};

class BrokenRepoTest : public ::testing::TestWithParam<BrokenCase> {};

TEST_P(BrokenRepoTest, ReportsExactlyTheExpectedError) {
  EXPECT_EQ(Errors(GetParam().repo), std::vector<std::string>{GetParam().error});
}

TEST_P(BrokenRepoTest, LoadRepoFailsWithTheSameMessage) {
  Result<LoadedRepo> repo = LoadRepo(RepoPath(GetParam().repo));
  ASSERT_FALSE(repo.ok());
  EXPECT_TRUE(repo.status().IsInvalid());
  EXPECT_EQ(repo.status().message(), GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(Repos, BrokenRepoTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<BrokenCase>& info) {
                           return std::string(info.param.repo);
                         });

TEST(LoaderErrorsTest, BadTtlNamesTheDuration) {
  EXPECT_EQ(Errors("broken_bad_ttl"),
            std::vector<std::string>{
                std::string("features.yaml:10: feature view 'user_profile': ttl: invalid duration "
                            "'30 days' ") +
                kExpectedDuration});
}

// Every error of every file, sorted by file then line.
TEST(LoaderErrorsTest, ReportsAllErrorsSorted) {
  std::vector<std::string> expected = {
      "entities.yaml:3: join key 'user_id' of entity 'user' has type float; join keys must be "
      "int32, int64, string or bytes",
      "entities.yaml:4: duplicate entity 'user' (first defined at entities.yaml:2)",
      "views.yaml:3: feature view 'user_profile': unknown entity 'customer'",
      "views.yaml:4: feature view 'user_profile': unknown source 'profiles'",
      std::string("views.yaml:5: feature view 'user_profile': ttl: invalid duration '1y' ") +
          kExpectedDuration,
      "views.yaml:6: feature view 'user_profile': online: expected true or false, got 'maybe'",
      "views.yaml:8: feature 'age' of feature view 'user_profile': unknown type 'int33' (expected "
      "bool, int32, int64, float, double, string, bytes, timestamp or "
      "list<float|double|int64|string>)",
      "views.yaml:9: invalid feature name '2fa' (use letters, digits and '_', not starting with a "
      "digit, at most 128 characters)",
      "views.yaml:11: missing required key 'function' in aggregation of feature view "
      "'user_profile'",
      "views.yaml:11: unknown key 'fucntion' in aggregation of feature view 'user_profile'",
      "views.yaml:14: feature service 'model_v1': unknown feature view 'nowhere' in 'nowhere'",
  };
  EXPECT_EQ(Errors("broken_multiple_errors"), expected);
  Result<LoadedRepo> repo = LoadRepo(RepoPath("broken_multiple_errors"));
  ASSERT_FALSE(repo.ok());
  std::string joined;
  for (const std::string& e : expected) joined += (joined.empty() ? "" : "\n") + e;
  EXPECT_EQ(repo.status().message(), joined);
}

// What could be parsed is still returned (tools show partial repos).
TEST(LoaderErrorsTest, FillsWhatItCouldParse) {
  LoadedRepo repo;
  EXPECT_FALSE(LoadRepoCollectErrors(RepoPath("broken_unknown_entity"), &repo).empty());
  EXPECT_EQ(repo.config.project, "broken");
  ASSERT_EQ(repo.definitions.feature_views.size(), 1u);
  EXPECT_EQ(repo.definitions.feature_views[0].entities, std::vector<std::string>{"customer"});
}

}  // namespace
}  // namespace tessera::registry
