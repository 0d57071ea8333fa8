// DELTA_BINARY_PACKED (Encodings.md): a header
//   <block size> <miniblocks per block> <total value count> <first value, zigzag>
// then blocks of
//   <min delta, zigzag> <one bit-width byte per miniblock> <miniblocks>
// where each miniblock bit-packs (delta - min delta) for block size /
// miniblocks values. All arithmetic is on uint64_t: the spec defines it
// modulo 2^64 (and INT32 columns keep the low 32 bits), which signed
// arithmetic could not express without undefined behaviour.
#include <algorithm>

#include "tessera/format/parquet/encoding.h"

namespace tessera::parquet {
namespace {

// Block sizes far beyond any writer's (the spec recommends 128) are refused
// so that later products cannot overflow.
constexpr uint64_t kMaxBlockSize = uint64_t{1} << 30;
constexpr int64_t kEncodeBlockSize = 128;
constexpr int64_t kEncodeMiniblocks = 4;
constexpr int64_t kEncodeMiniblockValues = kEncodeBlockSize / kEncodeMiniblocks;

inline uint64_t ZigZagDecode(uint64_t v) { return (v >> 1) ^ (~(v & 1) + 1); }
inline uint64_t ZigZagEncode(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}

Status Truncated() {
  return Status::Corruption("DELTA_BINARY_PACKED data ends before all values were decoded");
}

// Appends one block of deltas (at most kEncodeBlockSize).
void AppendBlock(const uint64_t* deltas, int64_t count, std::string* out) {
  int64_t min_delta = static_cast<int64_t>(deltas[0]);
  for (int64_t i = 1; i < count; ++i)
    min_delta = std::min(min_delta, static_cast<int64_t>(deltas[i]));
  AppendUleb128(ZigZagEncode(min_delta), out);
  uint64_t shifted[kEncodeBlockSize] = {};
  int widths[kEncodeMiniblocks] = {};
  for (int64_t i = 0; i < count; ++i) {
    shifted[i] = deltas[i] - static_cast<uint64_t>(min_delta);
    int& w = widths[i / kEncodeMiniblockValues];
    w = std::max(w, BitWidth(shifted[i]));
  }
  for (int w : widths) out->push_back(static_cast<char>(w));
  const int64_t used = (count + kEncodeMiniblockValues - 1) / kEncodeMiniblockValues;
  for (int64_t m = 0; m < used; ++m) {
    PackBits(shifted + m * kEncodeMiniblockValues, kEncodeMiniblockValues, widths[m], out);
  }
}

}  // namespace

Status DeltaBinaryPackedDecoder::Init(const uint8_t* data, int64_t size) {
  start_ = p_ = data;
  end_ = data + std::max<int64_t>(0, size);
  uint64_t block_size, miniblocks, total, first;
  if (!ReadUleb128(&p_, end_, &block_size) || !ReadUleb128(&p_, end_, &miniblocks) ||
      !ReadUleb128(&p_, end_, &total) || !ReadUleb128(&p_, end_, &first)) {
    return Status::Corruption("DELTA_BINARY_PACKED header truncated");
  }
  // The spec asks for multiples of 128 and 32; its own examples use 8, and
  // groups of 8 are all the decoder needs.
  if (block_size == 0 || block_size > kMaxBlockSize || miniblocks == 0 ||
      block_size % miniblocks != 0 || (block_size / miniblocks) % 8 != 0) {
    return Status::Corruption("DELTA_BINARY_PACKED header: bad block size " +
                              std::to_string(block_size) + " / miniblocks " +
                              std::to_string(miniblocks));
  }
  if (total > static_cast<uint64_t>(INT64_MAX)) {
    return Status::Corruption("DELTA_BINARY_PACKED header: bad value count");
  }
  block_size_ = static_cast<int64_t>(block_size);
  miniblocks_ = static_cast<int64_t>(miniblocks);
  miniblock_values_ = block_size_ / miniblocks_;
  total_values_ = values_left_ = static_cast<int64_t>(total);
  first_pending_ = true;
  last_value_ = ZigZagDecode(first);
  widths_ = nullptr;
  miniblock_index_ = miniblocks_;  // no block read yet
  mb_left_ = 0;
  return Status::OK();
}

Status DeltaBinaryPackedDecoder::NextBlock() {
  uint64_t min_delta;
  if (!ReadUleb128(&p_, end_, &min_delta)) return Truncated();
  if (end_ - p_ < miniblocks_) return Truncated();
  min_delta_ = ZigZagDecode(min_delta);
  widths_ = p_;
  p_ += miniblocks_;
  miniblock_index_ = 0;
  return Status::OK();
}

Status DeltaBinaryPackedDecoder::NextMiniblock() {
  if (miniblock_index_ == miniblocks_) TS_RETURN_NOT_OK(NextBlock());
  const int width = widths_[miniblock_index_++];
  if (width > 64) {
    return Status::Corruption("DELTA_BINARY_PACKED miniblock bit width " + std::to_string(width));
  }
  // values_left_ excludes the first value here, so it counts deltas.
  const int64_t needed = std::min(miniblock_values_, values_left_);
  const int64_t full_bytes = miniblock_values_ / 8 * width;
  int64_t bytes = full_bytes;
  if (end_ - p_ < full_bytes) {
    // The last miniblock should be padded to full size; accept one that stops
    // right after its last value, as lenient readers do.
    bytes = (needed * width + 7) / 8;
    if (needed == miniblock_values_ || values_left_ > needed || end_ - p_ < bytes) {
      return Truncated();
    }
  }
  mb_data_ = p_;
  p_ += bytes;
  mb_width_ = width;
  mb_pos_ = 0;
  mb_left_ = needed;
  return Status::OK();
}

Status DeltaBinaryPackedDecoder::GetBatch(int64_t* out, int64_t n) {
  if (n < 0 || n > values_left_) {
    return Status::Corruption("DELTA_BINARY_PACKED: " + std::to_string(n) + " values requested, " +
                              std::to_string(values_left_) + " left");
  }
  if (n > 0 && first_pending_) {
    *out++ = static_cast<int64_t>(last_value_);
    first_pending_ = false;
    --values_left_;
    --n;
  }
  while (n > 0) {
    if (mb_left_ == 0) TS_RETURN_NOT_OK(NextMiniblock());
    const int64_t k = std::min(n, mb_left_);
    uint64_t* deltas = reinterpret_cast<uint64_t*>(out);
    UnpackBitsAt(mb_data_, mb_pos_, k, mb_width_, deltas);
    uint64_t last = last_value_;
    const uint64_t min_delta = min_delta_;
    for (int64_t i = 0; i < k; ++i) {
      last += min_delta + deltas[i];
      out[i] = static_cast<int64_t>(last);
    }
    last_value_ = last;
    out += k;
    n -= k;
    mb_pos_ += k;
    mb_left_ -= k;
    values_left_ -= k;
  }
  return Status::OK();
}

Status DeltaBinaryPackedDecoder::SkipToEnd(int64_t* consumed) {
  if (first_pending_ && values_left_ > 0) {
    first_pending_ = false;
    --values_left_;
  }
  values_left_ -= mb_left_;
  mb_left_ = 0;
  while (values_left_ > 0) {
    TS_RETURN_NOT_OK(NextMiniblock());
    values_left_ -= mb_left_;
    mb_left_ = 0;
  }
  *consumed = p_ - start_;
  return Status::OK();
}

Status DecodeDeltaBinaryPacked(const uint8_t* data, int64_t size, int64_t n, int64_t* out,
                               int64_t* consumed) {
  DeltaBinaryPackedDecoder decoder;
  TS_RETURN_NOT_OK(decoder.Init(data, size));
  if (n > decoder.total_values()) {
    return Status::Corruption("DELTA_BINARY_PACKED holds " +
                              std::to_string(decoder.total_values()) + " values, " +
                              std::to_string(n) + " expected");
  }
  TS_RETURN_NOT_OK(decoder.GetBatch(out, n));
  return decoder.SkipToEnd(consumed);
}

void EncodeDeltaBinaryPacked(const int64_t* values, int64_t n, std::string* out) {
  AppendUleb128(kEncodeBlockSize, out);
  AppendUleb128(kEncodeMiniblocks, out);
  AppendUleb128(static_cast<uint64_t>(std::max<int64_t>(n, 0)), out);
  AppendUleb128(ZigZagEncode(n > 0 ? values[0] : 0), out);
  uint64_t deltas[kEncodeBlockSize];
  for (int64_t i = 1; i < n; i += kEncodeBlockSize) {
    const int64_t count = std::min(kEncodeBlockSize, n - i);
    for (int64_t j = 0; j < count; ++j) {
      deltas[j] = static_cast<uint64_t>(values[i + j]) - static_cast<uint64_t>(values[i + j - 1]);
    }
    AppendBlock(deltas, count, out);
  }
}

}  // namespace tessera::parquet
