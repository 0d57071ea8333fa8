// ExactSum: the exact sum of a multiset of doubles and int64s, with IEEE's
// special values kept aside, and the correctly rounded results built on it
// (docs/DEFINITIONS.md, "Aggregation semantics"):
//
//   Sum()   the double nearest (ties to even) to the exact real sum of the
//           finite values; +/-inf when that rounds beyond the double range.
//           No intermediate rounding or overflow: terms are kept as exact
//           binary fixed point (LongAccumulator, units of 2^-1074).
//   Mean()  the double nearest to (exact sum) / n, n counting every value.
//   special values: any NaN, or +inf with -inf, gives NaN (the quiet NaN
//           0x7FF8000000000000); else +inf or -inf if present.
//   zero    an exact zero sum is -0.0 only when every value is -0.0 (as
//           IEEE addition gives), else +0.0.
//
// SquareSum is the exact sum of squares for var/stddev: x^2 = m^2 * 2^(2e)
// is an integer times a power of two, added exactly (no FMA needed, so no
// overflow or underflow of x*x either).
//
// Thread-safety: none; plain values.
#pragma once

#include <bit>
#include <cstdint>
#include <optional>
#include <string>

#include "tessera/agg/long_accumulator.h"
#include "tessera/agg/partial_coding.h"

namespace tessera::agg {

// A finite nonzero x as m * 2^pos in units of 2^-1074 (m < 2^53, pos >= 0):
// the fixed point ExactSum adds in, shared with offline's sliding sums so
// both place a double at the same bits. Inline: both call it per value.
inline void DecomposeDouble(double x, uint64_t* m, int64_t* pos) {
  const uint64_t bits = std::bit_cast<uint64_t>(x);
  const int64_t biased = static_cast<int64_t>((bits >> 52) & 0x7FF);
  const uint64_t fraction = bits & ((uint64_t{1} << 52) - 1);
  *m = biased == 0 ? fraction : fraction | (uint64_t{1} << 52);
  *pos = biased == 0 ? 0 : biased - 1;
}

class ExactSum {
 public:
  ExactSum();

  void Clear();
  void AddDouble(double x);
  void AddInt(int64_t v);

  uint64_t count() const { return n_; }
  // NaN or +/-inf when a NaN or an infinity was added; nullopt otherwise.
  std::optional<double> Special() const;

  // REQUIRES: count() > 0.
  double Sum() const;
  double Mean() const;

  // The exact finite sum: (-1)^negative * mag * 2^(32 * low_digit - 1074).
  void GetExact(BigNat* mag, bool* negative, int64_t* low_digit) const {
    sum_.Get(mag, negative, low_digit);
  }
  static constexpr int64_t kScale = -1074;

  // varint count, flags byte, then the exact finite sum.
  void EncodeTo(std::string* out) const;
  [[nodiscard]] bool MergeFrom(PartialReader* in);

  // Appends the encoding of (the sum `partial` encodes, none when
  // nullopt) plus x: the bytes MergeFrom into a cleared ExactSum, AddDouble
  // (AddInt) and EncodeTo give, without building one. False, with nothing
  // appended, when the fast path does not apply (bad bytes, a wide sum):
  // the caller then takes the general way.
  [[nodiscard]] static bool AddDoubleToEncoded(std::optional<std::string_view> partial, double x,
                                               std::string* out);
  [[nodiscard]] static bool AddIntToEncoded(std::optional<std::string_view> partial, int64_t v,
                                            std::string* out);

 private:
  // One value's flags and finite term (m * 2^pos, m == 0 for none) added
  // to `partial`'s encoding.
  static bool AddTermToEncoded(std::optional<std::string_view> partial, uint8_t flags, uint64_t m,
                               int64_t pos, bool negative, std::string* out);

  enum Flag : uint8_t { kNaN = 1, kPosInf = 2, kNegInf = 4, kNotNegZero = 8 };
  double SignedZero() const;

  uint64_t n_ = 0;
  uint8_t flags_ = 0;
  LongAccumulator sum_;
};

// The exact sum of the squares of finite values, in units of 2^-2148.
class SquareSum {
 public:
  SquareSum();
  void Clear() { sum_.Clear(); }
  void AddDouble(double x);  // non-finite values are ignored (ExactSum flags them)
  void AddInt(int64_t v);
  void GetExact(BigNat* mag, int64_t* low_digit) const;
  static constexpr int64_t kScale = -2148;

  void EncodeTo(std::string* out) const { sum_.EncodeTo(out); }
  [[nodiscard]] bool MergeFrom(PartialReader* in);

 private:
  LongAccumulator sum_;
};

}  // namespace tessera::agg
