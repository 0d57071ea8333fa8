// last_n and count_distinct against brute-force references written here.
#include <gtest/gtest.h>

#include <set>

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

// The documented order of doubles (NaN greatest, -0.0 < +0.0), written here.
bool DoubleLess(double a, double b) {
  if (std::isnan(a)) return false;
  if (std::isnan(b)) return true;
  if (a == b) return std::signbit(a) && !std::signbit(b);
  return a < b;
}

std::vector<Item> RandomItems(std::mt19937_64& rng, size_t n) {
  std::vector<Item> items(n);
  std::vector<double> seen;
  for (Item& it : items) {
    it.rank = RandomRank(rng);
    it.i = rng() % 3 == 0 ? static_cast<int64_t>(rng()) : static_cast<int64_t>(rng() % 7) - 3;
    seen.push_back(it.d = RandomDouble(rng, seen));
    it.s = std::string(rng() % 3, static_cast<char>(rng() % 2 ? 'a' : '\xff'));
  }
  return items;
}

TEST(LastNTest, TheKLargestRanksOldestFirst) {
  std::mt19937_64 rng(21);
  for (DataType type : {DataType::Int32(), DataType::Int64(), DataType::Float(), DataType::Double(),
                        DataType::String()}) {
    for (int round = 0; round < 150; ++round) {
      const int64_t k = 1 + static_cast<int64_t>(rng() % 4);
      std::vector<Item> items = RandomItems(rng, rng() % 10);
      if (type == DataType::Int32()) {
        for (Item& it : items) it.i = static_cast<int32_t>(it.i);
      }
      if (type == DataType::Float()) {
        for (Item& it : items) it.d = static_cast<float>(it.d);
      }
      std::vector<Item> sorted = items;
      std::sort(sorted.begin(), sorted.end(), [&](const Item& a, const Item& b) {
        if (a.rank != b.rank) return a.rank < b.rank;
        if (type == DataType::Double() || type == DataType::Float()) return DoubleLess(a.d, b.d);
        if (type == DataType::String()) return a.s < b.s;
        return a.i < b.i;
      });
      const AggSpec spec = Spec("last_n", type, k);
      std::vector<Value> list;
      for (size_t j = sorted.size() - std::min<size_t>(sorted.size(), size_t(k)); j < sorted.size();
           ++j) {
        const Item& it = sorted[j];
        const double d = std::isnan(it.d) ? NAN : it.d;
        if (type == DataType::Float())
          list.push_back(Value::Float(static_cast<float>(d)));
        else if (type == DataType::Double())
          list.push_back(Value::Double(d));
        else if (type == DataType::String())
          list.push_back(Value::String(it.s));
        else
          list.push_back(Value::Int64(it.i));
      }
      const Value expected =
          list.empty() ? Value::Null(spec.output) : Value::List(spec.output, std::move(list));
      ASSERT_TRUE(SameBits(AddAll(spec, items), expected))
          << AddAll(spec, items).ToString() << " vs " << expected.ToString();
      ExpectOrderInsensitive(spec, items, expected, rng, 2);
    }
  }
}

// The documented equality of count_distinct, written here: -0.0 = 0.0, all
// NaNs equal.
std::string DistinctKey(DataType type, const Item& it) {
  if (type == DataType::String()) return "s" + it.s;
  if (type == DataType::Double()) {
    if (std::isnan(it.d)) return "nan";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%a", it.d == 0 ? 0.0 : it.d);
    return buf;
  }
  return std::to_string(it.i);
}

TEST(CountDistinctTest, ExactAgainstASet) {
  std::mt19937_64 rng(22);
  for (DataType type : {DataType::Int64(), DataType::Double(), DataType::String()}) {
    const AggSpec spec = Spec("count_distinct", type);
    EXPECT_TRUE(SameBits(AddAll(spec, {}), Value::Int64(0)));
    for (int round = 0; round < 150; ++round) {
      std::vector<Item> items = RandomItems(rng, rng() % 40);
      std::set<std::string> keys;
      for (const Item& it : items) keys.insert(DistinctKey(type, it));
      const Value expected = Value::Int64(static_cast<int64_t>(keys.size()));
      ASSERT_TRUE(SameBits(AddAll(spec, items), expected));
      ExpectOrderInsensitive(spec, items, expected, rng, 2);
    }
  }
  // Equal sets encode equally, whatever the order of Adds.
  std::vector<Item> items = RandomItems(rng, 30);
  auto a = NewAccumulator(Spec("count_distinct", DataType::String()));
  auto b = NewAccumulator(Spec("count_distinct", DataType::String()));
  for (const Item& it : items) a->Add(it.input(), it.rank);
  for (size_t j = items.size(); j-- > 0;) b->Add(items[j].input(), items[j].rank);
  EXPECT_EQ(testing::EncodeOf(*a), testing::EncodeOf(*b));
}

}  // namespace
}  // namespace tessera::agg
