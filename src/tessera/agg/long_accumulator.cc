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

void LongAccumulator::Get(BigNat* mag, bool* negative, int64_t* low_digit) const {
  std::vector<int64_t> limbs = limbs_;
  Normalize(&limbs);
  *negative = !limbs.empty() && limbs.back() < 0;
  if (*negative) {
    for (int64_t& l : limbs) l = -l;
    Normalize(&limbs);
  }
  // Now every limb is in [0, 2^32) (the top one is non-negative and below 2^31).
  size_t skip = 0;
  while (skip < limbs.size() && limbs[skip] == 0) ++skip;
  mag->digits.clear();
  for (size_t j = skip; j < limbs.size(); ++j)
    mag->digits.push_back(static_cast<uint32_t>(limbs[j]));
  mag->Trim();
  *low_digit = low_ + static_cast<int64_t>(skip);
  if (mag->is_zero()) {
    *negative = false;
    *low_digit = 0;
  }
}

void LongAccumulator::EncodeTo(std::string* out) const {
  BigNat mag;
  bool negative;
  int64_t low;
  Get(&mag, &negative, &low);
  PutVarint64(out, mag.digits.size());
  if (mag.is_zero()) return;
  out->push_back(negative ? 1 : 0);
  PutVarint64(out, static_cast<uint64_t>(low));
  for (uint32_t d : mag.digits) PutVarint64(out, d);
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
  for (uint64_t j = 0; j < count; ++j) {
    uint64_t d;
    if (!in->GetVarint64(&d) || d > 0xFFFFFFFF) return false;
    Add(d, static_cast<int64_t>(32 * (low + j)), sign == 1);
  }
  return true;
}

}  // namespace tessera::agg
