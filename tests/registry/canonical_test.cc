// Canonical form: independent of file split, key order and YAML spelling;
// doc changes move doc_json only, logic changes move logic_hash.
#include "tessera/registry/canonical.h"

#include <gtest/gtest.h>

#include <limits>

#include "loader_test_util.h"
#include "tessera/core/time.h"
#include "tessera/registry/loader.h"

namespace tessera::registry {
namespace {

using testing::RepoPath;

RepoDefinitions Load(const std::string& name) {
  Result<LoadedRepo> repo = LoadRepo(RepoPath(name));
  EXPECT_TRUE(repo.ok()) << repo.status().ToString();
  return repo.ok() ? repo->definitions : RepoDefinitions{};
}

// The form of a definition that must canonicalize (an empty form, with a
// test failure, when it does not).
template <typename T>
CanonicalForm Canon(const T& object) {
  Result<CanonicalForm> form = Canonicalize(object);
  EXPECT_TRUE(form.ok()) << form.status().ToString();
  return form.ok() ? *form : CanonicalForm{};
}

std::vector<CanonicalForm> CanonAll(const RepoDefinitions& defs) {
  Result<std::vector<CanonicalForm>> forms = CanonicalizeAll(defs);
  EXPECT_TRUE(forms.ok()) << forms.status().ToString();
  return forms.ok() ? *forms : std::vector<CanonicalForm>{};
}

TEST(CanonicalTest, IndependentOfFileSplitKeyOrderAndFormatting) {
  std::vector<CanonicalForm> one_file = CanonAll(Load("valid_fraud"));
  std::vector<CanonicalForm> three_files = CanonAll(Load("valid_fraud_split"));
  ASSERT_EQ(one_file.size(), 10u);
  ASSERT_EQ(three_files.size(), one_file.size());
  for (size_t i = 0; i < one_file.size(); ++i) {
    EXPECT_EQ(one_file[i].kind, three_files[i].kind);
    EXPECT_EQ(one_file[i].name, three_files[i].name);
    EXPECT_EQ(one_file[i].definition_json, three_files[i].definition_json);
    EXPECT_EQ(one_file[i].logic_hash, three_files[i].logic_hash);
  }
}

TEST(CanonicalTest, KindThenNameOrder) {
  std::vector<CanonicalForm> all = CanonAll(Load("valid_fraud"));
  std::vector<std::string> names;
  for (const CanonicalForm& f : all) names.push_back(f.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"merchant", "user", "transactions", "transactions_push",
                                      "txn_request", "user_profiles", "user_profile", "user_spend",
                                      "txn_scores", "fraud_model_v1"}));
  EXPECT_EQ(all[0].kind, ObjectKind::kEntity);
  EXPECT_EQ(all.back().kind, ObjectKind::kFeatureService);
}

TEST(CanonicalTest, ExactJsonOfAnEntity) {
  Entity e;
  e.name = "user";
  e.join_keys = {{"user_id", DataType::Int64()}};
  e.doc.description = "A \"customer\"\n";
  e.doc.tags = {{"z", "1"}, {"a", "2"}};
  e.location = {"x.yaml", 3};
  CanonicalForm f = Canon(e);
  EXPECT_EQ(f.kind, ObjectKind::kEntity);
  EXPECT_EQ(f.name, "user");
  EXPECT_EQ(f.logic_json, R"({"join_keys":[{"name":"user_id","type":"int64"}]})");
  EXPECT_EQ(f.doc_json, R"({"description":"A \"customer\"\n","owner":"","tags":{"a":"2","z":"1"},)"
                        R"("feature_descriptions":{}})");
  EXPECT_EQ(f.definition_json,
            R"({"kind":"entity","name":"user","join_keys":[{"name":"user_id","type":"int64"}],)"
            R"("description":"A \"customer\"\n","owner":"","tags":{"a":"2","z":"1"},)"
            R"("feature_descriptions":{}})");
  // sha256sum of the logic JSON above (printf '%s' '{"join_keys":...}' |
  // sha256sum), computed outside Tessera.
  EXPECT_EQ(f.logic_hash, "d1eeb84f360f3f3544107cc8e3640554db7e56a6a31da9cad523544f469e88f5");
  e.location = {"y.yaml", 9};  // locations are in neither part
  EXPECT_EQ(Canon(e).definition_json, f.definition_json);
}

TEST(CanonicalTest, DurationsAndTypesUseTheirCanonicalSpelling) {
  RepoDefinitions defs = Load("valid_fraud");
  const CanonicalForm view = Canon(defs.feature_views[1]);
  // One day is spelled "24h" (docs/DEFINITIONS.md: "except that one day is
  // spelled 24h").
  EXPECT_NE(view.logic_json.find(R"("windows":["1h","24h","7d"])"), std::string::npos)
      << view.logic_json;
  EXPECT_NE(view.logic_json.find(R"("ttl":"0")"), std::string::npos);
  const CanonicalForm profile = Canon(defs.feature_views[0]);
  EXPECT_NE(profile.logic_json.find(R"("ttl":"30d")"), std::string::npos);
  EXPECT_NE(profile.logic_json.find(R"({"name":"age","type":"int32","expr":""})"),
            std::string::npos);
}

TEST(CanonicalTest, DocOnlyChangeKeepsLogicHash) {
  FeatureView v = Load("valid_fraud").feature_views[0];
  CanonicalForm before = Canon(v);
  v.doc.description = "Slowly changing facts.";
  v.doc.owner = "someone@example.com";
  v.doc.tags["tier"] = "gold";
  v.features[0].description = "Age in years.";
  v.location = {"elsewhere.yaml", 99};
  CanonicalForm after = Canon(v);
  EXPECT_NE(after.doc_json, before.doc_json);
  EXPECT_NE(after.definition_json, before.definition_json);
  EXPECT_EQ(after.logic_json, before.logic_json);
  EXPECT_EQ(after.logic_hash, before.logic_hash);
  EXPECT_NE(after.doc_json.find(R"("feature_descriptions":{"age":"Age in years."})"),
            std::string::npos);
}

TEST(CanonicalTest, LogicChangesChangeLogicHash) {
  const FeatureView base = Load("valid_fraud").feature_views[0];
  const std::string base_hash = Canon(base).logic_hash;
  std::vector<FeatureView> changed(7, base);
  changed[0].ttl = 7 * kMicrosPerDay;
  changed[1].features[0].type = DataType::Int64();
  changed[2].features[2].expr = "tenure_days < 31";
  changed[3].source = "transactions";
  changed[4].online = false;
  changed[5].validation["age"].max = 120;
  changed[6].features.pop_back();
  for (size_t i = 0; i < changed.size(); ++i) {
    EXPECT_NE(Canon(changed[i]).logic_hash, base_hash) << i;
  }
  Source s = Load("valid_fraud").sources[0];
  std::string source_hash = Canon(s).logic_hash;
  s.path = "data/sources/other.parquet";
  EXPECT_NE(Canon(s).logic_hash, source_hash);
  FeatureService svc = Load("valid_fraud").feature_services[0];
  std::string svc_hash = Canon(svc).logic_hash;
  svc.features.push_back("user_spend:amount_sum_1h");
  EXPECT_NE(Canon(svc).logic_hash, svc_hash);
}

TEST(CanonicalTest, StableAcrossCalls) {
  RepoDefinitions defs = Load("valid_fraud");
  EXPECT_EQ(Canon(defs.on_demand_feature_views[0]).logic_json,
            R"j({"inputs":["user_spend","txn_request"],"features":[{"name":"amount_vs_day",)j"
            R"j("type":"double","expr":"amount / nullif(amount_sum_24h, 0)"}]})j");
  // sha256sum of the logic JSON just pinned, computed outside Tessera.
  EXPECT_EQ(Canon(defs.on_demand_feature_views[0]).logic_hash,
            "22fd1a01d9ba74a9990a49e805c6c8302aefb0113cac02ca6c552a053044ca57");
}

}  // namespace
}  // namespace tessera::registry

namespace tessera::registry {
namespace {

// The loader refuses what JSON cannot hold, but the producer checks its own
// output too: a document that would not read back is never stored.
TEST(CanonicalTest, RefusesJsonThatWouldNotReadBack) {
  const std::string prefix = "feature_view 'v': its canonical JSON does not read back (";
  FeatureView v;
  v.name = "v";
  v.validation["f"].min = std::numeric_limits<double>::quiet_NaN();
  Result<CanonicalForm> nan = Canonicalize(v);
  ASSERT_FALSE(nan.ok());
  EXPECT_TRUE(nan.status().IsInvalid());
  EXPECT_TRUE(nan.status().message().starts_with(prefix + "Invalid value."))
      << nan.status().ToString();
  v.validation["f"].min = std::numeric_limits<double>::infinity();
  EXPECT_FALSE(Canonicalize(v).ok());
  v.validation["f"].min = 1e308;
  EXPECT_TRUE(Canonicalize(v).ok());

  v.doc.description = "caf\xE9";  // Latin-1, not UTF-8
  Result<CanonicalForm> latin1 = Canonicalize(v);
  ASSERT_FALSE(latin1.ok());
  EXPECT_TRUE(latin1.status().message().starts_with(prefix + "Invalid encoding in string."))
      << latin1.status().ToString();
  RepoDefinitions defs;
  defs.feature_views.push_back(v);
  EXPECT_FALSE(CanonicalizeAll(defs).ok());
  v.doc.description = "caf\xC3\xA9";
  defs.feature_views[0] = v;
  EXPECT_TRUE(CanonicalizeAll(defs).ok());
}

}  // namespace
}  // namespace tessera::registry
