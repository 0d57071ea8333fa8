// Definitions read back from the registry (definitions_json.h and
// Registry::LiveDefinitionsNow / FeatureViewAt): decoding a stored
// definition and canonicalizing it again gives the stored bytes, for every
// object of the test repos and the quickstart, and for an older version.
#include "tessera/registry/definitions_json.h"

#include <gtest/gtest.h>

#include "loader_test_util.h"
#include "registry_fixtures.h"
#include "tessera/registry/canonical.h"
#include "tessera/registry/loader.h"
#include "tessera/registry/registry.h"

namespace tessera::registry {
namespace {

using testing::FraudRepo;
using testing::RepoPath;
using testing::ScratchDir;

RepoDefinitions Load(const std::string& dir) {
  Result<LoadedRepo> repo = LoadRepo(dir);
  EXPECT_TRUE(repo.ok()) << repo.status().ToString();
  return repo.ok() ? repo->definitions : RepoDefinitions{};
}

std::unique_ptr<Registry> ApplyToScratch(const ScratchDir& dir, const RepoDefinitions& defs) {
  auto registry = Registry::Open(dir.File("registry.db"));
  EXPECT_TRUE(registry.ok()) << registry.status().ToString();
  auto applied = (*registry)->Apply(defs, "test");
  EXPECT_TRUE(applied.ok()) << applied.status().ToString();
  return std::move(*registry);
}

template <typename T>
std::string CanonicalText(const T& object) {
  Result<CanonicalForm> form = Canonicalize(object);
  EXPECT_TRUE(form.ok()) << form.status().ToString();
  return form.ok() ? form->definition_json : "";
}

// Every live object decoded by LiveDefinitionsNow canonicalizes to the text
// the registry stores for it, and the repo's objects are all there.
void ExpectRoundTrip(const RepoDefinitions& defs) {
  ScratchDir dir;
  std::unique_ptr<Registry> registry = ApplyToScratch(dir, defs);
  Result<LiveDefinitions> live = registry->LiveDefinitionsNow();
  ASSERT_TRUE(live.ok()) << live.status().ToString();
  Result<std::vector<CanonicalForm>> expected = CanonicalizeAll(defs);
  ASSERT_TRUE(expected.ok());
  Result<std::vector<CanonicalForm>> decoded = CanonicalizeAll(live->definitions);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  ASSERT_EQ(decoded->size(), expected->size());
  for (size_t i = 0; i < decoded->size(); ++i) {
    const CanonicalForm& form = (*decoded)[i];
    Result<ObjectDescription> stored = registry->Describe(form.name, form.kind);
    ASSERT_TRUE(stored.ok()) << stored.status().ToString();
    EXPECT_EQ(form.definition_json, stored->definition_json) << form.name;
    EXPECT_EQ(form.definition_json, (*expected)[i].definition_json) << form.name;
    EXPECT_EQ(live->versions.at(ObjectRef{form.kind, form.name}), 1) << form.name;
  }
}

TEST(DefinitionsJsonTest, TestReposRoundTripByteForByte) {
  ExpectRoundTrip(Load(RepoPath("valid_fraud")));
  ExpectRoundTrip(Load(RepoPath("valid_fraud_split")));
  ExpectRoundTrip(FraudRepo());
}

TEST(DefinitionsJsonTest, QuickstartRoundTripsByteForByte) {
  RepoDefinitions defs = Load(std::string(TESSERA_SOURCE_DIR) + "/examples/quickstart");
  ASSERT_FALSE(defs.feature_views.empty());
  ExpectRoundTrip(defs);
}

// Doubles in validation rules must come back to the same bits.
TEST(DefinitionsJsonTest, ValidationDoublesKeepEveryBit) {
  RepoDefinitions defs = FraudRepo();
  defs.feature_views[0].validation["age"].min = 0.1;
  defs.feature_views[0].validation["age"].max = 1.0 / 3.0;
  defs.feature_views[0].validation["country"].min = -2.2250738585072014e-308;
  defs.feature_views[0].validation["country"].allowed_values = {"DE", "caf\xc3\xa9"};
  ExpectRoundTrip(defs);
}

TEST(DefinitionsJsonTest, OlderVersionOfAViewReadsBack) {
  ScratchDir dir;
  RepoDefinitions v1 = FraudRepo();
  std::unique_ptr<Registry> registry = ApplyToScratch(dir, v1);
  RepoDefinitions v2 = v1;
  v2.feature_views[0].ttl = 14 * kMicrosPerDay;
  v2.feature_views[0].features.pop_back();
  ASSERT_TRUE(registry->Apply(v2, "test").ok());

  Result<FeatureView> old = registry->FeatureViewAt("user_profile", 1);
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  Result<ObjectDescription> stored =
      registry->Describe("user_profile", ObjectKind::kFeatureView, 1);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(CanonicalText(*old), stored->definition_json);
  EXPECT_EQ(CanonicalText(*old), CanonicalText(v1.feature_views[0]));
  EXPECT_EQ(old->ttl, 30 * kMicrosPerDay);
  EXPECT_EQ(old->features.size(), 3u);

  Result<LiveDefinitions> live = registry->LiveDefinitionsNow();
  ASSERT_TRUE(live.ok());
  EXPECT_EQ(live->versions.at(ObjectRef{ObjectKind::kFeatureView, "user_profile"}), 2);
  EXPECT_EQ(CanonicalText(live->definitions.feature_views[0]), CanonicalText(v2.feature_views[0]));

  Result<FeatureView> missing = registry->FeatureViewAt("user_profile", 3);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(),
            "feature-view 'user_profile' has no version 3 (versions 1 to 2)");
}

TEST(DefinitionsJsonTest, DeletedObjectsAreNotLive) {
  ScratchDir dir;
  RepoDefinitions defs = FraudRepo();
  std::unique_ptr<Registry> registry = ApplyToScratch(dir, defs);
  defs.feature_services.clear();
  ASSERT_TRUE(registry->Apply(defs, "test").ok());
  Result<LiveDefinitions> live = registry->LiveDefinitionsNow();
  ASSERT_TRUE(live.ok());
  EXPECT_TRUE(live->definitions.feature_services.empty());
  EXPECT_EQ(live->versions.count(ObjectRef{ObjectKind::kFeatureService, "fraud_model_v1"}), 0u);
}

TEST(DefinitionsJsonTest, MalformedTextsAreCorruptionNamingTheMember) {
  Result<FeatureView> not_json = FeatureViewFromJson("{", "reg: v");
  ASSERT_FALSE(not_json.ok());
  EXPECT_EQ(not_json.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(not_json.status().message(), "reg: v: a stored definition is not a JSON object");

  std::string entity_json = CanonicalText(FraudRepo().entities[0]);
  Result<FeatureView> wrong_kind = FeatureViewFromJson(entity_json, "reg: v");
  ASSERT_FALSE(wrong_kind.ok());
  EXPECT_EQ(wrong_kind.status().message(),
            "reg: v: definition: kind 'entity', expected 'feature_view'");

  std::string view_json = CanonicalText(FraudRepo().feature_views[0]);
  std::string bad_ttl = view_json;
  bad_ttl.replace(bad_ttl.find("\"30d\""), 5, "\"30x\"");
  Result<FeatureView> bad = FeatureViewFromJson(bad_ttl, "reg: v");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "reg: v: definition: '30x' is not a duration");

  std::string no_source = view_json;
  no_source.replace(no_source.find("\"source\""), 8, "\"sourcf\"");
  Result<FeatureView> missing = FeatureViewFromJson(no_source, "reg: v");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(), "reg: v: definition: member 'source' is missing");
}

}  // namespace
}  // namespace tessera::registry
