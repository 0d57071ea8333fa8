// ReadColumnChunk: decodes one column chunk (all its pages, already read
// into memory) into one Tessera Array of the column's type.
//
// Handles the dictionary page, data pages v1 and v2, definition levels
// (nulls) and, for list columns, repetition levels (see ColumnDesc in
// schema_mapping.h for how levels map to null lists, empty lists and null
// elements). Non-null values are decoded densely (value_decoder.h),
// converted (value_convert.h) and only then spread over the null slots, so
// required fixed-width PLAIN columns are one memcpy per page.
//
// Checks: page value counts against the chunk's num_values and the row
// group's num_rows, level decoding bounds, dictionary page placement. Error
// messages name the page ("page N: ...") but not the file or column; the
// caller adds those. Thread-safe: no shared state.
#pragma once

#include <cstdint>

#include "tessera/core/array.h"
#include "tessera/format/parquet/metadata.h"
#include "tessera/format/parquet/schema_mapping.h"

namespace tessera::parquet {

Result<ArrayPtr> ReadColumnChunk(const ColumnDesc& desc, const ColumnMetaData& meta,
                                 const uint8_t* chunk, int64_t size, int64_t num_rows,
                                 bool verify_crc);

}  // namespace tessera::parquet
