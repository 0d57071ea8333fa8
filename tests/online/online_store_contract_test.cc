// The OnlineStore contract tests (see online_store_contract.h), and their
// instantiation for MemoryOnlineStore, the reference.
#include "online_store_contract.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <random>
#include <thread>

#include "tessera/online/memory_online_store.h"
#include "test_seed.h"

namespace tessera::online::contract {
namespace {

struct Row {
  std::string key;
  RowRank rank;
  std::string values;
};

Result<int64_t> WriteRows(OnlineStore* store, const ViewId& view, const std::vector<Row>& rows) {
  std::vector<OnlineWrite> writes;
  writes.reserve(rows.size());
  for (const Row& r : rows) writes.push_back(OnlineWrite{r.key, r.rank, r.values});
  return store->Write(view, writes);
}

// The stored rows of (view, key) pairs, in order.
std::vector<std::optional<OnlineRow>> ReadRows(
    OnlineStore* store, const std::vector<std::pair<const ViewId*, std::string>>& keys) {
  std::vector<OnlineLookup> lookups;
  for (const auto& [view, key] : keys) lookups.push_back(OnlineLookup{view, key});
  std::vector<std::optional<OnlineRow>> out(3);  // Read must resize
  Status s = store->Read(lookups, &out);
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(out.size(), keys.size());
  return out;
}

std::optional<OnlineRow> ReadOne(OnlineStore* store, const ViewId& view, const std::string& key) {
  return ReadRows(store, {{&view, key}}).at(0);
}

std::string RankText(const RowRank& r) {
  return "(" + std::to_string(r.event_ts) + ", " +
         (r.created_ts == kNullCreatedTs ? std::string("null") : std::to_string(r.created_ts)) +
         ", " + std::to_string(r.ingest_seq) + ")";
}

// Expects the stored row to be `want` (nullopt: none).
void ExpectRow(const std::optional<OnlineRow>& got, const std::optional<Row>& want,
               const std::string& where) {
  if (!want) {
    EXPECT_FALSE(got.has_value()) << where << ": expected no row, got " << RankText(got->rank);
    return;
  }
  ASSERT_TRUE(got.has_value()) << where << ": expected a row, got none";
  EXPECT_EQ(got->rank, want->rank)
      << where << ": " << RankText(got->rank) << " vs " << RankText(want->rank);
  EXPECT_EQ(got->values, want->values) << where;
}

TEST_P(OnlineStoreContractTest, WriteThenReadReturnsRankAndValues) {
  ViewId view{"user_profile", 1};
  std::vector<Row> rows = {{"k1", {100, 5, 1}, "v1"},
                           {"k2", {200, kNullCreatedTs, 0}, "v2"},
                           {"k3", {-50, -7, 9}, std::string(300, 'x')}};
  auto stored = WriteRows(store_.get(), view, rows);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(*stored, 3);
  for (const Row& r : rows) ExpectRow(ReadOne(store_.get(), view, r.key), r, r.key);
  EXPECT_TRUE(store_->Ping().ok());
  EXPECT_FALSE(store_->Describe().empty());
}

TEST_P(OnlineStoreContractTest, MissingKeysViewsAndVersionsAreNullopt) {
  ViewId view{"v", 1}, other_version{"v", 2}, other_name{"w", 1};
  ASSERT_TRUE(WriteRows(store_.get(), view, {{"k", {1, 1, 1}, "x"}}).ok());
  auto out = ReadRows(store_.get(), {{&view, "nope"},
                                     {&other_version, "k"},
                                     {&other_name, "k"},
                                     {&view, "k"},
                                     {&view, std::string("k\0", 2)}});
  EXPECT_FALSE(out[0].has_value());
  EXPECT_FALSE(out[1].has_value());
  EXPECT_FALSE(out[2].has_value());
  EXPECT_TRUE(out[3].has_value());
  EXPECT_FALSE(out[4].has_value());
  // An empty read is fine and empties `out`.
  std::vector<std::optional<OnlineRow>> none(2);
  ASSERT_TRUE(store_->Read({}, &none).ok());
  EXPECT_TRUE(none.empty());
}

// A caller may pass the same `out` read after read (the serving path keeps
// one per thread): each read replaces every entry, so a row of an earlier
// read never shows where this read found none, and a longer earlier value
// leaves no bytes behind.
TEST_P(OnlineStoreContractTest, ReadOverAReusedVectorReplacesEveryEntry) {
  ViewId view{"v", 1};
  const Row longer{"a", {5, 6, 7}, std::string(200, 'L')};
  const Row shorter{"b", {8, kNullCreatedTs, 0}, "s"};
  ASSERT_TRUE(WriteRows(store_.get(), view, {longer, shorter}).ok());
  std::vector<std::optional<OnlineRow>> out;
  std::vector<OnlineLookup> first = {{&view, "a"}, {&view, "b"}, {&view, "a"}};
  ASSERT_TRUE(store_->Read(first, &out).ok());
  ASSERT_EQ(out.size(), 3u);
  ExpectRow(out[0], longer, "first read, a");
  ExpectRow(out[1], shorter, "first read, b");
  // Now: b where a was (shorter over longer), a missing key where b was.
  std::vector<OnlineLookup> second = {{&view, "b"}, {&view, "missing"}};
  ASSERT_TRUE(store_->Read(second, &out).ok());
  ASSERT_EQ(out.size(), 2u);
  ExpectRow(out[0], shorter, "second read, b over a");
  ExpectRow(out[1], std::nullopt, "second read, missing over b");
  std::vector<OnlineLookup> third = {{&view, "missing"}, {&view, "a"}, {&view, "b"}};
  ASSERT_TRUE(store_->Read(third, &out).ok());
  ASSERT_EQ(out.size(), 3u);
  ExpectRow(out[0], std::nullopt, "third read, missing over b");
  ExpectRow(out[1], longer, "third read, a over nothing");
  ExpectRow(out[2], shorter, "third read, b");
}

// Every ordered pair of ranks from a set with ties on each component: the
// second write replaces the first exactly when it ranks at least as high.
TEST_P(OnlineStoreContractTest, TieBreakOnEventThenCreatedThenIngestSeq) {
  std::vector<RowRank> ranks;
  for (int64_t e : {10, 20}) {
    for (int64_t c : {kNullCreatedTs, int64_t{-1}, int64_t{0}, int64_t{5}}) {
      for (int64_t s : {0, 3}) ranks.push_back(RowRank{e, c, s});
    }
  }
  ViewId view{"tie", 3};
  int pair = 0;
  for (const RowRank& a : ranks) {
    for (const RowRank& b : ranks) {
      std::string key = "pair" + std::to_string(pair++);
      Row first{key, a, "first"}, second{key, b, "second"};
      ASSERT_EQ(*WriteRows(store_.get(), view, {first}), 1);
      bool replaces = !(b < a);  // brute force: lexicographic, equal replaces
      auto stored = WriteRows(store_.get(), view, {second});
      ASSERT_TRUE(stored.ok());
      std::string where = RankText(a) + " then " + RankText(b);
      EXPECT_EQ(*stored, replaces ? 1 : 0) << where;
      ExpectRow(ReadOne(store_.get(), view, key), replaces ? second : first, where);
    }
  }
}

TEST_P(OnlineStoreContractTest, RowsOfOneKeyInOneWriteCompete) {
  ::tessera::testing::RandomTestParams params(4242, 30);
  SCOPED_TRACE(params.Trace());
  std::mt19937_64 rng(params.seed);
  ViewId view{"compete", 1};
  MemoryOnlineStore reference;
  for (int it = 0; it < params.iterations; ++it) {
    // A few keys, each written several times in one call with few distinct
    // ranks (so equal ranks occur: the later one in the call wins).
    std::vector<Row> rows;
    int n = 1 + static_cast<int>(rng() % 12);
    for (int i = 0; i < n; ++i) {
      RowRank rank{static_cast<int64_t>(rng() % 3),
                   rng() % 3 == 0 ? kNullCreatedTs : int64_t(rng() % 2),
                   static_cast<int64_t>(rng() % 2)};
      rows.push_back({"key" + std::to_string(rng() % 3), rank,
                      "it" + std::to_string(it) + "row" + std::to_string(i)});
    }
    auto got = WriteRows(store_.get(), view, rows);
    auto want = WriteRows(&reference, view, rows);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(*got, *want) << "iteration " << it;
    for (const char* key : {"key0", "key1", "key2"}) {
      auto expected = ReadOne(&reference, view, key);
      std::optional<Row> want_row;
      if (expected) want_row = Row{key, expected->rank, expected->values};
      ExpectRow(ReadOne(store_.get(), view, key), want_row,
                "iteration " + std::to_string(it) + " " + key);
    }
  }
}

TEST_P(OnlineStoreContractTest, ManyKeysOfManyViewsInOneReadInRequestOrder) {
  std::vector<ViewId> views = {{"a", 1}, {"b", 1}, {"b", 2}};
  std::map<std::pair<int, std::string>, Row> written;
  for (int v = 0; v < 3; ++v) {
    std::vector<Row> rows;
    for (int k = 0; k < 300; ++k) {
      if ((k + v) % 4 == 0) continue;  // some keys missing per view
      std::string key = "user" + std::to_string(k);
      rows.push_back({key, {k, v, k * v}, "view" + std::to_string(v) + key});
      written[{v, key}] = rows.back();
    }
    ASSERT_TRUE(WriteRows(store_.get(), views[v], rows).ok());
  }
  std::vector<std::pair<const ViewId*, std::string>> lookups;
  std::vector<std::pair<int, std::string>> ids;
  for (int k = 0; k < 320; ++k) {
    for (int v = 0; v < 3; ++v) {
      ids.push_back({v, "user" + std::to_string(k)});
    }
  }
  std::shuffle(ids.begin(), ids.end(), std::mt19937_64(7));
  ids.push_back(ids.front());  // the same lookup twice
  for (const auto& [v, key] : ids) lookups.push_back({&views[v], key});
  auto out = ReadRows(store_.get(), lookups);
  ASSERT_EQ(out.size(), ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    auto it = written.find(ids[i]);
    ExpectRow(out[i], it == written.end() ? std::nullopt : std::optional<Row>(it->second),
              "lookup " + std::to_string(i));
  }
}

TEST_P(OnlineStoreContractTest, ViewVersionsAndNamesAreIsolated) {
  ViewId v1{"user", 1}, v2{"user", 2}, other{"user2", 1}, prefix{"use", 1};
  Row a{"k", {5, 5, 5}, "v1"}, b{"k", {1, 1, 1}, "v2"}, c{"k", {9, 9, 9}, "other"},
      d{"k", {0, 0, 0}, "prefix"};
  ASSERT_TRUE(WriteRows(store_.get(), v1, {a}).ok());
  ASSERT_TRUE(WriteRows(store_.get(), v2, {b}).ok());  // lower rank, other version: stored
  ASSERT_TRUE(WriteRows(store_.get(), other, {c}).ok());
  ASSERT_TRUE(WriteRows(store_.get(), prefix, {d}).ok());
  ExpectRow(ReadOne(store_.get(), v1, "k"), a, "v1");
  ExpectRow(ReadOne(store_.get(), v2, "k"), b, "v2");
  ExpectRow(ReadOne(store_.get(), other, "k"), c, "user2");
  ExpectRow(ReadOne(store_.get(), prefix, "k"), d, "use");
}

TEST_P(OnlineStoreContractTest, DeleteViewDeletesOnlyThatVersion) {
  ViewId v1{"user", 1}, v2{"user", 2}, other{"merchant", 1};
  std::vector<Row> rows;
  for (int k = 0; k < 100; ++k) rows.push_back({"k" + std::to_string(k), {k, 0, 0}, "x"});
  for (const ViewId* v : {&v1, &v2, &other}) ASSERT_TRUE(WriteRows(store_.get(), *v, rows).ok());
  ASSERT_TRUE(store_->DeleteView(v1).ok());
  ASSERT_TRUE(store_->DeleteView(v1).ok());  // idempotent
  ASSERT_TRUE(store_->DeleteView(ViewId{"never_written", 4}).ok());
  for (const Row& r : rows) {
    EXPECT_FALSE(ReadOne(store_.get(), v1, r.key).has_value()) << r.key;
    ExpectRow(ReadOne(store_.get(), v2, r.key), r, "v2 " + r.key);
    ExpectRow(ReadOne(store_.get(), other, r.key), r, "merchant " + r.key);
  }
  // A deleted view takes new rows again, whatever their rank.
  Row low{"k1", {-100, kNullCreatedTs, 0}, "after"};
  EXPECT_EQ(*WriteRows(store_.get(), v1, {low}), 1);
  ExpectRow(ReadOne(store_.get(), v1, "k1"), low, "after delete");
}

// Writers on several threads race on the same keys: every thread writes
// every key once, in the same order, so the threads' rows of a key arrive
// at nearly the same time. Every rank is distinct (unique ingest_seq), so
// exactly one row per key wins: the brute-force max.
TEST_P(OnlineStoreContractTest, ConcurrentWritersLeaveTheMaxRankRow) {
  ::tessera::testing::RandomTestParams params(99, 1500);
  SCOPED_TRACE(params.Trace());
  constexpr int kThreads = 4;
  ViewId view{"race", 1};
  std::vector<std::vector<Row>> per_thread(kThreads);
  std::mt19937_64 rng(params.seed);
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < params.iterations; ++i) {
      RowRank rank{static_cast<int64_t>(rng() % 3),
                   rng() % 2 ? kNullCreatedTs : static_cast<int64_t>(rng() % 2),
                   static_cast<int64_t>(rng() % 1000) * kThreads + t};
      per_thread[t].push_back(
          {"key" + std::to_string(i), rank, "t" + std::to_string(t) + "i" + std::to_string(i)});
    }
  }
  std::vector<std::thread> threads;
  std::vector<Status> results(kThreads);
  std::atomic<int> waiting{kThreads};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      waiting.fetch_sub(1);
      while (waiting.load() > 0) std::this_thread::yield();  // start together
      // Batches of varying size, so calls interleave with different shapes.
      const auto& rows = per_thread[t];
      for (size_t i = 0; i < rows.size();) {
        size_t n = std::min(rows.size() - i, size_t{1} + (i + t) % 3);
        std::vector<Row> batch(rows.begin() + i, rows.begin() + i + n);
        auto r = WriteRows(store_.get(), view, batch);
        if (!r.ok()) {
          results[t] = r.status();
          return;
        }
        i += n;
      }
    });
  }
  for (auto& th : threads) th.join();
  for (const Status& s : results) ASSERT_TRUE(s.ok()) << s.ToString();
  std::map<std::string, Row> best;
  for (const auto& rows : per_thread) {
    for (const Row& r : rows) {
      auto it = best.find(r.key);
      if (it == best.end() || it->second.rank < r.rank) best[r.key] = r;
    }
  }
  for (const auto& [key, row] : best) ExpectRow(ReadOne(store_.get(), view, key), row, key);
}

// Keys and values are opaque bytes: 0x00 inside, empty values, keys that
// are prefixes of each other, and key + view name splits that concatenate
// to the same bytes ("ab" in view "c" vs "a" in view "bc").
TEST_P(OnlineStoreContractTest, BinaryKeysAndValuesRoundTrip) {
  ViewId c{"c", 1}, bc{"bc", 1};
  std::vector<Row> rows = {{std::string("\0", 1), {1, 1, 1}, std::string("\0\0\xFF", 3)},
                           {std::string("\0\0", 2), {1, 1, 1}, ""},
                           {std::string("a\0b", 3), {1, 1, 1}, std::string("\x01\x00", 2)},
                           {"ab", {1, 1, 1}, "in c"},
                           {std::string("\xFF\xFE\x80", 3), {1, 1, 1}, std::string(1, '\0')}};
  ASSERT_EQ(*WriteRows(store_.get(), c, rows), static_cast<int64_t>(rows.size()));
  Row a_in_bc{"a", {1, 1, 1}, "in bc"};
  ASSERT_EQ(*WriteRows(store_.get(), bc, {a_in_bc}), 1);
  for (const Row& r : rows)
    ExpectRow(ReadOne(store_.get(), c, r.key), r, "key of size " + std::to_string(r.key.size()));
  ExpectRow(ReadOne(store_.get(), bc, "a"), a_in_bc, "a in bc");
  EXPECT_FALSE(ReadOne(store_.get(), bc, "ab").has_value());
  EXPECT_FALSE(ReadOne(store_.get(), c, "a").has_value());
  EXPECT_FALSE(ReadOne(store_.get(), c, "").has_value());
}

TEST_P(OnlineStoreContractTest, LargeBatchWriteAndRead) {
  constexpr int kRows = 50000;
  ViewId view{"large", 7};
  std::vector<Row> rows;
  rows.reserve(kRows);
  for (int i = 0; i < kRows; ++i) {
    rows.push_back({"entity" + std::to_string(i), {i, i % 5, i}, "value" + std::to_string(i * 31)});
  }
  auto stored = WriteRows(store_.get(), view, rows);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(*stored, kRows);
  std::vector<std::pair<const ViewId*, std::string>> keys;
  for (int i = kRows - 1; i >= 0; --i) keys.push_back({&view, rows[i].key});
  auto out = ReadRows(store_.get(), keys);
  ASSERT_EQ(out.size(), static_cast<size_t>(kRows));
  for (int i = 0; i < kRows; ++i) {
    const Row& want = rows[kRows - 1 - i];
    ASSERT_TRUE(out[i].has_value()) << want.key;
    ASSERT_EQ(out[i]->rank, want.rank) << want.key;
    ASSERT_EQ(out[i]->values, want.values) << want.key;
  }
}

// Random writes (with duplicate keys in a call) and deletes, applied to the
// store and to the reference: every row and every returned count agree.
TEST_P(OnlineStoreContractTest, RandomOperationsMatchTheReference) {
  ::tessera::testing::RandomTestParams params(31337, 60);
  SCOPED_TRACE(params.Trace());
  std::mt19937_64 rng(params.seed);
  std::vector<ViewId> views = {{"x", 1}, {"x", 2}, {"y", 1}};
  MemoryOnlineStore reference;
  for (int it = 0; it < params.iterations; ++it) {
    const ViewId& view = views[rng() % views.size()];
    if (rng() % 10 == 0) {
      ASSERT_TRUE(store_->DeleteView(view).ok());
      ASSERT_TRUE(reference.DeleteView(view).ok());
      continue;
    }
    std::vector<Row> rows;
    for (int i = 0, n = 1 + static_cast<int>(rng() % 20); i < n; ++i) {
      rows.push_back({"k" + std::to_string(rng() % 15),
                      {static_cast<int64_t>(rng() % 5), static_cast<int64_t>(rng() % 2),
                       static_cast<int64_t>(rng() % 2)},
                      std::to_string(it) + "/" + std::to_string(i)});
    }
    auto got = WriteRows(store_.get(), view, rows);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(*got, *WriteRows(&reference, view, rows)) << "iteration " << it;
  }
  std::vector<std::pair<const ViewId*, std::string>> keys;
  for (const ViewId& v : views) {
    for (int k = 0; k < 15; ++k) keys.push_back({&v, "k" + std::to_string(k)});
  }
  auto got = ReadRows(store_.get(), keys);
  auto want = ReadRows(&reference, keys);
  for (size_t i = 0; i < keys.size(); ++i) {
    std::optional<Row> w;
    if (want[i]) w = Row{keys[i].second, want[i]->rank, want[i]->values};
    ExpectRow(
        got[i], w,
        keys[i].first->name + "@" + std::to_string(keys[i].first->version) + " " + keys[i].second);
  }
}

// CompareAndWrite's rows, one per Row with the expected row it names.
Status CompareRows(OnlineStore* store, const ViewId& view,
                   const std::vector<std::pair<Row, std::optional<OnlineRow>>>& rows,
                   std::vector<uint8_t>* stored) {
  std::vector<OnlineCompareWrite> writes;
  for (const auto& [r, expected] : rows) {
    writes.push_back(OnlineCompareWrite{r.key, expected ? &*expected : nullptr, r.rank, r.values});
  }
  return store->CompareAndWrite(view, writes, stored);
}

TEST_P(OnlineStoreContractTest, CompareAndWriteStoresOnlyOverTheExpectedRow) {
  ViewId view{"cas", 1};
  const RowRank r5{5, kNullCreatedTs, 1};
  const OnlineRow a{r5, "state-a"};
  std::vector<uint8_t> stored(7, 9);  // must be resized
  // No row yet: expecting none stores, expecting one does not.
  ASSERT_TRUE(CompareRows(store_.get(), view,
                          {{Row{"k1", r5, "state-a"}, std::nullopt},
                           {Row{"k2", r5, "x"}, OnlineRow{r5, "x"}}},
                          &stored)
                  .ok());
  EXPECT_EQ(stored, (std::vector<uint8_t>{1, 0}));
  ExpectRow(ReadOne(store_.get(), view, "k1"), Row{"k1", r5, "state-a"}, "k1 created");
  ExpectRow(ReadOne(store_.get(), view, "k2"), std::nullopt, "k2 not created");
  // Over the row read: stored whatever the ranks (a lower one too, no
  // tie-break); over a stale read (same rank, other bytes; same bytes,
  // other rank; none when one is stored): not stored, the row unchanged.
  const RowRank r3{3, kNullCreatedTs, 1};
  ASSERT_TRUE(CompareRows(store_.get(), view,
                          {{Row{"k1", r5, "state-b"}, OnlineRow{r5, "state-x"}},
                           {Row{"k1", r5, "state-b"}, OnlineRow{r3, "state-a"}},
                           {Row{"k1", r5, "state-b"}, std::nullopt},
                           {Row{"k1", r3, "state-b"}, a}},
                          &stored)
                  .ok());
  EXPECT_EQ(stored, (std::vector<uint8_t>{0, 0, 0, 1}));
  ExpectRow(ReadOne(store_.get(), view, "k1"), Row{"k1", r3, "state-b"}, "k1 over its read");
  // Rows of one key apply in call order: the second expects the first.
  const OnlineRow b{r3, "state-b"};
  ASSERT_TRUE(CompareRows(store_.get(), view,
                          {{Row{"k1", r5, "state-c"}, b},
                           {Row{"k1", r5, "state-d"}, b},
                           {Row{"k1", r5, "state-e"}, OnlineRow{r5, "state-c"}}},
                          &stored)
                  .ok());
  EXPECT_EQ(stored, (std::vector<uint8_t>{1, 0, 1}));
  ExpectRow(ReadOne(store_.get(), view, "k1"), Row{"k1", r5, "state-e"}, "k1 in call order");
  // Another version of the view is another row.
  ViewId other{"cas", 2};
  ASSERT_TRUE(
      CompareRows(store_.get(), other, {{Row{"k1", r5, "v2"}, std::nullopt}}, &stored).ok());
  EXPECT_EQ(stored, (std::vector<uint8_t>{1}));
  // Binary bytes compare exactly (0x00 inside, a prefix is not equal).
  const std::string bin("\0\xff\0", 3);
  ASSERT_TRUE(CompareRows(store_.get(), view, {{Row{"k3", r5, bin}, std::nullopt}}, &stored).ok());
  ASSERT_TRUE(CompareRows(store_.get(), view,
                          {{Row{"k3", r5, "p"}, OnlineRow{r5, bin.substr(0, 2)}},
                           {Row{"k3", r5, "q"}, OnlineRow{r5, bin}}},
                          &stored)
                  .ok());
  EXPECT_EQ(stored, (std::vector<uint8_t>{0, 1}));
  ExpectRow(ReadOne(store_.get(), view, "k3"), Row{"k3", r5, "q"}, "k3");
}

// Read-modify-write counters under one rank (which cannot tell two
// updates apart): every increment lands exactly once when writers retry
// the keys whose compare-and-set failed. A plain Write (an equal rank
// replaces) would lose increments.
TEST_P(OnlineStoreContractTest, ConcurrentCompareAndWriteLosesNoUpdate) {
  constexpr int kThreads = 4;
  constexpr int kIncrements = 60;
  constexpr int kKeys = 3;
  ViewId view{"counters", 1};
  const RowRank rank{1, kNullCreatedTs, 1};
  std::vector<Status> results(kThreads);
  std::atomic<int> waiting{kThreads};
  std::atomic<int64_t> lost_rounds{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      waiting.fetch_sub(1);
      while (waiting.load() > 0) std::this_thread::yield();
      for (int i = 0; i < kIncrements; ++i) {
        // Every key once per increment, in one call.
        std::vector<std::string> keys;
        for (int k = 0; k < kKeys; ++k) keys.push_back("c" + std::to_string((k + t) % kKeys));
        while (!keys.empty()) {
          std::vector<OnlineLookup> lookups;
          for (const std::string& k : keys) lookups.push_back(OnlineLookup{&view, k});
          std::vector<std::optional<OnlineRow>> got;
          Status s = store_->Read(lookups, &got);
          if (!s.ok()) {
            results[t] = s;
            return;
          }
          std::vector<std::string> values(keys.size());
          std::vector<OnlineCompareWrite> writes;
          for (size_t k = 0; k < keys.size(); ++k) {
            values[k] = std::to_string(got[k] ? std::stoll(got[k]->values) + 1 : 1);
            writes.push_back(
                OnlineCompareWrite{keys[k], got[k] ? &*got[k] : nullptr, rank, values[k]});
          }
          std::vector<uint8_t> stored;
          s = store_->CompareAndWrite(view, writes, &stored);
          if (!s.ok()) {
            results[t] = s;
            return;
          }
          std::vector<std::string> again;
          for (size_t k = 0; k < keys.size(); ++k) {
            if (!stored[k]) again.push_back(keys[k]);
          }
          lost_rounds += static_cast<int64_t>(again.size());
          keys = std::move(again);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (const Status& s : results) ASSERT_TRUE(s.ok()) << s.ToString();
  for (int k = 0; k < kKeys; ++k) {
    const std::string key = "c" + std::to_string(k);
    ExpectRow(ReadOne(store_.get(), view, key),
              Row{key, rank, std::to_string(kThreads * kIncrements)}, key);
  }
  RecordProperty("lost_rounds", static_cast<int>(lost_rounds.load()));
}

}  // namespace

}  // namespace tessera::online::contract

TESSERA_ONLINE_STORE_CONTRACT(Memory, (tessera::online::contract::StoreFactory{
                                          "memory", [] {
                                            return std::unique_ptr<tessera::online::OnlineStore>(
                                                new tessera::online::MemoryOnlineStore());
                                          }}))
