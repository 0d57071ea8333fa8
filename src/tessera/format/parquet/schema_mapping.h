// Schema mapping: from a Parquet schema (the depth-first SchemaElement list
// of FileMetaData) to Tessera columns, one per top-level field, each backed
// by one Parquet leaf column.
//
// Supported shapes: a primitive top-level field (REQUIRED or OPTIONAL), and
// one-level lists of primitives: the standard 3-level LIST
//   <opt|req> group x (LIST) { repeated group list { <opt|req> element } }
// the legacy 2-level LIST `group x (LIST) { repeated <primitive> element }`
// and a bare `repeated <primitive> x`. Anything else (structs, maps, lists
// of lists or of structs) maps to an Unsupported status naming the field,
// kept per field so a projection that avoids it still reads the file.
//
// Value conversions (DESIGN.md section 3b; each is a ConversionKind):
//   BOOLEAN -> bool; INT32 -> int32 (INT(8|16|32, signed) too);
//   INT64 -> int64; UINT(8|16|32) -> int64; UINT64 -> int64 (a value above
//   INT64_MAX is an error naming the column); FLOAT, FLOAT16 -> float;
//   DOUBLE -> double; INT96 -> timestamp (Julian day + nanos of day);
//   TIMESTAMP(MILLIS|MICROS|NANOS) -> timestamp micros, adjusted or not (read
//   as UTC), NANOS floored; DATE -> timestamp at midnight UTC;
//   TIME(MILLIS|MICROS|NANOS) -> int64 microseconds since midnight;
//   DECIMAL(p <= 15) -> double, DECIMAL(p > 15) -> string (exact);
//   STRING/UTF8/ENUM/JSON BYTE_ARRAY -> string; other BYTE_ARRAY and
//   FIXED_LEN_BYTE_ARRAY (UUID, BSON, GEOMETRY/GEOGRAPHY WKB, ...) -> bytes.
// TIME is int64 microseconds since midnight (Tessera has no time type).
// List elements must map to float, double, int64 or string (int32 widens).
//
// Pure functions of the metadata; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tessera/core/schema.h"
#include "tessera/format/parquet/metadata.h"

namespace tessera::parquet {

enum class ConversionKind {
  kNone,                // physical values are the Tessera values
  kInt32ToInt64,        // sign-extend (INT32 list elements)
  kUint32ToInt64,       // zero-extend (UINT8/16/32)
  kUint64ToInt64,       // error when the top bit is set
  kMillisToMicros,      // TIMESTAMP(MILLIS) on INT64
  kNanosToMicros,       // TIMESTAMP(NANOS), TIME(NANOS): floor division
  kDaysToMicros,        // DATE on INT32
  kTimeMillisToMicros,  // TIME(MILLIS) on INT32
  kInt96ToMicros,
  kDecimalToDouble,  // INT32/INT64/FLBA/BYTE_ARRAY unscaled, big-endian bytes
  kDecimalToString,
  kFloat16ToFloat,  // FLBA(2)
  kFixedToBytes,    // other FLBA -> bytes/string
};

// One Tessera column and how to decode its Parquet leaf.
struct ColumnDesc {
  std::string name;     // top-level field name
  int leaf_index = -1;  // index into RowGroup::columns
  Type physical = Type::kInt32;
  int32_t type_length = 0;  // FLBA width
  DataType type;            // Tessera type (list<T> for lists)
  DataType value_type;      // type of the leaf values (T for list<T>)
  ConversionKind conversion = ConversionKind::kNone;
  int32_t decimal_scale = 0;
  // Levels. For flat columns max_rep = 0 and a value is null iff
  // def < max_def. For lists (max_rep = 1): def < list_def => null list;
  // def < element_def => empty list; def < max_def => null element.
  int16_t max_def = 0;
  int16_t max_rep = 0;
  int16_t list_def = 0;
  int16_t element_def = 0;
  bool is_list() const { return max_rep > 0; }
};

// The subtree of one top-level field in the depth-first schema list.
struct TopLevelField {
  size_t element = 0;      // index of the field's SchemaElement
  size_t end = 0;          // one past the last element of its subtree
  size_t first_leaf = 0;   // index of its first leaf SchemaElement (`element`
                           // itself for a group without children)
  int64_t leaf_index = 0;  // that leaf's column index (into RowGroup::columns)
  int64_t num_leaves = 0;  // leaves in the subtree
};

// Walks the schema tree once (the one walk of it: MapSchema and `tessera
// schema` both use it). Corruption when it is malformed: an empty list, child
// counts that run past the end or are negative, nesting deeper than 64,
// elements after the last field.
Result<std::vector<TopLevelField>> WalkTopLevelFields(const std::vector<SchemaElement>& schema);

// One entry per top-level field, in schema order: a ColumnDesc or the
// reason the field cannot be read.
struct FieldMapping {
  std::string name;
  Status status;  // OK when `column` is usable
  ColumnDesc column;
};

// Maps the schema. Corruption when the schema list itself is malformed
// (child counts running past the end, a group without children, a leaf
// count that differs from `num_leaves` of the row groups when >= 0).
Result<std::vector<FieldMapping>> MapSchema(const std::vector<SchemaElement>& schema,
                                            int64_t num_leaves);

// The Tessera type and conversion of one primitive SchemaElement, or
// Unsupported naming `column`. Exposed for tests.
Status MapPrimitive(const SchemaElement& element, const std::string& column, ColumnDesc* out);

}  // namespace tessera::parquet
