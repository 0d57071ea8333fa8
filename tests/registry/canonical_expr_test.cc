// Expressions in the canonical form (issue 7): `a+b` and `a + b` are one
// version, a change of meaning is a new one, and a registry written when
// expressions were stored as written compares by their canonical form, so
// applying the same repo changes nothing.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "registry_fixtures.h"
#include "tessera/core/sha256.h"
#include "tessera/registry/canonical.h"
#include "tessera/registry/registry.h"
#include "tessera/registry/sqlite_db.h"

namespace tessera::registry {
namespace {

using testing::FraudRepo;
using testing::ScratchDir;

FeatureView ViewWithExpr(const std::string& expr) {
  FeatureView v;
  v.name = "v";
  v.entities = {"user"};
  v.source = "s";
  v.features = {testing::Feature("x", DataType::Double(), expr)};
  return v;
}

std::string HashOf(const std::string& expr) {
  Result<CanonicalForm> form = Canonicalize(ViewWithExpr(expr));
  EXPECT_TRUE(form.ok()) << form.status().ToString();
  return form.ok() ? form->logic_hash : "";
}

TEST(CanonicalExprTest, SpellingIsOneVersionMeaningIsAnother) {
  EXPECT_EQ(HashOf("a+b"), HashOf("a + b"));
  EXPECT_EQ(HashOf("(a)+b*2"), HashOf("a + (b * 2)"));
  EXPECT_NE(HashOf("a + b"), HashOf("a - b"));
  EXPECT_NE(HashOf("(a + b) * 2"), HashOf("a + b * 2"));
  EXPECT_EQ(CanonicalExprText("a+b"), "a + b");
  // Text that does not parse is kept as written (plan reports it first).
  EXPECT_EQ(CanonicalExprText("a +"), "a +");
  EXPECT_EQ(CanonicalExprText(""), "");
}

TEST(CanonicalExprTest, StoredExprsAreRewrittenOnlyWhenNotCanonical) {
  Result<CanonicalForm> form = Canonicalize(ViewWithExpr("a + b"));
  ASSERT_TRUE(form.ok());
  // Already canonical: the same bytes.
  EXPECT_EQ(*CanonicalizeStoredExprs(form->logic_json), form->logic_json);
  EXPECT_EQ(*CanonicalizeStoredExprs(form->definition_json), form->definition_json);
  // The same JSON with the expression as written gives the canonical JSON.
  std::string raw = form->logic_json;
  raw.replace(raw.find("a + b"), 5, "a+b");
  ASSERT_NE(raw, form->logic_json);
  EXPECT_EQ(*CanonicalizeStoredExprs(raw), form->logic_json);
  EXPECT_FALSE(CanonicalizeStoredExprs("[1]").ok());
}

// The fraud repo with expressions spelled without spaces.
RepoDefinitions Unspaced(const std::string& is_new_expr) {
  RepoDefinitions d = FraudRepo();
  for (FeatureView& v : d.feature_views) {
    for (FeatureDef& f : v.features) {
      if (f.name == "is_new") f.expr = is_new_expr;
    }
  }
  for (OnDemandFeatureView& v : d.on_demand_feature_views) {
    for (FeatureDef& f : v.features) f.expr = "amount/nullif(amount_sum_24h,0)";
  }
  return d;
}

// Rewrites the stored versions as a registry written before this change
// held them: each expression as written, hashes over that text.
void StoreExprsAsWritten(const std::string& path, const std::vector<std::string>& raw_exprs) {
  SqliteOpenOptions options;
  options.mode = SqliteOpenOptions::Mode::kWrite;
  auto db = SqliteDb::Open(path, options);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  for (const std::string& raw : raw_exprs) {
    auto update = (*db)->Prepare(
        "UPDATE object_versions SET logic_json = replace(logic_json, ?1, ?2), "
        "definition_json = replace(definition_json, ?1, ?2)");
    ASSERT_TRUE(update.ok());
    ASSERT_TRUE(update->BindAll(CanonicalExprText(raw), raw).ok());
    ASSERT_TRUE(update->Run().ok());
  }
  auto rows = (*db)->Prepare("SELECT kind, name, version, logic_json FROM object_versions");
  ASSERT_TRUE(rows.ok());
  int rewritten = 0;
  while (rows->Step().ValueOr(false)) {
    auto hash = (*db)->Prepare(
        "UPDATE object_versions SET logic_hash = ? WHERE kind = ? AND name = ? AND version = ?");
    ASSERT_TRUE(hash.ok());
    std::string logic = rows->ColumnText(3);
    for (const std::string& raw : raw_exprs) rewritten += logic.find(raw) != std::string::npos;
    ASSERT_TRUE(hash->BindAll(Sha256Hex(logic), rows->ColumnText(0), rows->ColumnText(1),
                              rows->ColumnInt64(2))
                    .ok());
    ASSERT_TRUE(hash->Run().ok());
  }
  EXPECT_EQ(rewritten, static_cast<int>(raw_exprs.size()));
  ASSERT_TRUE((*db)->Exec("UPDATE schema_version SET version = 1").ok());
}

// "kind name vN hash logic" of every stored version, and the schema version.
std::vector<std::string> StoredVersions(const std::string& path) {
  std::vector<std::string> out;
  SqliteOpenOptions options;
  options.mode = SqliteOpenOptions::Mode::kRead;
  auto db = SqliteDb::Open(path, options);
  EXPECT_TRUE(db.ok());
  if (!db.ok()) return out;
  auto rows = (*db)->Prepare(
      "SELECT kind, name, version, logic_hash, logic_json FROM object_versions "
      "ORDER BY kind, name, version");
  while (rows->Step().ValueOr(false)) {
    out.push_back(rows->ColumnText(0) + " " + rows->ColumnText(1) + " v" +
                  std::to_string(rows->ColumnInt64(2)) + " " + rows->ColumnText(3) + " " +
                  rows->ColumnText(4));
  }
  auto version = (*db)->Prepare("SELECT version FROM schema_version");
  if (version->Step().ValueOr(false)) out.push_back("schema " + version->ColumnText(0));
  return out;
}

TEST(CanonicalExprTest, RegistryWithExprsAsWrittenAppliesWithNoChanges) {
  ScratchDir dir;
  const std::string path = dir.File("registry.db");
  {
    auto reg = Registry::Open(path);
    ASSERT_TRUE(reg.ok()) << reg.status().ToString();
    ASSERT_TRUE((*reg)->Apply(Unspaced("tenure_days<30"), "old").ok());
  }
  StoreExprsAsWritten(path, {"tenure_days<30", "amount/nullif(amount_sum_24h,0)"});
  {
    RegistryOptions read;
    read.read_only = true;
    auto reg = Registry::Open(path, read);
    ASSERT_TRUE(reg.ok()) << reg.status().ToString();
    auto plan = (*reg)->ComputePlan(Unspaced("tenure_days<30"));
    ASSERT_TRUE(plan.ok()) << plan.status().ToString();
    EXPECT_FALSE(plan->HasChanges());
  }
  // Reading does not migrate.
  EXPECT_EQ(StoredVersions(path).back(), "schema 1");
  // Opening for writing migrates: every stored form and hash is the one
  // today's code computes for the same definitions, versions unchanged.
  auto reg = Registry::Open(path);
  ASSERT_TRUE(reg.ok()) << reg.status().ToString();
  std::vector<std::string> expected;
  {
    ScratchDir fresh_dir;
    const std::string fresh = fresh_dir.File("registry.db");
    auto written = Registry::Open(fresh);
    ASSERT_TRUE(written.ok());
    ASSERT_TRUE((*written)->Apply(Unspaced("tenure_days<30"), "old").ok());
    written->reset();
    expected = StoredVersions(fresh);
  }
  EXPECT_EQ(StoredVersions(path), expected);
  EXPECT_EQ(expected.back(), "schema 2");
  // The same repo, spelled either way: nothing to apply.
  for (const RepoDefinitions& defs : {Unspaced("tenure_days<30"), FraudRepo()}) {
    auto same = (*reg)->Apply(defs, "new");
    ASSERT_TRUE(same.ok()) << same.status().ToString();
    EXPECT_FALSE(same->changed);
  }
  // A change of meaning is a new version of that view only.
  auto changed = (*reg)->Apply(Unspaced("tenure_days<31"), "new");
  ASSERT_TRUE(changed.ok()) << changed.status().ToString();
  EXPECT_TRUE(changed->changed);
  std::vector<std::string> bumped;
  for (const PlanEntry& e : changed->plan.entries) {
    if (e.change != ChangeKind::kUnchanged) {
      bumped.push_back(e.name + " v" + std::to_string(e.current_version) + "->v" +
                       std::to_string(e.next_version));
    }
  }
  EXPECT_EQ(bumped, std::vector<std::string>{"user_profile v1->v2"});
}

}  // namespace
}  // namespace tessera::registry
