// Opening a registry for reading or writing: a command that fails, or that
// only reads, leaves every file byte for byte as it was and creates no
// -wal/-shm/-journal file; failures are one line naming the file, without
// SQL (issue 6).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "registry_fixtures.h"
#include "tessera/registry/registry.h"
#include "tessera/registry/sqlite_db.h"

namespace tessera::registry {
namespace {

namespace fs = std::filesystem;
using testing::FraudRepo;
using testing::ReadBytes;
using testing::ScratchDir;

// Every entry of `dir` (recursively) with its size and bytes' length, so
// that a created -wal/-shm/-journal file or a changed byte shows up.
std::vector<std::string> Listing(const std::string& dir) {
  std::vector<std::string> entries;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    std::string line = e.path().lexically_relative(dir).string();
    if (e.is_regular_file()) line += " " + std::to_string(e.file_size());
    entries.push_back(line);
  }
  std::sort(entries.begin(), entries.end());
  return entries;
}

// A snapshot of a folder: its listing and the bytes of one file in it.
struct Snapshot {
  std::vector<std::string> listing;
  std::string bytes;
  bool operator==(const Snapshot& o) const { return listing == o.listing && bytes == o.bytes; }
};

Snapshot Take(const ScratchDir& dir, const std::string& file) {
  return Snapshot{Listing(dir.File("")), ReadBytes(file)};
}

RegistryOptions ReadOnly() {
  RegistryOptions options;
  options.read_only = true;
  return options;
}

// An SQLite database in rollback-journal mode with a table of its own.
void MakeForeignDb(const std::string& path) {
  auto db = SqliteDb::Open(path, SqliteOpenOptions{});
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  ASSERT_TRUE((*db)
                  ->Exec("CREATE TABLE customers (id INTEGER, name TEXT);"
                         "INSERT INTO customers VALUES (1, 'ada');")
                  .ok());
}

TEST(RegistryOpenFailure, ForeignSqliteDatabaseIsRefusedUntouched) {
  ScratchDir dir;
  std::string path = dir.File("foreign.db");
  MakeForeignDb(path);
  Snapshot before = Take(dir, path);
  const std::string expected =
      "registry '" + path + "' is not a Tessera registry (an SQLite database with other tables)";
  for (bool read_only : {true, false}) {
    auto reg = Registry::Open(path, read_only ? ReadOnly() : RegistryOptions{});
    ASSERT_FALSE(reg.ok()) << "read_only=" << read_only;
    EXPECT_TRUE(reg.status().IsCorruption());
    EXPECT_EQ(reg.status().message(), expected);
    // Not switched to WAL (bytes 18-19 of the header), no file created.
    EXPECT_TRUE(Take(dir, path) == before) << "read_only=" << read_only;
  }
}

TEST(RegistryOpenFailure, NonSqliteFileIsRefusedUntouched) {
  ScratchDir dir;
  std::string path = dir.File("notes.db");
  std::ofstream(path) << "name,age\nada,36\nthis is a CSV file, not a database at all\n";
  Snapshot before = Take(dir, path);
  for (bool read_only : {true, false}) {
    auto reg = Registry::Open(path, read_only ? ReadOnly() : RegistryOptions{});
    ASSERT_FALSE(reg.ok());
    EXPECT_TRUE(reg.status().IsCorruption());
    EXPECT_EQ(reg.status().message(), "registry '" + path + "' is not a database");
    EXPECT_TRUE(Take(dir, path) == before) << "read_only=" << read_only;
  }
}

TEST(RegistryOpenFailure, EmptyFileIsNotARegistryForReading) {
  ScratchDir dir;
  std::string path = dir.File("registry.db");
  std::ofstream(path).flush();
  Snapshot before = Take(dir, path);
  auto reg = Registry::Open(path, ReadOnly());
  ASSERT_FALSE(reg.ok());
  EXPECT_TRUE(reg.status().IsNotFound());
  EXPECT_EQ(reg.status().message(), "registry '" + path + "' is empty; run tessera apply first");
  EXPECT_TRUE(Take(dir, path) == before);
}

TEST(RegistryOpenFailure, MissingFileIsNotCreatedForReading) {
  ScratchDir dir;
  std::string path = dir.File("data/registry.db");
  RegistryOptions options = ReadOnly();
  options.display_name = "data/registry.db";
  auto reg = Registry::Open(path, options);
  ASSERT_FALSE(reg.ok());
  EXPECT_EQ(reg.status().message(), "no registry 'data/registry.db' yet; run tessera apply first");
  EXPECT_FALSE(fs::exists(dir.File("data")));
}

TEST(RegistryOpenFailure, NewerSchemaVersionIsNamedWithoutSql) {
  ScratchDir dir;
  std::string path = dir.File("registry.db");
  ASSERT_TRUE(Registry::Open(path).ok());
  {
    auto db = SqliteDb::Open(path, SqliteOpenOptions{});
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("UPDATE schema_version SET version = 7").ok());
  }
  Snapshot before = Take(dir, path);
  RegistryOptions options;
  options.display_name = "data/registry.db";
  for (bool read_only : {true, false}) {
    options.read_only = read_only;
    auto reg = Registry::Open(path, options);
    ASSERT_FALSE(reg.ok());
    EXPECT_EQ(reg.status().message(),
              "registry 'data/registry.db' has schema version 7, newer than this binary's 2 "
              "(use a newer tessera)");
    EXPECT_TRUE(Take(dir, path) == before) << "read_only=" << read_only;
  }
}

TEST(RegistryOpenFailure, LockedRegistryIsNamedWithoutSql) {
  ScratchDir dir;
  std::string path = dir.File("registry.db");
  ASSERT_TRUE(Registry::Open(path).ok());
  // Another connection holds the write lock.
  auto holder = SqliteDb::Open(path, SqliteOpenOptions{});
  ASSERT_TRUE(holder.ok());
  ASSERT_TRUE((*holder)->Exec("BEGIN IMMEDIATE").ok());
  RegistryOptions options;
  options.busy_timeout_ms = 20;
  options.display_name = "data/registry.db";
  auto reg = Registry::Open(path, options);
  ASSERT_TRUE(reg.ok()) << reg.status().ToString();
  auto applied = (*reg)->Apply(FraudRepo(), "alice");
  ASSERT_FALSE(applied.ok());
  EXPECT_EQ(applied.status().message(),
            "registry 'data/registry.db' is locked by another process (gave up after 20 ms; try "
            "again)");
  // The statement is kept for debugging only.
  ASSERT_TRUE((*holder)->Exec("ROLLBACK").ok());
}

TEST(RegistryOpenFailure, ErrorReasonsAreOneLineWithoutSql) {
  const std::string label = "registry 'r.db'";
  EXPECT_EQ(ErrorReason(label, 26 /*SQLITE_NOTADB*/, 0), "registry 'r.db' is not a database");
  EXPECT_EQ(ErrorReason(label, 11 /*SQLITE_CORRUPT*/, 0),
            "registry 'r.db' is damaged (its database image is malformed)");
  EXPECT_EQ(ErrorReason(label, 8 /*SQLITE_READONLY*/, 0), "registry 'r.db' is read-only");
  EXPECT_EQ(ErrorReason(label, 8 | (6 << 8) /*SQLITE_READONLY_DIRECTORY*/, 0),
            "registry 'r.db' is read-only (its folder is not writable)");
  EXPECT_EQ(ErrorReason(label, 13 /*SQLITE_FULL*/, 0), "registry 'r.db': disk full");
  EXPECT_EQ(ErrorReason(label, 10 | (3 << 8) /*SQLITE_IOERR_WRITE*/, 5 /*EIO*/),
            "registry 'r.db': I/O error (Input/output error)");
  EXPECT_EQ(ErrorReason(label, 5 /*SQLITE_BUSY*/, 0),
            "registry 'r.db' is locked by another process");
}

// Read commands on a valid registry: nothing changes, nothing is created.
TEST(RegistryOpenForReading, ReadsLeaveTheFolderByteForByte) {
  ScratchDir dir;
  std::string path = dir.File("registry.db");
  {
    auto reg = Registry::Open(path);
    ASSERT_TRUE(reg.ok());
    ASSERT_TRUE((*reg)->Apply(FraudRepo(), "alice").ok());
  }
  Snapshot before = Take(dir, path);
  auto reg = Registry::Open(path, ReadOnly());
  ASSERT_TRUE(reg.ok()) << reg.status().ToString();
  EXPECT_EQ((*reg)->List(std::nullopt).ValueOr({}).size(), 10u);
  EXPECT_TRUE((*reg)->Describe("user_profile").ok());
  EXPECT_TRUE((*reg)->History("user_profile").ok());
  EXPECT_TRUE((*reg)->Lineage("fraud_model_v1", LineageDirection::kUpstream, true).ok());
  EXPECT_TRUE((*reg)->Search("spend").ok());
  RepoDefinitions changed = FraudRepo();
  changed.entities.pop_back();
  auto plan = (*reg)->ComputePlan(changed);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->Count(ChangeKind::kRemoved), 1);
  auto applied = (*reg)->Apply(changed, "alice");
  EXPECT_FALSE(applied.ok());
  reg->reset();
  EXPECT_TRUE(Take(dir, path) == before);
}

}  // namespace
}  // namespace tessera::registry
