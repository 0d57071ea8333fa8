// How consumers' statuses (stream_consumer.h StreamStatus) are shown
// outside the server (GET /metrics renders them in serving/metrics.h): a
// table for `tessera stream --status`,
// and the status file through which a running `tessera stream` or
// `tessera serve --stream` tells `--status` what it is doing
// (docs/STREAMS.md, "Status and metrics").
//
// Status files: `<repo>/data/streams/<consumer>.json`, rewritten atomically
// about once a second by the process running the consumers:
//   {"format_version": 1, "pid": 123, "updated_at": micros UTC,
//    "streams": [{"source", "stream", "group", "consumer", "connected",
//                 "last_error", "entries_read", "entries_claimed",
//                 "events_applied", "rejected", "too_old", "duplicates",
//                 "batches", "queued_batches", "lag_entries", "lag_seconds",
//                 "freshness_counts": [...], "freshness_sum_seconds"}, ...]}
//
// Thread-safety: pure functions, except the files' I/O.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tessera/core/env.h"
#include "tessera/core/result.h"
#include "tessera/stream/stream_consumer.h"

namespace tessera::stream {

// One process's status file.
struct StatusFile {
  std::string path;
  int64_t pid = 0;
  int64_t updated_at = 0;  // micros UTC
  std::vector<StreamStatus> streams;
};

std::string StatusFileJson(int64_t pid, int64_t updated_at,
                           const std::vector<StreamStatus>& statuses);
// Corruption "<origin>: reason" when `text` is not a status file.
Result<StatusFile> ParseStatusFile(const std::string& text, const std::string& origin);

// "<repo_dir>/data/streams".
std::string StatusDir(const std::string& repo_dir);
// Writes `<dir>/<consumer>.json` atomically (creating `dir`).
Status WriteStatusFile(Env* env, const std::string& dir, const std::string& consumer, int64_t pid,
                       const std::vector<StreamStatus>& statuses);
// Every status file of `dir`, by path; none when `dir` does not exist. A
// file that does not parse is skipped and named in *unreadable.
Result<std::vector<StatusFile>> ReadStatusFiles(Env* env, const std::string& dir,
                                                std::vector<std::string>* unreadable);

// `tessera stream --status`'s table: one row per stream of every file, with
// the file's age at `now` and whether its process is still alive.
std::string StatusTable(const std::vector<StatusFile>& files, int64_t now);

}  // namespace tessera::stream
