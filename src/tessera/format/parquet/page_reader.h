// PageReader: walks the pages of one column chunk held in memory, checks
// each page header against the chunk's bounds and sane size limits,
// verifies the page CRC when present (and asked to), and decompresses the
// body.
//
// A page's body is exposed as one contiguous span: for data page v1 the
// decompressed [rep levels][def levels][values] (levels with their 4-byte
// length prefixes, as stored); for data page v2 the raw (never compressed)
// [rep levels][def levels] followed by the decompressed values, so callers
// find the sections from the v2 header's byte lengths. The span stays valid
// until the next call to Next().
//
// Errors are Corruption (or Unsupported for an unsupported codec) with a
// message starting "page N: " (N counts from 0 within the chunk).
// Thread-compatible: one PageReader per column read.
#pragma once

#include <cstdint>
#include <memory>

#include "tessera/core/result.h"
#include "tessera/format/parquet/metadata.h"

namespace tessera::parquet {

// Pages claiming more than this many uncompressed bytes are rejected before
// any allocation (real writers use pages of kilobytes to a few megabytes).
inline constexpr int64_t kMaxPageBytes = int64_t{1} << 30;

struct Page {
  PageHeader header;
  const uint8_t* body = nullptr;
  int64_t body_size = 0;
};

class PageReader {
 public:
  // `chunk` (not owned) must outlive the reader.
  PageReader(const uint8_t* chunk, int64_t size, Codec codec, bool verify_crc)
      : pos_(chunk), end_(chunk + size), codec_(codec), verify_crc_(verify_crc) {}

  // Reads the next page into `page`. Returns false at the end of the chunk.
  Result<bool> Next(Page* page);
  // Index of the page last returned by Next().
  int page_index() const { return index_; }

 private:
  Status Decode(Page* page);
  Status Inflate(const uint8_t* src, int64_t src_size, int64_t prefix, int64_t size, Page* page);
  Status CheckSizes(const PageHeader& h) const;
  uint8_t* Scratch(int64_t size);

  const uint8_t* pos_;
  const uint8_t* end_;
  Codec codec_;
  bool verify_crc_;
  int index_ = -1;
  std::unique_ptr<uint8_t[]> scratch_;
  int64_t scratch_size_ = 0;
};

}  // namespace tessera::parquet
