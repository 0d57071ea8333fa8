// Typed parsing of CSV fields: text in, a value appended to a column builder
// out. Shared by the reader (CsvReader) and schema inference.
//
// Rules (csv.h): an empty unquoted field is null; a quoted empty field is an
// empty string for string/bytes and null for every other type (it has no
// other meaning there). Numbers, bools and timestamps may carry surrounding
// spaces or tabs; strings and bytes are kept exactly as written. A string
// field must be valid UTF-8 (csv_text.h); bytes take any bytes.
//
// Failures return InvalidArgument with the reason only ("'abc' is not a
// double"); the caller prefixes the file, row and column.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "tessera/core/builder.h"
#include "tessera/format/csv/csv_tokenizer.h"

namespace tessera::csv::internal {

class JsonListParser;

// Parsers of one field's text; true on success. Whitespace is not trimmed.
bool ParseBoolText(std::string_view s, bool* out);  // true/false/1/0, any case
bool ParseInt64Text(std::string_view s, int64_t* out, bool* overflow);
bool ParseDoubleText(std::string_view s, double* out);  // also NaN, Infinity, -Infinity
bool ParseFloatText(std::string_view s, float* out);

// Strips leading and trailing spaces and tabs.
std::string_view TrimBlanks(std::string_view s);

// Appends fields of one column to a builder of the column's type.
class ColumnParser {
 public:
  explicit ColumnParser(DataType type);
  ~ColumnParser();
  ColumnParser(ColumnParser&&) noexcept;

  DataType type() const { return type_; }
  // Parses `field` and appends its value (or a null). On failure appends
  // nothing and returns the reason.
  Status Append(const CsvField& field);
  // The column so far; resets the builder.
  Result<ArrayPtr> Finish() { return builder_->Finish(); }

 private:
  Status AppendBool(std::string_view s);
  Status AppendInt32(std::string_view s);
  Status AppendInt64(std::string_view s);
  Status AppendFloat(std::string_view s);
  Status AppendDouble(std::string_view s);
  Status AppendTimestamp(std::string_view s);

  DataType type_;
  std::unique_ptr<ArrayBuilder> builder_;
  std::unique_ptr<JsonListParser> list_parser_;  // list types only
};

}  // namespace tessera::csv::internal
