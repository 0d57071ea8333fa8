// RocksDbOnlineStore's marks (rocksdb_layout.h): a bulk load into keys a
// view version cannot hold yet skips reading them, and the tie-break still
// holds in every case where the keys may hold a row: a row Write stored
// (in this process or an earlier one), an earlier bulk load, a store made
// before marks existed, pushes racing the bulk load, a deleted view.
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <thread>

#include "temp_dir.h"
#include "tessera/online/rocksdb/rocksdb_layout.h"
#include "tessera/online/rocksdb/rocksdb_online_store.h"

namespace tessera::online {
namespace {

using ::tessera::testing::TempDir;

// Every WriteBulk of two rows or more takes the bulk-load path, over 2
// threads down to parts of 4 keys.
std::unique_ptr<RocksDbOnlineStore> OpenStore(const std::string& path) {
  RocksDbOnlineStoreOptions options;
  options.path = path;
  options.block_cache_mb = 8;
  options.bulk_min_rows = 2;
  options.bulk_threads = 2;
  options.bulk_min_part_keys = 4;
  auto store = RocksDbOnlineStore::Open(options);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(*store) : nullptr;
}

std::string Key(int i) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "k%05d", i);
  return buf;
}

// Rows for keys [begin, end) at event_ts `ts`, values "<tag><i>".
struct Rows {
  Rows(int begin, int end, int64_t ts, const std::string& tag) {
    for (int i = begin; i < end; ++i) {
      keys.push_back(Key(i));
      values.push_back(tag + std::to_string(i));
    }
    for (size_t i = 0; i < keys.size(); ++i) writes.push_back({keys[i], {ts, 0, 0}, values[i]});
  }
  std::vector<std::string> keys, values;
  std::vector<OnlineWrite> writes;
};

std::optional<OnlineRow> ReadOne(OnlineStore* store, const ViewId& view, const std::string& key) {
  std::vector<OnlineLookup> lookups = {{&view, key}};
  std::vector<std::optional<OnlineRow>> out;
  EXPECT_TRUE(store->Read(lookups, &out).ok());
  return out.at(0);
}

const ViewId kView{"user_stats", 1};

// A store in a fresh folder (path_), opened (again) by Reopen.
class RocksDbBulkMarksTest : public ::testing::Test {
 protected:
  // Closes the store, if open, and opens the folder; false when that failed.
  bool Reopen() {
    store_.reset();
    store_ = OpenStore(path_);
    return store_ != nullptr;
  }

  TempDir dir_;
  const std::string path_ = dir_.path() + "/online";
  std::unique_ptr<RocksDbOnlineStore> store_;
};

TEST_F(RocksDbBulkMarksTest, BulkLoadsInKeyOrderIntoAFreshVersionSkipTheRead) {
  ASSERT_TRUE(Reopen());
  // A row Write of another view version does not make this one read.
  Rows other(0, 1, 99, "other");
  ASSERT_EQ(*store_->Write(ViewId{"user_stats", 2}, other.writes), 1);
  Rows first(0, 100, 10, "a"), second(100, 200, 10, "b");
  EXPECT_EQ(*store_->WriteBulk(kView, first.writes), 100);
  EXPECT_EQ(*store_->WriteBulk(kView, second.writes), 100);
  EXPECT_EQ(store_->bulk_loads_unread(), 2);
  EXPECT_EQ(ReadOne(store_.get(), kView, Key(150))->values, "b150");
  EXPECT_EQ(ReadOne(store_.get(), ViewId{"user_stats", 2}, Key(0))->values, "other0");
}

TEST_F(RocksDbBulkMarksTest, ARowWriteStoredBeforeTheBulkLoadWinsIt) {
  ASSERT_TRUE(Reopen());
  Rows pushed(50, 51, 20, "pushed");
  ASSERT_EQ(*store_->Write(kView, pushed.writes), 1);
  Rows bulk(0, 100, 10, "bulk");
  EXPECT_EQ(*store_->WriteBulk(kView, bulk.writes), 99);
  EXPECT_EQ(store_->bulk_loads_unread(), 0);
  EXPECT_EQ(ReadOne(store_.get(), kView, Key(50))->values, "pushed50");
  EXPECT_EQ(ReadOne(store_.get(), kView, Key(49))->values, "bulk49");
  // The mark is stored: a reopened store reads too.
  ASSERT_TRUE(Reopen());
  Rows later(100, 200, 10, "later"), pushed2(150, 151, 30, "pushed");
  ASSERT_EQ(*store_->Write(kView, pushed2.writes), 1);
  ASSERT_TRUE(Reopen());
  EXPECT_EQ(*store_->WriteBulk(kView, later.writes), 99);
  EXPECT_EQ(store_->bulk_loads_unread(), 0);
  EXPECT_EQ(ReadOne(store_.get(), kView, Key(150))->values, "pushed150");
}

TEST_F(RocksDbBulkMarksTest, ASecondBulkLoadOverTheSameKeysKeepsTheWinners) {
  ASSERT_TRUE(Reopen());
  Rows first(0, 100, 10, "first");
  ASSERT_EQ(*store_->WriteBulk(kView, first.writes), 100);
  EXPECT_EQ(store_->bulk_loads_unread(), 1);
  // Older rows over the same keys (a second run): the stored rows win.
  Rows older(0, 100, 5, "older");
  EXPECT_EQ(*store_->WriteBulk(kView, older.writes), 0);
  EXPECT_EQ(store_->bulk_loads_unread(), 1);
  // Also after a reopen (the bulk mark is stored), and for a call that
  // starts below the largest bulk-loaded key and goes past it.
  ASSERT_TRUE(Reopen());
  Rows straddling(90, 110, 5, "straddling");
  EXPECT_EQ(*store_->WriteBulk(kView, straddling.writes), 10);
  EXPECT_EQ(store_->bulk_loads_unread(), 0);
  EXPECT_EQ(ReadOne(store_.get(), kView, Key(95))->values, "first95");
  EXPECT_EQ(ReadOne(store_.get(), kView, Key(105))->values, "straddling105");
  // A small WriteBulk (Write's path) counts as bulk rows too.
  Rows newer(200, 201, 50, "newer");
  ASSERT_EQ(*store_->WriteBulk(kView, newer.writes), 1);
  EXPECT_EQ(*store_->WriteBulk(kView, Rows(195, 205, 40, "small").writes), 9);
  EXPECT_EQ(ReadOne(store_.get(), kView, Key(200))->values, "newer200");
}

TEST_F(RocksDbBulkMarksTest, AStoreWithRowsFromBeforeMarksAlwaysReads) {
  {
    // A store as an earlier build left it: rows, no marks.
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, path_, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    std::string key, value;
    AppendRocksDbKey(kView, Key(7), &key);
    AppendRocksDbValue(RowRank{20, 0, 0}, "legacy", &value);
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), key, value).ok());
  }
  ASSERT_TRUE(Reopen());
  Rows bulk(0, 100, 10, "bulk");
  EXPECT_EQ(*store_->WriteBulk(kView, bulk.writes), 99);
  EXPECT_EQ(store_->bulk_loads_unread(), 0);
  EXPECT_EQ(ReadOne(store_.get(), kView, Key(7))->values, "legacy");
}

TEST_F(RocksDbBulkMarksTest, DeletingTheViewMakesItFreshAgain) {
  ASSERT_TRUE(Reopen());
  Rows pushed(3, 4, 20, "pushed"), first(0, 100, 10, "first");
  ASSERT_EQ(*store_->Write(kView, pushed.writes), 1);
  ASSERT_EQ(*store_->WriteBulk(kView, first.writes), 99);
  ASSERT_TRUE(store_->DeleteView(kView).ok());
  EXPECT_FALSE(ReadOne(store_.get(), kView, Key(3)).has_value());
  ASSERT_TRUE(Reopen());
  Rows older(0, 100, 5, "older");
  EXPECT_EQ(*store_->WriteBulk(kView, older.writes), 100);
  EXPECT_EQ(store_->bulk_loads_unread(), 1);
  EXPECT_EQ(ReadOne(store_.get(), kView, Key(3))->values, "older3");
}

// Pushes (row Writes) race bulk loads in key order over the same keys:
// whatever the interleaving, every key ends with the highest ranked row
// offered to it (the pushes rank above some bulk rows and below others).
TEST_F(RocksDbBulkMarksTest, PushesDuringABulkLoadKeepTheTieBreak) {
  constexpr int kKeys = 4000, kCall = 500;
  for (int round = 0; round < 3; ++round) {
    TempDir dir;
    auto store = OpenStore(dir.path() + "/online");
    ASSERT_NE(store, nullptr);
    // Bulk rows at ts = i % 7 + 10; pushes at ts 13 for every third key.
    std::vector<std::string> keys, bulk_values, push_values;
    for (int i = 0; i < kKeys; ++i) {
      keys.push_back(Key(i));
      bulk_values.push_back("bulk" + std::to_string(i));
      push_values.push_back("push" + std::to_string(i));
    }
    auto bulk_ts = [](int i) { return int64_t{i % 7 + 10}; };
    std::thread pusher([&] {
      // From the top down, so pushes land before, during and after the
      // bulk calls that carry their keys.
      for (int i = kKeys - 1 - round; i >= 0; i -= 3) {
        std::vector<OnlineWrite> row = {{keys[i], {13, 0, 0}, push_values[i]}};
        ASSERT_TRUE(store->Write(kView, row).ok());
      }
    });
    for (int begin = 0; begin < kKeys; begin += kCall) {
      std::vector<OnlineWrite> rows;
      for (int i = begin; i < begin + kCall; ++i) {
        rows.push_back({keys[i], {bulk_ts(i), 0, 0}, bulk_values[i]});
      }
      ASSERT_TRUE(store->WriteBulk(kView, rows).ok());
    }
    pusher.join();
    for (int i = 0; i < kKeys; ++i) {
      const bool pushed = (kKeys - 1 - round - i) % 3 == 0;
      const bool push_wins = pushed && 13 >= bulk_ts(i);  // a tie: the later write wins
      auto row = ReadOne(store.get(), kView, keys[i]);
      ASSERT_TRUE(row.has_value()) << i;
      if (pushed && 13 == bulk_ts(i)) {
        // Equal ranks: whichever landed last; both rows are the same rank.
        EXPECT_EQ(row->rank.event_ts, 13) << i;
        continue;
      }
      EXPECT_EQ(row->values, push_wins ? push_values[i] : bulk_values[i]) << "key " << i;
    }
  }
}

}  // namespace
}  // namespace tessera::online
