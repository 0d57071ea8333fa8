// SlidingAggregates (training sets' fast path for count, sum, min and max)
// against agg::WindowState, the general path every other reader of windows
// uses, on random events: nulls, NaN of several payloads, infinities, both
// zeros, ties at one timestamp, reads exactly on window edges, integer sums
// that leave int64, and double values whose sums need real rounding, span
// more than the fixed point holds, or round to subnormals or overflow (the
// reads SlidingAggregates hands to an accumulator). Every value must be
// equal bit for bit.
#include "tessera/offline/sliding_aggregates.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <map>
#include <random>

#include "tessera/agg/window_state.h"
#include "test_seed.h"

namespace tessera::offline {
namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

class Types final : public agg::ColumnTypeLookup {
 public:
  Result<DataType> TypeOf(const std::string& column) const override {
    static const std::map<std::string, DataType> types = {
        {"d", DataType::Double()}, {"f", DataType::Float()}, {"l", DataType::Int64()},
        {"i", DataType::Int32()},  {"b", DataType::Bool()},  {"t", DataType::Timestamp()},
        {"s", DataType::String()}};
    auto it = types.find(column);
    if (it == types.end()) return Status::Invalid("no column " + column);
    return it->second;
  }
};

registry::Aggregation Agg(std::string column, std::string function, std::vector<int64_t> windows) {
  registry::Aggregation a;
  a.column = std::move(column);
  a.function = std::move(function);
  a.windows = std::move(windows);
  return a;
}

agg::WindowPlan Plan(std::vector<registry::Aggregation> aggregations) {
  registry::FeatureView view;
  view.name = "v";
  view.aggregations = std::move(aggregations);
  Result<agg::WindowPlan> plan = agg::MakeWindowPlan(view, Types());
  EXPECT_TRUE(plan.ok()) << plan.status().ToString();
  return *plan;
}

bool SameValue(const Value& a, const Value& b) {
  if (a.type() != b.type() || a.is_null() != b.is_null()) return false;
  if (a.is_null()) return true;
  if (a.type() == DataType::Double() || a.type() == DataType::Float()) {
    return std::bit_cast<uint64_t>(a.double_value()) == std::bit_cast<uint64_t>(b.double_value());
  }
  return a == b;
}

const std::vector<int64_t> kWindows = {1, 7, 30, 1000};

agg::WindowPlan SlidingPlan() {
  std::vector<registry::Aggregation> aggs = {
      Agg("d", "sum", kWindows), Agg("f", "sum", kWindows),  Agg("l", "sum", kWindows),
      Agg("i", "sum", kWindows), Agg("", "count", kWindows), Agg("d", "count", kWindows)};
  for (const char* column : {"d", "f", "l", "i", "b", "t"}) {
    aggs.push_back(Agg(column, "min", kWindows));
    aggs.push_back(Agg(column, "max", kWindows));
  }
  return Plan(aggs);
}

TEST(SlidingAggregatesTest, SupportsCountSumMinMaxOfNumbersOnly) {
  EXPECT_TRUE(SlidingAggregates::Supports(SlidingPlan()));
  EXPECT_TRUE(SlidingAggregates::Supports(Plan({Agg("s", "count", {5})})));
  EXPECT_FALSE(SlidingAggregates::Supports(Plan({Agg("d", "sum", {5}), Agg("s", "max", {5})})));
  EXPECT_FALSE(SlidingAggregates::Supports(Plan({Agg("d", "avg", {5})})));
  EXPECT_FALSE(SlidingAggregates::Supports(Plan({Agg("l", "last", {5})})));
  EXPECT_FALSE(SlidingAggregates::Supports(Plan({Agg("d", "stddev", {5})})));
}

// One key's events in one of several value profiles.
struct KeyEvents {
  std::vector<agg::EventRank> ranks;  // sorted, distinct
  std::vector<std::optional<agg::AggInput>> values;
};

double RandomDouble(std::mt19937_64& rng, int profile) {
  auto pick = [&](int64_t n) { return static_cast<int64_t>(rng() % static_cast<uint64_t>(n)); };
  switch (pick(profile == 4 ? 40 : 12)) {  // special values
    case 0:
      return std::bit_cast<double>(0x7FF0000000000000ull | (rng() | 1) >> 12 |
                                   (pick(2) ? 0x8000000000000000ull : 0));  // NaN payloads
    case 1: return pick(2) ? INFINITY : -INFINITY;
    case 2: return pick(2) ? 0.0 : -0.0;
    default: break;
  }
  const double sign = pick(2) ? -1.0 : 1.0;
  const double mantissa = static_cast<double>(rng() >> 11) / 9007199254740992.0;  // 53 bits
  switch (profile) {
    case 0: return sign * static_cast<double>(pick(1000000)) / 64.0;                // exact sums
    case 1: return sign * std::ldexp(mantissa, static_cast<int>(pick(9)) - 4);      // rounding
    case 2: return sign * std::ldexp(mantissa, static_cast<int>(pick(400)) - 200);  // wide span
    case 3:
      return sign * std::ldexp(mantissa, -1070 + static_cast<int>(pick(6)));  // subnormal sums
    case 4: return pick(4) == 0 ? sign : sign * 0.0;  // mostly zeros: the sign of a zero sum
    default:
      return sign * std::ldexp(1.0 + mantissa, 1020 + static_cast<int>(pick(4)));  // overflow
  }
}

KeyEvents RandomKey(std::mt19937_64& rng, int profile, int64_t base, int64_t span, size_t n) {
  auto pick = [&](int64_t m) { return static_cast<int64_t>(rng() % static_cast<uint64_t>(m)); };
  std::vector<std::pair<agg::EventRank, std::vector<std::optional<agg::AggInput>>>> events;
  for (size_t e = 0; e < n; ++e) {
    agg::EventRank rank;
    rank.event_ts = base + pick(span);  // few distinct times: ties
    if (pick(2)) rank.created_ts = pick(3);
    rank.ingest_seq = static_cast<int64_t>(e);         // distinct ranks
    std::vector<std::optional<agg::AggInput>> row(7);  // plan columns: d f l i b t (s unused)
    auto maybe = [&](agg::AggInput in) {
      return pick(6) == 0 ? std::nullopt : std::optional<agg::AggInput>(in);
    };
    agg::AggInput d, f, l, i, b, t;
    d.d = RandomDouble(rng, profile);
    f.d = static_cast<double>(static_cast<float>(RandomDouble(rng, profile % 2)));
    l.i = pick(4) == 0 ? static_cast<int64_t>(rng()) : pick(2001) - 1000;  // sums leave int64
    i.i = static_cast<int32_t>(rng());
    b.i = pick(2);
    t.i = pick(3) == 0 ? static_cast<int64_t>(rng()) : pick(50);
    row = {maybe(d), maybe(f), maybe(l), maybe(i), maybe(b), maybe(t)};
    events.push_back({rank, row});
  }
  std::sort(events.begin(), events.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  KeyEvents out;
  for (auto& [rank, row] : events) {
    out.ranks.push_back(rank);
    out.values.insert(out.values.end(), row.begin(), row.end());
  }
  return out;
}

TEST(SlidingAggregatesTest, EqualsWindowStateBitForBit) {
  testing::RandomTestParams params(20261201, 300);
  SCOPED_TRACE(params.Trace());
  std::mt19937_64 rng(params.seed);
  auto pick = [&](int64_t n) { return static_cast<int64_t>(rng() % static_cast<uint64_t>(n)); };
  const agg::WindowPlan plan = SlidingPlan();
  ASSERT_EQ(plan.column_names.size(), 6u);  // d f l i b t
  SlidingAggregates sliding(&plan);
  int subnormal = 0;
  for (int key = 0; key < params.iterations; ++key) {
    const int profile = key % 6;
    // Times near either end of int64 too (WindowState's reads are exact
    // from the smallest int64 plus the largest window on).
    const int64_t base = key % 7 == 5 ? kMin + 1020 : key % 7 == 6 ? kMax - 60 : pick(1000) - 500;
    const int64_t span = 1 + pick(60);
    KeyEvents events = RandomKey(rng, profile, base, span, static_cast<size_t>(pick(60)));
    std::vector<int64_t> ts;
    for (const agg::EventRank& r : events.ranks) ts.push_back(r.event_ts);
    agg::WindowState state(&plan);
    std::vector<agg::WindowState::AddResult> results(events.ranks.size());
    state.AddBatch(events.ranks, events.values, results);
    // Reads in time order, on and around events' times and window edges.
    std::vector<int64_t> reads;
    for (int r = 0; r < 40; ++r) {
      __int128 t = base + pick(span + 40) - 20;
      if (!ts.empty() && pick(2)) {
        t = static_cast<__int128>(ts[static_cast<size_t>(pick(static_cast<int64_t>(ts.size())))]) +
            kWindows[static_cast<size_t>(pick(4))] * pick(2) - pick(2);
      }
      reads.push_back(static_cast<int64_t>(std::clamp<__int128>(t, kMin, kMax)));
    }
    std::sort(reads.begin(), reads.end());
    sliding.Reset(ts, events.values);
    std::vector<Value> got, expected;
    for (int64_t t : reads) {
      sliding.Read(t, &got);
      state.Read(t, &expected);
      ASSERT_EQ(got.size(), expected.size());
      for (size_t a = 0; a < got.size(); ++a) {
        ASSERT_TRUE(SameValue(got[a], expected[a]))
            << "key " << key << " profile " << profile << " t " << t << " "
            << plan.aggs[a].feature_name << ": got " << got[a].ToString() << ", expected "
            << expected[a].ToString();
        const Value& v = expected[a];
        if (v.type() == DataType::Double() && !v.is_null() && v.double_value() != 0 &&
            std::fabs(v.double_value()) < std::numeric_limits<double>::min()) {
          ++subnormal;
        }
      }
    }
  }
  // The data reach the reads the fixed point hands over.
  EXPECT_GT(subnormal, 0);
}

// The reads the fixed point hands over, by exact values: a subnormal sum, a
// sum of finite values beyond the double range, values 2000 binades apart,
// and an int64 sum that leaves int64 then comes back as the window slides.
TEST(SlidingAggregatesTest, HandsOverSubnormalOverflowingAndWideSums) {
  const agg::WindowPlan plan = Plan({Agg("d", "sum", {2}), Agg("l", "sum", {2})});
  const double tiny = std::numeric_limits<double>::denorm_min();
  const double big = std::numeric_limits<double>::max();
  ASSERT_EQ(plan.column_names, (std::vector<std::string>{"d", "l"}));
  std::vector<std::optional<agg::AggInput>> values;
  auto in = [&](double d, int64_t i) {
    agg::AggInput a, b;
    a.d = d;
    b.i = i;
    values.push_back(a);
    values.push_back(b);
  };
  std::vector<int64_t> ts = {0, 0, 1, 1, 2, 3, 4, 5};
  in(tiny, kMax);
  in(tiny, 1);
  in(-3 * tiny, -1);
  in(big, kMin);
  in(big, kMin);
  in(0x1p-1000, 5);
  in(0x1p1000, 7);
  in(-0x1p1000, 1);
  SlidingAggregates sliding(&plan);
  sliding.Reset(ts, values);
  std::vector<Value> out;
  auto read = [&](int64_t t) {
    sliding.Read(t, &out);
    return out;
  };
  // t = 0: events at 0: 2 * tiny, a subnormal; kMax + 1 leaves int64.
  EXPECT_EQ(std::bit_cast<uint64_t>(read(0)[0].double_value()), std::bit_cast<uint64_t>(2 * tiny));
  EXPECT_TRUE(out[1].is_null());
  // t = 1: events at 0 and 1: -tiny + big, which rounds to big; the ints
  // kMax + 1 - 1 + kMin = -1.
  EXPECT_EQ(read(1)[0].double_value(), big);
  EXPECT_EQ(out[1], Value::Int64(-1));
  // t = 2: events at 1 and 2: -3 tiny + 2 big, beyond the range: +inf;
  // -1 + 2 kMin leaves int64.
  EXPECT_EQ(read(2)[0].double_value(), INFINITY);
  EXPECT_TRUE(out[1].is_null());
  // t = 4: events at 3 and 4: 2^-1000 + 2^1000 (2000 bits apart) rounds to
  // 2^1000.
  EXPECT_EQ(read(4)[0].double_value(), 0x1p1000);
  EXPECT_EQ(out[1], Value::Int64(12));
  // t = 5: 2^1000 - 2^1000 = +0.0.
  EXPECT_EQ(std::bit_cast<uint64_t>(read(5)[0].double_value()), std::bit_cast<uint64_t>(0.0));
  EXPECT_EQ(out[1], Value::Int64(8));
}

}  // namespace
}  // namespace tessera::offline
