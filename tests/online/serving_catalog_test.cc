// ServingCatalog freshness: a registry write by another handle is seen by
// the next Current() (the stat check), an unchanged registry is not read
// again on the request path, and the periodic recheck reads it on the
// catalog's background thread (started once a snapshot is due), which
// stops with the catalog.
#include "tessera/online/serving_catalog.h"

#include <gtest/gtest.h>

#include <thread>

#include "materialize_test_util.h"

namespace tessera::online {
namespace {

using testing::MaterializeRepo;
using testing::Sec;

constexpr const char* kDefs = R"(entities:
  - name: user
    join_keys: [{name: user_id, type: int64}]
sources:
  - name: users
    kind: batch
    path: "users/*.csv"
    timestamp_field: event_timestamp
feature_views:
  - name: profile
    entities: [user]
    source: users
    features:
      - {name: age, type: int64}
)";

class ServingCatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    repo_.Write("features/defs.yaml", kDefs);
    repo_.Write("users/a.csv", "user_id,event_timestamp,age\n1,1970-01-01T00:00:10Z,30\n");
    repo_.Apply();
  }

  std::unique_ptr<ServingCatalog> MakeCatalog(std::chrono::milliseconds recheck) {
    auto config = registry::LoadRepo(repo_.Path(""));
    EXPECT_TRUE(config.ok()) << config.status().ToString();
    ServingCatalogOptions options;
    options.config = *config;
    options.registry_path = repo_.RegistryPath();
    options.recheck_interval = recheck;
    return std::make_unique<ServingCatalog>(std::move(options));
  }

  void RecordMaterialized(int64_t end_seconds) {
    auto reg = registry::Registry::Open(repo_.RegistryPath());
    ASSERT_TRUE(reg.ok()) << reg.status().ToString();
    Status s = (*reg)->RecordMaterialized("profile", 1, 0, Sec(end_seconds), 0);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  MaterializeRepo repo_;
};

TEST_F(ServingCatalogTest, AWriteIsSeenByTheNextCallAndNoChangeReadsNothing) {
  // A long interval: only the stat check can notice the write.
  auto catalog = MakeCatalog(std::chrono::hours(1));
  auto first = catalog->Current();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE((*first)->materialized.empty());
  EXPECT_EQ(catalog->RegistryReads(), 1u);
  for (int i = 0; i < 5; ++i) {
    auto again = catalog->Current();
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->get(), first->get());  // the same snapshot, no registry read
  }
  EXPECT_EQ(catalog->RegistryReads(), 1u);

  RecordMaterialized(100);
  auto after = catalog->Current();
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  ASSERT_EQ((*after)->materialized.size(), 1u);
  EXPECT_EQ((*after)->materialized[0].view, "profile");
  EXPECT_EQ((*after)->newest_materialized.at("profile").first, 1);
  EXPECT_NE(after->get(), first->get());
}

TEST_F(ServingCatalogTest, AnotherReaderOfTheRegistryIsNoChange) {
  // A reader (the catalog's own background recheck, a `tessera list`)
  // makes SQLite create an empty -wal and -shm and delete them again: no
  // data changed, so the request path must not read the registry again.
  auto catalog = MakeCatalog(std::chrono::hours(1));
  auto first = catalog->Current();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  for (int round = 0; round < 3; ++round) {
    {
      registry::RegistryOptions ro;
      ro.read_only = true;
      auto reader = registry::Registry::Open(repo_.RegistryPath(), ro);
      ASSERT_TRUE(reader.ok()) << reader.status().ToString();
      ASSERT_TRUE((*reader)->Version().ok());
      auto during = catalog->Current();
      ASSERT_TRUE(during.ok());
      EXPECT_EQ(during->get(), first->get());
    }
    auto after = catalog->Current();
    ASSERT_TRUE(after.ok());
    EXPECT_EQ(after->get(), first->get());
  }
  EXPECT_EQ(catalog->RegistryReads(), 1u);
}

TEST_F(ServingCatalogTest, ThePeriodicRecheckReadsTheRegistryOffTheRequestPath) {
  const auto interval = std::chrono::milliseconds(20);
  auto catalog = MakeCatalog(interval);
  auto first = catalog->Current();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(catalog->RegistryReads(), 1u);
  // Due: the call still answers from memory (same snapshot), and starts
  // the background recheck, which reads the registry again and again
  // without any further call.
  std::this_thread::sleep_for(interval * 2);
  auto due = catalog->Current();
  ASSERT_TRUE(due.ok());
  EXPECT_EQ(due->get(), first->get());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (catalog->RegistryReads() < 4 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_GE(catalog->RegistryReads(), 4u);
  // Nothing changed: the rechecks kept the snapshot.
  auto later = catalog->Current();
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->get(), first->get());
  // A write is still seen at once, whatever the thread is doing.
  RecordMaterialized(200);
  auto after = catalog->Current();
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  ASSERT_EQ((*after)->materialized.size(), 1u);
  catalog.reset();  // stops and joins the thread (a hang here is the failure)
}

}  // namespace
}  // namespace tessera::online
