// SourceLog: the rows of one batch source that came in through Tessera
// (ingest, push, stream), kept beside the source's own files (DESIGN.md
// section 3b, "Offline store"):
//
//   <offline root>/<project>/sources/<source>/
//     manifest.json        checkpoint: the committed parts as of one
//                          generation (replaced atomically)
//     manifest.log         journal: one record per commit since that
//                          checkpoint (appended; manifest_journal.h)
//     manifest.log.next    the next journal, only while a checkpoint is
//                          being written (or after a crash in one)
//     part-<seq>.parquet   one per commit (or per compaction), any Parquet
//                          reader can read them
//     LOCK                 serialises writers (flock), never readers
//
// Every logged row carries the source's columns plus `_ingest_seq` (int64:
// one number per row, strictly increasing in commit order and, within a
// commit, in row order; it breaks full ties, the larger wins) and
// `_committed_at` (timestamp of the commit). The manifest lists each part's
// row count, min/max event time, seq range and commit time.
//
// The manifest is the checkpoint plus the journal's commit records whose
// generation follows it, in order (LevelDB's MANIFEST, Delta Lake's
// _delta_log), so a commit costs one appended record whatever the log's
// size; every `checkpoint_every` commits, and at every compaction, a writer
// folds the journal into a new checkpoint.
//
// Invariants:
//  - A part is visible only once the manifest names it. A commit writes
//    and syncs the part (under a temporary name, renamed into place, so a
//    part left by a crashed commit with the same first seq is replaced
//    whole), then appends its record to manifest.log and syncs it. A
//    checkpoint writes manifest.log.next (a journal of its start record
//    only), then manifest.json (temporary file, sync, rename, folder
//    sync), then renames manifest.log.next over manifest.log (folder
//    sync). A crash or an error at any point leaves the previous manifest
//    or the new one, so readers see a commit whole or not at all: a torn
//    last record is ignored (and replaced by the next writer, which then
//    checkpoints); journal records at or below the checkpoint's generation
//    are skipped (a crash between manifest.json and the journal's rename).
//  - While manifest.log.next exists, manifest.log may be older than
//    manifest.json; otherwise it follows exactly manifest.json's
//    generation. So a writer appends only when there is no
//    manifest.log.next and manifest.log is whole, reading only the journal
//    (bounded by checkpoint_every records), never manifest.json or the
//    folder; anything else writes a checkpoint.
//  - Files no manifest names are garbage: orphan parts of failed or
//    crashed commits, temporary files. Writers remove them when they write
//    a checkpoint and in compaction (listing the folder), not on every
//    commit.
//  - Writers hold LOCK from reading the manifest to the end of the commit,
//    so two concurrent commits both land, one after the other.
//  - Readers never lock: they read manifest.json, then manifest.log (a
//    journal that a newer checkpoint started means a checkpoint came
//    between the two reads: both are read again), and then only the parts
//    they name; a compaction keeps the parts it replaces on disk for a
//    retention time (an hour by default, compaction.h), so a reader of an
//    older manifest can open them; docs/OFFLINE.md.
//
// Thread-safety: the functions are safe to call from several threads and
// processes at once (the lock is a file lock).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tessera/core/env.h"
#include "tessera/core/record_batch.h"
#include "tessera/core/result.h"

namespace tessera::offline {

inline constexpr const char* kIngestSeqColumn = "_ingest_seq";
inline constexpr const char* kCommittedAtColumn = "_committed_at";

struct LogPart {
  std::string file;  // name inside the log folder, e.g. "part-00000000000000000001.parquet"
  int64_t num_rows = 0;
  int64_t min_event_ts = 0;  // micros UTC, over the part's rows
  int64_t max_event_ts = 0;
  int64_t first_seq = 0;  // _ingest_seq of its first and last row
  int64_t last_seq = 0;
  int64_t committed_at = 0;  // micros UTC
};

struct Manifest {
  int64_t generation = 0;      // +1 per commit or compaction; 0 = no log yet
  int64_t last_seq = 0;        // the largest _ingest_seq ever given
  std::vector<LogPart> parts;  // ascending first_seq
  // Files a compaction took out of `parts` and kept for readers of older
  // manifests; the next compaction removes them (see the invariants).
  std::vector<std::string> replaced;
  // When each of `replaced` was replaced (micros UTC; same length, 0 for a
  // manifest written before this field existed).
  std::vector<int64_t> replaced_at;
};

// "<offline_root>/<project>/sources/<source>".
std::string SourceLogDir(const std::string& offline_root, const std::string& project,
                         const std::string& source);

// Reads the manifest: `<log_dir>/manifest.json`, then the records of
// `<log_dir>/manifest.log` that follow it (a log written before the journal
// has only manifest.json); an empty Manifest (generation 0) when the
// folder or the files do not exist. Corruption naming the file (and, in
// the journal, the record's offset) when it does not parse; a torn last
// journal record is ignored.
Result<Manifest> ReadManifest(Env* env, const std::string& log_dir);

// What a log holds after a known point: its last_seq and generation, and
// the parts holding rows with a seq above `after_seq` (ReadLogTail).
struct LogTail {
  int64_t generation = 0;
  int64_t last_seq = 0;
  std::vector<LogPart> parts;  // ascending first_seq
};

// ReadManifest's answer cut to the parts with last_seq > after_seq, read
// cheaply when it can be: from manifest.log alone when the journal is
// current (no checkpoint in progress: no manifest.log.next) and begins at
// or before `after_seq`; else from the whole manifest. Meant for a caller
// that holds LOCK (the journal cannot change under it) and looks again and
// again (the event-id filter catching up with other writers' commits).
// A tail whose last_seq is below after_seq means the log began again.
Result<LogTail> ReadLogTail(Env* env, const std::string& log_dir, int64_t after_seq);

// The JSON text of a manifest, and back (for tests and tools).
std::string ManifestToJson(const Manifest& manifest);
Result<Manifest> ManifestFromJson(const std::string& text, const std::string& origin);

// manifest.json's JSON: {"format_version": 2, "generation", "last_seq",
// "parts": [{"file", "num_rows", "min_event_ts", "max_event_ts",
// "first_seq", "last_seq", "committed_at"}, ...], "replaced": [file, ...],
// "replaced_at": [micros, ...]} ("replaced_at" optional, same length)
// with every number an integer (times in micros UTC). ManifestFromJson
// checks what readers rely on (Corruption "<origin>: <json path>: reason"):
// plain part file names (IsPartFileName), each named once; num_rows >= 1;
// first_seq >= 1; parts in ascending, disjoint seq ranges, each at least
// num_rows long; min_event_ts <= max_event_ts; last_seq >= every part's.
// format_version 2 is written (a manifest.log may follow; a Tessera that
// knows only 1 refuses it rather than miss the journal), 1 is still read;
// any other is Unsupported.

// "<log_dir>/manifest.json".
std::string ManifestPath(const std::string& log_dir);

// True for a name a manifest may list: [0-9A-Za-z._-]+ ending in
// ".parquet", not starting with '.' (so never a path or a hidden file).
bool IsPartFileName(const std::string& name);

// How many commit records manifest.log takes before a checkpoint: a
// commit reads the whole journal (about 100 bytes a record), a checkpoint
// rewrites manifest.json (about 200 bytes a part).
inline constexpr int64_t kCheckpointEvery = 512;

// One commit to a source log (CommitBatches).
struct CommitSpec {
  std::string log_dir;           // SourceLogDir(...); created when missing
  std::string timestamp_column;  // the source's timestamp_field (timestamp type)
  Env* env = Env::Default();     // not owned
  // Rows per Parquet row group of the part (tests make it small).
  int64_t row_group_size = 1 << 20;
  // manifest.log holds at most this many commit records: the commit after
  // them writes a checkpoint instead (tests make it small; 0: every commit
  // writes a checkpoint).
  int64_t checkpoint_every = kCheckpointEvery;
};

// Appends every row of `rows` to the log as ONE commit and returns the new
// part. `rows` yields the source's columns; `_ingest_seq` and
// `_committed_at` are added (they must not be in it), and its
// timestamp_column must be a timestamp column without nulls. The part's
// seqs are manifest.last_seq + 1, + 2, ... in row order, its committed_at
// the Env's clock when the lock is taken.
//
// Holds LOCK for the whole call (so `rows` may validate as it goes and
// fail; seqs are known as the part is written). When the journal can take
// a record (see the invariants) it reads only manifest.log, writes and
// syncs part-<first seq>.parquet (temporary file, rename, folder sync) and
// appends and syncs the commit record: its cost does not grow with the
// log. Otherwise (a new log, an old-format log, a full or torn journal, a
// checkpoint a crash left half done) it reads the whole manifest, removes
// orphans (files in the folder that the manifest does not name, besides
// LOCK and the manifest's files), writes the part, and writes a checkpoint
// that names it.
//
// Any failure (from `rows` too) commits nothing: the new files are
// removed, and so are the folders and LOCK when this call created them,
// leaving the folder as it was. (Past the point of no return, a failed
// sync of a record written whole or of the folder after the checkpoint's
// rename, the commit may be visible: the part stays when the manifest
// reads back naming it.) An empty stream commits nothing and
// returns a LogPart with num_rows 0 and an empty file name.
Result<LogPart> CommitBatches(RecordBatchReader* rows, const CommitSpec& spec);

}  // namespace tessera::offline
