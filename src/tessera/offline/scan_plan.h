// ScanPlan: what a source scan will read, decided when it opens (before any
// row is decoded): the files and log parts left after pruning, in scan
// order, and per file how each asked column is filled (read as is, read and
// widened, a partition value, or nulls). Building the plan reads every
// kept Parquet footer and CSV header once, so a schema mismatch is reported
// at once (source_scan.h). Not thread-safe; immutable once built.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tessera/core/result.h"
#include "tessera/core/value.h"
#include "tessera/offline/source_scan.h"

namespace tessera::offline {

enum class FileFormat { kParquet, kCsv };

// How one asked column is filled for the rows of one file.
struct ColumnFill {
  int read_index = -1;  // index into ScanUnit::read_columns; -1 = `constant`
  Value constant = Value::Null(DataType::Int64());  // a partition value, or null
};

// One file or log part.
struct ScanUnit {
  std::string shown;  // how messages name it (as matched, or the log part path)
  std::string full;   // the path opened
  FileFormat format = FileFormat::kParquet;
  // Asked partition columns of its folders, parsed: (asked index, value).
  std::vector<std::pair<int, Value>> partitions;
  // File columns decoded, with the asked type each becomes (Parquet: its
  // own type or a widening of it; CSV: parsed as it).
  std::vector<Field> read_columns;
  std::vector<ColumnFill> fills;  // one per asked column
  // Parquet, when no asked column is in the file: a column to project so
  // that the reader opens (it is never decoded; row counts come from the
  // footer).
  std::string probe_column;
  // An error to return when the scan reaches the unit (it could not be
  // opened): errors about a file come in scan order.
  Status deferred;
};

struct ScanPlan {
  SchemaPtr schema;  // the asked columns
  std::vector<ScanUnit> units;
};

// Matches, prunes and checks. Errors: a bad spec, a glob or plain path
// failure (MatchSourceFiles), a partition value that does not parse, the
// manifest, and schema mismatches (the file, the column, both types and the
// first file that had a readable type).
Result<ScanPlan> BuildScanPlan(const SourceScanSpec& spec);

}  // namespace tessera::offline
