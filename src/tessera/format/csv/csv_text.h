// What a CSV file must be to be read as text (docs/FORMATS.md, "CSV text"):
//
//   - its first line (the header) holds no NUL or other control byte (tab,
//     CR and LF aside) and is valid UTF-8: anything else is a binary file,
//     most often a Parquet file or an archive given a .csv name, and is
//     refused before its bytes could become column names;
//   - every field of a string column is valid UTF-8 (RFC 3629): a field that
//     is not is an error naming the file, row and column. Bytes columns take
//     any bytes.
//
// Messages name offending bytes in hex (0xC3), never print them.
#pragma once

#include <string>
#include <string_view>

#include "tessera/core/status.h"

namespace tessera::csv::internal {

// Judges `start`, the first bytes read from `path` (after a byte order
// mark), up to its first line break or 64 KiB, and fails with
// InvalidArgument "file 'PATH': not a text CSV file (byte 0x00 at line 1)"
// when that line is not text. A multi-byte sequence cut by the end of
// `start` (no line break in it) is not judged.
Status CheckTextHeader(const std::string& path, std::string_view start);

// OK when `text` is valid UTF-8; else InvalidArgument "invalid UTF-8 (byte
// 0xFF at byte 3 of the field)", the caller prefixing file:row:column.
Status CheckUtf8Field(std::string_view text);

}  // namespace tessera::csv::internal
