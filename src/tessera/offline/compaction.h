// Compaction of a source log (source_log.h): runs of consecutive small
// parts are merged into one part each, keeping every row, its order, its
// _ingest_seq and its _committed_at, so every query reads the same rows in
// the same order before and after.
//
// One compaction at a time (COMPACT_LOCK, for the whole run). Under the
// log's LOCK: reads the whole manifest (checkpoint and journal) and removes
// orphans. Without LOCK (commits go on; committed parts never change):
// writes each merged part "part-<first seq>-<last seq>.parquet" (synced).
// Under LOCK again: reads the manifest (commits may have appended) and
// writes a checkpoint
// (source_log.h: manifest.json, then a fresh manifest.log) whose `parts`
// name the merged parts in place of the runs and whose `replaced` names
// the runs' files (with the time, `replaced_at`), which stay on disk for
// `retention_micros`; after the checkpoint it deletes the files earlier
// compactions replaced longer ago than that. A reader that read an older
// manifest can therefore open every part it names for at least the
// retention time, however many compactions run meanwhile. A failure or a
// crash leaves the previous manifest and, at worst, orphans the next
// checkpoint removes.
//
// Two policies choose the runs: `fanout` 0 (what `tessera compact` runs)
// merges every run of consecutive small parts up to target_rows; `fanout`
// F >= 2 (the background policy, NeedsCompaction) is tiered: a part of n
// rows is of tier floor(log_F(n)), and only runs of at least F consecutive
// small parts of one tier are merged, so a merged part lands at least one
// tier up and each row is rewritten at most log_F(target_rows) times
// (merging stays O(rows log rows) however small the commits).
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
#include "tessera/offline/source_log.h"

namespace tessera::offline {

struct CompactSpec {
  std::string log_dir;
  Env* env = Env::Default();  // not owned
  // A part with fewer rows is small; runs of small parts are merged until
  // the merged part would reach this many rows.
  int64_t target_rows = int64_t{1} << 22;
  int64_t row_group_size = 1 << 20;  // of the merged parts
  // 0: merge every run of small parts; >= 2: tiered (see above).
  int64_t fanout = 0;
  // Parts replaced by a compaction stay on disk at least this long (micros;
  // the clock is env->NowMicros()), so a query that read an older manifest
  // can still open them; a later compaction removes the older ones.
  int64_t retention_micros = int64_t{3600} * 1000000;
};

// When the server's background compaction should run (tiered: fanout >= 2).
struct CompactionPolicy {
  int64_t target_rows = int64_t{1} << 22;  // parts this big are never merged
  int64_t fanout = 8;                      // merge runs of this many small parts of one tier
  // Files replaced longer ago than this are due for removal (CompactSpec).
  int64_t retention_micros = int64_t{3600} * 1000000;
};

// Whether CompactLog with the policy's settings (CompactSpec{..., fanout})
// has work: some run of at least `fanout` consecutive parts of one tier
// below target_rows, or a replaced file older than the retention at
// `now_micros`. Reads only the manifest (no part), so it may say yes for a
// run that CompactLog then splits because its parts' columns differ.
// REQUIRES: policy.fanout >= 2 and policy.target_rows >= 1.
bool NeedsCompaction(const Manifest& manifest, const CompactionPolicy& policy, int64_t now_micros);

struct CompactResult {
  int64_t parts_before = 0;
  int64_t parts_after = 0;
  int64_t parts_removed = 0;  // files of earlier compactions deleted now
  bool committed = false;     // false when there was nothing to merge
};

// Compacts the log at spec.log_dir (an absent or empty log: nothing to do).
Result<CompactResult> CompactLog(const CompactSpec& spec);

}  // namespace tessera::offline
