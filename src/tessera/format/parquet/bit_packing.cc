// Bit widths, ULEB128 varints and LSB-first bit (un)packing shared by the
// RLE hybrid and DELTA_BINARY_PACKED (Encodings.md).
//
// Unpacking works on groups of 8 values, which occupy exactly bit_width
// bytes. Each width has its own instantiation so the shifts and masks are
// constants; every value is read with one unaligned 8-byte load (plus one
// byte for widths above 56). Loads may reach up to 16 bytes past a group, so
// groups near the end of the input are first copied into a zero-padded
// scratch buffer: no read ever leaves [in, in + ceil(n * bit_width / 8)).
#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <utility>

#include "tessera/core/coding.h"
#include "tessera/format/parquet/encoding.h"

namespace tessera::parquet {
namespace {

constexpr int kSlack = 16;  // bytes a group's loads may reach past its end

inline uint64_t Load64(const uint8_t* p) { return DecodeFixed64(p); }

// Value j of the group of 8 at `in`, for a width W known at compile time.
// REQUIRES: in[0, W + kSlack) readable.
template <int W>
inline uint64_t ValueAt(const uint8_t* in, int j) {
  if constexpr (W == 0) {
    return 0;
  } else {
    const int bit = j * W;
    const int shift = bit & 7;
    const uint8_t* p = in + (bit >> 3);
    uint64_t v = Load64(p) >> shift;
    if constexpr (W > 56) {
      if (shift + W > 64) v |= static_cast<uint64_t>(p[8]) << (64 - shift);
    }
    if constexpr (W < 64) v &= (uint64_t{1} << W) - 1;
    return v;
  }
}

template <int W, typename T>
inline void UnpackGroup(const uint8_t* in, T* out) {
  for (int j = 0; j < 8; ++j) out[j] = static_cast<T>(ValueAt<W>(in, j));
}

template <int W, typename T>
void UnpackWidth(const uint8_t* in, int64_t n, T* out) {
  const int64_t groups = n / 8;
  // Groups whose loads stay inside the input are unpacked in place.
  const int64_t total_bytes = (n * W + 7) / 8;
  const int64_t safe_groups =
      W == 0 ? groups : std::min(groups, std::max<int64_t>(0, (total_bytes - kSlack) / W));
  int64_t g = 0;
  for (; g < safe_groups; ++g) UnpackGroup<W>(in + g * W, out + g * 8);
  // The rest through a zero-padded copy.
  std::array<uint8_t, 64 + kSlack> scratch;
  for (; g * 8 < n; ++g) {
    const int64_t bytes = std::min<int64_t>(W, total_bytes - g * W);
    scratch.fill(0);
    if (bytes > 0) std::memcpy(scratch.data(), in + g * W, static_cast<size_t>(bytes));
    const int64_t count = std::min<int64_t>(8, n - g * 8);
    if (count == 8) {
      UnpackGroup<W>(scratch.data(), out + g * 8);
    } else {
      T tmp[8];
      UnpackGroup<W>(scratch.data(), tmp);
      std::copy(tmp, tmp + count, out + g * 8);
    }
  }
}

template <typename T, int... Ws>
constexpr auto MakeUnpackTable(std::integer_sequence<int, Ws...>) {
  using Fn = void (*)(const uint8_t*, int64_t, T*);
  return std::array<Fn, sizeof...(Ws)>{&UnpackWidth<Ws, T>...};
}

constexpr auto kUnpack32 = MakeUnpackTable<uint32_t>(std::make_integer_sequence<int, 33>());
constexpr auto kUnpack64 = MakeUnpackTable<uint64_t>(std::make_integer_sequence<int, 65>());

}  // namespace

int BitWidth(uint64_t max_value) { return static_cast<int>(std::bit_width(max_value)); }

bool ReadUleb128(const uint8_t** p, const uint8_t* end, uint64_t* out) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (*p >= end) return false;
    const uint8_t b = *(*p)++;
    if (shift == 63 && b > 1) return false;  // more than 64 bits
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) {
      *out = v;
      return true;
    }
  }
  return false;
}

void AppendUleb128(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

void UnpackBits(const uint8_t* in, int64_t n, int bit_width, uint32_t* out) {
  if (n <= 0) return;
  kUnpack32[static_cast<size_t>(bit_width)](in, n, out);
}

void UnpackBits64(const uint8_t* in, int64_t n, int bit_width, uint64_t* out) {
  if (n <= 0) return;
  kUnpack64[static_cast<size_t>(bit_width)](in, n, out);
}

void PackBits(const uint64_t* values, int64_t n, int bit_width, std::string* out) {
  if (bit_width == 0 || n <= 0) return;
  const uint64_t mask = bit_width == 64 ? ~uint64_t{0} : (uint64_t{1} << bit_width) - 1;
  const size_t start = out->size();
  out->resize(start + static_cast<size_t>((n * bit_width + 7) / 8));
  char* dst = out->data() + start;
  uint64_t acc = 0;  // holds `bits` (< 8) pending bits between values
  int bits = 0;
  for (int64_t i = 0; i < n; ++i) {
    const uint64_t x = values[i] & mask;
    acc |= x << bits;
    int total = bits + bit_width;
    if (total >= 64) {
      for (int k = 0; k < 8; ++k) *dst++ = static_cast<char>(acc >> (8 * k));
      acc = bits == 0 ? 0 : x >> (64 - bits);
      total -= 64;
    }
    for (; total >= 8; total -= 8) {
      *dst++ = static_cast<char>(acc);
      acc >>= 8;
    }
    bits = total;
  }
  if (bits > 0) *dst = static_cast<char>(acc);
}

}  // namespace tessera::parquet
