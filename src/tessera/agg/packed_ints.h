// PackedInts: a frame-of-reference array of int64 values in bytes: a width
// byte w (0..8), the zigzag varint base (the smallest value), then each
// value minus the base as w little-endian bytes. Value i is read in O(1)
// straight from the bytes, so sorted timestamps are binary-searched without
// decoding (window_state_codec.h); a week of microsecond timestamps takes 5
// bytes each, a small count 1.
//
// GetPackedInts checks that all n values are inside the reader's bytes;
// Get(i) then never reads outside them for i < size.
//
// Thread-safety: pure functions; a PackedInts borrows the bytes it reads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "tessera/agg/partial_coding.h"
#include "tessera/core/coding.h"

namespace tessera::agg {

struct PackedInts {
  const char* data = nullptr;
  size_t size = 0;
  int width = 0;
  int64_t base = 0;

  int64_t Get(size_t i) const {
    const size_t at = i * width;
    uint64_t delta = 0;
    if (at + 8 <= size * width) {  // one load, masked to the width
      delta = DecodeFixed64(data + at);
      if (width < 8) delta &= (uint64_t{1} << (8 * width)) - 1;
    } else {
      const unsigned char* p = reinterpret_cast<const unsigned char*>(data) + at;
      for (int b = width - 1; b >= 0; --b) delta = (delta << 8) | p[b];
    }
    return static_cast<int64_t>(static_cast<uint64_t>(base) + delta);
  }
};

// The bytes needed for `range` (the largest value minus the smallest).
int PackedWidth(uint64_t range);

// Appends n values given by value_at(i), at least `min_width` bytes each
// (a width of at least 1 bounds n by the encoding's size, so a decoder can
// trust a count it reads).
template <typename ValueAt>
void PutPackedInts(std::string* out, size_t n, ValueAt value_at, int min_width = 0) {
  int64_t lo = 0, hi = 0;
  for (size_t i = 0; i < n; ++i) {
    const int64_t v = value_at(i);
    if (i == 0 || v < lo) lo = v;
    if (i == 0 || v > hi) hi = v;
  }
  int width = PackedWidth(static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo));
  if (width < min_width) width = min_width;
  out->push_back(static_cast<char>(width));
  PutZigZag64(out, lo);
  const size_t at = out->size();
  out->resize(at + n * width);
  char* p = out->data() + at;
  char* const end = p + n * width;
  for (size_t i = 0; i < n; ++i, p += width) {
    uint64_t delta = static_cast<uint64_t>(value_at(i)) - static_cast<uint64_t>(lo);
    if (end - p >= 8) {  // one store; the next values overwrite its high bytes
      EncodeFixed64(p, delta);
    } else {
      for (int b = 0; b < width; ++b, delta >>= 8) p[b] = static_cast<char>(delta & 0xff);
    }
  }
}

// Reads n values; false when the bytes are short or the width is over 8.
[[nodiscard]] bool GetPackedInts(PartialReader* in, size_t n, PackedInts* out);

}  // namespace tessera::agg
