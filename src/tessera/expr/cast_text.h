// Text conversions of CAST, with DuckDB's spellings (checked with DuckDB
// 1.5, docs/EXPRESSIONS.md "Operators"): parsing a string into a number,
// bool or timestamp, and formatting values as strings. Pure functions,
// thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tessera::expr {

// ' 42 ', '+7', '1_000', '0x10', '42.5' (rounds half away: 43), '1e2'.
// False when the text is not a number or out of int64 range.
bool ParseInt64Text(std::string_view text, int64_t* out);
// ' 1.5 ', '1_0.5', 'nan', '-Infinity', '1e400' (inf). False otherwise.
bool ParseDoubleText(std::string_view text, double* out);
// true/false/t/f/yes/no/y/n/1/0, any case, no surrounding spaces.
bool ParseBoolText(std::string_view text, bool* out);
// '2024-03-01', '2024-03-01 12:00:00.5', '2024-03-01T12:00:00Z'; spaces
// around are ignored.
bool ParseTimestampText(std::string_view text, int64_t* out);

// DuckDB's VARCHAR of a double/float: shortest round-trip digits, fixed
// notation for exponents -4..15 ("0.1", "1.0", "1000000000000000.0"),
// else scientific ("1e+20", "1e-07"); "nan", "inf", "-inf".
void AppendDouble(double v, std::string* out);
void AppendFloat(float v, std::string* out);
// "2024-03-01 12:00:00", fraction digits trimmed ("12:00:00.5").
void AppendTimestamp(int64_t micros, std::string* out);
// Bytes as DuckDB prints a BLOB: printable ASCII as is, others "\xAA".
void AppendBytesEscaped(std::string_view bytes, std::string* out);
// The inverse: "\xAA" escapes decoded. False on a bad escape.
bool ParseBytesEscaped(std::string_view text, std::string* out);

}  // namespace tessera::expr
