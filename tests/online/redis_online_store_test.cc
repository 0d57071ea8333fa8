// The Redis backend against a real redis-server on a loopback port: round
// trips, the tie-break (checked against MemoryOnlineStore, the reference),
// concurrent writers, a pipelined batch larger than one pipeline chunk, the
// key layout (one hash per entity under a cluster hash tag), project
// isolation, DeleteView and NOSCRIPT recovery.
#include <algorithm>
#include <cstdio>
#include <limits>
#include <random>
#include <thread>

#include "redis_test_util.h"
#include "tessera/online/memory_online_store.h"
#include "tessera/online/redis/redis_layout.h"

namespace tessera::online::redis {
namespace {

using testing::RedisServer;
using testing::SharedRedisServer;

class RedisStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TESSERA_REQUIRE_REDIS_SERVER();
    std::string why;
    server_ = SharedRedisServer(&why);
    ASSERT_NE(server_, nullptr) << why;
    // A project per test: tests share the server and never see each other.
    project_ = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    store_ = OpenTestStore(server_->port(), project_, TestOptions(server_->port()));
    ASSERT_NE(store_, nullptr);
  }

  // Reads (view, key) pairs through `store`.
  static std::vector<std::optional<OnlineRow>> ReadAll(
      OnlineStore& store, const std::vector<std::pair<const ViewId*, std::string>>& keys) {
    std::vector<OnlineLookup> lookups;
    for (const auto& [view, key] : keys) lookups.push_back({view, key});
    std::vector<std::optional<OnlineRow>> out;
    Status st = store.Read(lookups, &out);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  }

  RedisServer* server_ = nullptr;
  std::string project_;
  std::unique_ptr<RedisOnlineStore> store_;
};

std::string RowText(const std::optional<OnlineRow>& row) {
  if (!row) return "none";
  return std::to_string(row->rank.event_ts) + "/" + std::to_string(row->rank.created_ts) + "/" +
         std::to_string(row->rank.ingest_seq) + "=" + row->values;
}

TEST_F(RedisStoreTest, WritesThenReadsRowsOfSeveralViewsInRequestOrder) {
  const ViewId a{"user_stats", 1}, b{"user_stats", 2};
  const std::string k1 = std::string("\x02\x80\0\0\0\0\0\0\x01", 9), k2 = "\x03user\0\x01";
  std::string binary_values("\0\xff\x01", 3);
  const OnlineWrite rows_a[] = {{k1, {10, 5, 1}, "a1"},
                                {k2, {-20, kNullCreatedTs, 0}, binary_values}};
  const OnlineWrite rows_b[] = {{k1, {30, 7, 2}, ""}};
  ASSERT_EQ(*store_->Write(a, rows_a), 2);
  ASSERT_EQ(*store_->Write(b, rows_b), 1);
  auto got = ReadAll(*store_, {{&b, k2}, {&a, k2}, {&b, k1}, {&a, k1}, {&a, "missing"}, {&a, k1}});
  std::vector<std::string> text;
  for (const auto& row : got) text.push_back(RowText(row));
  EXPECT_EQ(text, (std::vector<std::string>{
                      "none", "-20/" + std::to_string(kNullCreatedTs) + "/0=" + binary_values,
                      "30/7/2=", "10/5/1=a1", "none", "10/5/1=a1"}));
  std::vector<std::optional<OnlineRow>> empty_out(3);
  ASSERT_TRUE(store_->Read({}, &empty_out).ok());
  EXPECT_TRUE(empty_out.empty());
}

TEST_F(RedisStoreTest, TieBreakKeepsTheHigherRankAndEqualRankReplaces) {
  const ViewId v{"v", 1};
  const std::string k = "k";
  auto write = [&](RowRank rank, std::string_view values) {
    const OnlineWrite row[] = {{k, rank, values}};
    return *store_->Write(v, row);
  };
  EXPECT_EQ(write({100, 5, 3}, "first"), 1);
  EXPECT_EQ(write({99, 1000, 1000}, "older event"), 0);
  EXPECT_EQ(write({100, 4, 1000}, "older created"), 0);
  EXPECT_EQ(write({100, kNullCreatedTs, 1000}, "null created"), 0);
  EXPECT_EQ(write({100, 5, 2}, "older seq"), 0);
  EXPECT_EQ(RowText(ReadAll(*store_, {{&v, k}})[0]), "100/5/3=first");
  EXPECT_EQ(write({100, 5, 3}, "equal rank"), 1);
  EXPECT_EQ(RowText(ReadAll(*store_, {{&v, k}})[0]), "100/5/3=equal rank");
  EXPECT_EQ(write({100, 5, 4}, "newer seq"), 1);
  EXPECT_EQ(write({100, 6, 0}, "newer created"), 1);
  EXPECT_EQ(write({101, kNullCreatedTs, 0}, "newer event"), 1);
  EXPECT_EQ(RowText(ReadAll(*store_, {{&v, k}})[0]),
            "101/" + std::to_string(kNullCreatedTs) + "/0=newer event");
}

// Random ranks over a small domain (many ties, negative times, null
// created_ts), written in random batches; every key must end equal to the
// reference store, and each Write must report the same count.
TEST_F(RedisStoreTest, RandomWritesAgreeWithTheReferenceStore) {
  std::mt19937_64 rng(20261130);
  const ViewId views[] = {{"v", 1}, {"w", 3}};
  MemoryOnlineStore reference;
  auto pick = [&](int n) { return static_cast<int64_t>(rng() % n); };
  for (int batch = 0; batch < 60; ++batch) {
    const ViewId& view = views[pick(2)];
    std::vector<std::string> keys, values;
    std::vector<OnlineWrite> rows;
    const int n = 1 + static_cast<int>(pick(40));
    for (int i = 0; i < n; ++i) {
      keys.push_back("key" + std::to_string(pick(15)));
      values.push_back("val" + std::to_string(batch) + "." + std::to_string(i));
    }
    for (int i = 0; i < n; ++i) {
      const int64_t created = pick(4) == 0 ? kNullCreatedTs : pick(3) - 1;
      rows.push_back({keys[i], {pick(5) - 2, created, pick(3)}, values[i]});
    }
    ASSERT_EQ(*store_->Write(view, rows), *reference.Write(view, rows)) << "batch " << batch;
  }
  std::vector<std::pair<const ViewId*, std::string>> all;
  for (const ViewId& view : views) {
    for (int k = 0; k < 16; ++k) all.push_back({&view, "key" + std::to_string(k)});
  }
  auto got = ReadAll(*store_, all);
  auto want = ReadAll(reference, all);
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(RowText(got[i]), RowText(want[i])) << all[i].first->name << " " << all[i].second;
  }
}

// WriteBulk (rows grouped by hash slot, many per script call, more rows
// than one pipeline carries) against the reference: rows of one key in one
// call and across calls, stored rows winning over some new rows and losing
// to others, other views' rows in the same hashes untouched.
TEST_F(RedisStoreTest, BulkWritesAgreeWithTheReferenceStore) {
  std::mt19937_64 rng(20261201);
  const ViewId view{"v", 1}, other{"w", 2};
  MemoryOnlineStore reference;
  constexpr int kKeys = 30000;
  std::vector<std::string> keys;
  for (int k = 0; k < kKeys; ++k) keys.push_back("key" + std::to_string(k));
  for (int call = 0; call < 3; ++call) {
    const ViewId& v = call == 1 ? other : view;
    const size_t n = call == 2 ? 70000 : 20000;
    std::vector<std::string> values;
    for (size_t i = 0; i < n; ++i)
      values.push_back("c" + std::to_string(call) + "." + std::to_string(i));
    std::vector<OnlineWrite> rows;
    for (size_t i = 0; i < n; ++i) {
      const int64_t ts = static_cast<int64_t>(rng() % 6) - 3;
      rows.push_back({keys[rng() % kKeys], {ts, static_cast<int64_t>(rng() % 2), 0}, values[i]});
    }
    auto got = store_->WriteBulk(v, rows);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(*got, *reference.Write(v, rows)) << "call " << call;
  }
  std::vector<std::pair<const ViewId*, std::string>> all;
  for (const ViewId* v : {&view, &other}) {
    for (const std::string& k : keys) all.push_back({v, k});
  }
  auto got = ReadAll(*store_, all);
  auto want = ReadAll(reference, all);
  for (size_t i = 0; i < all.size(); ++i) {
    ASSERT_EQ(RowText(got[i]), RowText(want[i])) << all[i].first->name << " " << all[i].second;
  }
}

// HashSlot is Redis Cluster's: CRC16/XMODEM of the hash tag, mod 16384
// (values from the CLUSTER KEYSLOT documentation and the CRC's check value).
TEST(RedisLayoutTest, HashSlotIsRedisClusters) {
  EXPECT_EQ(HashSlot("123456789"), 0x31C3);
  EXPECT_EQ(HashSlot("somekey"), 11058);
  EXPECT_EQ(HashSlot("foo{hash_tag}"), 2515);
  EXPECT_EQ(HashSlot("{user1000}.following"), HashSlot("user1000"));
  EXPECT_EQ(HashSlot("foo{}{bar}"), HashSlot(std::string_view("foo{}{bar}")));
  EXPECT_NE(HashSlot("foo{}{bar}"), HashSlot("bar"));  // an empty tag: the whole key
  EXPECT_EQ(HashSlot(EntityHashKey("p", "\x01")), HashSlot("p:01"));
}

TEST_F(RedisStoreTest, ConcurrentWritersLeaveTheMaxRankRow) {
  const ViewId v{"v", 1};
  constexpr int kThreads = 8, kKeys = 40;
  RedisOptions options = TestOptions(server_->port());
  options.pool_size = 3;  // fewer connections than writers: the pool makes them wait
  auto store = OpenTestStore(server_->port(), project_, options);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(t);
      for (int round = 0; round < 5; ++round) {
        std::vector<std::string> keys, values;
        for (int k = 0; k < kKeys; ++k) {
          keys.push_back("k" + std::to_string(k));
          values.push_back("t" + std::to_string(t) + "r" + std::to_string(round));
        }
        std::vector<OnlineWrite> rows;
        // Thread t's rank for key k and round r; unique, so one winner.
        for (int k = 0; k < kKeys; ++k)
          rows.push_back({keys[k], {(k * 7 + t) % kThreads, round, t}, values[k]});
        std::shuffle(rows.begin(), rows.end(), rng);
        Result<int64_t> stored = store->Write(v, rows);
        EXPECT_TRUE(stored.ok()) << stored.status().ToString();
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int k = 0; k < kKeys; ++k) {
    // Highest event_ts is kThreads - 1, reached by the t with (k*7+t) % 8 == 7; its round 4 wins.
    const int winner = ((kThreads - 1) - (k * 7) % kThreads + kThreads) % kThreads;
    EXPECT_EQ(RowText(ReadAll(*store, {{&v, "k" + std::to_string(k)}})[0]),
              std::to_string(kThreads - 1) + "/4/" + std::to_string(winner) + "=t" +
                  std::to_string(winner) + "r4")
        << "key " << k;
  }
}

// 10,000 lookups over 5,000 entities (more commands than one pipeline
// chunk), shuffled, with misses, against the reference store; the server
// counts one HMGET per entity, not one command per lookup.
TEST_F(RedisStoreTest, BatchOfTenThousandLookupsComesBackInRequestOrder) {
  const ViewId a{"a", 1}, b{"b", 1};
  MemoryOnlineStore reference;
  std::vector<std::string> keys, values;
  for (int i = 0; i < 5000; ++i) {
    keys.push_back("entity" + std::to_string(i));
    values.push_back(std::string(i % 7, 'x') + std::to_string(i));
  }
  std::vector<OnlineWrite> rows_a, rows_b;
  for (int i = 0; i < 5000; ++i) {
    rows_a.push_back({keys[i], {i, i, i}, values[i]});
    if (i % 3 != 0) rows_b.push_back({keys[i], {-i, 0, 0}, values[4999 - i]});
  }
  ASSERT_EQ(*store_->Write(a, rows_a), 5000);
  ASSERT_EQ(*store_->Write(b, rows_b), static_cast<int64_t>(rows_b.size()));
  ASSERT_TRUE(reference.Write(a, rows_a).ok());
  ASSERT_TRUE(reference.Write(b, rows_b).ok());
  std::vector<std::pair<const ViewId*, std::string>> lookups;
  for (int i = 0; i < 5000; ++i) {
    lookups.push_back({&a, keys[i]});
    lookups.push_back({&b, i % 500 == 0 ? "absent" + keys[i] : keys[i]});
  }
  std::shuffle(lookups.begin(), lookups.end(), std::mt19937(7));
  RawRedis raw(server_->port());
  auto commands = [&] {
    std::string info = raw.Run({"INFO", "commandstats"});
    const size_t at = info.find("cmdstat_hmget:calls=");
    return at == std::string::npos ? 0L : std::stol(info.substr(at + 20));
  };
  const long before = commands();
  auto got = ReadAll(*store_, lookups);
  const long hmgets = commands() - before;
  auto want = ReadAll(reference, lookups);
  ASSERT_EQ(got.size(), 10000u);
  int present = 0;
  for (size_t i = 0; i < lookups.size(); ++i) {
    ASSERT_EQ(RowText(got[i]), RowText(want[i])) << "lookup " << i;
    present += got[i].has_value();
  }
  // The 10 lookups of b at i % 500 == 0 ask for absent keys; 6 of those i
  // (500, 1000, 2000, 2500, 3500, 4000) are ones b holds.
  EXPECT_EQ(present, 5000 + static_cast<int>(rows_b.size()) - 6);
  EXPECT_EQ(hmgets, 5000 + 10);  // one per distinct entity key (10 "absent..." keys)
}

std::string Hex(std::string_view bytes) {
  std::string out;
  char buf[3];
  for (unsigned char c : bytes) {
    std::snprintf(buf, sizeof(buf), "%02x", c);
    out += buf;
  }
  return out;
}

// Big-endian with the sign bit flipped, written out independently.
std::string OrderedHex(int64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx",
                static_cast<unsigned long long>(static_cast<uint64_t>(v) ^ (uint64_t{1} << 63)));
  return buf;
}

TEST_F(RedisStoreTest, OneEntitysViewsShareOneHashUnderAHashTag) {
  const ViewId a{"a", 1}, a2{"a", 2}, b{"b", 7};
  const std::string key = std::string("\x02\x80\0\0\0\0\0\0\x2a", 9);
  for (const ViewId* view : {&a, &a2, &b}) {
    const std::string value = "v" + view->name;  // the row's view points into it
    const OnlineWrite row[] = {{key, {-1, 2, 3}, value}};
    ASSERT_EQ(*store_->Write(*view, row), 1);
  }
  RawRedis raw(server_->port());
  const std::string hash = "tessera:{" + project_ + ":" + Hex(key) + "}";
  EXPECT_EQ(raw.Run({"KEYS", "tessera:{" + project_ + ":*"}), hash);
  EXPECT_EQ(raw.Run({"HKEYS", hash}), "a@1|a@2|b@7");
  EXPECT_EQ(Hex(raw.Run({"HGET", hash, "b@7"})),
            OrderedHex(-1) + OrderedHex(2) + OrderedHex(3) + Hex("vb"));
  // The hash tag is what Redis Cluster hashes: the project and the key bytes.
  const size_t open = hash.find('{'), close = hash.find('}');
  EXPECT_EQ(hash.substr(open + 1, close - open - 1), project_ + ":" + Hex(key));
  EXPECT_EQ(EntityHashKey(project_, key), hash);
}

TEST_F(RedisStoreTest, TwoProjectsOnOneServerAreIsolated) {
  auto other = OpenTestStore(server_->port(), project_ + "_other", TestOptions(server_->port()));
  const ViewId v{"v", 1};
  const OnlineWrite mine[] = {{"k", {1, 1, 1}, "mine"}};
  const OnlineWrite theirs[] = {{"k", {9, 9, 9}, "theirs"}, {"only_theirs", {1, 1, 1}, "t"}};
  ASSERT_EQ(*store_->Write(v, mine), 1);
  ASSERT_EQ(*other->Write(v, theirs), 2);
  EXPECT_EQ(RowText(ReadAll(*store_, {{&v, "k"}})[0]), "1/1/1=mine");
  EXPECT_EQ(RowText(ReadAll(*store_, {{&v, "only_theirs"}})[0]), "none");
  ASSERT_TRUE(store_->DeleteView(v).ok());
  EXPECT_EQ(RowText(ReadAll(*store_, {{&v, "k"}})[0]), "none");
  EXPECT_EQ(RowText(ReadAll(*other, {{&v, "k"}})[0]), "9/9/9=theirs");
  EXPECT_EQ(RowText(ReadAll(*other, {{&v, "only_theirs"}})[0]), "1/1/1=t");
}

TEST_F(RedisStoreTest, DeleteViewRemovesOnlyThatVersionAndIsIdempotent) {
  const ViewId v1{"v", 1}, v2{"v", 2};
  std::vector<std::string> keys;
  for (int i = 0; i < 2500; ++i) keys.push_back("k" + std::to_string(i));  // several SCAN pages
  std::vector<OnlineWrite> rows;
  for (const std::string& k : keys) rows.push_back({k, {1, 1, 1}, k});
  ASSERT_EQ(*store_->Write(v1, rows), 2500);
  ASSERT_EQ(*store_->Write(v2, std::span(rows).first(10)), 10);
  ASSERT_TRUE(store_->DeleteView(v1).ok());
  std::vector<std::pair<const ViewId*, std::string>> lookups;
  for (const std::string& k : keys) lookups.push_back({&v1, k});
  for (const auto& row : ReadAll(*store_, lookups)) ASSERT_FALSE(row.has_value());
  EXPECT_EQ(RowText(ReadAll(*store_, {{&v2, "k3"}})[0]), "1/1/1=k3");
  RawRedis raw(server_->port());
  // Hashes left empty are gone; the ten with v@2 stay.
  EXPECT_EQ(
      raw.Run({"EVAL", "return #redis.call('KEYS', ARGV[1])", "0", "tessera:{" + project_ + ":*"}),
      "(integer) 10");
  ASSERT_TRUE(store_->DeleteView(v1).ok());
  ASSERT_TRUE(store_->DeleteView(v2).ok());
  EXPECT_EQ(RowText(ReadAll(*store_, {{&v2, "k3"}})[0]), "none");
}

TEST_F(RedisStoreTest, WritesLoadTheScriptAgainAfterScriptFlush) {
  const ViewId v{"v", 1};
  const OnlineWrite first[] = {{"k", {1, 0, 0}, "one"}};
  ASSERT_EQ(*store_->Write(v, first), 1);
  RawRedis raw(server_->port());
  ASSERT_EQ(raw.Run({"SCRIPT", "FLUSH"}), "OK");
  const OnlineWrite rows[] = {
      {"k", {0, 0, 0}, "loses"}, {"k", {2, 0, 0}, "two"}, {"j", {2, 0, 0}, "j"}};
  Result<int64_t> stored = store_->Write(v, rows);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(*stored, 2);
  EXPECT_EQ(RowText(ReadAll(*store_, {{&v, "k"}})[0]), "2/0/0=two");
}

TEST_F(RedisStoreTest, BulkWritesLoadTheScriptAgainAfterScriptFlush) {
  const ViewId v{"v", 1};
  const OnlineWrite first[] = {{"k", {1, 0, 0}, "one"}};
  ASSERT_EQ(*store_->WriteBulk(v, first), 1);
  RawRedis raw(server_->port());
  ASSERT_EQ(raw.Run({"SCRIPT", "FLUSH"}), "OK");
  // Rows of one key compete in call order; other keys in other slots.
  const OnlineWrite rows[] = {{"k", {0, 0, 0}, "loses"},
                              {"k", {2, 0, 0}, "two"},
                              {"j", {2, 0, 0}, "j"},
                              {"k", {2, 0, 0}, "ties, after"}};
  Result<int64_t> stored = store_->WriteBulk(v, rows);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  MemoryOnlineStore reference;
  ASSERT_TRUE(reference.Write(v, first).ok());
  Result<int64_t> expected = reference.Write(v, rows);
  ASSERT_TRUE(expected.ok());
  EXPECT_EQ(*stored, *expected);
  const auto got = ReadAll(*store_, {{&v, "k"}, {&v, "j"}});
  const auto want = ReadAll(reference, {{&v, "k"}, {&v, "j"}});
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(RowText(got[i]), RowText(want[i])) << i;
}

TEST_F(RedisStoreTest, ACorruptStoredValueIsReportedAndLosesToAWrite) {
  const ViewId v{"v", 1};
  RawRedis raw(server_->port());
  const std::string hash = EntityHashKey(project_, "k");
  ASSERT_EQ(raw.Run({"HSET", hash, "v@1", "abc"}), "(integer) 1");
  std::vector<std::optional<OnlineRow>> out;
  const OnlineLookup lookup[] = {{&v, "k"}};
  Status st = store_->Read(lookup, &out);
  EXPECT_TRUE(st.IsCorruption());
  EXPECT_EQ(st.message(), "redis 127.0.0.1:" + std::to_string(server_->port()) + ": key " + hash +
                              " field v@1: stored value has 3 bytes, fewer than the 24-byte rank");
  const OnlineWrite row[] = {
      {"k", {std::numeric_limits<int64_t>::min(), kNullCreatedTs, 0}, "fixed"}};
  ASSERT_EQ(*store_->Write(v, row), 1);
  EXPECT_EQ(ReadAll(*store_, {{&v, "k"}})[0]->values, "fixed");
}

TEST_F(RedisStoreTest, PingAndDescribe) {
  EXPECT_TRUE(store_->Ping().ok());
  EXPECT_EQ(store_->Describe(), "redis 127.0.0.1:" + std::to_string(server_->port()));
}

}  // namespace
}  // namespace tessera::online::redis
