// Derived view files (DESIGN.md section 3b): a feature view version's join
// input (join_input.h) written once as Parquet under
// `<offline>/<project>/views/<view>/v<N>/`, so a training set reads one
// file with the join's exact columns (keys, event_ts, created_ts, the
// source columns the view's features read; types already resolved: CSV
// parsed, int32 widened, Hive partition values and missing optional
// columns filled, the source's other columns dropped) instead of the
// source's files, plus only the log parts committed since.
//
// Rows keep the scan's order (files in path order, then log parts), which
// is the ingest order the join's last tie-break uses; they are not sorted
// by key, because the join maps keys to dense slots and gains nothing from
// key order (docs/OFFLINE.md). Row groups carry min/max statistics of
// __event_ts, so a spine's time range prunes them.
//
// Invariants:
//  - The files are a cache: `view_files.json` records what they were built
//    from (the source's path and fields, each matched file's size and
//    modification time, the log parts covered, a prefix of the manifest's,
//    and the columns). A reader uses them only when all of that still
//    holds and they have every column asked for; otherwise, or on any
//    error opening them, it scans the source as if they did not exist. So
//    deleting them, or any change to the source, changes no result.
//  - Built under `<dir>/LOCK`; the data file is written and synced under a
//    new name, then `view_files.json` is replaced atomically; the data file
//    of the build before stays (a reader may have just read the old JSON),
//    older ones are removed.
//
// Thread-safety: Build is safe from several threads and processes (the
// lock); readers need no lock.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "tessera/core/record_batch.h"
#include "tessera/core/result.h"
#include "tessera/offline/join_input.h"

namespace tessera::offline {

// "<offline_root>/<project>/views/<view>/v<version>".
std::string ViewFilesDir(const std::string& offline_root, const std::string& project,
                         const std::string& view, int64_t version);

struct ViewFilesBuild {
  int64_t rows = 0;
  int64_t log_parts_covered = 0;
  bool rebuilt = false;  // false: the files were already fresh
};

// Builds (or, when fresh, keeps) the derived files of the view whose join
// input `spec` describes (spec.carried: every column the view reads; the
// event-time bounds are ignored) in `dir`.
Result<ViewFilesBuild> BuildViewFiles(const JoinInputSpec& spec, const std::string& dir);

// The join input of `spec` read from the derived files in `dir` and the log
// parts committed after them, or nullptr when they are absent, stale or
// lack a column (the caller then scans the source).
Result<std::unique_ptr<RecordBatchReader>> OpenViewFilesInput(const JoinInputSpec& spec,
                                                              const std::string& dir);

}  // namespace tessera::offline
