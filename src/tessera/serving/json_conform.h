// ConformJsonColumns: JSON columns (json_columns.h, typed from their
// values) converted to the types a target schema declares, where JSON has
// no spelling of its own for them (DESIGN.md 3b): a timestamp arrives as an
// RFC 3339 string, bytes as base64, an int32 or float as a JSON number. A
// push (/push's `df`) goes through it with the push source's columns.
//
//   from (JSON)         to                     how
//   string              timestamp              ParseTimestamp (no zone: UTC)
//   string              bytes                  base64 (RFC 4648, padded)
//   string              int64, int32           a decimal integer in range
//   int64               int32                  in range
//   int64               float, double          as a number
//   double              float                  rounded to nearest
//   list<int64|double>  list<float|double>     element by element
//   only nulls          any                    nulls of that type
//
// Columns the schema does not name, and those already of the declared
// type, are left alone; a pair not in the table is left for the store to
// refuse (with its "column 'x' is string, but source 's' takes ..."). A
// value that does not convert is an ApiError naming "df.col[row]".
//
// Thread-safety: pure function.
#pragma once

#include <optional>
#include <string_view>

#include "tessera/core/schema.h"
#include "tessera/serving/http_message.h"
#include "tessera/serving/json_columns.h"

namespace tessera::serving {

[[nodiscard]] std::optional<ApiError> ConformJsonColumns(const Schema& target,
                                                         std::string_view field,
                                                         JsonColumns* columns);

// Decodes standard base64 with padding; false when `text` is not that.
bool DecodeBase64(std::string_view text, std::string* out);

}  // namespace tessera::serving
