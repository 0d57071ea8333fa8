// SourceLog: the rows of one batch source that came in through Tessera
// (ingest, push, stream), kept beside the source's own files (DESIGN.md
// section 3b, "Offline store"):
//
//   <offline root>/<project>/sources/<source>/
//     manifest.json        the committed parts (replaced atomically)
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
// Invariants:
//  - A part is visible only once manifest.json names it. Writers write and
//    sync the part, then write the new manifest to a temporary file and
//    rename it over manifest.json (then sync the folder). A crash or an
//    error at any point leaves the previous manifest, so readers see a
//    commit whole or not at all; files no manifest names are garbage that
//    the next writer (holding LOCK) removes.
//  - Writers hold LOCK from reading the manifest to renaming the new one,
//    so two concurrent commits both land, one after the other.
//  - Readers never lock: they read manifest.json once and then only the
//    parts it names; a compaction keeps the parts it replaces on disk for
//    a retention time (an hour by default, compaction.h), so a reader of
//    an older manifest can open them; docs/OFFLINE.md.
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

// Reads `<log_dir>/manifest.json`; an empty Manifest (generation 0) when the
// folder or the file does not exist. Corruption naming the file when it
// does not parse.
Result<Manifest> ReadManifest(Env* env, const std::string& log_dir);

// The JSON text of a manifest, and back (for tests and tools).
std::string ManifestToJson(const Manifest& manifest);
Result<Manifest> ManifestFromJson(const std::string& text, const std::string& origin);

// manifest.json's JSON: {"format_version": 1, "generation", "last_seq",
// "parts": [{"file", "num_rows", "min_event_ts", "max_event_ts",
// "first_seq", "last_seq", "committed_at"}, ...], "replaced": [file, ...],
// "replaced_at": [micros, ...]} ("replaced_at" optional, same length)
// with every number an integer (times in micros UTC). ManifestFromJson
// checks what readers rely on (Corruption "<origin>: <json path>: reason"):
// plain part file names (IsPartFileName), each named once; num_rows >= 1;
// first_seq >= 1; parts in ascending, disjoint seq ranges, each at least
// num_rows long; min_event_ts <= max_event_ts; last_seq >= every part's.
// An unknown format_version is Unsupported.

// "<log_dir>/manifest.json".
std::string ManifestPath(const std::string& log_dir);

// True for a name a manifest may list: [0-9A-Za-z._-]+ ending in
// ".parquet", not starting with '.' (so never a path or a hidden file).
bool IsPartFileName(const std::string& name);

// One commit to a source log (CommitBatches).
struct CommitSpec {
  std::string log_dir;           // SourceLogDir(...); created when missing
  std::string timestamp_column;  // the source's timestamp_field (timestamp type)
  Env* env = Env::Default();     // not owned
  // Rows per Parquet row group of the part (tests make it small).
  int64_t row_group_size = 1 << 20;
};

// Appends every row of `rows` to the log as ONE commit and returns the new
// part. `rows` yields the source's columns; `_ingest_seq` and
// `_committed_at` are added (they must not be in it), and its
// timestamp_column must be a timestamp column without nulls. The part's
// seqs are manifest.last_seq + 1, + 2, ... in row order, its committed_at
// the Env's clock when the lock is taken.
//
// Holds LOCK for the whole call (so `rows` may validate as it goes and
// fail; seqs are known as the part is written): removes orphans (files in
// the folder that the manifest does not name, besides manifest.json and
// LOCK), reads the manifest, writes and syncs part-<first seq>.parquet,
// then writes manifest.json.tmp-*, syncs it, renames it over manifest.json
// and syncs the folder.
//
// Any failure (from `rows` too) commits nothing: the new files are
// removed, and so are the folders and LOCK when this call created them,
// leaving the folder as it was. An empty stream commits nothing and
// returns a LogPart with num_rows 0 and an empty file name.
Result<LogPart> CommitBatches(RecordBatchReader* rows, const CommitSpec& spec);

}  // namespace tessera::offline
