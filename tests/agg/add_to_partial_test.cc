// Accumulator::AddToPartial, the window state's per-tile update: for every
// function, a chain of AddToPartial calls (each on the bytes the previous
// one wrote, as a tile is updated event by event) must write, at every
// step, exactly the bytes of the spelled-out steps (Reset, MergeEncoded,
// Add, EncodeTo), and finish like one accumulator that Added every value.
// The count, min/max and exact-sum overrides update the bytes directly, so
// this is what holds them to the general path bit for bit.
#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "agg_test_util.h"
#include "tessera/agg/accumulator.h"

namespace tessera::agg::testing {
namespace {

// The general path, written out here rather than taken from the class.
std::string Reference(const AggSpec& spec, const std::optional<std::string>& partial,
                      const Item& item) {
  auto acc = NewAccumulator(spec);
  if (partial) {
    EXPECT_TRUE(acc->MergeEncoded(*partial).ok());
  }
  acc->Add(item.input(), item.rank);
  return EncodeOf(*acc);
}

// Chains AddToPartial over `items` and checks every step and the end.
void ExpectChainMatches(const AggSpec& spec, const std::vector<Item>& items) {
  auto acc = NewAccumulator(spec);
  auto all = NewAccumulator(spec);
  std::optional<std::string> partial;
  for (size_t j = 0; j < items.size(); ++j) {
    std::string out = "prefix";  // appends: what was there stays
    acc->AddToPartial(partial ? std::optional<std::string_view>(*partial) : std::nullopt,
                      items[j].input(), items[j].rank, &out);
    ASSERT_EQ(out.substr(0, 6), "prefix");
    const std::string expected = Reference(spec, partial, items[j]);
    ASSERT_EQ(out.substr(6), expected)
        << AggFunctionName(spec.function) << " " << spec.input.ToString() << ", step " << j;
    partial = out.substr(6);
    all->Add(items[j].input(), items[j].rank);
  }
  ASSERT_EQ(*partial, EncodeOf(*all)) << AggFunctionName(spec.function);
  auto merged = NewAccumulator(spec);
  ASSERT_TRUE(merged->MergeEncoded(*partial).ok());
  EXPECT_TRUE(SameBits(merged->Finish(), all->Finish()))
      << Show(merged->Finish()) << " vs " << Show(all->Finish());
}

std::vector<Item> Doubles(std::mt19937_64& rng, size_t n, bool specials) {
  std::vector<Item> items;
  std::vector<double> seen;
  for (size_t j = 0; j < n; ++j) {
    Item it;
    it.d = RandomDouble(rng, seen, specials);
    seen.push_back(it.d);
    it.rank = RandomRank(rng);
    items.push_back(it);
  }
  return items;
}

// Amounts in cents of either sign, as the benchmark and real spend data:
// the exact sums' fast path, including sums that cancel to zero.
std::vector<Item> Amounts(std::mt19937_64& rng, size_t n) {
  std::vector<Item> items;
  for (size_t j = 0; j < n; ++j) {
    Item it;
    if (j > 0 && rng() % 5 == 0) {
      it.d = -items[rng() % j].d;  // cancels an earlier one
    } else {
      it.d = static_cast<double>(static_cast<int64_t>(rng() % 200001) - 100000) / 100.0;
    }
    it.rank = RandomRank(rng);
    items.push_back(it);
  }
  return items;
}

std::vector<Item> Ints(std::mt19937_64& rng, size_t n) {
  std::vector<Item> items;
  for (size_t j = 0; j < n; ++j) {
    Item it;
    switch (rng() % 5) {
      case 0: it.i = std::numeric_limits<int64_t>::min(); break;
      case 1: it.i = std::numeric_limits<int64_t>::max(); break;
      case 2: it.i = static_cast<int64_t>(rng() % 7) - 3; break;
      default: it.i = static_cast<int64_t>(rng()); break;
    }
    it.rank = RandomRank(rng);
    items.push_back(it);
  }
  return items;
}

std::vector<Item> Strings(std::mt19937_64& rng, size_t n) {
  std::vector<Item> items;
  for (size_t j = 0; j < n; ++j) {
    Item it;
    it.s = std::string(rng() % 4, static_cast<char>('a' + rng() % 3));
    it.rank = RandomRank(rng);
    items.push_back(it);
  }
  return items;
}

TEST(AddToPartialTest, DoublesEveryFunction) {
  std::mt19937_64 rng(11);
  for (const char* f : {"count", "sum", "avg", "min", "max", "var", "first", "last"}) {
    for (int round = 0; round < 20; ++round) {
      SCOPED_TRACE(std::string(f) + " round " + std::to_string(round));
      ExpectChainMatches(Spec(f, DataType::Double()), Doubles(rng, 1 + rng() % 40, true));
      ExpectChainMatches(Spec(f, DataType::Double()), Doubles(rng, 1 + rng() % 40, false));
      ExpectChainMatches(Spec(f, DataType::Double()), Amounts(rng, 1 + rng() % 60));
    }
  }
}

TEST(AddToPartialTest, IntsEveryFunction) {
  std::mt19937_64 rng(12);
  for (const char* f : {"count", "sum", "avg", "min", "max", "var", "last"}) {
    for (int round = 0; round < 20; ++round) {
      SCOPED_TRACE(std::string(f) + " round " + std::to_string(round));
      ExpectChainMatches(Spec(f, DataType::Int64()), Ints(rng, 1 + rng() % 40));
    }
  }
}

// The first value of a tile (no partial yet: most Adds make a new tile)
// takes its own path for sums; each value alone, of every kind a double
// or an int64 can be, must give the general way's bytes.
TEST(AddToPartialTest, FirstValueOfATileEveryKind) {
  std::mt19937_64 rng(13);
  std::vector<Item> doubles = Doubles(rng, 300, true);
  const std::vector<Item> amounts = Amounts(rng, 100);
  doubles.insert(doubles.end(), amounts.begin(), amounts.end());
  for (double d :
       {0.0, -0.0, 1.0, -1.0, 0x1p-1074, -0x1p-1074, 0x1p-1022, 0x1.fffffffffffffp+1023,
        -0x1.fffffffffffffp+1023, 0x1p+31, 0x1p+32, 0x1p-32, 0x1.0000000000001p+0,
        std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN()}) {
    Item it;
    it.d = d;
    doubles.push_back(it);
  }
  const std::vector<Item> ints = Ints(rng, 100);
  for (const char* f : {"sum", "avg", "var"}) {
    for (const Item& item : doubles) ExpectChainMatches(Spec(f, DataType::Double()), {item});
    for (const Item& item : ints) ExpectChainMatches(Spec(f, DataType::Int64()), {item});
  }
}

TEST(AddToPartialTest, StringsAndFloats) {
  std::mt19937_64 rng(13);
  for (int round = 0; round < 20; ++round) {
    ExpectChainMatches(Spec("min", DataType::String()), Strings(rng, 1 + rng() % 20));
    ExpectChainMatches(Spec("max", DataType::String()), Strings(rng, 1 + rng() % 20));
    ExpectChainMatches(Spec("count", DataType::String()), Strings(rng, 1 + rng() % 20));
    ExpectChainMatches(Spec("sum", DataType::Float()), Doubles(rng, 1 + rng() % 20, true));
  }
}

// A sum that cancels to exactly zero and grows again, and one whose terms
// are too far apart for the fast path's fixed buffer (the general way).
TEST(AddToPartialTest, SumEdgeCases) {
  const AggSpec sum = Spec("sum", DataType::Double());
  std::vector<Item> items(6);
  items[0].d = 1.5;
  items[1].d = -1.5;  // zero: the digits vanish
  items[2].d = -0.0;
  items[3].d = 0x1p-1000;
  items[4].d = 0x1p+1000;  // hundreds of digits apart
  items[5].d = -0x1p+1000;
  ExpectChainMatches(sum, items);
  std::vector<Item> carries(3);
  carries[0].d = 0x1.fffffffffffffp+63;  // carries across a digit boundary
  carries[1].d = 0x1.fffffffffffffp+63;
  carries[2].d = -0x1p-20;
  ExpectChainMatches(sum, carries);
}

}  // namespace
}  // namespace tessera::agg::testing
