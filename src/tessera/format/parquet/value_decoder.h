// Decoding of the values section of Parquet data and dictionary pages into
// PhysicalValues: the non-null values of one column chunk in their physical
// form, appended page by page.
//
// Encodings: PLAIN (every physical type), PLAIN_DICTIONARY / RLE_DICTIONARY
// (index gather from the chunk's dictionary), RLE (BOOLEAN),
// DELTA_BINARY_PACKED (INT32/INT64), DELTA_LENGTH_BYTE_ARRAY and
// DELTA_BYTE_ARRAY (BYTE_ARRAY/FIXED_LEN_BYTE_ARRAY), BYTE_STREAM_SPLIT
// (fixed-width types). Input is never trusted: a short buffer, an index
// outside the dictionary or output beyond kMaxDecodedBytes is an error.
//
// Thread-compatible: a PhysicalValues belongs to one column read.
#pragma once

#include <cstdint>
#include <vector>

#include "tessera/core/buffer.h"
#include "tessera/format/parquet/metadata.h"

namespace tessera::parquet {

// Upper bound on the bytes one column chunk may decode to (values plus
// offsets). Protects against small files that expand without bound (a few
// RLE bytes can stand for 2^31 dictionary indices).
inline constexpr int64_t kMaxDecodedBytes = int64_t{2} << 30;

// Layout: fixed-width types (width > 0: BOOLEAN as one byte 0/1, INT32 4,
// INT64 8, INT96 12, FLOAT 4, DOUBLE 8, FLBA type_length) keep count * width
// bytes in `data`; BYTE_ARRAY (width == 0) keeps the concatenated bytes in
// `data` and count + 1 int64 offsets in `offsets`.
class PhysicalValues {
 public:
  // REQUIRES: Init before use. `width` 0 means variable-length.
  Status Init(Type type, int width);

  Type type() const { return type_; }
  int width() const { return width_; }
  int64_t count() const { return count_; }
  const uint8_t* data() const { return data_.data(); }
  const int64_t* offsets() const { return reinterpret_cast<const int64_t*>(offsets_.data()); }
  // Reserves room for n more fixed-width values (a hint; may be skipped).
  Status ReserveFixed(int64_t n);

  // Appends n fixed-width values (n * width bytes).
  Status AppendFixed(const uint8_t* src, int64_t n);
  // Makes room for n fixed-width values and returns where to write them;
  // the caller must fill all n * width bytes.
  Result<uint8_t*> ExtendFixed(int64_t n);
  // Appends one variable-length value. REQUIRES: ReserveBinary first.
  void UnsafeAppendBinary(const uint8_t* src, int64_t len) {
    data_.UnsafeAppend(src, len);
    offsets_.UnsafeAppend<int64_t>(data_.length());
    ++count_;
  }
  Status ReserveBinary(int64_t values, int64_t bytes);

  // Hands over the buffers (offsets is null for fixed-width values).
  Result<BufferPtr> FinishData() { return data_.Finish(); }
  Result<BufferPtr> FinishOffsets() { return offsets_.Finish(); }

 private:
  Status CheckLimit(int64_t more_bytes) const;
  Type type_ = Type::kInt32;
  int width_ = 0;
  int64_t count_ = 0;
  BufferBuilder data_;
  BufferBuilder offsets_;
};

// Byte width of a physical value in PhysicalValues (0 for BYTE_ARRAY).
int PhysicalWidth(Type type, int32_t type_length);

// Decodes `n` values encoded with `encoding` from [data, data + size) and
// appends them to `out`. `dict` is the chunk's decoded dictionary (null if
// none; dictionary encodings then fail). `scratch` is reused between pages.
Status DecodeValues(Encoding encoding, const uint8_t* data, int64_t size, int64_t n,
                    const PhysicalValues* dict, PhysicalValues* out,
                    std::vector<uint32_t>* scratch);

}  // namespace tessera::parquet
