// sum (double), avg, var and stddev against exact references computed here
// with a small big-integer class of the test's own: a result is accepted
// only if it is the double nearest the exact value (checked by comparing
// it and its two neighbours against the exact rational, no division), and
// every shuffle and split of the same values gives the same bits.
#include <gtest/gtest.h>

#include "agg_test_util.h"

namespace tessera::agg {
namespace {

using testing::AddAll;
using testing::Bits;
using testing::ExpectOrderInsensitive;
using testing::Item;
using testing::RandomDouble;
using testing::Spec;

// A signed integer of any size: sign and little-endian base-2^32 magnitude.
struct Big {
  bool neg = false;
  std::vector<uint64_t> mag;  // each < 2^32

  static Big Pow2Times(uint64_t m, int shift) {  // m * 2^shift, shift >= 0
    Big b;
    b.mag.assign(static_cast<size_t>(shift / 32) + 4, 0);
    unsigned __int128 w = static_cast<unsigned __int128>(m) << (shift % 32);
    for (int k = 0; k < 4; ++k)
      b.mag[static_cast<size_t>(shift / 32 + k)] = uint64_t(w >> (32 * k)) & 0xFFFFFFFF;
    b.Trim();
    return b;
  }
  void Trim() {
    while (!mag.empty() && mag.back() == 0) mag.pop_back();
    if (mag.empty()) neg = false;
  }
  static int CmpMag(const Big& a, const Big& b) {
    if (a.mag.size() != b.mag.size()) return a.mag.size() < b.mag.size() ? -1 : 1;
    for (size_t i = a.mag.size(); i-- > 0;)
      if (a.mag[i] != b.mag[i]) return a.mag[i] < b.mag[i] ? -1 : 1;
    return 0;
  }
  static Big AddMag(const Big& a, const Big& b) {
    Big r;
    uint64_t carry = 0;
    for (size_t i = 0; i < std::max(a.mag.size(), b.mag.size()); ++i) {
      uint64_t s = carry + (i < a.mag.size() ? a.mag[i] : 0) + (i < b.mag.size() ? b.mag[i] : 0);
      r.mag.push_back(s & 0xFFFFFFFF);
      carry = s >> 32;
    }
    r.mag.push_back(carry);
    r.Trim();
    return r;
  }
  static Big SubMag(const Big& a, const Big& b) {  // |a| >= |b|
    Big r;
    int64_t borrow = 0;
    for (size_t i = 0; i < a.mag.size(); ++i) {
      int64_t s = int64_t(a.mag[i]) - borrow - int64_t(i < b.mag.size() ? b.mag[i] : 0);
      borrow = s < 0;
      r.mag.push_back(uint64_t(s + (borrow << 32)));
    }
    r.Trim();
    return r;
  }
  friend Big operator+(const Big& a, const Big& b) {
    Big r;
    if (a.neg == b.neg) {
      r = AddMag(a, b);
      r.neg = a.neg;
    } else if (CmpMag(a, b) >= 0) {
      r = SubMag(a, b);
      r.neg = a.neg;
    } else {
      r = SubMag(b, a);
      r.neg = b.neg;
    }
    r.Trim();
    return r;
  }
  friend Big operator-(const Big& a, Big b) {
    b.neg = !b.neg;
    if (b.mag.empty()) b.neg = false;
    return a + b;
  }
  friend Big operator*(const Big& a, const Big& b) {
    Big r;
    r.mag.assign(a.mag.size() + b.mag.size() + 1, 0);
    for (size_t i = 0; i < a.mag.size(); ++i) {
      uint64_t carry = 0;
      for (size_t j = 0; j < b.mag.size(); ++j) {
        uint64_t t = a.mag[i] * b.mag[j] + r.mag[i + j] + carry;
        r.mag[i + j] = t & 0xFFFFFFFF;
        carry = t >> 32;
      }
      r.mag[i + b.mag.size()] += carry;
    }
    r.neg = a.neg != b.neg;
    r.Trim();
    return r;
  }
  static Big Of(uint64_t v) { return Pow2Times(v, 0); }
  Big Abs() const {
    Big r = *this;
    r.neg = false;
    return r;
  }
};

// A finite double in units of 2^unit (unit <= -1074).
Big Exact(double x, int unit) {
  if (x == 0) return Big{};
  int e;
  const double f = std::frexp(std::fabs(x), &e);  // |x| = f * 2^e, f in [0.5, 1)
  uint64_t m = static_cast<uint64_t>(std::ldexp(f, 53));
  int shift = e - 53 - unit;
  for (; shift < 0; ++shift) m >>= 1;  // subnormals: the low bits are zero
  Big b = Big::Pow2Times(m, shift);
  b.neg = x < 0;
  return b;
}

// The exact value of 2^1024 in units of 2^unit (doubles round to inf at or
// beyond the midpoint of DBL_MAX and 2^1024).
Big Pow1024(int unit) { return Big::Pow2Times(1, 1024 - unit); }

// |p - d * c| where c is a double (+/-2^1024 stands in for +/-inf).
Big Error(const Big& p, const Big& d, double c, int unit) {
  Big cb = std::isinf(c) ? Pow1024(unit) : Exact(c, unit);
  if (std::isinf(c)) cb.neg = c < 0;
  return (p - d * cb).Abs();
}

// Whether c is the double nearest p / d (ties to even), p in units of 2^unit.
::testing::AssertionResult IsNearest(double c, const Big& p, const Big& d, int unit) {
  if (std::isnan(c)) return ::testing::AssertionFailure() << "NaN for a finite exact value";
  const Big err = Error(p, d, c, unit);
  for (double n : {std::nextafter(c, -INFINITY), std::nextafter(c, INFINITY)}) {
    if (std::isinf(c) && std::isinf(n)) continue;
    if (std::isinf(n)) n = n > 0 ? INFINITY : -INFINITY;
    const int cmp = Big::CmpMag(err, Error(p, d, n, unit));
    const bool c_even = std::isinf(c) || (Bits(c) & 1) == 0;
    if (cmp > 0 || (cmp == 0 && !c_even && !(std::isinf(n)))) {
      return ::testing::AssertionFailure()
             << "not the nearest double: got " << c << " (" << std::hexfloat << c << "), neighbour "
             << n << std::defaultfloat;
    }
  }
  return ::testing::AssertionSuccess();
}

struct Reference {
  bool nan = false, pos_inf = false, neg_inf = false, all_neg_zero = true;
  Big s1, s2;  // sum of x in units of 2^-1074, of x^2 in units of 2^-2148
  uint64_t n = 0;
  void Add(double x) {
    ++n;
    if (!(std::signbit(x) && x == 0)) all_neg_zero = false;
    if (std::isnan(x))
      nan = true;
    else if (std::isinf(x))
      (x > 0 ? pos_inf : neg_inf) = true;
    else {
      s1 = s1 + Exact(x, -1074);
      const Big e = Exact(x, -1074);
      s2 = s2 + e * e;
    }
  }
  // The IEEE result of special values, if any.
  std::optional<double> Special() const {
    if (nan || (pos_inf && neg_inf)) return NAN;
    if (pos_inf) return INFINITY;
    if (neg_inf) return -INFINITY;
    return std::nullopt;
  }
};

void CheckMoments(const std::vector<double>& xs, std::mt19937_64& rng) {
  std::vector<Item> items(xs.size());
  Reference ref;
  for (size_t j = 0; j < xs.size(); ++j) {
    items[j].d = xs[j];
    ref.Add(xs[j]);
  }
  const AggSpec sum = Spec("sum", DataType::Double());
  const AggSpec avg = Spec("avg", DataType::Double());
  const AggSpec var = Spec("var", DataType::Double());
  const AggSpec sd = Spec("stddev", DataType::Double());
  const Value got_sum = AddAll(sum, items), got_avg = AddAll(avg, items);
  const Value got_var = AddAll(var, items), got_sd = AddAll(sd, items);
  if (xs.empty()) {
    EXPECT_TRUE(got_sum.is_null() && got_avg.is_null() && got_var.is_null());
    return;
  }
  const double s = got_sum.double_value(), a = got_avg.double_value();
  if (std::optional<double> special = ref.Special()) {
    ASSERT_EQ(Bits(s), Bits(*special)) << s;
    ASSERT_EQ(Bits(a), Bits(*special)) << a;
  } else if (ref.s1.mag.empty()) {  // exact zero: -0.0 only if every value is -0.0
    ASSERT_EQ(Bits(s), Bits(ref.all_neg_zero ? -0.0 : 0.0));
    ASSERT_EQ(Bits(a), Bits(s));
  } else {
    ASSERT_TRUE(IsNearest(s, ref.s1, Big::Of(1), -1074));
    ASSERT_TRUE(IsNearest(a, ref.s1, Big::Of(ref.n), -1074));
  }
  if (ref.n < 2) {
    EXPECT_TRUE(got_var.is_null() && got_sd.is_null());
  } else if (ref.Special()) {
    ASSERT_EQ(Bits(got_var.double_value()), Bits(double(NAN)));
  } else {
    const Big n = Big::Of(ref.n);
    const Big numerator = n * ref.s2 - ref.s1 * ref.s1;  // units of 2^-2148
    const double v = got_var.double_value();
    ASSERT_TRUE(IsNearest(v, numerator, n * Big::Of(ref.n - 1), -2148));
    ASSERT_EQ(Bits(got_sd.double_value()), Bits(std::sqrt(v)));
  }
  ExpectOrderInsensitive(sum, items, got_sum, rng, 2);
  ExpectOrderInsensitive(avg, items, got_avg, rng, 2);
  ExpectOrderInsensitive(var, items, got_var, rng, 2);
}

TEST(MomentAccumulatorsTest, RandomMultisetsAreCorrectlyRounded) {
  std::mt19937_64 rng(11);
  for (int round = 0; round < 400; ++round) {
    std::vector<double> xs;
    const size_t n = rng() % 9;
    const bool specials = rng() % 3 == 0;
    for (size_t j = 0; j < n; ++j) xs.push_back(RandomDouble(rng, xs, specials));
    CheckMoments(xs, rng);
  }
}

TEST(MomentAccumulatorsTest, CancellationAndHugeMagnitudes) {
  std::mt19937_64 rng(12);
  const double max = std::numeric_limits<double>::max();
  const double tiny = std::numeric_limits<double>::denorm_min();
  CheckMoments({max, max, -max}, rng);               // naive sums overflow
  CheckMoments({1.0, 1e-30, -1.0}, rng);             // naive sums lose 1e-30
  CheckMoments({std::ldexp(1, 53), 1.0, 1.0}, rng);  // order-dependent naively
  CheckMoments({std::ldexp(1, 53), 1.0}, rng);       // a tie: to even
  CheckMoments({std::ldexp(1, 53), 3.0}, rng);       // a tie: to even, upwards
  CheckMoments({tiny, tiny, tiny}, rng);             // subnormal sums
  CheckMoments({max, max}, rng);                     // the sum rounds to inf
  CheckMoments({-0.0, -0.0}, rng);
  CheckMoments({-0.0, 0.0}, rng);
  CheckMoments({1e308, -1e308, 5.0, 5.0}, rng);
  CheckMoments({1e16, 1.0, 1.0, 1.0, 1.0, -1e16}, rng);
  CheckMoments({1e200, 1e200 + 1e184, 1e200}, rng);  // var of nearly equal huge values
  CheckMoments({3.0, 3.0, 3.0}, rng);                // var exactly 0
  // Known values: var{1,2,3,4} = 5/3, avg{0.1,0.2,0.3} rounds 0.6/3 once.
  std::vector<Item> items(4);
  for (int j = 0; j < 4; ++j) items[static_cast<size_t>(j)].d = j + 1;
  EXPECT_EQ(AddAll(Spec("var", DataType::Double()), items).double_value(), 5.0 / 3.0);
  EXPECT_EQ(AddAll(Spec("sum", DataType::Double()), {}).is_null(), true);
  std::vector<Item> one(1);
  one[0].d = 7;
  EXPECT_TRUE(AddAll(Spec("var", DataType::Double()), one).is_null());
  EXPECT_EQ(AddAll(Spec("avg", DataType::Double()), one).double_value(), 7.0);
}

// Millions of terms (carries propagated many times, limbs going negative):
// every x is added with its negation, in random order, plus a few exact
// integers, so the exact sum is known.
TEST(MomentAccumulatorsTest, MillionsOfCancellingTerms) {
  std::mt19937_64 rng(14);
  std::vector<double> xs;
  for (int j = 0; j < 600000; ++j) {
    const double x = RandomDouble(rng, {}, false);
    xs.push_back(x);
    xs.push_back(-x);
  }
  int64_t exact = 0;
  for (int j = 0; j < 1000; ++j) {
    const int64_t v = static_cast<int64_t>(rng() % 2000001) - 1000000;
    exact += v;
    xs.push_back(static_cast<double>(v));
  }
  std::shuffle(xs.begin(), xs.end(), rng);
  auto sum = NewAccumulator(Spec("sum", DataType::Double()));
  auto half = NewAccumulator(Spec("sum", DataType::Double()));
  for (size_t j = 0; j < xs.size(); ++j) {
    sum->Add(AggInput{0, xs[j], {}}, EventRank{});
    if (j % 2) half->Add(AggInput{0, xs[j], {}}, EventRank{});
  }
  EXPECT_EQ(Bits(sum->Finish().double_value()), Bits(static_cast<double>(exact)));
  // The other half merged in from its encoding gives the same bits.
  auto other = NewAccumulator(Spec("sum", DataType::Double()));
  for (size_t j = 0; j < xs.size(); j += 2) other->Add(AggInput{0, xs[j], {}}, EventRank{});
  ASSERT_TRUE(half->MergeEncoded(testing::EncodeOf(*other)).ok());
  EXPECT_EQ(Bits(half->Finish().double_value()), Bits(static_cast<double>(exact)));
}

// The reference itself must reject a result one ulp off.
TEST(MomentAccumulatorsTest, ReferenceRejectsNeighbours) {
  const Big p = Exact(1.0, -1074) + Exact(1e-30, -1074);
  EXPECT_TRUE(IsNearest(1.0, p, Big::Of(1), -1074));
  EXPECT_FALSE(IsNearest(std::nextafter(1.0, 2.0), p, Big::Of(1), -1074));
  EXPECT_FALSE(IsNearest(std::nextafter(1.0, 0.0), p, Big::Of(1), -1074));
  const Big tie = Exact(std::ldexp(1, 53), -1074) + Exact(1.0, -1074);
  EXPECT_FALSE(IsNearest(std::ldexp(1, 53) + 2, tie, Big::Of(1), -1074));
  const Big third = Exact(1.0, -1074);
  EXPECT_TRUE(IsNearest(1.0 / 3, third, Big::Of(3), -1074));
  EXPECT_FALSE(IsNearest(std::nextafter(1.0 / 3, 1.0), third, Big::Of(3), -1074));
}

TEST(MomentAccumulatorsTest, IntegerInputsAreExact) {
  std::mt19937_64 rng(13);
  const int64_t kMax = std::numeric_limits<int64_t>::max();
  std::vector<Item> items(3);
  items[0].i = kMax;
  items[1].i = kMax;
  items[2].i = kMax - 1;
  // The exact mean is kMax - 1/3, nearest double 2^63.
  const Value avg = AddAll(Spec("avg", DataType::Int64()), items);
  EXPECT_EQ(avg.double_value(), 9223372036854775808.0);
  // var of {kMax, kMax, kMax - 1} is exactly 1/3.
  EXPECT_EQ(AddAll(Spec("var", DataType::Int64()), items).double_value(), 1.0 / 3.0);
  ExpectOrderInsensitive(Spec("var", DataType::Int64()), items, Value::Double(1.0 / 3.0), rng);
  std::vector<Item> ints(50);
  Big s;
  for (Item& it : ints) {
    it.i = static_cast<int64_t>(rng());
    Big b = Big::Of(it.i < 0 ? ~uint64_t(it.i) + 1 : uint64_t(it.i));
    b.neg = it.i < 0;
    s = s + b;
  }
  const double got = AddAll(Spec("avg", DataType::Int64()), ints).double_value();
  EXPECT_TRUE(IsNearest(got, s, Big::Of(50), 0));
}

}  // namespace
}  // namespace tessera::agg
