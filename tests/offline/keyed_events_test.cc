// KeyedEvents: a training set's events grouped by key, read on one thread
// and on several (the scan a few batches at a time, the grouping in
// contiguous parts once there are millions of events), against an
// expectation computed here row by row in scan order: each key's events in
// scan order with their ranks (event_ts, created_ts or the null rank,
// `_ingest_seq` or the in-place position counted over every row read in
// place, kept or not) and values, filters on null keys, null or
// out-of-range times and keys not asked for.
#include "tessera/offline/keyed_events.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>

#include "tessera/core/entity_key.h"
#include "tessera/core/value.h"
#include "test_seed.h"

namespace tessera::offline {
namespace {

struct Row {
  std::optional<int64_t> user, ts, created, seq;
  std::optional<double> amount;
};

struct Expected {
  agg::EventRank rank;
  std::optional<double> amount;
};

RecordBatchPtr Batch(const SchemaPtr& schema, const std::vector<Row>& rows) {
  RecordBatchBuilder builder(schema);
  auto opt = [](std::optional<int64_t> v, Value (*make)(int64_t), DataType type) {
    return v ? make(*v) : Value::Null(type);
  };
  for (const Row& r : rows) {
    EXPECT_TRUE(
        builder
            .AppendRow({opt(r.user, Value::Int64, DataType::Int64()),
                        opt(r.ts, Value::Timestamp, DataType::Timestamp()),
                        opt(r.created, Value::Timestamp, DataType::Timestamp()),
                        r.amount ? Value::Double(*r.amount) : Value::Null(DataType::Double()),
                        opt(r.seq, Value::Int64, DataType::Int64())})
            .ok());
  }
  auto batch = builder.Finish();
  EXPECT_TRUE(batch.ok());
  return *batch;
}

TEST(KeyedEventsTest, GroupsByKeyInScanOrderOnOneThreadAndOnSeveral) {
  testing::RandomTestParams params(20261201, 1);
  SCOPED_TRACE(params.Trace());
  std::mt19937_64 rng(params.seed);
  auto pick = [&](int64_t n) { return static_cast<int64_t>(rng() % static_cast<uint64_t>(n)); };
  auto schema = Schema::Make({{"user_id", DataType::Int64()},
                              {"event_ts", DataType::Timestamp()},
                              {"created_ts", DataType::Timestamp()},
                              {"amount", DataType::Double()},
                              {"_ingest_seq", DataType::Int64()}});
  ASSERT_TRUE(schema.ok());
  constexpr int64_t kLo = 50, kHi = 980;
  constexpr int kUsers = 700, kAsked = 650;
  // Over 2M events (so grouping runs in parallel parts) in 40 batches: the
  // first half read in place, the second half logged.
  std::vector<RecordBatchPtr> batches;
  std::vector<std::vector<Expected>> expected(kAsked);
  int64_t in_place = 0, seq = 1;
  for (int b = 0; b < 40; ++b) {
    std::vector<Row> rows(70000);
    for (Row& r : rows) {
      if (pick(50) != 0) r.user = pick(kUsers);
      if (pick(50) != 0) r.ts = pick(1000);
      if (pick(2) != 0) r.created = pick(5);
      if (pick(10) != 0) r.amount = static_cast<double>(pick(1000)) / 8;
      if (b >= 20) r.seq = seq++;
      const int64_t position = r.seq ? 0 : in_place++;
      if (!r.user || *r.user >= kAsked || !r.ts || *r.ts <= kLo || *r.ts > kHi) continue;
      agg::EventRank rank{*r.ts, r.created.value_or(agg::kNullCreatedTs),
                          r.seq ? *r.seq : std::numeric_limits<int64_t>::min() + position};
      expected[static_cast<size_t>(*r.user)].push_back({rank, r.amount});
    }
    batches.push_back(Batch(*schema, rows));
  }
  // Ids in an order of their own: key u has id kAsked - 1 - u.
  std::unordered_map<std::string, int32_t> known;
  for (int u = 0; u < kAsked; ++u) {
    EntityKey::Builder key;
    key.AppendInt(u);
    known.emplace(key.Build().bytes(), kAsked - 1 - u);
  }
  for (int threads : {1, 3}) {
    SCOPED_TRACE("threads " + std::to_string(threads));
    VectorBatchReader reader(*schema, batches);
    Result<KeyedEvents> events = KeyedEvents::Read(&reader, 1, 1, kLo, kHi, &known, threads);
    ASSERT_TRUE(events.ok()) << events.status().ToString();
    ASSERT_EQ(events->num_keys(), static_cast<size_t>(kAsked));
    size_t total = 0;
    std::vector<agg::EventRank> ranks;
    std::vector<std::optional<agg::AggInput>> values;
    for (int u = 0; u < kAsked; ++u) {
      const std::vector<Expected>& want = expected[static_cast<size_t>(u)];
      const auto id = static_cast<size_t>(kAsked - 1 - u);
      events->Collect(id, &ranks, &values);
      ASSERT_EQ(ranks.size(), want.size()) << "user " << u;
      ASSERT_EQ(events->events_of(id), want.size());
      for (size_t j = 0; j < want.size(); ++j) {
        ASSERT_EQ(ranks[j], want[j].rank) << "user " << u << " event " << j;
        ASSERT_EQ(values[j].has_value(), want[j].amount.has_value())
            << "user " << u << " event " << j;
        if (want[j].amount) ASSERT_EQ(values[j]->d, *want[j].amount);
      }
      total += want.size();
    }
    EXPECT_EQ(events->num_events(), total);
    EXPECT_GT(total, size_t{2} << 20);
  }
}

}  // namespace
}  // namespace tessera::offline
