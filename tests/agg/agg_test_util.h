// Helpers of the accumulator tests: specs, random multisets, bitwise value
// comparison, and the order/split-insensitivity driver (shuffle, split into
// partials, encode, merge in a random tree).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "tessera/agg/accumulator.h"
#include "tessera/agg/agg_spec.h"

namespace tessera::agg::testing {

// One input value with its rank; owns its string.
struct Item {
  int64_t i = 0;
  double d = 0;
  std::string s;
  EventRank rank;
  AggInput input() const { return AggInput{i, d, s}; }
};

inline AggSpec Spec(const std::string& function, DataType input, int64_t k = 0, double p = 0) {
  registry::Aggregation agg;
  agg.column = "x";
  agg.function = function;
  agg.k = k;
  agg.p = p;
  Result<AggSpec> spec = MakeAggSpec(agg, input);
  EXPECT_TRUE(spec.ok()) << function << " " << input.ToString() << ": " << spec.status().ToString();
  return *spec;
}

inline uint64_t Bits(double d) { return std::bit_cast<uint64_t>(d); }

// Equal type, nullness and value, doubles compared by their bits.
inline bool SameBits(const Value& a, const Value& b) {
  if (a.type() != b.type() || a.is_null() != b.is_null()) return false;
  if (a.is_null()) return true;
  switch (a.type().id()) {
    case TypeId::kFloat:
    case TypeId::kDouble: return Bits(a.double_value()) == Bits(b.double_value());
    case TypeId::kList: {
      const auto& x = a.list_value();
      const auto& y = b.list_value();
      if (x.size() != y.size()) return false;
      for (size_t j = 0; j < x.size(); ++j) {
        if (!SameBits(x[j], y[j])) return false;
      }
      return true;
    }
    default: return a == b;
  }
}

inline std::string Show(const Value& v) {
  if (!v.is_null() && v.type() == DataType::Double()) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%a (%.17g)", v.double_value(), v.double_value());
    return buf;
  }
  return v.ToString();
}

inline Value AddAll(const AggSpec& spec, const std::vector<Item>& items) {
  auto acc = NewAccumulator(spec);
  for (const Item& it : items) acc->Add(it.input(), it.rank);
  return acc->Finish();
}

inline std::string EncodeOf(const Accumulator& acc) {
  std::string out;
  acc.EncodeTo(&out);
  return out;
}

// Shuffles `items`, splits them into random partials (each built by Adds,
// sometimes passed through an Encode/Merge round trip midway), and merges
// the partials' encodings in a random tree; returns the final Finish.
inline Value SplitMerge(const AggSpec& spec, std::vector<Item> items, std::mt19937_64& rng) {
  std::shuffle(items.begin(), items.end(), rng);
  const size_t parts = 1 + rng() % (items.size() + 2);
  std::vector<std::string> partials;
  size_t at = 0;
  for (size_t part = 0; part < parts; ++part) {
    const size_t left = items.size() - at;
    const size_t take = part + 1 == parts ? left : (left ? rng() % (left + 1) : 0);
    auto acc = NewAccumulator(spec);
    for (size_t j = 0; j < take; ++j, ++at) {
      acc->Add(items[at].input(), items[at].rank);
      if (rng() % 8 == 0) {  // round trip midway: further Adds must continue it exactly
        std::string bytes = EncodeOf(*acc);
        acc->Reset();
        EXPECT_TRUE(acc->MergeEncoded(bytes).ok());
      }
    }
    partials.push_back(EncodeOf(*acc));
  }
  while (partials.size() > 1) {
    std::shuffle(partials.begin(), partials.end(), rng);
    auto acc = NewAccumulator(spec);
    EXPECT_TRUE(acc->MergeEncoded(partials.back()).ok());
    partials.pop_back();
    EXPECT_TRUE(acc->MergeEncoded(partials.back()).ok());
    partials.back() = EncodeOf(*acc);
  }
  auto acc = NewAccumulator(spec);
  EXPECT_TRUE(acc->MergeEncoded(partials[0]).ok());
  return acc->Finish();
}

// Asserts that every shuffle and split of `items` finishes bit-identical to
// `expected`.
inline void ExpectOrderInsensitive(const AggSpec& spec, const std::vector<Item>& items,
                                   const Value& expected, std::mt19937_64& rng, int rounds = 4) {
  for (int r = 0; r < rounds; ++r) {
    const Value got = SplitMerge(spec, items, rng);
    ASSERT_TRUE(SameBits(got, expected)) << AggFunctionName(spec.function) << ": split/merge gave "
                                         << Show(got) << ", expected " << Show(expected);
  }
}

// Random doubles with the awkward cases: NaN, infinities, signed zeros,
// subnormals, the largest finite values, ordinary numbers of any exponent,
// and duplicates.
inline double RandomDouble(std::mt19937_64& rng, const std::vector<double>& seen,
                           bool specials = true) {
  const int pick = static_cast<int>(rng() % 20);
  if (specials) {
    switch (pick) {
      case 0: return std::numeric_limits<double>::quiet_NaN();
      case 1: return (rng() & 1) ? INFINITY : -INFINITY;
      case 2: return (rng() & 1) ? 0.0 : -0.0;
      default: break;
    }
  }
  if (pick == 3 && !seen.empty()) return seen[rng() % seen.size()];
  if (pick == 4) {
    const double big = std::numeric_limits<double>::max() / double(1 + rng() % 4);
    return (rng() & 1) ? big : -big;
  }
  if (pick == 5) {
    const double tiny = std::numeric_limits<double>::denorm_min() * double(1 + rng() % 1000);
    return (rng() & 1) ? tiny : -tiny;
  }
  const int exponent =
      pick < 12 ? static_cast<int>(rng() % 40) - 20 : static_cast<int>(rng() % 2000) - 1000;
  const double mantissa = std::ldexp(double(rng() >> 11), -53);  // [0, 1)
  const double v = std::ldexp(1 + mantissa, exponent);
  return (rng() & 1) ? v : -v;
}

inline EventRank RandomRank(std::mt19937_64& rng) {
  EventRank r;
  r.event_ts = static_cast<int64_t>(rng() % 6);  // few distinct: many ties
  r.created_ts = rng() % 3 == 0 ? kNullCreatedTs : static_cast<int64_t>(rng() % 3);
  r.ingest_seq = static_cast<int64_t>(rng() % 2);
  return r;
}

}  // namespace tessera::agg::testing
