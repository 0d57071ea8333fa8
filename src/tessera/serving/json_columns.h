// JSON columns to Tessera columns: the body's `entities`, `request_context`
// and `df` objects ({"name": [v0, v1, ...], ...}, Feast's columnar shape)
// become typed Arrays, each column's type taken from its values:
//
//   only true/false (and nulls)            bool
//   only integers (and nulls)              int64 (beyond int64: an error)
//   numbers, some not integers, and the    double ("NaN", "Infinity",
//   strings "NaN"/"Infinity"/"-Infinity"   "-Infinity": DESIGN.md 3b)
//   only strings (and nulls)               string
//   only arrays (and nulls)                list<int64|double|string>, the
//                                          same rules over all elements
//   only nulls (or no rows)                int64, all null
//
// Anything else (an object, a number and a string in one column, a list
// of lists) is refused with an ApiError naming the column and row
// ("entities.user_id[2]"). Converting to the declared types (an int64 key
// sent as a string, an int64 column for a double feature) is the facade's
// job, which knows them.
//
// Thread-safety: pure functions.
#pragma once

#include <rapidjson/document.h>

#include <optional>
#include <string_view>
#include <vector>

#include "tessera/core/array.h"
#include "tessera/core/record_batch.h"
#include "tessera/core/schema.h"
#include "tessera/serving/http_message.h"

namespace tessera::serving {

struct JsonColumns {
  std::vector<Field> fields;
  std::vector<ArrayPtr> columns;
  int64_t num_rows = -1;  // -1 until a column sets it
};

// Appends the columns of `object` to `out`, checking every column has
// out->num_rows values (the first one sets it when still -1) and no name
// repeats one already in `out`. `field` names `object` in errors
// ("entities", "request_context", "df").
[[nodiscard]] std::optional<ApiError> AppendJsonColumns(const rapidjson::Value& object,
                                                        std::string_view field, JsonColumns* out);

// The columns as one batch; 400 naming `field` when there are none.
[[nodiscard]] std::optional<ApiError> JsonColumnsToBatch(JsonColumns columns,
                                                         std::string_view field,
                                                         RecordBatchPtr* out);

}  // namespace tessera::serving
