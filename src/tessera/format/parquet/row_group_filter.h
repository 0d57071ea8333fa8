// Row-group pruning by column-chunk statistics for a RangeFilter.
//
// Statistics are decoded with the column's physical and logical type
// (INT32/INT64; DATE, TIMESTAMP MILLIS/MICROS/NANOS converted to micros;
// unsigned integers read unsigned) from min_value/max_value, or from the
// deprecated min/max when the sort order is signed. A group without usable
// statistics is kept. Pure functions; thread-safe.
#pragma once

#include "tessera/format/parquet/reader.h"
#include "tessera/format/parquet/schema_mapping.h"

namespace tessera::parquet {

// OK when `desc` can be filtered (an int32, int64 or timestamp column);
// InvalidArgument otherwise. Columns whose statistics cannot be decoded
// (INT96) are accepted and prune nothing.
Status CheckFilterColumn(const ColumnDesc& desc);

// False only when the chunk's statistics prove no value lies in
// [filter.min, filter.max].
bool ChunkMayMatch(const ColumnDesc& desc, const ColumnChunk& chunk, const RangeFilter& filter);

}  // namespace tessera::parquet
