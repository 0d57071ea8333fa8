// Compaction of a source log (source_log.h): runs of consecutive small
// parts are merged into one part each, keeping every row, its order, its
// _ingest_seq and its _committed_at, so every query reads the same rows in
// the same order before and after.
//
// Under LOCK, like a commit: removes orphans and the parts an EARLIER
// compaction replaced (readers have had a whole compaction interval to
// finish with them), writes each merged part
// "part-<first seq>-<last seq>.parquet" (synced), then commits a manifest
// whose `parts` name the merged parts in place of the runs and whose
// `replaced` names the runs' files, which stay on disk until the next
// compaction. A reader that read the previous manifest can therefore still
// open every part it names until the compaction after this one. A failure
// or a crash leaves the previous manifest and, at worst, orphans the next
// writer removes.
//
// Only parts with the same columns (as written, in order) are merged; a
// run stops at a part whose schema differs.
//
// Thread-safety: safe from several threads and processes (the lock).
#pragma once

#include <cstdint>
#include <string>

#include "tessera/core/env.h"
#include "tessera/core/result.h"

namespace tessera::offline {

struct CompactSpec {
  std::string log_dir;
  Env* env = Env::Default();  // not owned
  // A part with fewer rows is small; runs of small parts are merged until
  // the merged part would reach this many rows.
  int64_t target_rows = int64_t{1} << 22;
  int64_t row_group_size = 1 << 20;  // of the merged parts
};

struct CompactResult {
  int64_t parts_before = 0;
  int64_t parts_after = 0;
  int64_t parts_removed = 0;  // files of earlier compactions deleted now
  bool committed = false;     // false when there was nothing to merge
};

// Compacts the log at spec.log_dir (an absent or empty log: nothing to do).
Result<CompactResult> CompactLog(const CompactSpec& spec);

}  // namespace tessera::offline
