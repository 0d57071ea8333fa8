#include "tessera/agg/exact_sum.h"

#include <bit>
#include <cmath>
#include <limits>

namespace tessera::agg {

namespace {

// Doubles span bits 0 .. 2098 of the units of 2^-1074; 2^64 terms add 64
// more. Squares span twice that.
constexpr int kSumDigits = 72;
constexpr int kSquareDigits = 140;
// Integers are added at 2^0 in units of 2^-1074.
constexpr int64_t kIntPosition = 1074;

uint64_t Magnitude(int64_t v) {
  return v < 0 ? ~static_cast<uint64_t>(v) + 1 : static_cast<uint64_t>(v);
}

// Extra bits before a division, so that the quotient keeps 54 bits more
// than a double whatever the divisor (RoundToDouble's requirement).
constexpr int64_t kGuardDigits = 6;

}  // namespace

ExactSum::ExactSum() : sum_(kSumDigits) {}

void ExactSum::Clear() {
  n_ = 0;
  flags_ = 0;
  sum_.Clear();
}

void ExactSum::AddDouble(double x) {
  ++n_;
  if (!(std::bit_cast<uint64_t>(x) == std::bit_cast<uint64_t>(-0.0))) flags_ |= kNotNegZero;
  if (std::isnan(x)) {
    flags_ |= kNaN;
  } else if (std::isinf(x)) {
    flags_ |= x > 0 ? kPosInf : kNegInf;
  } else if (x != 0) {
    uint64_t m;
    int64_t pos;
    DecomposeDouble(x, &m, &pos);
    sum_.Add(m, pos, x < 0);
  }
}

void ExactSum::AddInt(int64_t v) {
  ++n_;
  flags_ |= kNotNegZero;
  sum_.Add(Magnitude(v), kIntPosition, v < 0);
}

std::optional<double> ExactSum::Special() const {
  if ((flags_ & kNaN) || ((flags_ & kPosInf) && (flags_ & kNegInf))) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (flags_ & kPosInf) return INFINITY;
  if (flags_ & kNegInf) return -INFINITY;
  return std::nullopt;
}

double ExactSum::SignedZero() const { return (flags_ & kNotNegZero) ? 0.0 : -0.0; }

double ExactSum::Sum() const {
  if (std::optional<double> special = Special()) return *special;
  BigNat mag;
  bool negative;
  int64_t low;
  sum_.Get(&mag, &negative, &low);
  if (mag.is_zero()) return SignedZero();
  return RoundToDouble(mag, negative, 32 * low + kScale, false);
}

double ExactSum::Mean() const {
  if (std::optional<double> special = Special()) return *special;
  BigNat mag;
  bool negative;
  int64_t low;
  sum_.Get(&mag, &negative, &low);
  if (mag.is_zero()) return SignedZero();
  bool inexact;
  const BigNat q = DivSmall(ShiftDigits(mag, kGuardDigits), n_, &inexact);
  return RoundToDouble(q, negative, 32 * (low - kGuardDigits) + kScale, inexact);
}

void ExactSum::EncodeTo(std::string* out) const {
  PutVarint64(out, n_);
  out->push_back(static_cast<char>(flags_));
  sum_.EncodeTo(out);
}

bool ExactSum::MergeFrom(PartialReader* in) {
  uint64_t n;
  uint8_t flags;
  if (!in->GetVarint64(&n) || !in->GetByte(&flags) || flags > 15) return false;
  if (n == 0 && flags != 0) return false;
  n_ += n;
  flags_ |= flags;
  return sum_.MergeFrom(in);
}

bool ExactSum::AddTermToEncoded(std::optional<std::string_view> partial, uint8_t flags, uint64_t m,
                                int64_t pos, bool negative, std::string* out) {
  if (!partial) {
    // A new tile's sum (most Adds make a new tile): count 1, the flags and
    // the term, written at once; the bytes of the general way below.
    char bytes[2 + LongAccumulator::kMaxTermBytes];
    bytes[0] = 1;  // varint count
    bytes[1] = static_cast<char>(flags);
    out->append(bytes, 2 + LongAccumulator::EncodeTerm(m, pos, negative, bytes + 2));
    return true;
  }
  uint64_t n = 0;
  uint8_t old_flags = 0;
  PartialReader in(partial ? *partial : std::string_view("\0", 1));  // none: an encoded zero sum
  if (partial) {
    // MergeFrom's checks.
    if (!in.GetVarint64(&n) || !in.GetByte(&old_flags) || old_flags > 15) return false;
    if (n == 0 && old_flags != 0) return false;
  }
  const size_t at = out->size();
  PutVarint64(out, n + 1);
  out->push_back(static_cast<char>(old_flags | flags));
  if (!LongAccumulator::AddToEncoded(kSumDigits, &in, m, pos, negative, out) || !in.done()) {
    out->resize(at);
    return false;
  }
  return true;
}

bool ExactSum::AddDoubleToEncoded(std::optional<std::string_view> partial, double x,
                                  std::string* out) {
  // AddDouble's flags and term.
  uint8_t flags = 0;
  uint64_t m = 0;
  int64_t pos = 0;
  if (!(std::bit_cast<uint64_t>(x) == std::bit_cast<uint64_t>(-0.0))) flags |= kNotNegZero;
  if (std::isnan(x)) {
    flags |= kNaN;
  } else if (std::isinf(x)) {
    flags |= x > 0 ? kPosInf : kNegInf;
  } else if (x != 0) {
    DecomposeDouble(x, &m, &pos);
  }
  return AddTermToEncoded(partial, flags, m, pos, x < 0, out);
}

bool ExactSum::AddIntToEncoded(std::optional<std::string_view> partial, int64_t v,
                               std::string* out) {
  return AddTermToEncoded(partial, kNotNegZero, Magnitude(v), kIntPosition, v < 0, out);
}

SquareSum::SquareSum() : sum_(kSquareDigits) {}

void SquareSum::AddDouble(double x) {
  if (!std::isfinite(x) || x == 0) return;
  uint64_t m;
  int64_t pos;
  DecomposeDouble(x, &m, &pos);
  const unsigned __int128 sq = static_cast<unsigned __int128>(m) * m;
  sum_.Add(static_cast<uint64_t>(sq), 2 * pos, false);
  sum_.Add(static_cast<uint64_t>(sq >> 64), 2 * pos + 64, false);
}

void SquareSum::AddInt(int64_t v) {
  const uint64_t m = Magnitude(v);
  const unsigned __int128 sq = static_cast<unsigned __int128>(m) * m;
  sum_.Add(static_cast<uint64_t>(sq), 2 * kIntPosition, false);
  sum_.Add(static_cast<uint64_t>(sq >> 64), 2 * kIntPosition + 64, false);
}

void SquareSum::GetExact(BigNat* mag, int64_t* low_digit) const {
  bool negative;
  sum_.Get(mag, &negative, low_digit);
}

bool SquareSum::MergeFrom(PartialReader* in) { return sum_.MergeFrom(in); }

}  // namespace tessera::agg
