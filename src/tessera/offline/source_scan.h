// SourceScan: every row of one batch source, as one stream of batches of
// one schema: the source's own files read in place (a file or glob relative
// to the repo root, Parquet or CSV, like Feast's FileSource: no copy), then
// the parts of its log (source_log.h), in this fixed order:
//   files in path order (byte order of the path relative to the repo
//   root), each in row order; then log parts in manifest order.
// That order is the ingest order of DESIGN.md section 3: of two rows tied
// on event_ts and created_ts, the one scanned later wins.
//
// Columns are asked for by name and type (the types the definitions give:
// join keys, declared features, the timestamp fields). Per file:
//  - a Parquet column of the same type is read as is; one that widens
//    losslessly (int32 -> int64 or double, float -> double;
//    registry::IsLosslessWidening) is widened; any other type is an
//    InvalidArgument naming the file, the column, its type and the one
//    asked for, and the first file that had the asked type, if any;
//  - a CSV column is parsed as the asked type (csv.h; a bad field is
//    "file:row:column: reason");
//  - a column missing from a file reads as nulls when `optional`, else is
//    an InvalidArgument naming the file and the column;
//  - Hive-style partition folders: a path component `name=value` between
//    the glob's fixed prefix and the file makes `name` a column of every
//    row of the files below it (the value parsed as the asked type,
//    "__HIVE_DEFAULT_PARTITION__" and "" as null); a column present both in
//    the file and as a partition is read from the file.
//  - log parts hold the source's columns as they were ingested (plus
//    _ingest_seq and _committed_at, which are not returned unless asked).
// Filters prune: a file or partition folder whose values cannot satisfy a
// filter is not opened (partition values, log parts' min/max event time),
// a row group whose statistics cannot is not decoded. Pruning is coarse:
// callers still filter rows (the join applies its own bounds).
//
// Thread-safety: a SourceScan is used by one thread; it may decode with
// `num_threads` threads inside.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tessera/core/env.h"
#include "tessera/core/record_batch.h"
#include "tessera/core/result.h"
#include "tessera/core/types.h"
#include "tessera/offline/source_log.h"

namespace tessera::offline {

struct ScanColumn {
  std::string name;
  DataType type;
  bool optional = true;  // missing from a file -> nulls (else an error)
};

// Keeps rows whose `column` may lie in [min, max] (inclusive; integers,
// timestamps as micros). Unbounded sides are INT64_MIN / INT64_MAX.
struct ScanFilter {
  std::string column;
  int64_t min = INT64_MIN;
  int64_t max = INT64_MAX;
};

struct SourceScanSpec {
  std::string repo_root;            // absolute; `path` is relative to it unless absolute
  std::string path;                 // the batch source's file or glob ("" = no files, log only)
  std::string log_dir;              // source_log.h SourceLogDir(...) ("" = no log)
  std::string timestamp_column;     // the source's timestamp_field (for log pruning)
  std::vector<ScanColumn> columns;  // the output schema, in this order
  std::vector<ScanFilter> filters;
  // When set, the log's parts are manifest->parts from index
  // `first_log_part` on (a caller that read the manifest already, e.g. to
  // check what derived view files cover) instead of the manifest read now.
  std::shared_ptr<const Manifest> manifest;
  size_t first_log_part = 0;
  int num_threads = 1;
  Env* env = Env::Default();  // not owned
};

// The files a source path or glob matches, in scan order (relative to the
// repo root as written, absolute when `path` is). NotFound when a plain
// path does not exist; an empty list for a glob matching nothing.
Result<std::vector<std::string>> MatchSourceFiles(const std::string& repo_root,
                                                  const std::string& path, Env* env);

// Opens the scan. Errors about a file come when the scan reaches it (from
// Next()), except a schema mismatch visible in a footer or header, which
// Open reports at once.
Result<std::unique_ptr<RecordBatchReader>> OpenSourceScan(const SourceScanSpec& spec);

}  // namespace tessera::offline
