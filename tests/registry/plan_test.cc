// Plan: the diff of desired definitions against the stored ones.
#include "tessera/registry/plan.h"

#include <gtest/gtest.h>

#include "registry_fixtures.h"
#include "tessera/registry/registry.h"

namespace tessera::registry {
namespace {

CanonicalForm Form(ObjectKind kind, std::string name, std::string hash, std::string doc) {
  CanonicalForm f;
  f.kind = kind;
  f.name = std::move(name);
  f.logic_hash = std::move(hash);
  f.doc_json = std::move(doc);
  return f;
}

StoredObjectState Stored(ObjectKind kind, std::string name, int64_t version, std::string hash,
                         std::string doc, bool deleted = false) {
  StoredObjectState s;
  s.kind = kind;
  s.name = std::move(name);
  s.current_version = version;
  s.logic_hash = std::move(hash);
  s.doc_json = std::move(doc);
  s.deleted = deleted;
  return s;
}

TEST(DiffObjects, ClassifiesEveryKindOfChange) {
  const auto kView = ObjectKind::kFeatureView;
  std::vector<StoredObjectState> stored = {
      Stored(kView, "same", 2, "h1", "d1"),
      Stored(kView, "logic", 3, "h1", "d1"),
      Stored(kView, "doc", 1, "h1", "d1"),
      Stored(kView, "both", 1, "h1", "d1"),
      Stored(kView, "gone", 4, "h1", "d1"),
      Stored(kView, "was_deleted", 5, "h1", "d1", /*deleted=*/true),
      Stored(kView, "stays_deleted", 2, "h1", "d1", /*deleted=*/true),
  };
  std::vector<CanonicalForm> desired = {
      Form(kView, "same", "h1", "d1"), Form(kView, "logic", "h2", "d1"),
      Form(kView, "doc", "h1", "d2"),  Form(kView, "both", "h2", "d2"),
      Form(kView, "new", "h1", "d1"),  Form(kView, "was_deleted", "h1", "d1"),
  };
  Plan plan = DiffObjects(stored, desired);

  std::map<std::string, PlanEntry> by_name;
  for (const PlanEntry& e : plan.entries) by_name[e.name] = e;
  ASSERT_EQ(by_name.size(), 7u);
  EXPECT_EQ(by_name.count("stays_deleted"), 0u);

  EXPECT_EQ(by_name["same"].change, ChangeKind::kUnchanged);
  EXPECT_FALSE(by_name["same"].BumpsVersion());

  EXPECT_EQ(by_name["logic"].change, ChangeKind::kChanged);
  EXPECT_TRUE(by_name["logic"].logic_changed);
  EXPECT_FALSE(by_name["logic"].doc_changed);
  EXPECT_EQ(by_name["logic"].next_version, 4);

  EXPECT_TRUE(by_name["doc"].IsDocOnly());
  EXPECT_EQ(by_name["doc"].next_version, 1);
  EXPECT_FALSE(by_name["doc"].BumpsVersion());

  EXPECT_TRUE(by_name["both"].logic_changed);
  EXPECT_TRUE(by_name["both"].doc_changed);
  EXPECT_FALSE(by_name["both"].IsDocOnly());
  EXPECT_EQ(by_name["both"].next_version, 2);

  EXPECT_EQ(by_name["gone"].change, ChangeKind::kRemoved);
  EXPECT_EQ(by_name["gone"].next_version, 4);

  EXPECT_EQ(by_name["new"].change, ChangeKind::kAdded);
  EXPECT_EQ(by_name["new"].current_version, 0);
  EXPECT_EQ(by_name["new"].next_version, 1);

  EXPECT_EQ(by_name["was_deleted"].change, ChangeKind::kAdded);
  EXPECT_EQ(by_name["was_deleted"].next_version, 6);

  EXPECT_TRUE(plan.HasChanges());
  EXPECT_EQ(plan.Count(ChangeKind::kChanged), 3);
  EXPECT_EQ(plan.Changes().size(), 6u);
}

TEST(DiffObjects, OrdersByKindThenName) {
  std::vector<CanonicalForm> desired = {
      Form(ObjectKind::kFeatureService, "a", "h", "d"),
      Form(ObjectKind::kFeatureView, "b", "h", "d"),
      Form(ObjectKind::kEntity, "z", "h", "d"),
      Form(ObjectKind::kFeatureView, "a", "h", "d"),
  };
  Plan plan = DiffObjects({}, desired);
  ASSERT_EQ(plan.entries.size(), 4u);
  EXPECT_EQ(plan.entries[0].name, "z");
  EXPECT_EQ(plan.entries[1].name, "a");
  EXPECT_EQ(plan.entries[1].kind, ObjectKind::kFeatureView);
  EXPECT_EQ(plan.entries[2].name, "b");
  EXPECT_EQ(plan.entries[3].kind, ObjectKind::kFeatureService);
}

TEST(DiffObjects, EmptyOnBothSidesHasNoChanges) {
  Plan plan = DiffObjects({}, {});
  EXPECT_TRUE(plan.entries.empty());
  EXPECT_FALSE(plan.HasChanges());
  EXPECT_STREQ(ChangeKindName(ChangeKind::kRemoved), "removed");
}

// Registry::ComputePlan writes nothing and agrees with what Apply then does.
TEST(RegistryPlan, WritesNothingAndMatchesApply) {
  testing::ScratchDir dir;
  std::string path = dir.File("registry.db");
  auto reg = Registry::Open(path);
  ASSERT_TRUE(reg.ok()) << reg.status().ToString();
  auto dump_before = testing::DumpTables(path);
  auto plan = (*reg)->ComputePlan(testing::FraudRepo());
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->Count(ChangeKind::kAdded), 10);
  EXPECT_EQ(testing::DumpTables(path), dump_before);
  EXPECT_EQ((*reg)->Version().ValueOr(-1), 0);

  auto applied = (*reg)->Apply(testing::FraudRepo(), "alice");
  ASSERT_TRUE(applied.ok());
  ASSERT_EQ(applied->plan.entries.size(), plan->entries.size());
  for (size_t i = 0; i < plan->entries.size(); ++i) {
    EXPECT_EQ(applied->plan.entries[i].name, plan->entries[i].name);
    EXPECT_EQ(applied->plan.entries[i].change, plan->entries[i].change);
    EXPECT_EQ(applied->plan.entries[i].next_version, plan->entries[i].next_version);
  }
}

}  // namespace
}  // namespace tessera::registry
