// WindowWriter with several writers sharing one store (issue 11): each
// "process" is a thread with its own WindowWriter (its own lock stripes, as
// a separate process has) and, on Redis, its own store object (its own
// connections), applying overlapping batches of events to the same keys
// (redeliveries: a batch applied by one writer and then by another). The
// stored states must hold every distinct event exactly once: the values
// read from them at now equal a brute-force reference over the distinct
// events (count, integer sum, last by rank). Without the compare-and-set,
// one writer's read-modify-write overwrites the other's and events are
// lost.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <random>
#include <thread>

#include "redis_test_util.h"
#include "tessera/agg/window_plan.h"
#include "tessera/agg/window_state.h"
#include "tessera/core/entity_key.h"
#include "tessera/core/record_batch.h"
#include "tessera/online/memory_online_store.h"
#include "tessera/online/window_writer.h"
#include "test_seed.h"

namespace tessera::online {
namespace {

constexpr int64_t kSec = 1000000;
constexpr int64_t kHour = 3600 * kSec;
constexpr int64_t kNow = 500000 * kHour;

struct Event {
  int64_t user;
  int64_t ts;
  int64_t qty;
  int64_t seq;  // unique: the ingest sequence a push gives it
};

struct Int64Columns final : agg::ColumnTypeLookup {
  Result<DataType> TypeOf(const std::string&) const override { return DataType::Int64(); }
};

// count_1h, qty_sum_1h, qty_last_1h.
agg::WindowPlan Plan() {
  registry::FeatureView view;
  view.name = "v";
  registry::Aggregation count;
  count.function = "count";
  count.windows = {kHour};
  registry::Aggregation sum;
  sum.column = "qty";
  sum.function = "sum";
  sum.windows = {kHour};
  registry::Aggregation last = sum;
  last.function = "last";
  view.aggregations = {count, sum, last};
  Result<agg::WindowPlan> plan = agg::MakeWindowPlan(view, Int64Columns());
  EXPECT_TRUE(plan.ok()) << plan.status().ToString();
  return *plan;
}

// Applies `events` through `writer`, as a push does.
Status ApplyEvents(WindowWriter* writer, const ViewId& view, const agg::WindowPlan& plan,
                   const std::vector<Event>& events, OnlineStore* store) {
  auto schema = Schema::Make({{"user_id", DataType::Int64()}, {"qty", DataType::Int64()}});
  RecordBatchBuilder builder(*schema);
  std::vector<agg::EventRank> ranks;
  for (const Event& e : events) {
    TS_RETURN_NOT_OK(builder.AppendRow({Value::Int64(e.user), Value::Int64(e.qty)}));
    ranks.push_back(agg::EventRank{e.ts, agg::kNullCreatedTs, e.seq});
  }
  TS_ASSIGN_OR_RETURN(RecordBatchPtr rows, builder.Finish());
  WindowEvents in;
  in.rows = rows.get();
  in.key_columns = {0};
  in.value_columns = {1};
  in.ranks = ranks;
  return writer->Apply(view, plan, in, kNow, store).status();
}

// The values of each user's state at kNow, read from `store`.
std::map<int64_t, std::vector<Value>> Served(OnlineStore* store, const ViewId& view,
                                             const agg::WindowPlan& plan, int users) {
  std::map<int64_t, std::vector<Value>> out;
  for (int64_t u = 1; u <= users; ++u) {
    EntityKey::Builder key;
    key.AppendInt(u);
    const std::string bytes = key.Build().bytes();
    std::vector<std::optional<OnlineRow>> got;
    const OnlineLookup lookup{&view, bytes};
    EXPECT_TRUE(store->Read({&lookup, 1}, &got).ok());
    if (!got[0].has_value()) continue;
    Result<agg::WindowState> state = agg::WindowState::Decode(&plan, got[0]->values);
    EXPECT_TRUE(state.ok()) << state.status().ToString();
    if (!state.ok()) continue;
    state->Read(kNow, &out[u]);
  }
  return out;
}

// The brute-force values of every user over the distinct events.
std::map<int64_t, std::vector<Value>> Reference(const std::map<int64_t, Event>& events) {
  std::map<int64_t, std::vector<const Event*>> by_user;
  for (const auto& [seq, e] : events) {
    if (e.ts > kNow - kHour && e.ts <= kNow) by_user[e.user].push_back(&e);
  }
  std::map<int64_t, std::vector<Value>> out;
  for (const auto& [user, in] : by_user) {
    int64_t sum = 0;
    const Event* last = in[0];
    for (const Event* e : in) {
      sum += e->qty;
      if (std::make_pair(e->ts, e->seq) > std::make_pair(last->ts, last->seq)) last = e;
    }
    out[user] = {Value::Int64(static_cast<int64_t>(in.size())), Value::Int64(sum),
                 Value::Int64(last->qty)};
  }
  return out;
}

// Runs kWriters threads, each with its own WindowWriter and the store
// `open()` gives it, over overlapping batches; then compares.
void RunWriters(const std::function<std::unique_ptr<OnlineStore>()>& open, OnlineStore* shared) {
  ::tessera::testing::RandomTestParams params(2024, 60);
  SCOPED_TRACE(params.Trace());
  constexpr int kWriters = 3;
  constexpr int kUsers = 3;
  const agg::WindowPlan plan = Plan();
  const ViewId view{"v", 1};
  std::mt19937_64 rng(params.seed);
  std::map<int64_t, Event> distinct;  // by seq
  std::vector<std::vector<std::vector<Event>>> batches(kWriters);
  int64_t seq = 0;
  for (int i = 0; i < params.iterations; ++i) {
    std::vector<Event> batch;
    const int n = 1 + static_cast<int>(rng() % 6);
    for (int j = 0; j < n; ++j) {
      Event e;
      e.user = 1 + static_cast<int64_t>(rng() % kUsers);
      // Out of order across the window; some at one time (ties on ts).
      e.ts = kNow - static_cast<int64_t>(rng() % 60) * 60 * kSec;
      e.qty = static_cast<int64_t>(rng() % 1000) - 500;
      e.seq = ++seq;
      batch.push_back(e);
      distinct[e.seq] = e;
    }
    const int first = static_cast<int>(rng() % kWriters);
    batches[first].push_back(batch);
    for (int w = 0; w < kWriters; ++w) {
      if (w != first && rng() % 2 == 0) batches[w].push_back(batch);  // redelivered
    }
  }
  std::vector<Status> results(kWriters);
  std::atomic<int> waiting{kWriters};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      std::unique_ptr<OnlineStore> own = open();
      OnlineStore* store = own != nullptr ? own.get() : shared;
      WindowWriter writer;  // this process's
      waiting.fetch_sub(1);
      while (waiting.load() > 0) std::this_thread::yield();
      for (const std::vector<Event>& batch : batches[w]) {
        Status s = ApplyEvents(&writer, view, plan, batch, store);
        if (!s.ok()) {
          results[w] = s;
          return;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const Status& s : results) ASSERT_TRUE(s.ok()) << s.ToString();
  std::map<int64_t, std::vector<Value>> served = Served(shared, view, plan, kUsers);
  std::map<int64_t, std::vector<Value>> want = Reference(distinct);
  ASSERT_EQ(served.size(), want.size());
  for (const auto& [user, values] : want) {
    ASSERT_EQ(served[user].size(), values.size());
    for (size_t f = 0; f < values.size(); ++f) {
      EXPECT_EQ(served[user][f], values[f])
          << "user " << user << " " << plan.aggs[f].feature_name << ": got "
          << served[user][f].ToString() << ", expected " << values[f].ToString();
    }
  }
  // Applying everything again (a third process's redelivery of all) counts
  // nothing twice.
  WindowWriter again;
  std::vector<Event> all;
  for (const auto& [s, e] : distinct) all.push_back(e);
  ASSERT_TRUE(ApplyEvents(&again, view, plan, all, shared).ok());
  EXPECT_EQ(Served(shared, view, plan, kUsers), served);
}

// A MemoryOnlineStore whose reads take a while (as a network round trip
// does), so writers' read-modify-writes overlap.
class SlowReadStore final : public OnlineStore {
 public:
  Result<int64_t> Write(const ViewId& view, std::span<const OnlineWrite> rows) override {
    return inner_.Write(view, rows);
  }
  Status CompareAndWrite(const ViewId& view, std::span<const OnlineCompareWrite> rows,
                         std::vector<uint8_t>* stored) override {
    return inner_.CompareAndWrite(view, rows, stored);
  }
  Status Read(std::span<const OnlineLookup> lookups,
              std::vector<std::optional<OnlineRow>>* out) override {
    Status s = inner_.Read(lookups, out);
    std::this_thread::sleep_for(std::chrono::microseconds(50));
    return s;
  }
  Status DeleteView(const ViewId& view) override { return inner_.DeleteView(view); }
  Status Ping() override { return Status::OK(); }
  std::string Describe() const override { return "slow memory"; }

 private:
  MemoryOnlineStore inner_;
};

TEST(WindowWriterMultiTest, WritersSharingAMemoryStoreLoseNoEvent) {
  SlowReadStore store;
  RunWriters([] { return std::unique_ptr<OnlineStore>(); }, &store);
}

TEST(WindowWriterMultiTest, WritersSharingARedisStoreLoseNoEvent) {
  TESSERA_REQUIRE_REDIS_SERVER();
  std::string why;
  testing::RedisServer* server = testing::SharedRedisServer(&why);
  ASSERT_NE(server, nullptr) << why;
  const int port = server->port();
  static std::atomic<int> projects{0};
  const std::string project = "multi" + std::to_string(projects++);
  std::unique_ptr<OnlineStore> reader =
      redis::OpenTestStore(port, project, redis::TestOptions(port));
  ASSERT_NE(reader, nullptr);
  RunWriters(
      [&] {
        return std::unique_ptr<OnlineStore>(
            redis::OpenTestStore(port, project, redis::TestOptions(port)));
      },
      reader.get());
}

}  // namespace
}  // namespace tessera::online
