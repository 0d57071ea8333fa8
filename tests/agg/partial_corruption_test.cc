// Bad partials: every accumulator refuses truncated encodings with
// Corruption, survives random byte flips (Corruption or a valid state,
// never a crash or an unbounded allocation), and is usable after Reset.
#include <gtest/gtest.h>

#include "agg_test_util.h"
#include "tessera/agg/partial_coding.h"

namespace tessera::agg {
namespace {

using testing::EncodeOf;
using testing::Item;
using testing::RandomDouble;
using testing::RandomRank;
using testing::Spec;

std::vector<AggSpec> EverySpec() {
  return {Spec("count", DataType::Int64()),
          Spec("sum", DataType::Int64()),
          Spec("sum", DataType::Double()),
          Spec("avg", DataType::Int32()),
          Spec("var", DataType::Double()),
          Spec("stddev", DataType::Int64()),
          Spec("min", DataType::Double()),
          Spec("max", DataType::String()),
          Spec("first", DataType::Int64()),
          Spec("last", DataType::String()),
          Spec("last_n", DataType::Double(), 3),
          Spec("last_n", DataType::String(), 2),
          Spec("count_distinct", DataType::Int64()),
          Spec("count_distinct", DataType::String()),
          Spec("approx_count_distinct", DataType::Int64()),
          Spec("approx_percentile", DataType::Double(), 0, 0.5)};
}

std::string SomePartial(const AggSpec& spec, std::mt19937_64& rng, size_t n) {
  auto acc = NewAccumulator(spec);
  std::vector<double> seen;
  for (size_t j = 0; j < n; ++j) {
    Item it;
    it.i = static_cast<int64_t>(rng() % 1000) - 500;
    seen.push_back(it.d = RandomDouble(rng, seen, false));
    it.s = std::string(1 + rng() % 4, 'q');
    acc->Add(it.input(), RandomRank(rng));
  }
  return EncodeOf(*acc);
}

TEST(PartialCorruptionTest, TruncatedPartialsAreCorruption) {
  std::mt19937_64 rng(41);
  for (const AggSpec& spec : EverySpec()) {
    for (size_t n : {1, 7, 2000}) {
      const std::string partial = SomePartial(spec, rng, n);
      auto acc = NewAccumulator(spec);
      ASSERT_TRUE(acc->MergeEncoded(partial).ok()) << AggFunctionName(spec.function);
      for (size_t len = 1; len < partial.size(); ++len) {
        acc->Reset();
        const Status st = acc->MergeEncoded(std::string_view(partial).substr(0, len));
        ASSERT_TRUE(st.IsCorruption()) << AggFunctionName(spec.function) << " n=" << n << " prefix "
                                       << len << " of " << partial.size() << ": " << st.ToString();
      }
      acc->Reset();
      ASSERT_TRUE(acc->MergeEncoded(partial + "x").IsCorruption())
          << AggFunctionName(spec.function);
    }
  }
}

TEST(PartialCorruptionTest, FlippedBytesNeverCrash) {
  std::mt19937_64 rng(42);
  for (const AggSpec& spec : EverySpec()) {
    const std::string good = SomePartial(spec, rng, 12);
    for (int round = 0; round < 400; ++round) {
      std::string bad = good;
      const int flips = 1 + static_cast<int>(rng() % 3);
      for (int f = 0; f < flips && !bad.empty(); ++f) {
        bad[rng() % bad.size()] ^= static_cast<char>(1 << (rng() % 8));
      }
      if (rng() % 4 == 0) bad.resize(rng() % (bad.size() + 1));
      auto acc = NewAccumulator(spec);
      const Status st = acc->MergeEncoded(bad);
      ASSERT_TRUE(st.ok() || st.IsCorruption()) << st.ToString();
      (void)acc->Finish();  // a valid state either way
      std::string again;
      acc->EncodeTo(&again);
      acc->Reset();
      ASSERT_TRUE(acc->MergeEncoded(good).ok());
      auto fresh = NewAccumulator(spec);
      ASSERT_TRUE(fresh->MergeEncoded(good).ok());
      ASSERT_TRUE(testing::SameBits(acc->Finish(), fresh->Finish()));
    }
  }
}

// A partial claiming far more content than its bytes hold is refused
// without allocating for the claim.
TEST(PartialCorruptionTest, HugeCountsAreRefused) {
  for (const AggSpec& spec : EverySpec()) {
    std::string bad;
    PutVarint64(&bad, uint64_t{1} << 62);
    auto acc = NewAccumulator(spec);
    const Status st = acc->MergeEncoded(bad);
    ASSERT_TRUE(st.ok() || st.IsCorruption()) << AggFunctionName(spec.function);
  }
  // An exact sum whose digits reach beyond any double's range.
  std::string bad;
  PutVarint64(&bad, 1);     // count
  bad.push_back(8);         // flags: a value other than -0.0
  PutVarint64(&bad, 1);     // one digit
  bad.push_back(0);         // positive
  PutVarint64(&bad, 1000);  // at digit 1000
  PutVarint64(&bad, 1);
  auto acc = NewAccumulator(Spec("sum", DataType::Double()));
  EXPECT_TRUE(acc->MergeEncoded(bad).IsCorruption());
}

}  // namespace
}  // namespace tessera::agg
