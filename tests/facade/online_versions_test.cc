// Which view version online reads and pushes go to (DESIGN.md section 3):
// a pinned `view@N` reads version N; an unpinned reference reads the
// newest materialized version (when it has the feature), else the current
// one; a push writes the newest materialized version, else the current.
// Materialization records are made through the registry, as the
// materializer does, and seen by the same FeatureStore without reopening.
#include "online_test_util.h"
#include "tessera/registry/registry.h"

namespace tessera::online_test {
namespace {

class OnlineVersionsTest : public OnlineRepoTest {
 protected:
  void Record(int64_t version) {
    auto reg = registry::Registry::Open((dir_ / "data" / "registry.db").string());
    ASSERT_TRUE(reg.ok()) << reg.status().ToString();
    Status s = (*reg)->RecordMaterialized("user_profile", version, 0, 1000 * kSec, 0);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  std::string Ages(const std::string& ref) {
    auto r = Get(UserIds({1}), {ref});
    if (!r.ok()) return r.status().ToString();
    return r->values[1]->GetValue(0).ToString() + " " + FeatureStatusName(r->statuses[1][0]);
  }
};

TEST_P(OnlineVersionsTest, PinnedAndNewestMaterialized) {
  ASSERT_TRUE(store_->Push("users_push", UserRows({{1, 100, 30, "a"}}), PushTarget::kOnline).ok());
  EXPECT_EQ(Ages("user_profile:age"), "30 PRESENT");  // v1, current, not materialized

  // Version 2 adds a feature; nothing is materialized yet: unpinned reads
  // the current version (empty), pinned @1 the rows pushed to v1.
  std::string defs = Definitions();
  const std::string city = "      - {name: city, type: string}\n";
  defs.insert(defs.find(city) + city.size(),
              "      - {name: tier, type: string, expr: \"upper(city)\"}\n");
  Write("features/defs.yaml", defs);
  auto applied = store_->Apply("t");
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  ASSERT_TRUE(applied->applied);
  EXPECT_EQ(Ages("user_profile:age"), "null NOT_FOUND");
  EXPECT_EQ(Ages("user_profile@1:age"), "30 PRESENT");
  EXPECT_EQ(Ages("user_profile@2:age"), "null NOT_FOUND");
  EXPECT_EQ(Get(UserIds({1}), {"user_profile@3:age"}).status().code(), StatusCode::kNotFound);

  // v1 materialized: unpinned reads it for the features it has; `tier`
  // exists only in v2, so it still reads v2.
  Record(1);
  EXPECT_EQ(Ages("user_profile:age"), "30 PRESENT");
  EXPECT_EQ(Ages("user_profile:tier"), "null NOT_FOUND");
  // A push goes to v1, the newest materialized version.
  ASSERT_TRUE(store_->Push("users_push", UserRows({{1, 200, 35, "a"}}), PushTarget::kOnline).ok());
  EXPECT_EQ(Ages("user_profile:age"), "35 PRESENT");
  EXPECT_EQ(Ages("user_profile@1:age"), "35 PRESENT");
  EXPECT_EQ(Ages("user_profile@2:age"), "null NOT_FOUND");

  // v2 materialized (empty): unpinned moves to it; pushes follow.
  Record(2);
  EXPECT_EQ(Ages("user_profile:age"), "null NOT_FOUND");
  EXPECT_EQ(Ages("user_profile@1:age"), "35 PRESENT");
  ASSERT_TRUE(store_->Push("users_push", UserRows({{1, 300, 36, "a"}}), PushTarget::kOnline).ok());
  EXPECT_EQ(Ages("user_profile:age"), "36 PRESENT");
  EXPECT_EQ(Ages("user_profile:tier"), "\"A\" PRESENT");  // computed at push
  EXPECT_EQ(Ages("user_profile@1:age"), "35 PRESENT");
}

TESSERA_ONLINE_BACKENDS(OnlineVersionsTest);

}  // namespace
}  // namespace tessera::online_test
