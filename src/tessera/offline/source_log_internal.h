// What the source log's writers (source_log_commit.cc, compaction.cc)
// share. Every function here REQUIRES the caller to hold the log's LOCK.
#pragma once

#include <string>

#include "tessera/core/env.h"
#include "tessera/offline/source_log.h"

namespace tessera::offline::internal {

inline constexpr const char* kLockFile = "LOCK";
inline constexpr const char* kManifestFile = "manifest.json";
// The journal that follows the checkpoint manifest.json (manifest_journal.h).
inline constexpr const char* kJournalFile = "manifest.log";
// The next journal, written before a new checkpoint and renamed over
// manifest.log after it: while it exists, manifest.log may be older than
// manifest.json, so a writer must read the whole manifest and start a new
// journal (source_log.h, invariants). Never an orphan.
inline constexpr const char* kNextJournalFile = "manifest.log.next";

// Serializes compactions (compaction.h), which merge without LOCK.
inline constexpr const char* kCompactLockFile = "COMPACT_LOCK";

// "<log_dir>/LOCK" and "<log_dir>/COMPACT_LOCK".
std::string LockPath(const std::string& log_dir);
std::string CompactLockPath(const std::string& log_dir);

// Whether `name` is a compaction's merged part
// ("part-<20 digits>-<20 digits>.parquet") or one of its temporary files.
bool IsMergeOutput(const std::string& name);

// "<log_dir>/manifest.log" and "<log_dir>/manifest.log.next".
std::string JournalPath(const std::string& log_dir);
std::string NextJournalPath(const std::string& log_dir);

// Removes the files of `log_dir` that `manifest` does not name (in `parts`
// or `replaced`), besides LOCK, COMPACT_LOCK, manifest.json, manifest.log
// and manifest.log.next: parts and temporary files of writers that failed
// or crashed. With `spare_merges` (a commit's checkpoint, which may run
// while a compaction merges without LOCK) a compaction's outputs
// (IsMergeOutput) are kept too; the next compaction, holding COMPACT_LOCK,
// removes those a crash left. Lists the folder: only checkpoints and
// compactions call it.
Status RemoveOrphans(Env* env, const std::string& log_dir, const Manifest& manifest,
                     bool spare_merges);

// Writes `manifest` to a temporary file, syncs it, renames it over
// manifest.json and syncs the folder (AtomicFileWriter). Sets *attempted
// once the rename may have happened (from then on the new manifest may be
// the visible one even if this fails).
Status WriteManifest(Env* env, const std::string& log_dir, const Manifest& manifest,
                     bool* attempted);

// A checkpoint: writes and syncs manifest.log.next (a journal holding only
// its start record, at `manifest`'s generation), then WriteManifest, then
// renames manifest.log.next over manifest.log and syncs the folder. Once
// manifest.json is written the checkpoint stands: a failure of the last
// step is not reported (manifest.log.next stays, and the next writer starts
// the journal again). A failure before it removes manifest.log.next when
// this call created it.
Status WriteCheckpoint(Env* env, const std::string& log_dir, const Manifest& manifest,
                       bool* attempted);

// Appends a commit record (generation, last_seq, part) to manifest.log and
// syncs it. Sets *attempted before the first byte is written.
Status AppendCommit(Env* env, const std::string& log_dir, int64_t generation, int64_t last_seq,
                    const LogPart& part, bool* attempted);

// Whether the manifest may name `file` now: unless it reads back without it.
bool ManifestMayName(Env* env, const std::string& log_dir, const std::string& file);

}  // namespace tessera::offline::internal
