// What `tessera schema` shows of a Parquet file, computed from its footer:
// one entry per Tessera column (a top-level schema element; a LIST group
// counts once, described by its single leaf). Pure functions of the
// metadata, so they are tested without files.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tessera/core/schema.h"
#include "tessera/format/parquet/metadata.h"

namespace tessera::cli {

struct ParquetColumnInfo {
  std::string name;
  std::string physical_type;             // of the leaf: "INT64", "FIXED_LEN_BYTE_ARRAY(16)"
  std::string logical_type;              // "STRING", "TIMESTAMP(MICROS,utc)",
                                         // "LIST<STRING>"; "" if none
  std::string converted_type;            // "UTF8", "TIMESTAMP_MICROS"; "" if none
  std::string tessera_type;              // from the reader's schema; "-" if it has no such column
  std::string repetition;                // of the top-level element: required | optional | repeated
  std::vector<std::string> compression;  // codecs of the leaf's chunks, first-seen order
  std::vector<std::string> encodings;    // encodings of the leaf's chunks, first-seen order
};

struct ParquetDescription {
  int64_t num_rows = 0;
  int64_t num_row_groups = 0;
  std::string created_by;
  std::vector<ParquetColumnInfo> columns;
};

// Fails with Corruption when the schema tree is malformed (child counts
// that run past the element list). The schema walk and every Parquet name
// come from format (parquet::WalkTopLevelFields, metadata.h names).
Result<ParquetDescription> DescribeParquetFooter(const parquet::FileMetaData& md,
                                                 const Schema& tessera_schema);

}  // namespace tessera::cli
