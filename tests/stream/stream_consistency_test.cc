// Stream ingestion end to end (issue 11): random event streams XADDed to a
// real redis-server (out of order within the window, bursts at one time,
// retries that re-send an event's id, bad entries mixed in), consumed by a
// StreamService into the facade's push path, with a restart of the consumer
// and the store in the middle. After the consumer catches up, every served
// value equals `historical` at the same time and the brute-force reference
// (tests/common/window_reference.h), each bad entry is in the dead-letter
// stream with its reason, and no retry is counted twice.
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <thread>

#include "redis_server.h"
#include "require_oracle.h"
#include "tessera/core/record_batch.h"
#include "tessera/core/time.h"
#include "tessera/feature_store.h"
#include "tessera/stream/stream_service.h"
#include "test_seed.h"
#include "tests/online/redis_test_util.h"
#include "window_reference.h"

namespace tessera {
namespace {

namespace fs = std::filesystem;
using namespace ::tessera::testing::window;  // NOLINT: the shared reference
using Fields = std::vector<std::pair<std::string, std::string>>;

using online::redis::RawRedis;
using online::redis::ReplyPtr;

// XRANGE key - +: each entry's fields by name.
std::vector<std::map<std::string, std::string>> EntriesOf(RawRedis& redis, const std::string& key) {
  std::vector<std::map<std::string, std::string>> out;
  ReplyPtr r = redis.Reply({"XRANGE", key, "-", "+"});
  if (r == nullptr || r->type != REDIS_REPLY_ARRAY) return out;
  for (size_t i = 0; i < r->elements; ++i) {
    const redisReply* fields = r->element[i]->element[1];
    std::map<std::string, std::string> entry;
    for (size_t f = 0; f + 1 < fields->elements; f += 2) {
      entry[std::string(fields->element[f]->str, fields->element[f]->len)] =
          std::string(fields->element[f + 1]->str, fields->element[f + 1]->len);
    }
    out.push_back(std::move(entry));
  }
  return out;
}

// XADD key * fields...; the new entry's id.
std::string Add(RawRedis& redis, const std::string& key, const Fields& fields) {
  std::vector<std::string> args = {"XADD", key, "*"};
  for (const auto& [f, v] : fields) {
    args.push_back(f);
    args.push_back(v);
  }
  return redis.Run(args);
}

std::string DoubleText(double v) {
  if (std::isnan(v)) return "NaN";
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.17g", v);
  return buf;
}

// An event as stream entry fields (a null is a missing field or, at random,
// an empty value: both mean null).
Fields EntryOf(const Event& e, std::mt19937_64& rng) {
  Fields fields = {{"user_id", std::to_string(e.user)},
                   {"event_timestamp", FormatTimestamp(e.ts)},
                   {"event_id", e.id}};
  auto optional = [&](const char* name, bool has, const std::string& text) {
    if (has) {
      fields.push_back({name, text});
    } else if (rng() % 2 == 0) {
      fields.push_back({name, ""});
    }
  };
  optional("amount", e.amount.has_value(), e.amount ? DoubleText(*e.amount) : "");
  optional("qty", e.qty.has_value(), e.qty ? std::to_string(*e.qty) : "");
  optional("merchant", e.merchant.has_value(), e.merchant.value_or(""));
  optional("created", e.created.has_value(), e.created ? FormatTimestamp(*e.created) : "");
  std::shuffle(fields.begin(), fields.end(), rng);
  return fields;
}

// Entries the consumer must reject, one per kind.
Fields BadEntry(std::mt19937_64& rng, int64_t now) {
  const std::string ts = FormatTimestamp(now);
  switch (rng() % 5) {
    case 0: return {{"user_id", "1"}, {"event_timestamp", ts}, {"amout", "1.5"}};
    case 1: return {{"user_id", "1"}, {"event_timestamp", ts}, {"amount", "abc"}};
    case 2: return {{"event_timestamp", ts}, {"amount", "2"}};
    case 3: return {{"user_id", "2"}, {"event_timestamp", "yesterday"}};
    default: return {{"user_id", "x7"}, {"event_timestamp", ts}};
  }
}

class StreamConsistencyTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!::tessera::testing::RedisServerBinary()) {
      TESSERA_MISSING_ORACLE("redis-server: not installed (scripts/setup.sh installs it)");
    }
    std::string why;
    redis_ = ::tessera::testing::SharedRedisServer(&why);
    ASSERT_NE(redis_, nullptr) << why;
    static std::atomic<int> runs{0};
    const std::string run = std::to_string(::getpid()) + "_" + std::to_string(runs++);
    dir_ = fs::temp_directory_path() / ("tessera_stream_consistency_" + run);
    key_ = "tx_" + run;
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "features");
    const std::string url = "redis://127.0.0.1:" + std::to_string(redis_->port());
    std::string config = "project: s" + run + "\n";
    if (GetParam() == "redis") config += "online_store: {type: redis, url: \"" + url + "\"}\n";
    std::ofstream(dir_ / "tessera.yaml") << config;
    std::string defs = Definitions();
    const std::string push = "  - {name: events_push, kind: push, batch_source: events}\n";
    const size_t at = defs.find(push);
    ASSERT_NE(at, std::string::npos);
    defs.replace(at, push.size(),
                 "  - name: events_push\n    kind: push\n    batch_source: events\n"
                 "    stream: {type: redis, url: \"" +
                     url + "\", key: " + key_ + ", group: tessera}\n");
    std::ofstream(dir_ / "features/defs.yaml") << defs;
    std::ofstream(dir_ / "events.csv")
        << "user_id,event_timestamp,amount,qty,merchant,event_id,created\n"
           "99,2024-01-01T00:00:00Z,0.5,1,z,h0,2024-01-01T00:00:00Z\n";
    clock_.Set(1000 * kHour);
    OpenStore();
    auto applied = store_->Apply("test");
    ASSERT_TRUE(applied.ok()) << applied.status().ToString();
    producer_ = std::make_unique<RawRedis>(redis_->port());
  }
  void TearDown() override {
    service_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  void OpenStore() {
    StoreOptions options;
    options.env = &clock_;
    auto store = FeatureStore::Open(dir_.string(), options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }

  void StartService() {
    stream::StreamServiceOptions options;
    options.consumer = "c1";
    options.block_ms = 20;
    options.batch_size = 7;  // small: several batches and group commits per step
    auto service = stream::StreamService::Start(store_.get(), options);
    ASSERT_TRUE(service.ok()) << service.status().ToString();
    service_ = std::move(*service);
  }

  // Waits until the consumer has handled every entry sent (applied,
  // dropped as a duplicate or rejected); false after 30 s.
  bool CaughtUp() {
    for (int i = 0; i < 3000; ++i) {
      Counts now = Totals();
      if (now.applied + now.duplicates + now.rejected == sent_) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  struct Counts {
    int64_t applied = 0;
    int64_t duplicates = 0;
    int64_t rejected = 0;
  };
  // The consumers' counters over every run of the service.
  Counts Totals() {
    Counts c = before_restart_;
    for (const stream::StreamStatus& s : service_->Statuses()) {
      c.applied += s.events_applied;
      c.duplicates += s.duplicates;
      c.rejected += s.rejected;
    }
    return c;
  }

  void RestartConsumerAndStore() {
    service_->Stop();
    before_restart_ = Totals();
    service_.reset();
    store_.reset();
    OpenStore();
    StartService();
  }

  std::vector<std::vector<Value>> Served(int64_t users) { return ServedStats(store_.get(), users); }

  std::vector<std::vector<Value>> Historical(const std::vector<std::pair<int64_t, int64_t>>& rows) {
    return HistoricalStats(store_.get(), rows);
  }

  void ExpectRow(const std::vector<Value>& got, int64_t user, int64_t t, const std::string& what) {
    ASSERT_EQ(got.size(), Features().size()) << what;
    for (size_t f = 0; f < Features().size(); ++f) {
      Value expected = Reference(Features()[f], user, t, events_);
      EXPECT_TRUE(Same(got[f], expected))
          << what << " user " << user << " t " << t << " " << Features()[f].name << ": got "
          << got[f].ToString() << ", expected " << expected.ToString();
    }
  }

  Event RandomEvent(std::mt19937_64& rng, int64_t now) {
    auto pick = [&](int64_t n) { return static_cast<int64_t>(rng() % static_cast<uint64_t>(n)); };
    Event e;
    e.user = 1 + pick(4);
    switch (pick(7)) {
      case 0: e.ts = now; break;
      case 1: e.ts = now - kHour + 1; break;
      case 2: e.ts = now - 10 * kMin + pick(3) - 1; break;
      case 3: e.ts = last_ts_; break;
      default: e.ts = now - pick(3600) * kSec; break;
    }
    last_ts_ = e.ts;
    if (pick(6) != 0) e.amount = pick(50) == 0 ? std::nan("") : (pick(4001) - 2000) / 64.0;
    if (pick(6) != 0) e.qty = pick(2001) - 1000;
    if (pick(6) != 0) e.merchant = std::string(1, static_cast<char>('a' + pick(7)));
    if (pick(3) != 0) e.created = now - pick(3) * kSec;
    return e;
  }

  ::tessera::testing::RedisServer* redis_ = nullptr;
  fs::path dir_;
  std::string key_;
  ClockEnv clock_;
  std::unique_ptr<FeatureStore> store_;
  std::unique_ptr<stream::StreamService> service_;
  std::unique_ptr<RawRedis> producer_;
  std::vector<Event> events_;  // the distinct good events, in entry order
  int64_t sent_ = 0;           // entries XADDed
  Counts before_restart_;
  int64_t last_ts_ = 0;
};

TEST_P(StreamConsistencyTest, ServedEqualsHistoricalEqualsBruteForce) {
  ::tessera::testing::RandomTestParams params(111, 24);
  SCOPED_TRACE(params.Trace());
  std::mt19937_64 rng(params.seed);
  const int64_t start = 1000 * kHour;
  last_ts_ = start;
  StartService();
  std::vector<std::string> bad_ids;
  int64_t retries = 0;
  for (int step = 0; step < params.iterations; ++step) {
    const int64_t now = start + step * 3 * kMin;
    clock_.Set(now);
    const int n = 1 + static_cast<int>(rng() % 15);
    for (int i = 0; i < n; ++i) {
      const uint64_t kind = rng() % 10;
      if (kind == 0) {
        bad_ids.push_back(Add(*producer_, key_, BadEntry(rng, now)));
      } else if (kind == 1 && !events_.empty()) {
        // A producer retry: an event still in the largest window sent again.
        const Event& e = events_[rng() % events_.size()];
        if (e.ts <= now - kHour) continue;
        Add(*producer_, key_, EntryOf(e, rng));
        ++retries;
      } else {
        Event e = RandomEvent(rng, now);
        e.seq = static_cast<int64_t>(events_.size()) + 1;  // entry order = commit order
        e.id = "e" + std::to_string(e.seq);
        Add(*producer_, key_, EntryOf(e, rng));
        events_.push_back(e);
      }
      ++sent_;
    }
    ASSERT_TRUE(CaughtUp()) << "the consumer did not catch up at step " << step;
    if (step == params.iterations / 2) RestartConsumerAndStore();
    if (step % 5 == 2) {
      std::vector<std::vector<Value>> served = Served(5);
      for (int64_t u = 1; u <= 5; ++u) {
        ExpectRow(served[static_cast<size_t>(u - 1)], u, now, "served mid-stream");
      }
    }
  }
  const Counts totals = Totals();
  EXPECT_EQ(totals.applied, static_cast<int64_t>(events_.size()));
  EXPECT_EQ(totals.duplicates, retries);
  EXPECT_EQ(totals.rejected, static_cast<int64_t>(bad_ids.size()));
  const int64_t end = start + (params.iterations - 1) * 3 * kMin;
  const std::vector<int64_t> offsets = {0, 1, 10 * kMin, 10 * kMin + 1, kHour - 1, kHour};
  std::vector<std::pair<int64_t, int64_t>> spine;
  std::vector<std::vector<Value>> served_rows;
  for (int64_t offset : offsets) {
    clock_.Set(end + offset);
    std::vector<std::vector<Value>> served = Served(5);
    for (int64_t u = 1; u <= 5; ++u) {
      spine.push_back({u, end + offset});
      served_rows.push_back(served[static_cast<size_t>(u - 1)]);
    }
  }
  std::vector<std::vector<Value>> historical = Historical(spine);
  ASSERT_EQ(historical.size(), spine.size());
  for (size_t i = 0; i < spine.size(); ++i) {
    auto [u, t] = spine[i];
    ExpectRow(historical[i], u, t, "historical");
    ExpectRow(served_rows[i], u, t, "served");
    for (size_t f = 0; f < Features().size(); ++f) {
      EXPECT_TRUE(Same(served_rows[i][f], historical[i][f]))
          << "served != historical: user " << u << " t " << t << " " << Features()[f].name;
    }
  }
  // Every bad entry is in the dead-letter stream, with its id and a reason.
  std::vector<std::map<std::string, std::string>> dead = EntriesOf(*producer_, key_ + ":dead");
  ASSERT_EQ(dead.size(), bad_ids.size());
  for (size_t i = 0; i < dead.size(); ++i) {
    EXPECT_EQ(dead[i]["_entry_id"], bad_ids[i]);
    EXPECT_FALSE(dead[i]["_reason"].empty());
    EXPECT_EQ(dead[i]["_source"], "events_push");
  }
}

INSTANTIATE_TEST_SUITE_P(Stores, StreamConsistencyTest, ::testing::Values("rocksdb", "redis"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace tessera
