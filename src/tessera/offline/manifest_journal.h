// The manifest journal of a source log (source_log.h; LevelDB's MANIFEST,
// Delta Lake's _delta_log): `manifest.log`, an append-only file of framed
// records that follows the checkpoint `manifest.json`. A commit appends one
// record instead of rewriting the checkpoint. docs/FORMATS.md has the byte
// layout:
//
//   record  = u32 body length | u32 CRC-32 of the body | body
//   body    = u8 type | payload            (integers little-endian)
//   type 1  start:  u32 version (1) | i64 base generation | i64 base last_seq
//   type 2  commit: i64 generation | i64 last_seq | i64 first_seq of the part
//                   | i64 last_seq of the part | i64 num_rows
//                   | i64 min_event_ts | i64 max_event_ts | i64 committed_at
//                   | u32 name length | name bytes
//
// A journal starts with one start record naming the checkpoint generation
// it follows; each commit record holds the generation and last_seq after
// it and the part it adds. The checksum is zlib's CRC-32 (the one the
// Parquet pages use, format/parquet/compression.h).
//
// Damage: a record that fails its framing or checksum and reaches the end
// of the file within 4 KiB (or is followed by zero bytes only) is a torn
// tail, the trace of an append cut short: readers ignore it, and the next
// writer replaces the journal before appending. Anything else that fails
// is Corruption "<path>: offset N: reason".
//
// Thread-safety: pure functions over bytes, plus ReadJournal (one read).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/core/env.h"
#include "tessera/offline/source_log.h"

namespace tessera::offline::internal {

// One commit record.
struct JournalCommit {
  int64_t generation = 0;  // of the manifest after this commit
  int64_t last_seq = 0;
  LogPart part;
  uint64_t offset = 0;  // of the record in the file (for messages)
};

// A journal as read: its good records and where they end.
struct Journal {
  bool started = false;  // a whole start record begins the file
  int64_t base_generation = 0;
  int64_t base_last_seq = 0;
  std::vector<JournalCommit> commits;  // generations base + 1, + 2, ...
  uint64_t size = 0;                   // bytes in the file
  uint64_t valid_size = 0;             // bytes of the good records
  // Whether bytes follow the good records (a torn tail).
  bool torn() const { return valid_size < size; }
  // The generation and last_seq after the last good record.
  int64_t generation() const {
    return commits.empty() ? base_generation : commits.back().generation;
  }
  int64_t last_seq() const { return commits.empty() ? base_last_seq : commits.back().last_seq; }
};

std::string EncodeStartRecord(int64_t base_generation, int64_t base_last_seq);
std::string EncodeCommitRecord(int64_t generation, int64_t last_seq, const LogPart& part);

// Parses a journal's bytes; `path` names it in messages.
Result<Journal> ParseJournal(std::string_view bytes, const std::string& path);

// Reads and parses the journal at `path`; nullopt when there is none.
Result<std::optional<Journal>> ReadJournal(Env* env, const std::string& path);

// Applies the commits of `journal` that follow `manifest` (a checkpoint):
// those at or below its generation are skipped (a journal older than the
// checkpoint, left by a crash or read across a checkpoint); the rest must
// continue it (the next generation, seqs above its last_seq, a file it does
// not name), else Corruption naming the journal and the record's offset.
Status ApplyJournal(const Journal& journal, const std::string& path, Manifest* manifest);

}  // namespace tessera::offline::internal
