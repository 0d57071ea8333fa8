#include "tessera/agg/big_nat.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace tessera::agg {

int64_t BigNat::BitLength() const {
  if (digits.empty()) return 0;
  return 32 * static_cast<int64_t>(digits.size() - 1) + std::bit_width(digits.back());
}

void BigNat::Trim() {
  while (!digits.empty() && digits.back() == 0) digits.pop_back();
}

BigNat MulSmall(const BigNat& a, uint64_t m) {
  BigNat out;
  out.digits.resize(a.digits.size() + 2);
  unsigned __int128 carry = 0;
  for (size_t i = 0; i < a.digits.size(); ++i) {
    carry += static_cast<unsigned __int128>(a.digits[i]) * m;
    out.digits[i] = static_cast<uint32_t>(carry);
    carry >>= 32;
  }
  out.digits[a.digits.size()] = static_cast<uint32_t>(carry);
  out.digits[a.digits.size() + 1] = static_cast<uint32_t>(carry >> 32);
  out.Trim();
  return out;
}

BigNat Mul(const BigNat& a, const BigNat& b) {
  BigNat out;
  if (a.is_zero() || b.is_zero()) return out;
  out.digits.assign(a.digits.size() + b.digits.size(), 0);
  for (size_t i = 0; i < a.digits.size(); ++i) {
    uint64_t carry = 0;
    for (size_t j = 0; j < b.digits.size(); ++j) {
      const uint64_t t = uint64_t{a.digits[i]} * b.digits[j] + out.digits[i + j] + carry;
      out.digits[i + j] = static_cast<uint32_t>(t);
      carry = t >> 32;
    }
    out.digits[i + b.digits.size()] = static_cast<uint32_t>(carry);
  }
  out.Trim();
  return out;
}

BigNat Sub(const BigNat& a, const BigNat& b) {
  BigNat out = a;
  int64_t borrow = 0;
  for (size_t i = 0; i < out.digits.size(); ++i) {
    int64_t t = int64_t{out.digits[i]} - borrow - (i < b.digits.size() ? int64_t{b.digits[i]} : 0);
    borrow = t < 0 ? 1 : 0;
    out.digits[i] = static_cast<uint32_t>(t + (borrow << 32));
  }
  out.Trim();
  return out;
}

int Compare(const BigNat& a, const BigNat& b) {
  if (a.digits.size() != b.digits.size()) return a.digits.size() < b.digits.size() ? -1 : 1;
  for (size_t i = a.digits.size(); i-- > 0;) {
    if (a.digits[i] != b.digits[i]) return a.digits[i] < b.digits[i] ? -1 : 1;
  }
  return 0;
}

BigNat ShiftDigits(const BigNat& a, int64_t digits) {
  BigNat out;
  if (a.is_zero()) return out;
  out.digits.assign(static_cast<size_t>(digits), 0);
  out.digits.insert(out.digits.end(), a.digits.begin(), a.digits.end());
  return out;
}

BigNat DivSmall(const BigNat& a, uint64_t d, bool* remainder_nonzero) {
  BigNat out;
  out.digits.resize(a.digits.size());
  unsigned __int128 rem = 0;
  for (size_t i = a.digits.size(); i-- > 0;) {
    const unsigned __int128 cur = (rem << 32) | a.digits[i];
    out.digits[i] = static_cast<uint32_t>(cur / d);
    rem = cur % d;
  }
  *remainder_nonzero = rem != 0;
  out.Trim();
  return out;
}

namespace {

bool Bit(const BigNat& a, int64_t i) {
  if (i < 0 || i >= 32 * static_cast<int64_t>(a.digits.size())) return false;
  return (a.digits[static_cast<size_t>(i / 32)] >> (i % 32)) & 1;
}

// Whether any bit below index `i` is set.
bool AnyBelow(const BigNat& a, int64_t i) {
  const int64_t full = std::min<int64_t>(i / 32, static_cast<int64_t>(a.digits.size()));
  for (int64_t k = 0; k < full; ++k) {
    if (a.digits[static_cast<size_t>(k)] != 0) return true;
  }
  if (full < static_cast<int64_t>(a.digits.size()) && i % 32 != 0) {
    return (a.digits[static_cast<size_t>(full)] & ((uint32_t{1} << (i % 32)) - 1)) != 0;
  }
  return false;
}

// Bits [from, from + 53) as a number. REQUIRES: from >= 0.
uint64_t BitsFrom(const BigNat& a, int64_t from) {
  uint64_t out = 0;
  for (int k = 52; k >= 0; --k) out = (out << 1) | (Bit(a, from + k) ? 1 : 0);
  return out;
}

}  // namespace

double RoundToDouble(const BigNat& mag, bool negative, int64_t scale, bool sticky) {
  const double sign = negative ? -1.0 : 1.0;
  if (mag.is_zero()) return sign * 0.0;
  const int64_t top = mag.BitLength() - 1;  // value in [2^(top+scale), 2^(top+scale+1))
  if (top + scale > 1023) return sign * INFINITY;
  // The lowest kept bit: 53 significant bits, fewer below the normal range.
  const int64_t low = std::max(top - 52, -1074 - scale);
  if (low <= 0) {  // every bit kept: exact
    return sign * std::ldexp(static_cast<double>(BitsFrom(mag, 0)), static_cast<int>(scale));
  }
  uint64_t kept = BitsFrom(mag, low);
  const bool half = Bit(mag, low - 1);
  const bool rest = sticky || AnyBelow(mag, low - 1);
  if (half && (rest || (kept & 1))) ++kept;  // to nearest, ties to even
  // kept <= 2^53 and the exponent is in range or overflows to inf: exact.
  return sign * std::ldexp(static_cast<double>(kept), static_cast<int>(low + scale));
}

}  // namespace tessera::agg
