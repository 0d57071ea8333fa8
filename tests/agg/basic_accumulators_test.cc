// count, integer sum, min, max, first, last against brute-force references
// written here, plus order/split insensitivity.
#include <gtest/gtest.h>

#include <map>

#include "agg_test_util.h"

namespace tessera::agg {
namespace {

using testing::AddAll;
using testing::ExpectOrderInsensitive;
using testing::Item;
using testing::RandomDouble;
using testing::RandomRank;
using testing::SameBits;
using testing::Spec;

TEST(AggSpecTest, OutputTypesAndRefusals) {
  EXPECT_EQ(Spec("sum", DataType::Int32()).output, DataType::Int64());
  EXPECT_EQ(Spec("sum", DataType::Float()).output, DataType::Double());
  EXPECT_EQ(Spec("first", DataType::String()).output, DataType::String());
  EXPECT_EQ(Spec("last_n", DataType::Int32(), 3).output, DataType::List(TypeId::kInt64));
  EXPECT_EQ(Spec("last_n", DataType::Float(), 3).output, DataType::List(TypeId::kFloat));
  EXPECT_EQ(Spec("var", DataType::Int64()).output, DataType::Double());
  EXPECT_EQ(Spec("approx_count_distinct", DataType::Bytes()).output, DataType::Int64());
  EXPECT_EQ(Spec("approx_percentile", DataType::Int32(), 0, 0.99).output, DataType::Double());

  registry::Aggregation agg;
  agg.column = "x";
  agg.function = "sum";
  EXPECT_EQ(MakeAggSpec(agg, DataType::String()).status().message(),
            "sum needs a number (int32, int64, float or double), not string");
  agg.function = "last_n";
  agg.k = 2;
  EXPECT_EQ(MakeAggSpec(agg, DataType::Bool()).status().message(),
            "last_n needs float, double, int32, int64 or string (a list of bool is not a "
            "Tessera type)");
  agg.k = 0;
  EXPECT_EQ(MakeAggSpec(agg, DataType::Int64()).status().message(), "last_n needs k >= 1, got 0");
  agg.function = "approx_percentile";
  agg.p = 1.5;
  EXPECT_EQ(MakeAggSpec(agg, DataType::Int64()).status().message(),
            "approx_percentile needs p in [0, 1], got 1.500000");
  agg.function = "median";
  EXPECT_EQ(MakeAggSpec(agg, DataType::Int64()).status().message(),
            "unknown aggregation function 'median'");
  agg.function = "sum";
  agg.column = "";
  EXPECT_EQ(MakeAggSpec(agg, DataType::Int64()).status().message(),
            "sum needs a column (only count counts events)");
  agg.function = "count";
  Result<AggSpec> events = MakeAggSpec(agg, DataType::String());
  ASSERT_TRUE(events.ok());
  EXPECT_TRUE(events->counts_events);
}

// agg must refuse what plan refuses and agree on every output type with
// registry::AggregationOutputType, the function docs/DEFINITIONS.md's table
// is written from (functions it does not know yet are skipped: wt-defs adds
// them).
TEST(AggSpecTest, AgreesWithTheRegistryOutputTypes) {
  const std::vector<DataType> types = {DataType::Bool(),
                                       DataType::Int32(),
                                       DataType::Int64(),
                                       DataType::Float(),
                                       DataType::Double(),
                                       DataType::String(),
                                       DataType::Bytes(),
                                       DataType::Timestamp(),
                                       DataType::List(TypeId::kFloat),
                                       DataType::List(TypeId::kString)};
  int compared = 0;
  for (const char* function :
       {"count", "sum", "avg", "min", "max", "var", "stddev", "first", "last", "last_n",
        "count_distinct", "approx_count_distinct", "approx_percentile"}) {
    for (DataType type : types) {
      Result<DataType> want = registry::AggregationOutputType(function, type);
      if (!want.ok() && want.status().message().find("unknown aggregation function") == 0) continue;
      registry::Aggregation agg;
      agg.column = "x";
      agg.function = function;
      agg.k = 3;
      agg.p = 0.5;
      Result<AggSpec> spec = MakeAggSpec(agg, type);
      if (!want.ok()) {
        EXPECT_FALSE(spec.ok()) << function << " over " << type.ToString();
      } else if (spec.ok()) {
        EXPECT_EQ(spec->output, *want) << function << " over " << type.ToString();
        ++compared;
      }
    }
  }
  EXPECT_GT(compared, 20);
}

TEST(BasicAccumulatorsTest, CountOfValuesAndEvents) {
  std::mt19937_64 rng(1);
  AggSpec spec = Spec("count", DataType::String());
  EXPECT_TRUE(SameBits(AddAll(spec, {}), Value::Int64(0)));
  std::vector<Item> items(37);
  EXPECT_TRUE(SameBits(AddAll(spec, items), Value::Int64(37)));
  ExpectOrderInsensitive(spec, items, Value::Int64(37), rng);
}

TEST(BasicAccumulatorsTest, IntegerSumIsExactAndNullOnOverflow) {
  std::mt19937_64 rng(2);
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  AggSpec spec = Spec("sum", DataType::Int64());
  EXPECT_TRUE(AddAll(spec, {}).is_null());
  for (int round = 0; round < 200; ++round) {
    std::vector<Item> items(rng() % 12);
    __int128 reference = 0;
    for (Item& it : items) {
      const int pick = static_cast<int>(rng() % 4);
      it.i = pick == 0   ? kMax - static_cast<int64_t>(rng() % 3)
             : pick == 1 ? kMin + static_cast<int64_t>(rng() % 3)
                         : static_cast<int64_t>(rng() % 2001) - 1000;
      reference += it.i;
    }
    const bool fits = reference >= kMin && reference <= kMax;
    const Value expected = items.empty() || !fits ? Value::Null(DataType::Int64())
                                                  : Value::Int64(static_cast<int64_t>(reference));
    auto acc = NewAccumulator(spec);
    for (const Item& it : items) acc->Add(it.input(), it.rank);
    ASSERT_TRUE(SameBits(acc->Finish(), expected)) << acc->Finish().ToString();
    EXPECT_EQ(acc->overflowed(), !items.empty() && !fits);
    ExpectOrderInsensitive(spec, items, expected, rng, 2);
  }
  // An intermediate sum beyond int64 does not matter, only the result.
  std::vector<Item> items(3);
  items[0].i = kMax;
  items[1].i = kMax;
  items[2].i = kMin;
  EXPECT_TRUE(SameBits(AddAll(spec, items), Value::Int64(kMax - 1)));
}

// The documented order of doubles, written independently: NaN greatest,
// -0.0 below +0.0, otherwise numeric.
bool DoubleLess(double a, double b) {
  if (std::isnan(a)) return false;
  if (std::isnan(b)) return true;
  if (a == b) return std::signbit(a) && !std::signbit(b);
  return a < b;
}

TEST(BasicAccumulatorsTest, MinMaxOfDoublesFollowTheTotalOrder) {
  std::mt19937_64 rng(3);
  for (int round = 0; round < 300; ++round) {
    std::vector<Item> items(1 + rng() % 10);
    std::vector<double> seen;
    for (Item& it : items) seen.push_back(it.d = RandomDouble(rng, seen));
    const double lo = *std::min_element(seen.begin(), seen.end(), DoubleLess);
    const double hi = *std::max_element(seen.begin(), seen.end(), DoubleLess);
    const Value want_lo = Value::Double(std::isnan(lo) ? NAN : lo);
    const Value want_hi = Value::Double(std::isnan(hi) ? NAN : hi);
    AggSpec min = Spec("min", DataType::Double());
    AggSpec max = Spec("max", DataType::Double());
    ASSERT_TRUE(SameBits(AddAll(min, items), want_lo)) << testing::Show(AddAll(min, items));
    ASSERT_TRUE(SameBits(AddAll(max, items), want_hi)) << testing::Show(AddAll(max, items));
    ExpectOrderInsensitive(min, items, want_lo, rng, 2);
    ExpectOrderInsensitive(max, items, want_hi, rng, 2);
  }
  AggSpec min = Spec("min", DataType::Float());
  std::vector<Item> items(2);
  items[0].d = 0.0;
  items[1].d = -0.0;
  EXPECT_TRUE(SameBits(AddAll(min, items), Value::Float(-0.0f)));
}

TEST(BasicAccumulatorsTest, MinMaxOfStringsAreBytewise) {
  std::mt19937_64 rng(4);
  std::vector<Item> items(4);
  items[0].s = "b";
  items[1].s = "\xff";
  items[2].s = "";
  items[3].s = "ab";
  AggSpec min = Spec("min", DataType::String());
  AggSpec max = Spec("max", DataType::Bytes());
  EXPECT_TRUE(SameBits(AddAll(min, items), Value::String("")));
  EXPECT_TRUE(SameBits(AddAll(max, items), Value::Bytes("\xff")));
  ExpectOrderInsensitive(max, items, Value::Bytes("\xff"), rng);
  EXPECT_TRUE(AddAll(min, {}).is_null());
}

// first/last by brute force: sort by (rank, value) and take the ends.
TEST(BasicAccumulatorsTest, FirstAndLastBreakRankTiesByValue) {
  std::mt19937_64 rng(5);
  for (DataType type : {DataType::Int32(), DataType::Double(), DataType::String(),
                        DataType::Timestamp(), DataType::Bool()}) {
    for (int round = 0; round < 150; ++round) {
      std::vector<Item> items(1 + rng() % 9);
      std::vector<double> seen;
      for (Item& it : items) {
        it.rank = RandomRank(rng);
        it.i = type == DataType::Bool() ? int64_t(rng() % 2) : int64_t(rng() % 5) - 2;
        seen.push_back(it.d = RandomDouble(rng, seen));
        it.s = std::string(rng() % 3, static_cast<char>('a' + rng() % 2));
      }
      std::vector<Item> sorted = items;
      std::sort(sorted.begin(), sorted.end(), [&](const Item& a, const Item& b) {
        if (a.rank != b.rank) return a.rank < b.rank;
        if (type == DataType::Double()) return DoubleLess(a.d, b.d);
        if (type == DataType::String()) return a.s < b.s;
        return a.i < b.i;
      });
      auto value_of = [&](const Item& it) {
        if (type == DataType::Double()) return Value::Double(std::isnan(it.d) ? NAN : it.d);
        if (type == DataType::String()) return Value::String(it.s);
        if (type == DataType::Int32()) return Value::Int32(static_cast<int32_t>(it.i));
        if (type == DataType::Bool()) return Value::Bool(it.i != 0);
        return Value::Timestamp(it.i);
      };
      AggSpec first = Spec("first", type);
      AggSpec last = Spec("last", type);
      ASSERT_TRUE(SameBits(AddAll(first, items), value_of(sorted.front())));
      ASSERT_TRUE(SameBits(AddAll(last, items), value_of(sorted.back())));
      ExpectOrderInsensitive(first, items, value_of(sorted.front()), rng, 2);
      ExpectOrderInsensitive(last, items, value_of(sorted.back()), rng, 2);
    }
  }
}

}  // namespace
}  // namespace tessera::agg
