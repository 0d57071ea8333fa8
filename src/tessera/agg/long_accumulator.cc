#include "tessera/agg/long_accumulator.h"

#include <algorithm>

namespace tessera::agg {

namespace {

// Each Add moves a limb by less than 2^32, so limbs stay far below 2^63;
// carrying every 2^20 Adds costs nothing measurable.
constexpr uint32_t kCarryEvery = uint32_t{1} << 20;
constexpr int64_t kDigitMask = 0xFFFFFFFF;

}  // namespace

void LongAccumulator::Clear() {
  low_ = 0;
  limbs_.clear();
  pending_ = 0;
}

void LongAccumulator::Cover(int64_t first, int64_t last) {
  if (limbs_.empty()) {
    low_ = first;
    limbs_.assign(static_cast<size_t>(last - first + 1), 0);
    return;
  }
  if (first < low_) {
    limbs_.insert(limbs_.begin(), static_cast<size_t>(low_ - first), 0);
    low_ = first;
  }
  const int64_t high = low_ + static_cast<int64_t>(limbs_.size()) - 1;
  if (last > high) limbs_.resize(limbs_.size() + static_cast<size_t>(last - high), 0);
}

void LongAccumulator::Add(uint64_t v, int64_t position, bool negative) {
  if (v == 0) return;
  const int64_t digit = position / 32;
  const unsigned __int128 w = static_cast<unsigned __int128>(v) << (position % 32);
  const int64_t pieces[3] = {static_cast<int64_t>(w & kDigitMask),
                             static_cast<int64_t>((w >> 32) & kDigitMask),
                             static_cast<int64_t>(w >> 64)};
  const int64_t last = pieces[2] ? 2 : (pieces[1] ? 1 : 0);
  Cover(digit, digit + last);
  int64_t* at = &limbs_[static_cast<size_t>(digit - low_)];
  for (int64_t k = 0; k <= last; ++k) at[k] += negative ? -pieces[k] : pieces[k];
  if (++pending_ >= kCarryEvery) {
    Normalize(&limbs_);
    pending_ = 0;
  }
}

// Propagates carries: every limb but the top one into [0, 2^32), the top
// one signed; a top limb beyond 32 bits is split into a new limb.
void LongAccumulator::Normalize(std::vector<int64_t>* limbs) const {
  if (limbs->empty()) return;
  int64_t carry = 0;
  for (size_t j = 0; j + 1 < limbs->size(); ++j) {
    int64_t& l = (*limbs)[j];
    l += carry;
    carry = l >> 32;  // arithmetic: floor division
    l &= kDigitMask;
  }
  limbs->back() += carry;
  while (limbs->back() >= (int64_t{1} << 31) || limbs->back() < -(int64_t{1} << 31)) {
    const int64_t top = limbs->back();
    limbs->back() = top & kDigitMask;
    limbs->push_back(top >> 32);
  }
}

// The value in sign-magnitude: scratch_ holds digits in [0, 2^32) from
// limb index *first to *end (exclusive), none when zero.
void LongAccumulator::Magnitude(bool* negative, size_t* first, size_t* end) const {
  scratch_.assign(limbs_.begin(), limbs_.end());  // reuses capacity: no allocation per call
  Normalize(&scratch_);
  *negative = !scratch_.empty() && scratch_.back() < 0;
  if (*negative) {
    for (int64_t& l : scratch_) l = -l;
    Normalize(&scratch_);
  }
  // Now every limb is in [0, 2^32) (the top one is non-negative and below 2^31).
  *first = 0;
  *end = scratch_.size();
  while (*end > 0 && scratch_[*end - 1] == 0) --*end;
  while (*first < *end && scratch_[*first] == 0) ++*first;
  if (*first == *end) *negative = false;
}

void LongAccumulator::Get(BigNat* mag, bool* negative, int64_t* low_digit) const {
  size_t first, end;
  Magnitude(negative, &first, &end);
  mag->digits.assign(scratch_.begin() + static_cast<ptrdiff_t>(first),
                     scratch_.begin() + static_cast<ptrdiff_t>(end));
  *low_digit = first == end ? 0 : low_ + static_cast<int64_t>(first);
}

void LongAccumulator::EncodeTo(std::string* out) const {
  bool negative;
  size_t first, end;
  Magnitude(&negative, &first, &end);
  PutVarint64(out, end - first);
  if (first == end) return;
  out->push_back(negative ? 1 : 0);
  PutVarint64(out, static_cast<uint64_t>(low_ + static_cast<int64_t>(first)));
  for (size_t j = first; j < end; ++j) {
    PutFixed32(out, static_cast<uint32_t>(scratch_[j]));  // full 32-bit digits are the rule
  }
}

bool LongAccumulator::MergeFrom(PartialReader* in) {
  uint64_t count, low;
  uint8_t sign;
  if (!in->GetVarint64(&count)) return false;
  if (count == 0) return true;
  if (!in->GetByte(&sign) || sign > 1 || !in->GetVarint64(&low)) return false;
  // Terms are added as 64-bit pieces; keep two digits of headroom.
  if (count > static_cast<uint64_t>(max_digits_) || low > static_cast<uint64_t>(max_digits_) ||
      low + count + 2 > static_cast<uint64_t>(max_digits_)) {
    return false;
  }
  // Each digit lands on its own limb, so the whole partial moves every limb
  // by less than 2^32: one Add's worth of carry headroom.
  Cover(static_cast<int64_t>(low), static_cast<int64_t>(low + count - 1));
  int64_t* at = &limbs_[static_cast<size_t>(static_cast<int64_t>(low) - low_)];
  for (uint64_t j = 0; j < count; ++j) {
    uint32_t d;
    if (!in->GetFixed32(&d)) return false;
    at[j] += sign == 1 ? -int64_t{d} : int64_t{d};
  }
  if (++pending_ >= kCarryEvery) {
    Normalize(&limbs_);
    pending_ = 0;
  }
  return true;
}

bool LongAccumulator::AddToEncoded(int max_digits, PartialReader* in, uint64_t v, int64_t position,
                                   bool negative, std::string* out) {
  // Sign-magnitude digits of the window [lo, lo + width): the value's and
  // the term's, plus one digit for a carry. Sums of real amounts span a
  // few digits; wider ones take the general way.
  constexpr int64_t kMaxWidth = 16;
  uint64_t count = 0, low = 0;
  uint8_t sign = 0;
  if (!in->GetVarint64(&count)) return false;
  if (count > 0) {
    if (!in->GetByte(&sign) || sign > 1 || !in->GetVarint64(&low)) return false;
    // MergeFrom's bounds.
    if (count > static_cast<uint64_t>(max_digits) || low > static_cast<uint64_t>(max_digits) ||
        low + count + 2 > static_cast<uint64_t>(max_digits) || in->remaining() < 4 * count) {
      return false;
    }
  }
  const int64_t digit = position / 32;  // positions are >= 0
  const unsigned __int128 w = static_cast<unsigned __int128>(v) << (position % 32);
  const uint32_t term[3] = {static_cast<uint32_t>(w), static_cast<uint32_t>(w >> 32),
                            static_cast<uint32_t>(w >> 64)};
  if (count == 0 && v == 0) {
    PutVarint64(out, 0);
    return true;
  }
  const auto first_a = static_cast<int64_t>(low), end_a = static_cast<int64_t>(low + count);
  const int64_t lo = count == 0 ? digit : (v == 0 ? first_a : std::min(first_a, digit));
  const int64_t end = std::max(count == 0 ? digit : end_a, v == 0 ? end_a : digit + 3) + 1;
  const int64_t width = end - lo;
  if (width > kMaxWidth) return false;
  uint32_t a[kMaxWidth] = {}, b[kMaxWidth] = {}, r[kMaxWidth];
  for (uint64_t j = 0; j < count; ++j) {
    uint32_t d;
    if (!in->GetFixed32(&d)) return false;
    a[first_a - lo + static_cast<int64_t>(j)] = d;
  }
  if (v != 0) {
    for (int64_t k = 0; k < 3; ++k) b[digit - lo + k] = term[k];
  }
  const bool a_negative = sign == 1;
  bool r_negative;
  if (a_negative == negative) {
    uint64_t carry = 0;
    for (int64_t j = 0; j < width; ++j) {
      const uint64_t s = uint64_t{a[j]} + b[j] + carry;
      r[j] = static_cast<uint32_t>(s);
      carry = s >> 32;
    }
    r_negative = a_negative;  // the top digit was zero in both: no carry out
  } else {
    int64_t j = width - 1;
    while (j >= 0 && a[j] == b[j]) --j;
    const bool a_larger = j < 0 || a[j] > b[j];
    const uint32_t* big = a_larger ? a : b;
    const uint32_t* small = a_larger ? b : a;
    int64_t borrow = 0;
    for (int64_t k = 0; k < width; ++k) {
      int64_t d = int64_t{big[k]} - small[k] - borrow;
      borrow = d < 0 ? 1 : 0;
      r[k] = static_cast<uint32_t>(d + (borrow << 32));
    }
    r_negative = a_larger ? a_negative : negative;
  }
  int64_t first = 0, last = width;
  while (last > 0 && r[last - 1] == 0) --last;
  while (first < last && r[first] == 0) ++first;
  PutVarint64(out, static_cast<uint64_t>(last - first));
  if (first == last) return true;  // zero: no sign
  out->push_back(r_negative ? 1 : 0);
  PutVarint64(out, static_cast<uint64_t>(lo + first));
  char digits[4 * kMaxWidth];
  for (int64_t j = first; j < last; ++j) EncodeFixed32(digits + 4 * (j - first), r[j]);
  out->append(digits, static_cast<size_t>(4 * (last - first)));
  return true;
}

size_t LongAccumulator::EncodeTerm(uint64_t v, int64_t position, bool negative, char* out) {
  if (v == 0) {
    out[0] = 0;  // zero: no digits, no sign
    return 1;
  }
  // AddToEncoded's digits for an empty value: the term's three digits,
  // trimmed of zero digits at both ends.
  const int64_t digit = position / 32;
  const unsigned __int128 w = static_cast<unsigned __int128>(v) << (position % 32);
  const uint32_t term[3] = {static_cast<uint32_t>(w), static_cast<uint32_t>(w >> 32),
                            static_cast<uint32_t>(w >> 64)};
  int first = 0, last = 3;
  while (term[last - 1] == 0) --last;  // v != 0: some digit is not zero
  while (term[first] == 0) ++first;
  size_t n = 0;
  out[n++] = static_cast<char>(last - first);  // a varint under 0x80
  out[n++] = negative ? 1 : 0;
  for (uint64_t low = static_cast<uint64_t>(digit + first);; low >>= 7) {  // varint
    if (low < 0x80) {
      out[n++] = static_cast<char>(low);
      break;
    }
    out[n++] = static_cast<char>((low & 0x7F) | 0x80);
  }
  for (int j = first; j < last; ++j, n += 4) EncodeFixed32(out + n, term[j]);
  return n;
}

}  // namespace tessera::agg
