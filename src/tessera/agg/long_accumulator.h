// LongAccumulator: an exact signed fixed-point number of any size, the sum
// of the terms Added, kept sparsely: only the 32-bit digits between the
// lowest and highest term Added exist (a sum of amounts in cents needs two
// or three digits, not the ~70 that span every double). Digits are kept
// carry-save (signed 64-bit, carries propagated every 2^20 Adds), so Add
// is a few integer additions and never rounds.
//
// The value is a function of the multiset of terms only; its encoding is
// canonical (sign, lowest nonzero digit index, digits), so equal sums
// encode equally whatever the order of Adds.
//
// Thread-safety: none. A plain value (copyable).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tessera/agg/big_nat.h"
#include "tessera/agg/partial_coding.h"

namespace tessera::agg {

class LongAccumulator {
 public:
  // `max_digits` bounds the digit positions (so decoding bad bytes cannot
  // allocate without bound): terms must lie below 2^(32 * max_digits - 64).
  explicit LongAccumulator(int max_digits) : max_digits_(max_digits) {}

  void Clear();

  // Adds (-1)^negative * v * 2^position, in units of the LSB.
  // REQUIRES: position + 64 <= 32 * max_digits - 64.
  void Add(uint64_t v, int64_t position, bool negative);

  // The exact value: (-1)^*negative * mag * 2^(32 * *low_digit).
  void Get(BigNat* mag, bool* negative, int64_t* low_digit) const;

  // Appends: varint digit count (0 for zero), then sign byte, varint low
  // digit index and each digit as 4 bytes little-endian.
  void EncodeTo(std::string* out) const;
  // Adds an encoded value. False on bad bytes (the value is then
  // unspecified but valid).
  [[nodiscard]] bool MergeFrom(PartialReader* in);

  // Reads an encoded value from *in, adds (-1)^negative * v * 2^position
  // and appends the encoding of the sum: the bytes MergeFrom into a
  // cleared accumulator of `max_digits`, Add and EncodeTo give, computed
  // in a small fixed buffer without building an accumulator (a window
  // state's Add of one value into one tile). False, with nothing appended,
  // for bytes MergeFrom would refuse or a sum wider than that buffer: the
  // caller then takes the general way.
  [[nodiscard]] static bool AddToEncoded(int max_digits, PartialReader* in, uint64_t v,
                                         int64_t position, bool negative, std::string* out);

  // Writes to out[0, returned size) the encoding of (-1)^negative * v *
  // 2^position alone: the bytes AddToEncoded appends for an encoded zero
  // (a new tile's sum), at most kMaxTermBytes, without parsing or zeroing
  // digit buffers. REQUIRES: position >= 0.
  static constexpr size_t kMaxTermBytes = 24;
  static size_t EncodeTerm(uint64_t v, int64_t position, bool negative, char* out);

 private:
  void Cover(int64_t first, int64_t last);  // make digits [first, last] exist
  void Normalize(std::vector<int64_t>* limbs) const;
  void Magnitude(bool* negative, size_t* first, size_t* end) const;

  int max_digits_;
  int64_t low_ = 0;                       // digit index of limbs_[0]
  std::vector<int64_t> limbs_;            // carry-save digits
  uint32_t pending_ = 0;                  // Adds since the last carry propagation
  mutable std::vector<int64_t> scratch_;  // Magnitude()'s normalized copy
};

}  // namespace tessera::agg
