// BigNat: a natural number of any size as little-endian 32-bit digits,
// with the few operations exact aggregation needs (multiply, subtract,
// shift, divide by a 64-bit number) and the correctly rounded conversion
// to double. It exists for the final formulas of sum, avg and var
// (exact_sum.h), which work on exact values and round once at the end.
//
// Invariant: digits has no leading (most significant) zero digit, so zero
// is the empty vector. Thread-safety: a plain value.
#pragma once

#include <cstdint>
#include <vector>

namespace tessera::agg {

struct BigNat {
  std::vector<uint32_t> digits;  // little-endian, trimmed

  bool is_zero() const { return digits.empty(); }
  // The index of the highest set bit + 1 (0 for zero).
  int64_t BitLength() const;
  void Trim();
};

BigNat MulSmall(const BigNat& a, uint64_t m);
BigNat Mul(const BigNat& a, const BigNat& b);
// REQUIRES: a >= b.
BigNat Sub(const BigNat& a, const BigNat& b);
int Compare(const BigNat& a, const BigNat& b);  // -1, 0, 1
// a * 2^(32 * digits).
BigNat ShiftDigits(const BigNat& a, int64_t digits);
// floor(a / d); *remainder_nonzero says whether a % d != 0. REQUIRES: d > 0.
BigNat DivSmall(const BigNat& a, uint64_t d, bool* remainder_nonzero);

// The double nearest (ties to even) to (-1)^negative * (mag + f) * 2^scale,
// where f is 0 when !sticky and some unknown number in (0, 1) when sticky;
// +/-inf when it is beyond the double range (round to nearest), +/-0.0
// for zero. REQUIRES: when sticky, mag >= 2^54 (callers shift left
// before dividing), so the rounding bit lies in mag and f only breaks ties.
double RoundToDouble(const BigNat& mag, bool negative, int64_t scale, bool sticky);

}  // namespace tessera::agg
