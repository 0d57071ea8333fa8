// The RLE / bit-packing hybrid (Encodings.md, "Run Length Encoding /
// Bit-Packing Hybrid"): a sequence of runs, each introduced by a ULEB128
// header whose low bit picks the kind:
//   header = (groups << 1) | 1: a bit-packed run of groups * 8 values,
//            groups * bit_width bytes, LSB-first;
//   header = count << 1:        an RLE run of `count` copies of one value
//            stored in ceil(bit_width / 8) little-endian bytes.
#include <algorithm>
#include <cstring>

#include "tessera/format/parquet/encoding.h"

namespace tessera::parquet {
namespace {

// Beyond the spec's 2^31 - 1 but far below int64 overflow: a larger run is a
// lie about the data, not a big page.
constexpr uint64_t kMaxRunValues = uint64_t{1} << 32;
constexpr int64_t kMaxRleRun = (int64_t{1} << 31) - 1;

Status Truncated() {
  return Status::Corruption("RLE/bit-packed data ends before all values were decoded");
}

void AppendRleRun(uint32_t value, int64_t count, int bit_width, std::string* out) {
  AppendUleb128(static_cast<uint64_t>(count) << 1, out);
  for (int i = 0; i < (bit_width + 7) / 8; ++i) out->push_back(static_cast<char>(value >> (8 * i)));
}

// One bit-packed run of `count` values, the last group padded with zeros.
void AppendBitPackedRun(const uint32_t* values, int64_t count, int bit_width, std::string* out) {
  if (count == 0) return;
  const int64_t groups = (count + 7) / 8;
  AppendUleb128((static_cast<uint64_t>(groups) << 1) | 1, out);
  uint64_t wide[8];
  for (int64_t g = 0; g < groups; ++g) {
    const int64_t m = std::min<int64_t>(8, count - g * 8);
    for (int j = 0; j < 8; ++j) wide[j] = j < m ? values[g * 8 + j] : 0;
    PackBits(wide, 8, bit_width, out);
  }
}

int64_t RunLength(const uint32_t* values, int64_t i, int64_t n) {
  int64_t j = i + 1;
  while (j < n && values[j] == values[i]) ++j;
  return j - i;
}

}  // namespace

RleBitPackedDecoder::RleBitPackedDecoder(const uint8_t* data, int64_t size, int bit_width)
    : p_(data), end_(data + std::max<int64_t>(0, size)), bit_width_(bit_width) {}

Status RleBitPackedDecoder::NextRun() {
  if (p_ >= end_) return Truncated();
  uint64_t header;
  if (!ReadUleb128(&p_, end_, &header)) return Truncated();
  const uint64_t count = header >> 1;
  if ((header & 1) != 0) {
    if (count > kMaxRunValues / 8) return Status::Corruption("bit-packed run header too large");
    const uint64_t avail = static_cast<uint64_t>(end_ - p_);
    if (bit_width_ > 0 && count > avail / static_cast<uint64_t>(bit_width_)) {
      return Status::Corruption("bit-packed run claims " + std::to_string(count * 8) +
                                " values but only " + std::to_string(avail) + " bytes remain");
    }
    packed_ = p_;
    p_ += count * static_cast<uint64_t>(bit_width_);
    packed_left_ = static_cast<int64_t>(count * 8);
    packed_index_ = 0;
    return Status::OK();
  }
  if (count > kMaxRunValues) return Status::Corruption("RLE run header too large");
  const int value_bytes = (bit_width_ + 7) / 8;
  if (end_ - p_ < value_bytes) return Truncated();
  uint32_t value = 0;
  for (int i = 0; i < value_bytes; ++i) value |= static_cast<uint32_t>(p_[i]) << (8 * i);
  p_ += value_bytes;
  rle_value_ = value;
  rle_left_ = static_cast<int64_t>(count);
  return Status::OK();
}

Status RleBitPackedDecoder::GetBatch(uint32_t* out, int64_t n) {
  if (bit_width_ < 0 || bit_width_ > 32) {
    return Status::Invalid("RLE bit width " + std::to_string(bit_width_) + " outside 0..32");
  }
  while (n > 0) {
    if (rle_left_ > 0) {
      const int64_t k = std::min(n, rle_left_);
      std::fill_n(out, k, rle_value_);
      out += k;
      n -= k;
      rle_left_ -= k;
    } else if (packed_left_ > 0) {
      const int64_t k = std::min(n, packed_left_);
      UnpackBitsAt(packed_, packed_index_, k, bit_width_, out);
      out += k;
      n -= k;
      packed_left_ -= k;
      packed_index_ += k;
    } else {
      TS_RETURN_NOT_OK(NextRun());
    }
  }
  return Status::OK();
}

void EncodeRleBitPacked(const uint32_t* values, int64_t n, int bit_width, std::string* out) {
  // Literals are values[literal_start, i). A repeat of 8 or more becomes an
  // RLE run once the literals before it fill whole groups; the repeat lends
  // its first values to fill them.
  int64_t literal_start = 0;
  int64_t i = 0;
  while (i < n) {
    int64_t run = RunLength(values, i, n);
    const int64_t pad = (8 - (i - literal_start) % 8) % 8;
    if (run - pad >= 8) {
      i += pad;
      run -= pad;
      AppendBitPackedRun(values + literal_start, i - literal_start, bit_width, out);
      for (int64_t left = run; left > 0;) {
        const int64_t k = std::min(left, kMaxRleRun);
        AppendRleRun(values[i], k, bit_width, out);
        left -= k;
      }
      i += run;
      literal_start = i;
    } else {
      i += run;
    }
  }
  AppendBitPackedRun(values + literal_start, n - literal_start, bit_width, out);
}

}  // namespace tessera::parquet
