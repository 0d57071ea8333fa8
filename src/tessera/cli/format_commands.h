// The file-format commands of the CLI, `convert` and `schema`, as plain
// functions so RegisterFormatCommands only wires CLI11 to them. Both pick
// the format from the file extension (.parquet or .csv, any case). Each
// prints its result to stdout and returns an exit code; errors are one
// "error: ..." line on stderr (see command.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tessera/cli/command.h"
#include "tessera/core/result.h"
#include "tessera/format/convert.h"

namespace tessera::cli {

using format::FileFormat;

// The format of `path` by its extension; InvalidArgument naming the
// extension otherwise (a usage error).
Result<FileFormat> FormatOfPath(const std::string& path);

struct ConvertOptions {
  std::string input;
  std::string output;
  std::string columns_list;    // --columns as given: "a,b"; empty: all
  std::string compression;     // zstd | snappy | none; empty: not given
  int64_t row_group_size = 0;  // 0: not given
};

// Splits --columns "a, b" into names; empty names are skipped.
std::vector<std::string> SplitColumnList(const std::string& list);

// `tessera convert IN OUT`: streams IN batch by batch into OUT. CSV input
// types come from InferCsvSchema. --compression and --row-group-size apply
// to Parquet output only (a usage error otherwise). Prints
// "wrote <n> rows to <OUT>" ("1 row").
CommandStatus RunConvert(const ConvertOptions& options);

// `tessera schema FILE [--json]`: a Parquet file's columns (physical,
// logical and converted type, Tessera type, repetition, compression and
// encodings from the footer) and row/row-group counts; a CSV file's inferred
// columns and types.
CommandStatus RunSchema(const std::string& path, bool json);

}  // namespace tessera::cli
