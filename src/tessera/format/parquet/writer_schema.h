// How the writer maps a Tessera schema to a Parquet schema: one leaf column
// per field, every column OPTIONAL.
//
//   bool BOOLEAN; int32 INT32; int64 INT64; float FLOAT; double DOUBLE;
//   string BYTE_ARRAY STRING (converted UTF8); bytes BYTE_ARRAY;
//   timestamp INT64 TIMESTAMP(isAdjustedToUTC=true, MICROS) (converted
//   TIMESTAMP_MICROS);
//   list<T>  optional group <name> (LIST) {
//              repeated group list { optional T element; } }
//            (max definition level 3, max repetition level 1).
#pragma once

#include <string>
#include <vector>

#include "tessera/core/schema.h"
#include "tessera/format/parquet/metadata.h"

namespace tessera::parquet {

// One leaf column as the writer sees it.
struct LeafColumn {
  DataType type;      // the field's Tessera type (list<T> for lists)
  TypeId value_type;  // the type of the leaf values (T for list<T>)
  Type physical = Type::kInt32;
  int16_t max_def = 1;
  int16_t max_rep = 0;
  std::vector<std::string> path;  // path_in_schema
};

// Fills `elements` (depth-first, root first) and `leaves` (one per field).
// Fails with Invalid for an empty schema or a list of an unsupported type.
Status BuildParquetSchema(const Schema& schema, std::vector<SchemaElement>* elements,
                          std::vector<LeafColumn>* leaves);

}  // namespace tessera::parquet
