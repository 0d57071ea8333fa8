// Registry materialization records: intervals merged as they are recorded,
// log_seq kept as the max, errors change nothing, and registries written
// before the tables existed open, read and record.
#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "registry_fixtures.h"
#include "tessera/registry/registry.h"
#include "tessera/registry/sqlite_db.h"

namespace tessera::registry {
namespace {

using testing::DumpTables;
using testing::FraudRepo;
using testing::ReadBytes;
using testing::ScratchDir;
using Intervals = std::vector<std::pair<int64_t, int64_t>>;

std::unique_ptr<Registry> AppliedRegistry(const std::string& path, RegistryOptions options = {}) {
  auto reg = Registry::Open(path, std::move(options));
  EXPECT_TRUE(reg.ok()) << reg.status().ToString();
  if (!reg.ok()) return nullptr;
  auto applied = (*reg)->Apply(FraudRepo(), "alice");
  EXPECT_TRUE(applied.ok()) << applied.status().ToString();
  return std::move(reg).MoveValueUnsafe();
}

// The one record of view `name` version `version`, or a default one.
MaterializedView RecordOf(Registry* reg, const std::string& name, int64_t version = 1) {
  auto views = reg->MaterializedViews();
  EXPECT_TRUE(views.ok()) << views.status().ToString();
  if (!views.ok()) return {};
  for (const MaterializedView& v : *views) {
    if (v.view == name && v.version == version) return v;
  }
  return {};
}

TEST(RegistryMaterialized, NewRegistryHasNoRecords) {
  ScratchDir dir;
  auto reg = AppliedRegistry(dir.File("registry.db"));
  ASSERT_NE(reg, nullptr);
  auto views = reg->MaterializedViews();
  ASSERT_TRUE(views.ok()) << views.status().ToString();
  EXPECT_TRUE(views->empty());
}

TEST(RegistryMaterialized, TouchingAndOverlappingIntervalsMerge) {
  ScratchDir dir;
  auto reg = AppliedRegistry(dir.File("registry.db"));
  ASSERT_NE(reg, nullptr);
  ASSERT_TRUE(reg->RecordMaterialized("user_profile", 1, 100, 200, 0).ok());
  ASSERT_TRUE(reg->RecordMaterialized("user_profile", 1, 200, 300, 0).ok());  // touches
  EXPECT_EQ(RecordOf(reg.get(), "user_profile").intervals, (Intervals{{100, 300}}));
  ASSERT_TRUE(reg->RecordMaterialized("user_profile", 1, 500, 600, 0).ok());  // a gap
  EXPECT_EQ(RecordOf(reg.get(), "user_profile").intervals, (Intervals{{100, 300}, {500, 600}}));
  ASSERT_TRUE(reg->RecordMaterialized("user_profile", 1, 10, 20, 0).ok());  // before all
  EXPECT_EQ(RecordOf(reg.get(), "user_profile").intervals,
            (Intervals{{10, 20}, {100, 300}, {500, 600}}));
  ASSERT_TRUE(reg->RecordMaterialized("user_profile", 1, 150, 250, 0).ok());  // inside one
  EXPECT_EQ(RecordOf(reg.get(), "user_profile").intervals,
            (Intervals{{10, 20}, {100, 300}, {500, 600}}));
  ASSERT_TRUE(reg->RecordMaterialized("user_profile", 1, 250, 550, 0).ok());  // bridges two
  EXPECT_EQ(RecordOf(reg.get(), "user_profile").intervals, (Intervals{{10, 20}, {100, 600}}));
  ASSERT_TRUE(reg->RecordMaterialized("user_profile", 1, 0, 1000, 0).ok());  // covers all
  EXPECT_EQ(RecordOf(reg.get(), "user_profile").intervals, (Intervals{{0, 1000}}));
}

TEST(RegistryMaterialized, MergedIntervalsAreOneRowEach) {
  ScratchDir dir;
  std::string path = dir.File("registry.db");
  auto reg = AppliedRegistry(path);
  ASSERT_NE(reg, nullptr);
  for (int64_t hour = 0; hour < 48; ++hour) {
    ASSERT_TRUE(reg->RecordMaterialized("user_profile", 1, hour * 10, hour * 10 + 10, hour).ok());
  }
  reg.reset();
  int64_t rows = 0;
  for (const std::string& line : DumpTables(path)) {
    if (line.rfind("materialized_intervals|", 0) == 0) ++rows;
  }
  EXPECT_EQ(rows, 1);
}

TEST(RegistryMaterialized, LogSeqIsTheMaxAndVersionsAreSeparate) {
  ScratchDir dir;
  std::string path = dir.File("registry.db");
  RegistryOptions options;
  int64_t now = 1000;
  options.clock = [&] { return now; };
  auto reg = AppliedRegistry(path, options);
  ASSERT_NE(reg, nullptr);
  auto defs = FraudRepo();
  defs.feature_views[0].ttl *= 2;  // user_profile v2
  ASSERT_TRUE(reg->Apply(defs, "bob").ok());
  auto version_before = reg->Version();
  ASSERT_TRUE(version_before.ok());

  now = 2000;
  ASSERT_TRUE(reg->RecordMaterialized("user_profile", 1, 0, 10, 7).ok());
  now = 3000;
  ASSERT_TRUE(reg->RecordMaterialized("user_profile", 1, 10, 20, 3).ok());
  ASSERT_TRUE(reg->RecordMaterialized("user_profile", 2, 5, 6, 1).ok());

  auto views = reg->MaterializedViews();
  ASSERT_TRUE(views.ok()) << views.status().ToString();
  ASSERT_EQ(views->size(), 2u);
  EXPECT_EQ((*views)[0].view, "user_profile");
  EXPECT_EQ((*views)[0].version, 1);
  EXPECT_EQ((*views)[0].intervals, (Intervals{{0, 20}}));
  EXPECT_EQ((*views)[0].log_seq, 7);
  EXPECT_EQ((*views)[0].updated_at, 3000);
  EXPECT_EQ((*views)[1].version, 2);
  EXPECT_EQ((*views)[1].intervals, (Intervals{{5, 6}}));
  EXPECT_EQ((*views)[1].log_seq, 1);
  // Records are not applies.
  EXPECT_EQ(reg->Version().ValueOr(-1), *version_before);
}

TEST(RegistryMaterialized, BadRecordsAreRefusedAndChangeNothing) {
  ScratchDir dir;
  std::string path = dir.File("registry.db");
  auto reg = AppliedRegistry(path);
  ASSERT_NE(reg, nullptr);
  ASSERT_TRUE(reg->RecordMaterialized("user_profile", 1, 0, 10, 1).ok());
  auto before = DumpTables(path);

  Status s = reg->RecordMaterialized("user_profile", 1, 10, 10, 1);
  EXPECT_TRUE(s.IsInvalid()) << s.ToString();
  EXPECT_EQ(s.message(),
            "materialized interval of feature-view 'user_profile': start "
            "1970-01-01T00:00:00.000010Z is not before end 1970-01-01T00:00:00.000010Z");
  s = reg->RecordMaterialized("nope", 1, 0, 10, 1);
  EXPECT_TRUE(s.IsNotFound()) << s.ToString();
  EXPECT_EQ(s.message(), "no feature-view 'nope' in registry '" + path + "'");
  s = reg->RecordMaterialized("user_profile", 2, 0, 10, 1);
  EXPECT_TRUE(s.IsNotFound()) << s.ToString();
  EXPECT_EQ(s.message(), "feature-view 'user_profile' has no version 2 (versions 1 to 1)");
  s = reg->RecordMaterialized("user", 1, 0, 10, 1);  // an entity, not a view
  EXPECT_TRUE(s.IsNotFound()) << s.ToString();
  EXPECT_EQ(DumpTables(path), before);
}

// A registry written before the tables existed (dropped here) opens for
// reading unchanged, reads as "nothing materialized", and gets the tables
// with its first record.
TEST(RegistryMaterialized, RegistryWithoutTheTablesOpensAndRecords) {
  ScratchDir dir;
  std::string path = dir.File("registry.db");
  {
    auto reg = AppliedRegistry(path);
    ASSERT_NE(reg, nullptr);
  }
  {
    auto db = SqliteDb::Open(path, SqliteOpenOptions{});
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    ASSERT_TRUE(
        (*db)->Exec("DROP TABLE materialized_views; DROP TABLE materialized_intervals;").ok());
  }
  std::string bytes = ReadBytes(path);
  {
    RegistryOptions read;
    read.read_only = true;
    auto reg = Registry::Open(path, read);
    ASSERT_TRUE(reg.ok()) << reg.status().ToString();
    auto views = (*reg)->MaterializedViews();
    ASSERT_TRUE(views.ok()) << views.status().ToString();
    EXPECT_TRUE(views->empty());
    // Read-only: recording fails and writes nothing.
    EXPECT_FALSE((*reg)->RecordMaterialized("user_profile", 1, 0, 10, 1).ok());
  }
  EXPECT_EQ(ReadBytes(path), bytes);
  auto reg = Registry::Open(path);
  ASSERT_TRUE(reg.ok()) << reg.status().ToString();
  ASSERT_TRUE((*reg)->RecordMaterialized("user_profile", 1, 0, 10, 4).ok());
  MaterializedView v = RecordOf(reg->get(), "user_profile");
  EXPECT_EQ(v.intervals, (Intervals{{0, 10}}));
  EXPECT_EQ(v.log_seq, 4);
}

}  // namespace
}  // namespace tessera::registry
