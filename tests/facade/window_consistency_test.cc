// Windowed aggregations end to end (issue 10): random event streams pushed
// through FeatureStore::Push (out of order within the window, bursts at one
// timestamp, events on window edges, nulls, NaN, future events), with a
// restart (the store closed and reopened) in the middle and the clock set
// through Env. The value served at t equals `historical` at t bit for bit,
// and both equal a brute-force reference computed here by a nested loop
// over the events (amounts are multiples of 1/64 small enough that every
// sum is exact in plain double arithmetic, so the reference's naive sums
// are the exact sums; var, stddev and the sketches are checked against one
// fresh agg accumulator fed the window's values, which
// tests/agg/accumulator tests check against exact references). A view
// added after its events arrived gets its history from `materialize`, and
// events older than the largest window are skipped online but in training
// sets.
#include <gtest/gtest.h>
#include <unistd.h>

#include <bit>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <set>

#include "redis_server.h"
#include "require_oracle.h"
#include "tessera/agg/accumulator.h"
#include "tessera/core/env.h"
#include "tessera/core/record_batch.h"
#include "tessera/feature_store.h"
#include "test_seed.h"
#include "window_reference.h"

namespace tessera {
namespace {

namespace fs = std::filesystem;
using namespace ::tessera::testing::window;  // NOLINT: the shared reference
// Each test runs on the RocksDB backend and on a redis-server the test
// binary starts on a free loopback port (each test its own project, so its
// own keys).
class WindowConsistencyTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (char& c : name) {
      if (c == '/') c = '_';
    }
    dir_ = fs::temp_directory_path() /
           ("tessera_window_consistency_" + std::to_string(::getpid()) + "_" + name);
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "features");
    static std::atomic<int> projects{0};
    const std::string project = "w" + std::to_string(::getpid()) + "_" + std::to_string(projects++);
    std::string config = "project: " + project + "\n";
    if (GetParam() == "redis") {
      if (!::tessera::testing::RedisServerBinary()) {
        TESSERA_MISSING_ORACLE("redis-server: not installed (scripts/setup.sh installs it)");
      }
      std::string why;
      ::tessera::testing::RedisServer* server = ::tessera::testing::SharedRedisServer(&why);
      ASSERT_NE(server, nullptr) << why;
      config +=
          "online_store: {type: redis, url: \"redis://127.0.0.1:" + std::to_string(server->port()) +
          "\"}\n";
    }
    std::ofstream(dir_ / "tessera.yaml") << config;
    std::ofstream(dir_ / "features/defs.yaml") << Definitions();
    // One row of history (user 99, never read here) so the CSV's column
    // types are inferred: amount double, qty int64, merchant string.
    std::ofstream(dir_ / "events.csv")
        << "user_id,event_timestamp,amount,qty,merchant,event_id,created\n"
           "99,2024-01-01T00:00:00Z,0.5,1,z,h0,2024-01-01T00:00:00Z\n";
    clock_.Set(1000 * kHour);
    Open();
    auto applied = store_->Apply("test");
    ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  void Open() {
    store_.reset();
    StoreOptions options;
    options.env = &clock_;
    auto store = FeatureStore::Open(dir_.string(), options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }

  // Pushes `events` and `retries` (events pushed before, sent again by a
  // client: same event_id) as one push at the clock's now, the retries at
  // random places. Only the new events are committed: one log commit, in
  // the order they were sent, so their seqs follow that order.
  void Push(const std::vector<Event>& events, PushTarget to = PushTarget::kOnline,
            const std::vector<Event>& retries = {}, std::mt19937_64* rng = nullptr) {
    std::vector<std::pair<Event, bool>> sent;  // (event, is a retry)
    for (const Event& e : events) sent.push_back({e, false});
    for (const Event& r : retries) {
      const size_t at = rng == nullptr ? sent.size() : (*rng)() % (sent.size() + 1);
      sent.insert(sent.begin() + static_cast<std::ptrdiff_t>(at), {r, true});
    }
    std::vector<Event> rows;
    for (auto& [e, retry] : sent) {
      if (!retry) {
        e.seq = ++seq_;
        e.id = "e" + std::to_string(e.seq);
      }
      rows.push_back(e);
    }
    auto pushed = store_->Push("events_push", Rows(rows), to);
    ASSERT_TRUE(pushed.ok()) << pushed.status().ToString();
    EXPECT_EQ(pushed->duplicates_dropped, static_cast<int64_t>(retries.size()));
    for (const auto& [e, retry] : sent) {
      if (!retry) events_.push_back(e);
    }
  }

  Event RandomEvent(std::mt19937_64& rng, int64_t now) {
    auto pick = [&](int64_t n) { return static_cast<int64_t>(rng() % static_cast<uint64_t>(n)); };
    Event e;
    e.user = 1 + pick(4);
    switch (pick(8)) {
      case 0: e.ts = now; break;                            // at now
      case 1: e.ts = now - kHour + 1; break;                // the oldest still in
      case 2: e.ts = now - 10 * kMin + pick(3) - 1; break;  // the 10m edge
      case 3: e.ts = now + pick(30) * kSec; break;          // future (clock skew)
      case 4: e.ts = last_ts_; break;                       // a burst at one time
      default: e.ts = now - pick(3600) * kSec; break;       // out of order in the window
    }
    if (e.ts <= now - kHour) e.ts = now - kHour + 1;
    last_ts_ = e.ts;
    if (pick(6) != 0) e.amount = pick(50) == 0 ? std::nan("") : (pick(4001) - 2000) / 64.0;
    if (pick(6) != 0) e.qty = pick(2001) - 1000;
    if (pick(6) != 0) e.merchant = std::string(1, static_cast<char>('a' + pick(7)));
    if (pick(3) != 0) e.created = now - pick(3) * kSec;  // few values: ties
    return e;
  }

  // Served values of every feature for users 1..5 at the clock's now.
  std::vector<std::vector<Value>> Served() { return ServedStats(store_.get(), 5); }

  // `historical` for (user, t) rows: per row, the features in order.
  std::vector<std::vector<Value>> Historical(const std::vector<std::pair<int64_t, int64_t>>& rows) {
    return HistoricalStats(store_.get(), rows);
  }

  void ExpectRow(const std::vector<Value>& got, int64_t user, int64_t t,
                 const std::vector<Event>& events, const std::string& what) {
    ASSERT_EQ(got.size(), Features().size()) << what;
    for (size_t f = 0; f < Features().size(); ++f) {
      Value expected = Reference(Features()[f], user, t, events);
      EXPECT_TRUE(Same(got[f], expected))
          << what << " user " << user << " t " << t << " " << Features()[f].name << ": got "
          << got[f].ToString() << ", expected " << expected.ToString();
    }
  }

  fs::path dir_;
  ClockEnv clock_;
  std::unique_ptr<FeatureStore> store_;
  std::vector<Event> events_;
  int64_t seq_ = 0;
  int64_t last_ts_ = 0;
};

TEST_P(WindowConsistencyTest, ServedEqualsHistoricalEqualsBruteForce) {
  testing::RandomTestParams params(101, 60);
  SCOPED_TRACE(params.Trace());
  std::mt19937_64 rng(params.seed);
  const int64_t start = 1000 * kHour;
  last_ts_ = start;
  for (int step = 0; step < params.iterations; ++step) {
    const int64_t now = start + step * 2 * kMin;
    clock_.Set(now);
    std::vector<Event> batch;
    const int n = 1 + static_cast<int>(rng() % 12);
    for (int i = 0; i < n; ++i) batch.push_back(RandomEvent(rng, now));
    // Client retries of events still in the largest window (their ids are
    // remembered while they can change a served value).
    std::vector<Event> retries;
    for (int i = static_cast<int>(rng() % 3); i > 0 && !events_.empty(); --i) {
      const Event& e = events_[rng() % events_.size()];
      if (e.ts > now - kHour) retries.push_back(e);
    }
    Push(batch, PushTarget::kOnline, retries, &rng);
    if (step == params.iterations / 2) Open();  // a restart
    if (step % 7 == 3) {                        // served mid-stream, at now
      std::vector<std::vector<Value>> served = Served();
      for (int64_t u = 1; u <= 5; ++u) {
        ExpectRow(served[static_cast<size_t>(u - 1)], u, now, events_, "served mid-stream");
      }
    }
  }
  // After the stream: serve at several times from its end on, and compare
  // with historical at the same times.
  const int64_t end = start + (params.iterations - 1) * 2 * kMin;
  const std::vector<int64_t> offsets = {
      0,         1,         10 * kSec, 10 * kMin - 1, 10 * kMin, 10 * kMin + 1,
      30 * kMin, kHour - 1, kHour,     kHour + 1};
  std::vector<std::pair<int64_t, int64_t>> spine;
  std::vector<std::vector<Value>> served_rows;
  for (int64_t offset : offsets) {
    clock_.Set(end + offset);
    std::vector<std::vector<Value>> served = Served();
    for (int64_t u = 1; u <= 5; ++u) {
      spine.push_back({u, end + offset});
      served_rows.push_back(served[static_cast<size_t>(u - 1)]);
    }
  }
  std::vector<std::vector<Value>> historical = Historical(spine);
  ASSERT_EQ(historical.size(), spine.size());
  for (size_t i = 0; i < spine.size(); ++i) {
    auto [u, t] = spine[i];
    ExpectRow(historical[i], u, t, events_, "historical");
    ExpectRow(served_rows[i], u, t, events_, "served");
    for (size_t f = 0; f < Features().size(); ++f) {
      EXPECT_TRUE(Same(served_rows[i][f], historical[i][f]))
          << "served != historical: user " << u << " t " << t << " " << Features()[f].name;
    }
  }
}

TEST_P(WindowConsistencyTest, MaterializeBackfillsThenPushesContinue) {
  std::mt19937_64 rng(7);
  const int64_t start = 1000 * kHour;
  last_ts_ = start;
  // Events reach the log without the online store (an offline push, as
  // `tessera ingest` would), some older than the largest window at the end.
  for (int step = 0; step < 40; ++step) {
    const int64_t now = start + step * 3 * kMin;
    clock_.Set(now);
    std::vector<Event> batch;
    for (int i = 0; i < 6; ++i) batch.push_back(RandomEvent(rng, now));
    Push(std::move(batch), PushTarget::kOffline);
  }
  int64_t now = start + 40 * 3 * kMin;
  clock_.Set(now);
  // Nothing online yet: counts 0 and the rest null.
  std::vector<std::vector<Value>> before = Served();
  for (int64_t u = 1; u <= 5; ++u)
    ExpectRow(before[static_cast<size_t>(u - 1)], u, now, {}, "before");

  MaterializeRequest request;
  request.incremental = true;
  request.end_micros = now;
  auto done = store_->Materialize(request);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  std::vector<std::vector<Value>> served = Served();
  for (int64_t u = 1; u <= 5; ++u) {
    ExpectRow(served[static_cast<size_t>(u - 1)], u, now, events_, "after backfill");
  }
  // Pushes continue the backfilled state; a second backfill counts nothing
  // twice.
  for (int step = 1; step <= 10; ++step) {
    clock_.Set(now + step * kMin);
    std::vector<Event> batch;
    for (int i = 0; i < 5; ++i) batch.push_back(RandomEvent(rng, now + step * kMin));
    Push(std::move(batch));
  }
  now += 10 * kMin;
  request.end_micros = now;
  done = store_->Materialize(request);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  served = Served();
  std::vector<std::pair<int64_t, int64_t>> spine;
  for (int64_t u = 1; u <= 5; ++u) spine.push_back({u, now});
  std::vector<std::vector<Value>> historical = Historical(spine);
  ASSERT_EQ(historical.size(), 5u);
  for (int64_t u = 1; u <= 5; ++u) {
    const auto i = static_cast<size_t>(u - 1);
    ExpectRow(served[i], u, now, events_, "after pushes and a second backfill");
    for (size_t f = 0; f < Features().size(); ++f) {
      EXPECT_TRUE(Same(served[i][f], historical[i][f]))
          << "served != historical: user " << u << " " << Features()[f].name;
    }
  }
}

TEST_P(WindowConsistencyTest, EventsOlderThanTheLargestWindowAreSkippedOnlineOnly) {
  const int64_t now = 1000 * kHour;
  clock_.Set(now);
  Event fresh{1, now - 5 * kMin, 2.0, 1, "a", std::nullopt, 0};
  Event old{1, now - kHour, 4.0, 2, "b", std::nullopt, 0};  // (now - 1h, now] excludes it
  Push({fresh});
  auto pushed = store_->Push("events_push", Rows({old}), PushTarget::kOnline);
  ASSERT_TRUE(pushed.ok()) << pushed.status().ToString();
  EXPECT_EQ(pushed->window_events_applied, 0);
  EXPECT_EQ(pushed->window_events_too_old, 1);
  EXPECT_TRUE(pushed->logged);
  old.seq = ++seq_;
  events_.push_back(old);
  std::vector<std::vector<Value>> served = Served();
  ExpectRow(served[0], 1, now, {events_[0]}, "served");  // only the fresh one
  // A training row at a time whose window holds the old event sees it.
  std::vector<std::vector<Value>> historical = Historical({{1, now - 30 * kMin}});
  ASSERT_EQ(historical.size(), 1u);
  ExpectRow(historical[0], 1, now - 30 * kMin, events_, "historical");
  EXPECT_EQ(historical[0][1], Value::Int64(1));  // count_1h at now - 30m: the old event
}

INSTANTIATE_TEST_SUITE_P(Stores, WindowConsistencyTest, ::testing::Values("rocksdb", "redis"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

// Client retries: a source with an event_id column drops a row whose id
// was committed already, before the log commit, also after a restart; so
// neither the served value nor the training set counts it twice.
TEST(WindowEventIdTest, RetriedEventsCountOnce) {
  const fs::path dir =
      fs::temp_directory_path() / ("tessera_window_event_id_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "features");
  std::ofstream(dir / "tessera.yaml") << "project: p\n";
  std::ofstream(dir / "features/defs.yaml") << R"(entities:
  - name: user
    join_keys: [{name: user_id, type: int64}]
sources:
  - {name: pays, kind: batch, path: pays.csv, timestamp_field: event_timestamp}
  - {name: pays_push, kind: push, batch_source: pays}
feature_views:
  - name: spend
    entities: [user]
    source: pays_push
    aggregations:
      - {column: amount, function: sum, windows: [1h]}
      - {function: count, windows: [1h]}
)";
  std::ofstream(dir / "pays.csv") << "user_id,event_timestamp,amount,event_id\n"
                                     "99,2024-01-01T00:00:00Z,0.5,e0\n";
  ClockEnv clock;
  const int64_t now = 1000 * kHour;
  clock.Set(now);
  StoreOptions options;
  options.env = &clock;
  auto store = FeatureStore::Open(dir.string(), options);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE((*store)->Apply("test").ok());
  auto rows = [&](const std::vector<std::pair<std::string, double>>& pays) {
    auto schema = Schema::Make({{"user_id", DataType::Int64()},
                                {"event_timestamp", DataType::Timestamp()},
                                {"amount", DataType::Double()},
                                {"event_id", DataType::String()}});
    RecordBatchBuilder builder(*schema);
    int64_t i = 0;
    for (const auto& [id, amount] : pays) {
      EXPECT_TRUE(builder
                      .AppendRow({Value::Int64(1), Value::Timestamp(now - (10 + i++) * kSec),
                                  Value::Double(amount),
                                  id.empty() ? Value::Null(DataType::String()) : Value::String(id)})
                      .ok());
    }
    return *builder.Finish();
  };
  auto push = [&](const std::vector<std::pair<std::string, double>>& pays) {
    auto pushed = (*store)->Push("pays_push", rows(pays), PushTarget::kOnline);
    EXPECT_TRUE(pushed.ok()) << pushed.status().ToString();
    return pushed.ok() ? pushed->duplicates_dropped : -1;
  };
  auto served = [&]() {
    auto ids = Schema::Make({{"user_id", DataType::Int64()}});
    RecordBatchBuilder builder(*ids);
    EXPECT_TRUE(builder.AppendRow({Value::Int64(1)}).ok());
    OnlineRequest request;
    request.features = {"spend"};
    auto response = (*store)->GetOnlineFeatures(**builder.Finish(), request);
    EXPECT_TRUE(response.ok()) << response.status().ToString();
    return response->values[1]->GetValue(0).ToString() + " " +
           response->values[2]->GetValue(0).ToString();
  };
  EXPECT_EQ(push({{"a", 1.0}, {"b", 2.0}, {"", 4.0}}), 0);
  EXPECT_EQ(served(), "7 3");
  // A retry of a and b, a repeat inside one push, and rows without an id.
  EXPECT_EQ(push({{"a", 1.0}, {"c", 8.0}, {"c", 8.0}, {"b", 2.0}, {"", 16.0}}), 3);
  EXPECT_EQ(served(), "31 5");
  // After a restart the ids are read back from the log.
  store->reset();
  store = FeatureStore::Open(dir.string(), options);
  ASSERT_TRUE(store.ok());
  EXPECT_EQ(push({{"c", 8.0}, {"a", 1.0}, {"d", 32.0}}), 2);
  EXPECT_EQ(served(), "63 6");
  // The training set at now holds each event once.
  auto spine_schema =
      Schema::Make({{"user_id", DataType::Int64()}, {"event_timestamp", DataType::Timestamp()}});
  RecordBatchBuilder spine(*spine_schema);
  ASSERT_TRUE(spine.AppendRow({Value::Int64(1), Value::Timestamp(now)}).ok());
  RecordBatchPtr spine_batch = *spine.Finish();
  HistoricalRequest request;
  request.features = {"spend"};
  auto reader = (*store)->GetHistoricalFeatures(
      std::make_unique<VectorBatchReader>(spine_batch->schema(),
                                          std::vector<RecordBatchPtr>{spine_batch}),
      request);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  auto batch = (*reader)->Next();
  ASSERT_TRUE(batch.ok() && *batch != nullptr);
  EXPECT_EQ((*batch)->column(2)->GetValue(0).ToString() + " " +
                (*batch)->column(3)->GetValue(0).ToString(),
            "63 6");
  store->reset();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace tessera
