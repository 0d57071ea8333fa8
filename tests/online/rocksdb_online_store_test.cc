// RocksDbOnlineStore: the store contract in a temporary folder, persistence
// across reopen, the folder held by another open store or process, stored
// bytes that are not in the layout, the key layout itself, and the factory
// and tessera.yaml settings that pick it.
#include "tessera/online/rocksdb/rocksdb_online_store.h"

#include <fcntl.h>
#include <rocksdb/db.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "online_store_contract.h"
#include "temp_dir.h"
#include "tessera/online/cached_online_store.h"
#include "tessera/online/online_store_factory.h"
#include "tessera/online/rocksdb/rocksdb_layout.h"
#include "tessera/registry/loader.h"

namespace tessera::online {
namespace {

using ::tessera::testing::TempDir;

// A RocksDB store that owns (and removes) its temporary folder. With
// `bulk`, every Write is a WriteBulk, and calls of two rows or more take
// the bulk-load path (table files ingested, the keys split over 3 threads
// down to parts of 2 keys), so the contract tests hold that path to
// Write's contract. (One-row calls take Write's path: each ingest syncs
// files, and the pairwise tie-break test alone makes 512 such calls.)
class TempRocksDbStore final : public contract::ForwardingStore {
 public:
  explicit TempRocksDbStore(bool bulk = false) : ForwardingStore(nullptr, bulk) {
    RocksDbOnlineStoreOptions options;
    options.path = dir_.path() + "/online";
    options.block_cache_mb = 8;
    if (bulk) {
      options.bulk_min_rows = 2;
      options.bulk_threads = 3;
      options.bulk_min_part_keys = 2;
    }
    auto store = RocksDbOnlineStore::Open(options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    if (store.ok()) inner_ = std::move(*store);
  }
  ~TempRocksDbStore() override { inner_.reset(); }  // close before the folder goes

 private:
  TempDir dir_;
};

Result<std::unique_ptr<RocksDbOnlineStore>> OpenAt(const std::string& path,
                                                   const std::string& display = "",
                                                   size_t bulk_min_rows = 65536) {
  RocksDbOnlineStoreOptions options;
  options.path = path;
  options.display_path = display;
  options.block_cache_mb = 8;
  options.bulk_min_rows = bulk_min_rows;
  return RocksDbOnlineStore::Open(options);
}

// The names of the files in `dir`, sorted.
std::vector<std::string> FilesIn(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::optional<OnlineRow> ReadOne(OnlineStore* store, const ViewId& view, std::string_view key) {
  std::vector<OnlineLookup> lookups = {{&view, key}};
  std::vector<std::optional<OnlineRow>> out;
  EXPECT_TRUE(store->Read(lookups, &out).ok());
  return out.at(0);
}

TEST(RocksDbOnlineStoreTest, RowsPersistAcrossReopen) {
  TempDir dir;
  const std::string path = dir.path() + "/nested/online";  // parents are created
  ViewId view{"user", 2};
  std::vector<OnlineWrite> rows = {{"k1", {10, 1, 1}, "one"}, {"k2", {20, kNullCreatedTs, 0}, ""}};
  {
    auto store = OpenAt(path);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_EQ(*(*store)->Write(view, rows), 2);
  }
  auto store = OpenAt(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  for (const OnlineWrite& w : rows) {
    auto row = ReadOne(store->get(), view, w.entity_key);
    ASSERT_TRUE(row.has_value()) << w.entity_key;
    EXPECT_EQ(row->rank, w.rank);
    EXPECT_EQ(row->values, w.values);
  }
  // The reopened store still keeps the tie-break against the stored rows.
  std::vector<OnlineWrite> older = {{"k1", {9, 99, 99}, "older"}};
  EXPECT_EQ(*(*store)->Write(view, older), 0);
  EXPECT_EQ(ReadOne(store->get(), view, "k1")->values, "one");
}

// A bulk write is in table files the MANIFEST names, not in the WAL: a
// process that exits right after it, without closing the store (so nothing
// is flushed), leaves the rows for the next open, and the tie-break holds
// against them.
TEST(RocksDbOnlineStoreTest, BulkWritesSurviveAnExitWithoutClose) {
  TempDir dir;
  const std::string path = dir.path() + "/online";
  ViewId view{"user", 1};
  std::vector<std::string> keys;
  for (int i = 0; i < 100; ++i) keys.push_back("k" + std::to_string(1000 + i));
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto store = OpenAt(path, "", /*bulk_min_rows=*/1);
    if (!store.ok()) ::_exit(2);
    std::vector<std::string> values;
    for (const std::string& k : keys) values.push_back("v" + k);
    std::vector<OnlineWrite> rows;
    for (size_t i = 0; i < keys.size(); ++i) rows.push_back({keys[i], {10, 1, 1}, values[i]});
    auto stored = (*store)->WriteBulk(view, rows);
    ::_exit(stored.ok() && *stored == 100 ? 0 : 3);  // no destructor: no flush, no close
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  auto store = OpenAt(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  for (const std::string& k : keys) {
    auto row = ReadOne(store->get(), view, k);
    ASSERT_TRUE(row.has_value()) << k;
    EXPECT_EQ(row->rank, (RowRank{10, 1, 1}));
    EXPECT_EQ(row->values, "v" + k);
  }
  std::vector<OnlineWrite> older = {{keys[0], {10, 1, 0}, "older"}};
  EXPECT_EQ(*(*store)->WriteBulk(view, older), 0);
}

// A table file a crash left before its ingest is removed by the next open;
// files of RocksDB's own stay.
TEST(RocksDbOnlineStoreTest, OpenRemovesBulkFilesLeftByACrash) {
  TempDir dir;
  const std::string path = dir.path() + "/online";
  ViewId view{"user", 1};
  std::vector<OnlineWrite> rows = {{"a", {1, 1, 1}, "x"}, {"b", {2, 2, 2}, "y"}};
  {
    auto store = OpenAt(path, "", /*bulk_min_rows=*/1);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_EQ(*(*store)->WriteBulk(view, rows), 2);
  }
  const std::vector<std::string> before = FilesIn(path);
  for (const std::string& name : before) EXPECT_FALSE(name.starts_with("tessera-bulk-")) << name;
  std::ofstream(path + "/tessera-bulk-7.sst") << "half a table file";
  auto store = OpenAt(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  for (const std::string& name : FilesIn(path)) {
    EXPECT_FALSE(name.starts_with("tessera-bulk-")) << name;
  }
  EXPECT_EQ(ReadOne(store->get(), view, "b")->values, "y");
}

// WriteBulk of many rows over three threads (parts of the keys, one table
// file each) equals Write into a second store, rows and count, with the
// stored rows of both winning for some keys and losing for others.
TEST(RocksDbOnlineStoreTest, BulkLoadOfManyRowsEqualsWrite) {
  TempDir dir;
  RocksDbOnlineStoreOptions bulk_options;
  bulk_options.path = dir.path() + "/bulk";
  bulk_options.bulk_min_rows = 1000;
  bulk_options.bulk_threads = 3;
  bulk_options.bulk_min_part_keys = 1000;
  auto bulk = RocksDbOnlineStore::Open(bulk_options);
  ASSERT_TRUE(bulk.ok()) << bulk.status().ToString();
  auto plain = OpenAt(dir.path() + "/plain");
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  ViewId view{"v", 3}, other{"w", 1};
  // Stored first: every third key at rank 50 (some rows below win over it,
  // some lose), and another view's rows under the same keys.
  std::vector<std::string> keys, values;
  for (int i = 0; i < 6000; ++i) keys.push_back("key" + std::to_string(i * 7919 % 6000));
  std::vector<OnlineWrite> stored, mine;
  for (size_t i = 0; i < keys.size(); i += 3) stored.push_back({keys[i], {50, 0, 0}, "stored"});
  for (OnlineStore* s : std::vector<OnlineStore*>{bulk->get(), plain->get()}) {
    ASSERT_TRUE(s->Write(view, stored).ok());
    ASSERT_TRUE(s->Write(other, stored).ok());
  }
  // Two rows for some keys (they compete within the call), unsorted.
  for (size_t i = 0; i < keys.size(); ++i) values.push_back("new" + std::to_string(i));
  for (size_t i = 0; i < keys.size(); ++i) {
    mine.push_back({keys[i], {static_cast<int64_t>(i % 100), 1, 1}, values[i]});
    if (i % 5 == 0) mine.push_back({keys[i], {static_cast<int64_t>(i % 100), 1, 2}, values[i]});
  }
  auto got = (*bulk)->WriteBulk(view, mine);
  auto want = (*plain)->Write(view, mine);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_TRUE(want.ok()) << want.status().ToString();
  EXPECT_EQ(*got, *want);
  int stored_won = 0;
  for (const std::string& k : keys) {
    for (const ViewId* v : std::vector<const ViewId*>{&view, &other}) {
      auto a = ReadOne(bulk->get(), *v, k);
      auto b = ReadOne(plain->get(), *v, k);
      ASSERT_EQ(a.has_value(), b.has_value()) << k;
      if (v == &other && !a) continue;  // only every third key has a row there
      ASSERT_TRUE(a.has_value()) << k;
      EXPECT_EQ(a->rank, b->rank) << k;
      EXPECT_EQ(a->values, b->values) << k;
      if (v == &view && a->values == "stored") ++stored_won;
    }
  }
  EXPECT_GT(stored_won, 0);
  EXPECT_LT(stored_won, 2000);
}

TEST(RocksDbOnlineStoreTest, SecondOpenInThisProcessGetsTheClearError) {
  TempDir dir;
  auto first = OpenAt(dir.path() + "/online", "data/online");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto second = OpenAt(dir.path() + "/online", "data/online");
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().ToString(),
            "IO error: online store data/online is in use by another process (a running "
            "`tessera serve` owns it: send the command to that server, or stop it first)");
  first->reset();
  EXPECT_TRUE(OpenAt(dir.path() + "/online").ok()) << "released when the first closes";
}

// Another process holds RocksDB's LOCK file (an fcntl lock, as a running
// server's RocksDB does); the child only makes system calls after fork().
TEST(RocksDbOnlineStoreTest, FolderHeldByAnotherProcessGetsTheClearError) {
  TempDir dir;
  const std::string path = dir.path() + "/online";
  { ASSERT_TRUE(OpenAt(path).ok()); }  // creates the store and its LOCK file
  const std::string lock = path + "/LOCK";
  int ready[2], release[2];
  ASSERT_EQ(::pipe(ready), 0);
  ASSERT_EQ(::pipe(release), 0);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    int fd = ::open(lock.c_str(), O_RDWR);
    struct flock fl {};
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    char ok = (fd >= 0 && ::fcntl(fd, F_SETLK, &fl) == 0) ? 'y' : 'n';
    (void)!::write(ready[1], &ok, 1);
    char c;
    (void)!::read(release[0], &c, 1);  // hold until the parent is done
    ::_exit(0);
  }
  char ok = 0;
  ASSERT_EQ(::read(ready[0], &ok, 1), 1);
  ASSERT_EQ(ok, 'y') << "the child could not lock " << lock;
  auto held = OpenAt(path, "data/online");
  char c = 'x';
  ASSERT_EQ(::write(release[1], &c, 1), 1);
  int status = 0;
  ::waitpid(pid, &status, 0);
  for (int fd : {ready[0], ready[1], release[0], release[1]}) ::close(fd);
  ASSERT_FALSE(held.ok());
  EXPECT_EQ(held.status().ToString(),
            "IO error: online store data/online is in use by another process (a running "
            "`tessera serve` owns it: send the command to that server, or stop it first)");
  EXPECT_TRUE(OpenAt(path).ok()) << "free again once the other process is gone";
}

TEST(RocksDbOnlineStoreTest, StoredBytesNotInTheLayoutAreCorruption) {
  TempDir dir;
  const std::string path = dir.path() + "/online";
  ViewId view{"user", 1};
  { ASSERT_TRUE(OpenAt(path).ok()); }
  {
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options(), path, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    std::string short_key, bad_version_key;
    AppendRocksDbKey(view, "short", &short_key);
    AppendRocksDbKey(view, "badversion", &bad_version_key);
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), short_key, "abc").ok());
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), bad_version_key, std::string(25, '\x07')).ok());
  }
  auto store = OpenAt(path, "data/online");
  ASSERT_TRUE(store.ok());
  std::vector<OnlineLookup> lookups = {{&view, "short"}};
  std::vector<std::optional<OnlineRow>> out;
  EXPECT_EQ((*store)->Read(lookups, &out).ToString(),
            "Corruption: online store data/online, view 'user'@1: online store value of 3 bytes "
            "is shorter than its header (25 bytes)");
  lookups = {{&view, "badversion"}};
  EXPECT_EQ((*store)->Read(lookups, &out).ToString(),
            "Corruption: online store data/online, view 'user'@1: online store value has unknown "
            "layout version 0x07");
  // A write never overwrites what it cannot rank.
  std::vector<OnlineWrite> rows = {{"short", {1, 1, 1}, "x"}};
  EXPECT_TRUE((*store)->Write(view, rows).status().IsCorruption());
}

TEST(RocksDbLayoutTest, KeysStartWithTheEntityAndEndWithTheirView) {
  std::string a, b;
  AppendRocksDbKey(ViewId{"c", 1}, "ab", &a);
  AppendRocksDbKey(ViewId{"bc", 1}, "a", &b);
  EXPECT_NE(a, b);
  EXPECT_EQ(a, std::string("abc\0\0\0\0\0\0\0\0\x01\0\x01", 14));
  EXPECT_TRUE(a.ends_with(RocksDbKeySuffix(ViewId{"c", 1})));
  EXPECT_FALSE(b.ends_with(RocksDbKeySuffix(ViewId{"c", 1})));
  EXPECT_FALSE(a.ends_with(RocksDbKeySuffix(ViewId{"c", 2})));
  std::string value;
  AppendRocksDbValue(RowRank{1, kNullCreatedTs, 3}, "v", &value);
  EXPECT_EQ(value, std::string("\x01"
                               "\x01\0\0\0\0\0\0\0"
                               "\0\0\0\0\0\0\0\x80"
                               "\x03\0\0\0\0\0\0\0"
                               "v",
                               26));
  RowRank rank;
  std::string values;
  ASSERT_TRUE(DecodeRocksDbValue(value, &rank, &values).ok());
  EXPECT_EQ(rank, (RowRank{1, kNullCreatedTs, 3}));
  EXPECT_EQ(values, "v");
}

TEST(OnlineStoreFactoryTest, PicksTheBackendFromTheConfig) {
  TempDir repo;
  registry::OnlineStoreConfig config;  // the default: rocksdb at data/online
  auto store = OpenOnlineStore(config, repo.path(), "proj", Env::Default());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->Describe(), "rocksdb data/online");
  EXPECT_TRUE(std::filesystem::exists(repo.path() + "/data/online/CURRENT"));
  store->reset();

  config.type = "memory";
  store = OpenOnlineStore(config, repo.path(), "proj", Env::Default());
  ASSERT_TRUE(store.ok());
  EXPECT_EQ((*store)->Describe(), "memory");

  config.type = "cassandra";
  store = OpenOnlineStore(config, repo.path(), "proj", Env::Default());
  EXPECT_EQ(store.status().ToString(),
            "Unsupported: tessera.yaml: online_store type 'cassandra' is not built yet");

  config.type = "rocksdb";
  config.path = repo.path() + "/absolute";
  store = OpenOnlineStore(config, "/nonexistent-root", "proj", Env::Default());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_TRUE(std::filesystem::exists(repo.path() + "/absolute/CURRENT"));
}

TEST(OnlineStoreFactoryTest, AFileInTheWayIsAnErrorNamingThePath) {
  TempDir repo;
  std::filesystem::create_directories(repo.path() + "/data");
  std::ofstream(repo.path() + "/data/online") << "not a folder";
  registry::OnlineStoreConfig config;
  auto store = OpenOnlineStore(config, repo.path(), "proj", Env::Default());
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().ToString().find("online store data/online"), std::string::npos)
      << store.status().ToString();
}

// tessera.yaml's online_store.block_cache_mb and row_cache_mb.
class RepoConfigTest : public ::testing::Test {
 protected:
  std::vector<registry::LoadError> Load(const std::string& yaml) {
    std::ofstream(dir_.path() + "/tessera.yaml") << yaml;
    return registry::LoadRepoConfig(dir_.path(), &loaded_);
  }
  std::string Errors(const std::string& yaml) {
    std::string text;
    for (const auto& e : Load(yaml)) text += e.ToString() + "\n";
    return text;
  }
  TempDir dir_;
  registry::LoadedRepo loaded_;
};

TEST_F(RepoConfigTest, BlockCacheMbIsRead) {
  ASSERT_TRUE(
      Load("project: p\nonline_store: {type: rocksdb, path: x, block_cache_mb: 512}\n").empty());
  EXPECT_EQ(loaded_.config.online.block_cache_mb, 512);
  EXPECT_EQ(loaded_.config.online.path, "x");
}

TEST_F(RepoConfigTest, BlockCacheMbDefaultsTo64) {
  ASSERT_TRUE(Load("project: p\n").empty());
  EXPECT_EQ(loaded_.config.online.block_cache_mb, 64);
}

TEST_F(RepoConfigTest, BadBlockCacheMbIsAnErrorNamingTheLine) {
  EXPECT_EQ(Errors("project: p\nonline_store:\n  block_cache_mb: 0\n"),
            "tessera.yaml:3: online_store: block_cache_mb: expected a whole number of MiB from "
            "1 to 1048576, got '0'\n");
  EXPECT_EQ(Errors("project: p\nonline_store:\n  block_cache_mb: 1.5\n"),
            "tessera.yaml:3: online_store: block_cache_mb: expected a whole number of MiB from "
            "1 to 1048576, got '1.5'\n");
  EXPECT_EQ(Errors("project: p\nonline_store:\n  block_cache_mb: 99999999999999999999\n"),
            "tessera.yaml:3: online_store: block_cache_mb: expected a whole number of MiB from "
            "1 to 1048576, got '99999999999999999999'\n");
  EXPECT_EQ(Errors("project: p\nonline_store:\n  type: redis\n  url: redis://h:1\n"
                   "  block_cache_mb: 8\n"),
            "tessera.yaml:5: online_store: block_cache_mb applies to type rocksdb only, not "
            "'redis'\n");
}

TEST_F(RepoConfigTest, RowCacheMbIsReadAndOffByDefault) {
  ASSERT_TRUE(Load("project: p\n").empty());
  EXPECT_EQ(loaded_.config.online.row_cache_mb, 0);
  ASSERT_TRUE(Load("project: p\nonline_store: {type: rocksdb, row_cache_mb: 1024}\n").empty());
  EXPECT_EQ(loaded_.config.online.row_cache_mb, 1024);
  ASSERT_TRUE(Load("project: p\nonline_store: {row_cache_mb: 0}\n").empty());
  EXPECT_EQ(loaded_.config.online.row_cache_mb, 0);
}

TEST_F(RepoConfigTest, BadRowCacheMbIsAnErrorNamingTheLine) {
  EXPECT_EQ(Errors("project: p\nonline_store:\n  row_cache_mb: -1\n"),
            "tessera.yaml:3: online_store: row_cache_mb: expected a whole number of MiB from "
            "0 to 1048576, got '-1'\n");
  EXPECT_EQ(Errors("project: p\nonline_store:\n  row_cache_mb: [1]\n"),
            "tessera.yaml:3: online_store: row_cache_mb: expected a whole number of MiB from "
            "0 to 1048576\n");
  // Redis is written by other processes too: a cache in one would go stale.
  EXPECT_EQ(Errors("project: p\nonline_store:\n  type: redis\n  url: redis://h:1\n"
                   "  row_cache_mb: 8\n"),
            "tessera.yaml:5: online_store: row_cache_mb applies to type rocksdb only, not "
            "'redis'\n");
}

// With row_cache_mb, the factory puts the cache in front of RocksDB; the
// rows written through it read back the same, also after a reopen.
TEST(OnlineStoreFactoryTest, RowCacheMbWrapsRocksDbInTheCache) {
  TempDir repo;
  registry::OnlineStoreConfig config;
  config.row_cache_mb = 4;
  const ViewId view{"v", 1};
  for (int round = 0; round < 2; ++round) {
    auto store = OpenOnlineStore(config, repo.path(), "proj", Env::Default());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto* cached = dynamic_cast<CachedOnlineStore*>(store->get());
    ASSERT_NE(cached, nullptr);
    EXPECT_EQ(cached->cache().capacity(), size_t{4} << 20);
    EXPECT_EQ((*store)->Describe(), "rocksdb data/online");
    if (round == 0) {
      std::vector<OnlineWrite> rows{{"k", RowRank{3, kNullCreatedTs, 1}, "three"}};
      ASSERT_TRUE((*store)->Write(view, rows).ok());
    }
    std::vector<OnlineLookup> lookups{{&view, "k"}, {&view, "k"}};
    std::vector<std::optional<OnlineRow>> out;
    ASSERT_TRUE((*store)->Read(lookups, &out).ok());
    for (const auto& row : out) {
      ASSERT_TRUE(row.has_value());
      EXPECT_EQ(row->values, "three");
      EXPECT_EQ(row->rank, (RowRank{3, kNullCreatedTs, 1}));
    }
  }
  config.row_cache_mb = 0;
  auto plain = OpenOnlineStore(config, repo.path(), "proj", Env::Default());
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(dynamic_cast<CachedOnlineStore*>(plain->get()), nullptr);
}

}  // namespace
}  // namespace tessera::online

// The store behind a row cache small enough (16 KiB a shard) to evict
// during the tests.
TESSERA_ONLINE_STORE_CONTRACT(CachedRocksDb,
                              (tessera::online::contract::StoreFactory{
                                  "cached_rocksdb", [] {
                                    return std::unique_ptr<tessera::online::OnlineStore>(
                                        new tessera::online::CachedOnlineStore(
                                            std::make_unique<tessera::online::TempRocksDbStore>(),
                                            1 << 20));
                                  }}))
TESSERA_ONLINE_STORE_CONTRACT(RocksDbBulk,
                              (tessera::online::contract::StoreFactory{
                                  "rocksdb_bulk", [] {
                                    return std::unique_ptr<tessera::online::OnlineStore>(
                                        new tessera::online::TempRocksDbStore(true));
                                  }}))
TESSERA_ONLINE_STORE_CONTRACT(RocksDb, (tessera::online::contract::StoreFactory{
                                           "rocksdb", [] {
                                             return std::unique_ptr<tessera::online::OnlineStore>(
                                                 new tessera::online::TempRocksDbStore());
                                           }}))
