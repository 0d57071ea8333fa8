#include "tessera/agg/partial_coding.h"

#include <cstring>

#include "tessera/core/coding.h"

namespace tessera::agg {

void PutVarint64Slow(std::string* out, uint64_t v) {
  char buf[10];  // one append, not a push_back per byte
  size_t n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  out->append(buf, n);
}

void PutDouble(std::string* out, double d) {
  uint64_t bits;
  std::memcpy(&bits, &d, 8);
  PutFixed64(out, bits);
}

void PutZigZag128(std::string* out, __int128 v) {
  using U = unsigned __int128;
  U u = (static_cast<U>(v) << 1) ^ static_cast<U>(v >> 127);
  while (u >= 0x80) {
    out->push_back(static_cast<char>(static_cast<uint8_t>(u) | 0x80));
    u >>= 7;
  }
  out->push_back(static_cast<char>(u));
}

void PutRank(std::string* out, const EventRank& rank) {
  PutZigZag64(out, rank.event_ts);
  if (rank.created_ts == kNullCreatedTs) {
    out->push_back(0);
  } else {
    out->push_back(1);
    // Wrapping distance: exact for every pair, and small for real ones.
    PutZigZag64(out, static_cast<int64_t>(static_cast<uint64_t>(rank.created_ts) -
                                          static_cast<uint64_t>(rank.event_ts)));
  }
  PutZigZag64(out, rank.ingest_seq);
}

bool PartialReader::GetZigZag128(__int128* v) {
  using U = unsigned __int128;
  U result = 0;
  for (int shift = 0; shift <= 126 && p_ < end_; shift += 7) {
    const U byte = static_cast<uint8_t>(*p_++);
    if (shift == 126 && byte > 3) return false;  // more than 128 bits
    result |= (byte & 0x7F) << shift;
    if (byte < 0x80) {
      *v = static_cast<__int128>((result >> 1) ^ (~(result & 1) + 1));
      return true;
    }
  }
  return false;
}

bool PartialReader::GetRank(EventRank* rank) {
  uint8_t tag;
  if (!GetZigZag64(&rank->event_ts) || !GetByte(&tag) || tag > 1) return false;
  rank->created_ts = kNullCreatedTs;
  if (tag == 1) {
    int64_t distance;
    if (!GetZigZag64(&distance)) return false;
    rank->created_ts = static_cast<int64_t>(static_cast<uint64_t>(rank->event_ts) +
                                            static_cast<uint64_t>(distance));
    if (rank->created_ts == kNullCreatedTs) return false;  // not canonical
  }
  return GetZigZag64(&rank->ingest_seq);
}

bool PartialReader::GetVarint64Slow(uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift <= 63 && p_ < end_; shift += 7) {
    const uint64_t byte = static_cast<uint8_t>(*p_++);
    if (shift == 63 && byte > 1) return false;  // more than 64 bits
    result |= (byte & 0x7F) << shift;
    if (byte < 0x80) {
      *v = result;
      return true;
    }
  }
  return false;
}

bool PartialReader::GetZigZag64(int64_t* v) {
  uint64_t u;
  if (!GetVarint64(&u)) return false;
  *v = UnZigZag(u);
  return true;
}

bool PartialReader::GetDouble(double* d) {
  if (remaining() < 8) return false;
  const uint64_t bits = DecodeFixed64(p_);
  p_ += 8;
  std::memcpy(d, &bits, 8);
  return true;
}

bool PartialReader::GetByte(uint8_t* b) {
  if (p_ == end_) return false;
  *b = static_cast<uint8_t>(*p_++);
  return true;
}

bool PartialReader::GetBytes(uint64_t n, std::string_view* s) {
  if (n > remaining()) return false;
  *s = std::string_view(p_, n);
  p_ += n;
  return true;
}

Status PartialReader::Corrupt(const char* what, const char* reason) {
  return Status::Corruption(std::string(what) + " partial: " + reason);
}

}  // namespace tessera::agg
