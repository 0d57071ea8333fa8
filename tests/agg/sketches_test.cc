// approx_count_distinct and approx_percentile: error against exact counts
// and an exact sorted reference, the hash shared with hash_bucket, and
// order/split insensitivity (including across the sparse/dense switch).
#include <gtest/gtest.h>

#include <unordered_set>

#include "agg_test_util.h"
#include "tessera/agg/hyperloglog.h"
#include "tessera/agg/quantile_sketch.h"
#include "tessera/core/builder.h"
#include "tessera/expr/expression.h"

namespace tessera::agg {
namespace {

using testing::AddAll;
using testing::Bits;
using testing::ExpectOrderInsensitive;
using testing::Item;
using testing::RandomDouble;
using testing::SameBits;
using testing::Spec;

TEST(HyperLogLogTest, HashesValuesAsHashBucketDoes) {
  // docs/EXPRESSIONS.md: hash_bucket('', n) = 0xEF46DB3751D8E999 mod n.
  EXPECT_EQ(HashValue(DataType::String(), AggInput{0, 0, ""}), 0xEF46DB3751D8E999ULL);
  EXPECT_EQ(HashValue(DataType::Int32(), AggInput{7, 0, {}}),
            HashValue(DataType::Int64(), AggInput{7, 0, {}}));
  EXPECT_EQ(HashValue(DataType::Double(), AggInput{0, -0.0, {}}),
            HashValue(DataType::Double(), AggInput{0, 0.0, {}}));
  EXPECT_EQ(HashValue(DataType::Double(), AggInput{0, -NAN, {}}),
            HashValue(DataType::Float(), AggInput{0, NAN, {}}));
  EXPECT_NE(HashValue(DataType::Bool(), AggInput{1, 0, {}}),
            HashValue(DataType::Int64(), AggInput{1, 0, {}}));
}

// HashValue against the expression language's own hash_bucket kernel on
// random values of every scalar type: hash mod n must agree for two n.
TEST(HyperLogLogTest, HashEqualsHashBucketOnRandomValues) {
  std::mt19937_64 rng(35);
  for (DataType type :
       {DataType::Bool(), DataType::Int32(), DataType::Int64(), DataType::Timestamp(),
        DataType::Float(), DataType::Double(), DataType::String(), DataType::Bytes()}) {
    std::unique_ptr<ArrayBuilder> builder = ArrayBuilder::Make(type);
    std::vector<AggInput> inputs;
    std::vector<std::string> strings(200);
    std::vector<double> seen;
    for (size_t j = 0; j < 200; ++j) {
      AggInput in;
      in.i = static_cast<int64_t>(rng());
      in.d = RandomDouble(rng, seen);
      strings[j] = std::string(rng() % 5, static_cast<char>(rng() % 256));
      Value v = Value::Null(type);
      switch (type.id()) {
        case TypeId::kBool: v = Value::Bool(in.i & 1), in.i &= 1; break;
        case TypeId::kInt32:
          v = Value::Int32(static_cast<int32_t>(in.i)), in.i = int32_t(in.i);
          break;
        case TypeId::kInt64: v = Value::Int64(in.i); break;
        case TypeId::kTimestamp: v = Value::Timestamp(in.i); break;
        case TypeId::kFloat: v = Value::Float(static_cast<float>(in.d)), in.d = float(in.d); break;
        case TypeId::kDouble: v = Value::Double(in.d); break;
        case TypeId::kString:
          v = Value::String(strings[j] = std::string(1 + j % 4, 'a' + j % 26));
          break;
        default: v = Value::Bytes(strings[j]); break;
      }
      in.s = strings[j];
      inputs.push_back(in);
      ASSERT_TRUE(builder->AppendValue(v).ok());
    }
    Result<ArrayPtr> column = builder->Finish();
    ASSERT_TRUE(column.ok());
    const expr::Scope scope({{"", "x", type}});
    for (int64_t n : {int64_t{1000003}, std::numeric_limits<int64_t>::max()}) {
      auto e = expr::Expression::Compile("hash_bucket(x, " + std::to_string(n) + ")", scope);
      ASSERT_TRUE(e.ok()) << e.status().ToString();
      Result<ArrayPtr> out = (*e)->Evaluate({*column}, 200, nullptr);
      ASSERT_TRUE(out.ok());
      for (size_t j = 0; j < inputs.size(); ++j) {
        ASSERT_EQ(static_cast<int64_t>(HashValue(type, inputs[j]) % static_cast<uint64_t>(n)),
                  (*out)->GetInt64(static_cast<int64_t>(j)))
            << type.ToString() << " row " << j;
      }
    }
  }
}

TEST(HyperLogLogTest, ErrorWithinTheDocumentedBound) {
  std::mt19937_64 rng(31);
  const AggSpec spec = Spec("approx_count_distinct", DataType::Int64());
  EXPECT_TRUE(SameBits(AddAll(spec, {}), Value::Int64(0)));
  double sum_sq = 0;
  int sets = 0;
  for (int64_t n : {1, 10, 100, 1000, 3000, 10000, 30000, 100000}) {
    for (int rep = 0; rep < 3; ++rep) {
      const int64_t offset = static_cast<int64_t>(rng());
      auto acc = NewAccumulator(spec);
      for (int64_t j = 0; j < n; ++j) {
        acc->Add(AggInput{offset + j, 0, {}}, EventRank{});
        if (j % 3 == 0) acc->Add(AggInput{offset + j, 0, {}}, EventRank{});  // duplicates
      }
      const double got = static_cast<double>(acc->Finish().int_value());
      const double rel = (got - double(n)) / double(n);
      sum_sq += rel * rel;
      ++sets;
      // 4 standard errors (1.6%) at most for one set; small sets nearly exact.
      EXPECT_LE(std::fabs(rel), n <= 100 ? 0.02 : 0.065) << "n=" << n << " got " << got;
    }
  }
  EXPECT_LE(std::sqrt(sum_sq / sets), 0.02);  // the documented standard error
}

TEST(HyperLogLogTest, OrderAndSplitInsensitiveAcrossSparseAndDense) {
  std::mt19937_64 rng(32);
  for (size_t n : {0, 5, 900, 1500, 4000}) {
    std::vector<Item> items(n);
    for (Item& it : items) it.s = std::to_string(rng() % (n + 1));
    const AggSpec spec = Spec("approx_count_distinct", DataType::String());
    ExpectOrderInsensitive(spec, items, AddAll(spec, items), rng, n > 2000 ? 1 : 3);
  }
}

// The documented order of doubles, written here.
bool DoubleLess(double a, double b) {
  if (std::isnan(a)) return false;
  if (std::isnan(b)) return true;
  if (a == b) return std::signbit(a) && !std::signbit(b);
  return a < b;
}

// Whether `got` approximates `want` as documented: relative error <= 1/128,
// zeros and subnormals as 0 (or the exact extreme), infinities and NaN
// exactly.
::testing::AssertionResult Approximates(double got, double want) {
  if (std::isnan(want) || std::isinf(want)) {
    if (Bits(got) == Bits(want) || (std::isnan(got) && std::isnan(want))) {
      return ::testing::AssertionSuccess();
    }
  } else if (std::fabs(want) < std::numeric_limits<double>::min()) {
    if (std::fabs(got) < std::numeric_limits<double>::min()) return ::testing::AssertionSuccess();
  } else if (std::fabs(got - want) <= std::fabs(want) / 128 &&
             std::signbit(got) == std::signbit(want)) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "got " << got << " for " << want;
}

TEST(QuantileSketchTest, RelativeErrorAgainstSortedReference) {
  std::mt19937_64 rng(33);
  for (int round = 0; round < 300; ++round) {
    std::vector<double> xs;
    const size_t n = 1 + rng() % (round < 250 ? 20 : 2000);
    for (size_t j = 0; j < n; ++j) xs.push_back(RandomDouble(rng, xs, rng() % 4 == 0));
    std::vector<Item> items(n);
    for (size_t j = 0; j < n; ++j) items[j].d = xs[j];
    std::vector<double> sorted = xs;
    std::sort(sorted.begin(), sorted.end(), DoubleLess);
    for (double p : {0.0, 0.01, 0.25, 0.5, 0.9, 0.99, 1.0}) {
      const AggSpec spec = Spec("approx_percentile", DataType::Double(), 0, p);
      const Value got = AddAll(spec, items);
      const double want = sorted[static_cast<size_t>(std::floor(p * double(n - 1)))];
      ASSERT_TRUE(Approximates(got.double_value(), want)) << "p=" << p << " n=" << n;
      if (p == 0.0 || p == 1.0) {  // the exact extremes
        ASSERT_EQ(Bits(got.double_value()), Bits(std::isnan(want) ? double(NAN) : want));
      }
      if (round % (n <= 20 ? 5 : 25) == 0) ExpectOrderInsensitive(spec, items, got, rng, 2);
    }
  }
  EXPECT_TRUE(AddAll(Spec("approx_percentile", DataType::Int64(), 0, 0.5), {}).is_null());
}

TEST(QuantileSketchTest, BucketsAreOrderPreservingAndRepresentativesClose) {
  std::mt19937_64 rng(34);
  std::vector<double> seen;
  for (int j = 0; j < 20000; ++j) {
    const double a = RandomDouble(rng, seen), b = RandomDouble(rng, seen);
    if (DoubleLess(a, b)) {
      ASSERT_LE(QuantileSketch::KeyOf(a), QuantileSketch::KeyOf(b)) << a << " " << b;
    }
    if (std::isfinite(a) && std::fabs(a) >= std::numeric_limits<double>::min()) {
      ASSERT_TRUE(Approximates(QuantileSketch::Representative(QuantileSketch::KeyOf(a)), a));
    }
  }
  // Integer input, exact when all values are equal.
  std::vector<Item> items(5);
  for (Item& it : items) it.i = 1234567;
  EXPECT_EQ(AddAll(Spec("approx_percentile", DataType::Int32(), 0, 0.5), items).double_value(),
            1234567.0);
}

}  // namespace
}  // namespace tessera::agg
