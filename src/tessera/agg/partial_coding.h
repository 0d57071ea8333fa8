// Partial coding: the varints, zigzag integers and bounds-checked reader
// every accumulator encoding (accumulator.h EncodeTo / MergeEncoded) is
// written with. Encodings are small (a count of 3 is one byte) and
// little-endian where fixed-width, so a partial written on one machine
// merges on any other.
//
// PartialReader never reads outside its bytes: every Get* returns false
// past the end or on an over-long varint, and Corrupt() builds the one
// Corruption message accumulators return.
//
// Thread-safety: pure functions; a reader is used by one thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tessera/agg/agg_spec.h"
#include "tessera/core/coding.h"
#include "tessera/core/status.h"

namespace tessera::agg {

void PutVarint64Slow(std::string* out, uint64_t v);
// Inline for the usual one-byte case (counts, lengths, digit counts): each
// window-state Add writes several.
inline void PutVarint64(std::string* out, uint64_t v) {
  if (v < 0x80) {
    out->push_back(static_cast<char>(v));
    return;
  }
  PutVarint64Slow(out, v);
}
inline uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t UnZigZag(uint64_t v) { return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1)); }
inline void PutZigZag64(std::string* out, int64_t v) { PutVarint64(out, ZigZag(v)); }
void PutDouble(std::string* out, double d);  // the IEEE bits, 8 bytes little-endian
void PutZigZag128(std::string* out, __int128 v);
// event_ts and ingest_seq as zigzag varints, created_ts as a tag (0 null,
// 1 present) then its zigzag distance from event_ts.
void PutRank(std::string* out, const EventRank& rank);

class PartialReader {
 public:
  explicit PartialReader(std::string_view bytes) : p_(bytes.data()), end_(p_ + bytes.size()) {}

  [[nodiscard]] bool GetVarint64(uint64_t* v) {
    if (p_ < end_ && static_cast<uint8_t>(*p_) < 0x80) {  // one byte: most counts and digits
      *v = static_cast<uint8_t>(*p_++);
      return true;
    }
    return GetVarint64Slow(v);
  }
  [[nodiscard]] bool GetZigZag64(int64_t* v);
  [[nodiscard]] bool GetFixed32(uint32_t* v) {
    if (remaining() < 4) return false;
    *v = DecodeFixed32(p_);
    p_ += 4;
    return true;
  }
  [[nodiscard]] bool GetZigZag128(__int128* v);
  [[nodiscard]] bool GetDouble(double* d);
  [[nodiscard]] bool GetRank(EventRank* rank);
  [[nodiscard]] bool GetByte(uint8_t* b);
  // `n` bytes, borrowed from the reader's input.
  [[nodiscard]] bool GetBytes(uint64_t n, std::string_view* s);

  bool done() const { return p_ == end_; }
  size_t remaining() const { return static_cast<size_t>(end_ - p_); }

  // "<what> partial: <reason>" as Corruption.
  static Status Corrupt(const char* what, const char* reason);

 private:
  bool GetVarint64Slow(uint64_t* v);

  const char* p_;
  const char* end_;
};

}  // namespace tessera::agg
