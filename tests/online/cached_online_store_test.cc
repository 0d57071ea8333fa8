// RowCache and CachedOnlineStore: hits, "no row" cached, the coherence
// protocol (a read racing a write never leaves the old row cached), the
// memory bound, that hits skip the inner store, and the store contract
// over the reference store (the RocksDB instantiation is in
// rocksdb_online_store_test.cc).
#include "tessera/online/cached_online_store.h"

#include <atomic>
#include <map>
#include <random>
#include <thread>

#include "online_store_contract.h"
#include "tessera/online/memory_online_store.h"
#include "test_seed.h"

namespace tessera::online {
namespace {

OnlineRow MakeRow(int64_t event_ts, std::string values) {
  OnlineRow row;
  row.rank.event_ts = event_ts;
  row.values = std::move(values);
  return row;
}

TEST(RowCacheTest, InsertedRowsAndAbsencesAreHits) {
  RowCache cache(1 << 20);
  std::optional<OnlineRow> row;
  RowCache::Ticket ticket;
  ASSERT_FALSE(cache.Lookup("a", &row, &ticket));
  EXPECT_FALSE(row.has_value());  // untouched on a miss
  cache.Insert("a", MakeRow(7, "seven"), ticket);
  ASSERT_TRUE(cache.Lookup("a", &row, &ticket));
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->rank.event_ts, 7);
  EXPECT_EQ(row->values, "seven");

  ASSERT_FALSE(cache.Lookup("b", &row, &ticket));
  cache.Insert("b", std::nullopt, ticket);
  ASSERT_TRUE(cache.Lookup("b", &row, &ticket));  // a cached absence resets the row
  EXPECT_FALSE(row.has_value());
}

TEST(RowCacheTest, AnEraseDuringTheReadFailsTheInsert) {
  RowCache cache(1 << 20);
  std::optional<OnlineRow> row;
  RowCache::Ticket ticket;
  ASSERT_FALSE(cache.Lookup("k", &row, &ticket));
  cache.Erase("k");  // a write of k finished while the read ran
  cache.Insert("k", MakeRow(1, "old"), ticket);
  EXPECT_FALSE(cache.Lookup("k", &row, &ticket));
  // A read that starts after the write inserts.
  cache.Insert("k", MakeRow(2, "new"), ticket);
  ASSERT_TRUE(cache.Lookup("k", &row, &ticket));
  EXPECT_EQ(row->values, "new");
}

TEST(RowCacheTest, EraseAllMakesEveryEntryAMissAndFailsInsertsOfEarlierReads) {
  RowCache cache(1 << 20);
  std::optional<OnlineRow> row;
  RowCache::Ticket a, b;
  ASSERT_FALSE(cache.Lookup("a", &row, &a));
  cache.Insert("a", MakeRow(1, "x"), a);
  ASSERT_FALSE(cache.Lookup("b", &row, &b));
  cache.EraseAll();
  cache.Insert("b", MakeRow(1, "y"), b);
  EXPECT_FALSE(cache.Lookup("a", &row, &a));
  EXPECT_FALSE(cache.Lookup("b", &row, &b));
  cache.Insert("a", MakeRow(2, "z"), a);
  ASSERT_TRUE(cache.Lookup("a", &row, &a));
  EXPECT_EQ(row->values, "z");
}

TEST(RowCacheTest, ChargeStaysWithinCapacityAndRecentEntriesStay) {
  const size_t capacity = 256 << 10;
  RowCache cache(capacity);
  std::optional<OnlineRow> row;
  RowCache::Ticket ticket;
  const std::string values(100, 'v');
  size_t inserted_bytes = 0;
  for (int i = 0; i < 20000; ++i) {
    const std::string key = "key" + std::to_string(i);
    ASSERT_FALSE(cache.Lookup(key, &row, &ticket)) << key;
    cache.Insert(key, MakeRow(i, values), ticket);
    inserted_bytes += key.size() + values.size();
    ASSERT_LE(cache.charge(), capacity) << "after " << key;
  }
  EXPECT_GT(inserted_bytes, 4 * capacity);  // eviction did happen
  EXPECT_GT(cache.charge(), capacity / 2);  // and the cache is not left empty
  ASSERT_TRUE(cache.Lookup("key19999", &row, &ticket));
  EXPECT_EQ(row->rank.event_ts, 19999);
  EXPECT_FALSE(cache.Lookup("key0", &row, &ticket));
}

TEST(RowCacheTest, AnEntryLargerThanAShardIsNotCached) {
  RowCache cache(RowCache::kShards * 1024);
  std::optional<OnlineRow> row;
  RowCache::Ticket ticket;
  const size_t empty = cache.charge();  // the hash tables' buckets
  ASSERT_FALSE(cache.Lookup("big", &row, &ticket));
  cache.Insert("big", MakeRow(1, std::string(2000, 'b')), ticket);
  EXPECT_FALSE(cache.Lookup("big", &row, &ticket));
  EXPECT_EQ(cache.charge(), empty);
  ASSERT_FALSE(cache.Lookup("small", &row, &ticket));
  cache.Insert("small", MakeRow(1, std::string(200, 's')), ticket);
  EXPECT_TRUE(cache.Lookup("small", &row, &ticket));
}

// Random inserts, replacements and erases in a cache large enough that
// nothing is evicted: every live key is a hit with its latest row, every
// erased key a miss (the table's deletions keep every probe run whole).
TEST(RowCacheTest, RandomInsertsAndErasesMatchAMap) {
  const tessera::testing::RandomTestParams params(20261201, 40000);
  SCOPED_TRACE(params.Trace());
  RowCache cache(4 << 20);
  std::map<std::string, int64_t> live;
  std::mt19937_64 rng(params.seed);
  std::optional<OnlineRow> row;
  RowCache::Ticket ticket;
  for (int i = 0; i < params.iterations; ++i) {
    const std::string key = "k" + std::to_string(rng() % 3000);
    if (rng() % 3 == 0) {
      cache.Erase(key);
      live.erase(key);
      continue;
    }
    const bool hit = cache.Lookup(key, &row, &ticket);
    ASSERT_EQ(hit, live.count(key) == 1) << key << " at step " << i;
    if (hit) {
      ASSERT_EQ(row->rank.event_ts, live[key]) << key;
      continue;
    }
    cache.Insert(key, MakeRow(i, std::string(rng() % 64, 'v')), ticket);
    live[key] = i;
  }
  for (int k = 0; k < 3000; ++k) {
    const std::string key = "k" + std::to_string(k);
    const bool hit = cache.Lookup(key, &row, &ticket);
    ASSERT_EQ(hit, live.count(key) == 1) << key;
    if (hit) EXPECT_EQ(row->rank.event_ts, live[key]) << key;
  }
}

TEST(RowCacheKeyTest, KeysOfDifferentViewsVersionsAndEntitiesDiffer) {
  auto key = [](const std::string& name, int64_t version, std::string_view entity) {
    std::string out;
    AppendRowCacheKey(ViewId{name, version}, entity, &out);
    return out;
  };
  EXPECT_NE(key("ab", 1, "c"), key("a", 1, "bc"));
  EXPECT_NE(key("a", 1, "x"), key("a", 2, "x"));
  EXPECT_NE(key("a", 1, "x"), key("a", 1, "y"));
  EXPECT_EQ(key("a", 1, "x"), key("a", 1, "x"));
}

// A MemoryOnlineStore that counts the lookups that reach it.
class CountingStore final : public contract::ForwardingStore {
 public:
  CountingStore() : ForwardingStore(std::make_unique<MemoryOnlineStore>(), false) {}
  Status Read(std::span<const OnlineLookup> lookups,
              std::vector<std::optional<OnlineRow>>* out) override {
    lookups_ += static_cast<int64_t>(lookups.size());
    return ForwardingStore::Read(lookups, out);
  }
  std::atomic<int64_t> lookups_{0};
};

class CachedOnlineStoreTest : public ::testing::Test {
 protected:
  CachedOnlineStoreTest() {
    auto counting = std::make_unique<CountingStore>();
    counting_ = counting.get();
    store_ = std::make_unique<CachedOnlineStore>(std::move(counting), 4 << 20);
  }
  std::optional<OnlineRow> ReadOne(const ViewId& view, std::string_view key) {
    std::vector<OnlineLookup> lookups{{&view, key}};
    std::vector<std::optional<OnlineRow>> out;
    Status s = store_->Read(lookups, &out);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out.at(0);
  }
  void WriteOne(const ViewId& view, std::string_view key, int64_t event_ts, std::string_view v) {
    std::vector<OnlineWrite> rows{{key, RowRank{event_ts, kNullCreatedTs, 0}, v}};
    ASSERT_TRUE(store_->Write(view, rows).ok());
  }

  CountingStore* counting_ = nullptr;
  std::unique_ptr<CachedOnlineStore> store_;
  const ViewId view_{"v", 1};
};

TEST_F(CachedOnlineStoreTest, RepeatedReadsAreServedFromTheCache) {
  WriteOne(view_, "k", 5, "five");
  EXPECT_EQ(ReadOne(view_, "k")->values, "five");
  EXPECT_EQ(counting_->lookups_, 1);
  EXPECT_EQ(ReadOne(view_, "k")->values, "five");
  EXPECT_FALSE(ReadOne(view_, "absent").has_value());
  EXPECT_FALSE(ReadOne(view_, "absent").has_value());
  EXPECT_EQ(counting_->lookups_, 2);  // k once, absent once
  // Another version of the view is another key.
  EXPECT_FALSE(ReadOne(ViewId{"v", 2}, "k").has_value());
  EXPECT_EQ(counting_->lookups_, 3);
}

TEST_F(CachedOnlineStoreTest, EveryKindOfWriteIsSeenByTheNextRead) {
  EXPECT_FALSE(ReadOne(view_, "k").has_value());  // "no row" cached
  WriteOne(view_, "k", 5, "five");
  EXPECT_EQ(ReadOne(view_, "k")->values, "five");
  WriteOne(view_, "k", 6, "six");
  EXPECT_EQ(ReadOne(view_, "k")->values, "six");

  // CompareAndWrite.
  std::optional<OnlineRow> expected = ReadOne(view_, "k");
  std::vector<OnlineCompareWrite> cas{{"k", &*expected, RowRank{6, kNullCreatedTs, 0}, "cas"}};
  std::vector<uint8_t> stored;
  ASSERT_TRUE(store_->CompareAndWrite(view_, cas, &stored).ok());
  ASSERT_EQ(stored, std::vector<uint8_t>{1});
  EXPECT_EQ(ReadOne(view_, "k")->values, "cas");

  // A small WriteBulk erases its keys; a large one everything.
  std::vector<OnlineWrite> small{{"k", RowRank{7, kNullCreatedTs, 0}, "bulk"}};
  ASSERT_TRUE(store_->WriteBulk(view_, small).ok());
  EXPECT_EQ(ReadOne(view_, "k")->values, "bulk");
  std::vector<std::string> keys;
  for (size_t i = 0; i <= CachedOnlineStore::kEraseEachMax; ++i)
    keys.push_back("b" + std::to_string(i));
  std::vector<OnlineWrite> large;
  for (const std::string& key : keys) large.push_back({key, RowRank{1, kNullCreatedTs, 0}, "x"});
  large.push_back({"k", RowRank{8, kNullCreatedTs, 0}, "large"});
  ASSERT_TRUE(store_->WriteBulk(view_, large).ok());
  EXPECT_EQ(ReadOne(view_, "k")->values, "large");
  EXPECT_EQ(ReadOne(view_, "b0")->values, "x");

  // DeleteView.
  ASSERT_TRUE(store_->DeleteView(view_).ok());
  EXPECT_FALSE(ReadOne(view_, "k").has_value());
}

// Readers race writers on a few keys. A read that starts after a write
// returned must see at least that write's rank (a stale cached row would
// show an older one), and once every writer is done, each key read through
// the cache equals the inner store's row.
TEST_F(CachedOnlineStoreTest, ReadsRacingWritesNeverLeaveAStaleRowCached) {
  constexpr int kKeys = 4;
  constexpr int kWrites = 3000;
  std::array<std::atomic<int64_t>, kKeys> written{};
  std::atomic<bool> done{false};
  std::atomic<int64_t> stale{0};
  auto key_of = [](int k) { return "key" + std::to_string(k); };
  std::vector<std::thread> threads;
  for (int w = 0; w < 2; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 1; i <= kWrites; ++i) {
        const int k = (i + w) % kKeys;
        const int64_t ts = int64_t{i} * 2 + w;
        const std::string key = key_of(k);  // the row's views point into it
        const std::string value = std::to_string(ts);
        std::vector<OnlineWrite> rows{{key, RowRank{ts, kNullCreatedTs, 0}, value}};
        if (i % 3 == 0) {
          ASSERT_TRUE(store_->WriteBulk(view_, rows).ok());
        } else {
          ASSERT_TRUE(store_->Write(view_, rows).ok());
        }
        int64_t seen = written[k].load();
        while (seen < ts && !written[k].compare_exchange_weak(seen, ts)) {
        }
      }
    });
  }
  for (int r = 0; r < 3; ++r) {
    threads.emplace_back([&, r] {
      std::vector<std::optional<OnlineRow>> out;
      for (int i = 0; !done.load(); ++i) {
        const int k = (i + r) % kKeys;
        const int64_t floor = written[k].load();
        const std::string key = key_of(k);
        std::vector<OnlineLookup> lookups{{&view_, key}};
        ASSERT_TRUE(store_->Read(lookups, &out).ok());
        const int64_t got = out[0].has_value() ? out[0]->rank.event_ts : 0;
        if (got < floor) stale.fetch_add(1);
      }
    });
  }
  threads[0].join();
  threads[1].join();
  done = true;
  for (size_t t = 2; t < threads.size(); ++t) threads[t].join();
  EXPECT_EQ(stale.load(), 0);
  for (int k = 0; k < kKeys; ++k) {
    const std::string key = key_of(k);
    std::optional<OnlineRow> cached = ReadOne(view_, key);
    std::vector<OnlineLookup> lookups{{&view_, key}};
    std::vector<std::optional<OnlineRow>> inner;
    ASSERT_TRUE(counting_->Read(lookups, &inner).ok());
    ASSERT_TRUE(cached.has_value() && inner[0].has_value()) << key;
    EXPECT_EQ(cached->rank, inner[0]->rank) << key;
    EXPECT_EQ(cached->values, inner[0]->values) << key;
    EXPECT_EQ(cached->rank.event_ts, written[k].load()) << key;
  }
}

}  // namespace
}  // namespace tessera::online

// A small cache (16 KiB a shard), so the contract also runs through eviction.
TESSERA_ONLINE_STORE_CONTRACT(CachedMemory,
                              (tessera::online::contract::StoreFactory{
                                  "cached_memory", [] {
                                    return std::unique_ptr<tessera::online::OnlineStore>(
                                        new tessera::online::CachedOnlineStore(
                                            std::make_unique<tessera::online::MemoryOnlineStore>(),
                                            1 << 20));
                                  }}))
