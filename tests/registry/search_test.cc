// Search: tokenizing, the ranking order of fields, deterministic ties, and
// search through the registry.
#include "tessera/registry/search.h"

#include <gtest/gtest.h>

#include "registry_fixtures.h"
#include "tessera/registry/registry.h"

namespace tessera::registry {
namespace {

SearchDocument Doc(std::string name, ObjectKind kind = ObjectKind::kFeatureView) {
  SearchDocument d;
  d.kind = kind;
  d.name = std::move(name);
  return d;
}

std::vector<std::string> Names(const std::vector<SearchResult>& results) {
  std::vector<std::string> names;
  for (const SearchResult& r : results) names.push_back(r.name);
  return names;
}

TEST(TokenizeQuery, LowercasesSplitsAndDeduplicates) {
  EXPECT_EQ(TokenizeQuery("  User_Spend, amount-SUM user_spend "),
            (std::vector<std::string>{"user_spend", "amount", "sum"}));
  EXPECT_TRUE(TokenizeQuery(" ,;- ").empty());
}

TEST(RankSearch, FieldsRankInTheDocumentedOrder) {
  SearchDocument exact = Doc("spend");
  SearchDocument prefix = Doc("spend_daily");
  SearchDocument substring = Doc("user_spend");
  SearchDocument feature = Doc("payments");
  feature.feature_names = {"total_spend"};
  SearchDocument tag = Doc("ledger");
  tag.tags = {{"area", "spend"}};
  SearchDocument owner = Doc("budget");
  owner.owner = "spend-team@example.com";
  SearchDocument description = Doc("wallet");
  description.description = "Spend of the wallet.";
  SearchDocument none = Doc("unrelated");
  none.description = "Overspending is not a word prefix match.";

  // Input order scrambled: ranking must not depend on it.
  std::vector<SearchDocument> docs = {description, tag,   none,   exact,
                                      feature,     owner, prefix, substring};
  std::vector<SearchResult> results = RankSearch(docs, "SPEND");
  EXPECT_EQ(Names(results), (std::vector<std::string>{"spend", "spend_daily", "user_spend",
                                                      "payments", "ledger", "budget", "wallet"}));
  std::vector<std::string> fields;
  for (const SearchResult& r : results) fields.push_back(r.matched_field);
  EXPECT_EQ(fields, (std::vector<std::string>{"name", "name prefix", "name substring", "feature",
                                              "tag", "owner", "description"}));
  for (size_t i = 1; i < results.size(); ++i) EXPECT_GT(results[i - 1].score, results[i].score);
  EXPECT_EQ(results[3].why, "spend: feature total_spend");
}

TEST(RankSearch, TiesBreakByNameThenKind) {
  std::vector<SearchDocument> docs = {Doc("user_b"), Doc("user_a"),
                                      Doc("user_a", ObjectKind::kEntity)};
  std::vector<SearchResult> results = RankSearch(docs, "user");
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].name, "user_a");
  EXPECT_EQ(results[0].kind, ObjectKind::kEntity);
  EXPECT_EQ(results[1].name, "user_a");
  EXPECT_EQ(results[1].kind, ObjectKind::kFeatureView);
  EXPECT_EQ(results[2].name, "user_b");
}

TEST(RankSearch, ScoresAddUpOverTokens) {
  SearchDocument both = Doc("user_spend");
  both.description = "Spend per customer.";
  SearchDocument one = Doc("customer");
  std::vector<SearchResult> results = RankSearch({one, both}, "user customer");
  ASSERT_EQ(results.size(), 2u);
  // user_spend: prefix 80 + description 10; customer: exact 100.
  EXPECT_EQ(results[0].name, "customer");
  EXPECT_EQ(results[0].score, 100);
  EXPECT_EQ(results[1].score, 90);
  EXPECT_EQ(results[1].why, "user: name prefix user_spend; customer: description customer");
  EXPECT_TRUE(RankSearch({one, both}, "").empty());
}

TEST(RegistrySearch, RanksTheDesignExample) {
  testing::ScratchDir dir;
  auto reg = Registry::Open(dir.File("registry.db"));
  ASSERT_TRUE(reg.ok()) << reg.status().ToString();
  RepoDefinitions defs = testing::FraudRepo();
  ASSERT_TRUE((*reg)->Apply(defs, "alice").ok());

  auto results = (*reg)->Search("user");
  ASSERT_TRUE(results.ok()) << results.status().ToString();
  std::vector<std::string> names = Names(*results);
  ASSERT_GE(names.size(), 4u);
  EXPECT_EQ(std::vector<std::string>(names.begin(), names.begin() + 4),
            (std::vector<std::string>{"user", "user_profile", "user_profiles", "user_spend"}));
  EXPECT_EQ((*results)[0].matched_field, "name");

  // Feature names of views (aggregations included) are searchable.
  results = (*reg)->Search(defs.feature_views[1].aggregations[0].FeatureName(24 * kMicrosPerHour));
  ASSERT_TRUE(results.ok());
  ASSERT_FALSE(results->empty());
  EXPECT_EQ((*results)[0].name, "user_spend");
  EXPECT_EQ((*results)[0].matched_field, "feature");

  // Tags and owners too; deleted objects are not found.
  results = (*reg)->Search("gold");
  ASSERT_TRUE(results.ok());
  EXPECT_EQ(Names(*results), (std::vector<std::string>{"user_profile"}));
  defs.feature_views.erase(defs.feature_views.begin());
  defs.feature_services[0].features = {"user_spend"};
  ASSERT_TRUE((*reg)->Apply(defs, "bob").ok());
  results = (*reg)->Search("gold");
  ASSERT_TRUE(results.ok());
  EXPECT_TRUE(results->empty());
}

}  // namespace
}  // namespace tessera::registry
