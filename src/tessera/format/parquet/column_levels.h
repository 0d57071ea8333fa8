// Definition / repetition level decoding for one data page, and the
// assembly of levels into the validity bitmaps and list offsets of a column
// chunk (LevelAssembler). Internal to column_reader.cc.
// Thread-compatible.
#pragma once

#include <cstdint>
#include <vector>

#include "tessera/core/buffer.h"
#include "tessera/format/parquet/metadata.h"
#include "tessera/format/parquet/schema_mapping.h"

namespace tessera::parquet {

// Decodes n levels of max value `max_level` from the start of
// [*data, *data + *size): RLE with a 4-byte length prefix when
// `length_prefixed` (v1), else RLE over exactly *size bytes (v2), or the
// deprecated BIT_PACKED (MSB-first) encoding. Advances *data / *size past
// the levels when length-prefixed or bit-packed.
Status DecodeLevels(Encoding encoding, bool length_prefixed, int max_level, int64_t n,
                    const uint8_t** data, int64_t* size, std::vector<uint32_t>* out);

// Accumulates the structure of a column chunk page by page.
class LevelAssembler {
 public:
  // `rows`: the row group's row count (bitmap sizes for flat columns).
  Status Init(const ColumnDesc& desc, int64_t rows);
  // Consumes the levels of one page of n slots (def/rep may be null when the
  // column has no such levels). Returns the number of non-null values.
  Result<int64_t> AddPage(const uint32_t* def, const uint32_t* rep, int64_t n);

  int64_t rows() const { return rows_; }
  int64_t null_count() const { return nulls_; }
  int64_t elements() const { return elements_; }
  int64_t element_nulls() const { return element_nulls_; }
  // Flat: validity of rows. List: validity of rows (lists).
  Result<BufferPtr> FinishValidity();
  // Lists only: rows + 1 offsets, and the validity of elements.
  Result<BufferPtr> FinishOffsets();
  Result<BufferPtr> FinishElementValidity();

 private:
  Status GrowBits(BufferBuilder* bits, int64_t n);
  Result<int64_t> AddListPage(const uint32_t* def, const uint32_t* rep, int64_t n);

  ColumnDesc desc_;
  int64_t max_rows_ = 0;
  int64_t rows_ = 0;
  int64_t nulls_ = 0;
  int64_t elements_ = 0;
  int64_t element_nulls_ = 0;
  BufferBuilder validity_;
  BufferBuilder offsets_;
  BufferBuilder element_validity_;
};

}  // namespace tessera::parquet
