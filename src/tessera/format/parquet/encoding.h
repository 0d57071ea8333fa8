// Parquet value and level encodings (Encodings.md), as bounded decoders and
// appending encoders. Every decoder checks its input bounds: a truncated or
// lying buffer yields Corruption, never a read past the end.
//
// Decoders read from a [data, data + size) span they do not own. Encoders
// append to a std::string. Stateless or per-instance; thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "tessera/core/result.h"

namespace tessera::parquet {

// Number of bits needed to represent `max_value` (0 for 0).
int BitWidth(uint64_t max_value);

// ULEB128 / zigzag varints as used by the RLE hybrid and delta encodings.
bool ReadUleb128(const uint8_t** p, const uint8_t* end, uint64_t* out);
void AppendUleb128(uint64_t v, std::string* out);

// The RLE / bit-packing hybrid (RLE = 3) without a length prefix: used for
// definition/repetition levels (after the caller strips the v1 4-byte length),
// dictionary indices (after the 1-byte bit width) and booleans.
class RleBitPackedDecoder {
 public:
  // REQUIRES: 0 <= bit_width <= 32.
  RleBitPackedDecoder(const uint8_t* data, int64_t size, int bit_width);
  // Decodes exactly `n` values into out; Corruption if the data runs out.
  Status GetBatch(uint32_t* out, int64_t n);

 private:
  Status NextRun();
  const uint8_t* p_;
  const uint8_t* end_;
  int bit_width_;
  int64_t rle_left_ = 0;  // values left in the current RLE run
  uint32_t rle_value_ = 0;
  int64_t packed_left_ = 0;          // values left in the current bit-packed run
  const uint8_t* packed_ = nullptr;  // next unread group of the bit-packed run
  int64_t packed_index_ = 0;         // index within the bit-packed run
};

// Encodes `values` (each < 2^bit_width) as RLE runs where a value repeats at
// least 8 times and bit-packed runs otherwise. No length prefix.
void EncodeRleBitPacked(const uint32_t* values, int64_t n, int bit_width, std::string* out);

// Unpacks n values of bit_width bits, LSB-first, from `in` (which must hold
// ceil(n * bit_width / 8) bytes).
void UnpackBits(const uint8_t* in, int64_t n, int bit_width, uint32_t* out);
// As UnpackBits for 0 <= bit_width <= 64 (DELTA_BINARY_PACKED miniblocks).
void UnpackBits64(const uint8_t* in, int64_t n, int bit_width, uint64_t* out);

// Unpacks `count` values starting at value index `start` of bit-packed data
// at `base` (groups of 8 values, `width` bytes each), into 32- or 64-bit
// outputs. Used by the RLE hybrid and DELTA_BINARY_PACKED decoders, which
// resume mid-group.
template <typename T>
void UnpackBitsAt(const uint8_t* base, int64_t start, int64_t count, int width, T* out) {
  static_assert(std::is_same_v<T, uint32_t> || std::is_same_v<T, uint64_t>);
  auto unpack = [width](const uint8_t* in, int64_t n, T* dst) {
    if constexpr (std::is_same_v<T, uint32_t>) {
      UnpackBits(in, n, width, dst);
    } else {
      UnpackBits64(in, n, width, dst);
    }
  };
  const uint8_t* group = base + (start / 8) * width;
  const int64_t skip = start % 8;
  if (skip != 0) {
    T tmp[8];
    const int64_t head = count < 8 - skip ? count : 8 - skip;
    unpack(group, skip + head, tmp);
    for (int64_t k = 0; k < head; ++k) out[k] = tmp[skip + k];
    out += head;
    count -= head;
    group += width;
  }
  unpack(group, count, out);
}
// Appends n values (each < 2^bit_width, higher bits ignored) packed LSB-first
// in ceil(n * bit_width / 8) bytes. 0 <= bit_width <= 64.
void PackBits(const uint64_t* values, int64_t n, int bit_width, std::string* out);

// DELTA_BINARY_PACKED for INT32 (as int32) and INT64. Decodes exactly `n`
// values; `*consumed` is set to the bytes used (needed to find the data that
// follows in DELTA_LENGTH_BYTE_ARRAY / DELTA_BYTE_ARRAY).
Status DecodeDeltaBinaryPacked(const uint8_t* data, int64_t size, int64_t n, int64_t* out,
                               int64_t* consumed);
void EncodeDeltaBinaryPacked(const int64_t* values, int64_t n, std::string* out);

// Streaming form of the DELTA_BINARY_PACKED decoder, for callers that decode
// a page in batches. Holds pointers into data it does not own.
class DeltaBinaryPackedDecoder {
 public:
  // Reads the header; Corruption if malformed or truncated.
  Status Init(const uint8_t* data, int64_t size);
  // The value count the header declares (not checked against the data yet).
  int64_t total_values() const { return total_values_; }
  int64_t values_left() const { return values_left_; }
  // Decodes the next n values. Corruption if n > values_left() or the data
  // runs out. Values wrap modulo 2^64; INT32 columns truncate them.
  Status GetBatch(int64_t* out, int64_t n);
  // Skips the values not yet decoded and sets *consumed to the size of the
  // whole encoded stream (header, blocks and padding of the last miniblock).
  Status SkipToEnd(int64_t* consumed);

 private:
  Status NextBlock();
  Status NextMiniblock();
  const uint8_t* start_ = nullptr;
  const uint8_t* p_ = nullptr;
  const uint8_t* end_ = nullptr;
  int64_t block_size_ = 0;
  int64_t miniblocks_ = 0;
  int64_t miniblock_values_ = 0;
  int64_t total_values_ = 0;
  int64_t values_left_ = 0;  // including the first value while unread
  bool first_pending_ = true;
  uint64_t last_value_ = 0;
  uint64_t min_delta_ = 0;
  const uint8_t* widths_ = nullptr;   // bit widths of the current block
  int64_t miniblock_index_ = 0;       // next miniblock of the current block
  const uint8_t* mb_data_ = nullptr;  // current miniblock
  int mb_width_ = 0;
  int64_t mb_pos_ = 0;   // deltas read from the current miniblock
  int64_t mb_left_ = 0;  // deltas left in the current miniblock
};

// A decoded run of byte-array values: value i is
// data[offsets[i], offsets[i + 1]). offsets has n + 1 entries.
struct ByteArrays {
  std::vector<int64_t> offsets{0};
  std::string data;
};

// DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY: decode exactly n values,
// appended to *out (which may already hold values). On failure *out may
// hold part of the values. Corruption for negative lengths, lengths past the
// data, a prefix longer than the previous value, or (DELTA_BYTE_ARRAY)
// values that expand to more than 2 GiB.
Status DecodeDeltaLengthByteArray(const uint8_t* data, int64_t size, int64_t n, ByteArrays* out);
Status DecodeDeltaByteArray(const uint8_t* data, int64_t size, int64_t n, ByteArrays* out);
void EncodeDeltaLengthByteArray(const std::string_view* values, int64_t n, std::string* out);
void EncodeDeltaByteArray(const std::string_view* values, int64_t n, std::string* out);

// BYTE_STREAM_SPLIT for values of `width` bytes (4 or 8 for FLOAT/DOUBLE,
// also INT32/INT64/FLBA): byte k of value i is at data[k * n + i]. `out`
// receives n * width bytes in plain little-endian layout.
// The streams are size / width bytes apart (the page's encoded value count);
// Corruption if size is not a multiple of width or n exceeds that count.
Status DecodeByteStreamSplit(const uint8_t* data, int64_t size, int64_t n, int width, uint8_t* out);
// Appends the BYTE_STREAM_SPLIT form of n values of `width` bytes.
void EncodeByteStreamSplit(const uint8_t* values, int64_t n, int width, std::string* out);

}  // namespace tessera::parquet
