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
#include "tessera/online/online_store_factory.h"
#include "tessera/online/rocksdb/rocksdb_layout.h"
#include "tessera/registry/loader.h"

namespace tessera::online {
namespace {

// A fresh folder under the test temp dir, removed with its contents.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = ::testing::TempDir() + "tessera_rocks_XXXXXX";
    path_ = ::mkdtemp(tmpl.data()) ? tmpl : std::string();
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A RocksDB store that owns (and removes) its temporary folder.
class TempRocksDbStore final : public OnlineStore {
 public:
  TempRocksDbStore() {
    RocksDbOnlineStoreOptions options;
    options.path = dir_.path() + "/online";
    options.block_cache_mb = 8;
    auto store = RocksDbOnlineStore::Open(options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    if (store.ok()) store_ = std::move(*store);
  }
  ~TempRocksDbStore() override { store_.reset(); }  // close before the folder goes

  Result<int64_t> Write(const ViewId& view, std::span<const OnlineWrite> rows) override {
    return store_->Write(view, rows);
  }
  Status CompareAndWrite(const ViewId& view, std::span<const OnlineCompareWrite> rows,
                         std::vector<uint8_t>* stored) override {
    return store_->CompareAndWrite(view, rows, stored);
  }
  Status Read(std::span<const OnlineLookup> lookups,
              std::vector<std::optional<OnlineRow>>* out) override {
    return store_->Read(lookups, out);
  }
  Status DeleteView(const ViewId& view) override { return store_->DeleteView(view); }
  Status Ping() override { return store_->Ping(); }
  std::string Describe() const override { return store_->Describe(); }

 private:
  TempDir dir_;  // destroyed after store_
  std::unique_ptr<RocksDbOnlineStore> store_;
};

Result<std::unique_ptr<RocksDbOnlineStore>> OpenAt(const std::string& path,
                                                   const std::string& display = "") {
  RocksDbOnlineStoreOptions options;
  options.path = path;
  options.display_path = display;
  options.block_cache_mb = 8;
  return RocksDbOnlineStore::Open(options);
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

// tessera.yaml's online_store.block_cache_mb.
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

}  // namespace
}  // namespace tessera::online

TESSERA_ONLINE_STORE_CONTRACT(RocksDb, (tessera::online::contract::StoreFactory{
                                           "rocksdb", [] {
                                             return std::unique_ptr<tessera::online::OnlineStore>(
                                                 new tessera::online::TempRocksDbStore());
                                           }}))
