// How consumers' statuses (stream_consumer.h StreamStatus) are shown:
// Prometheus text for GET /metrics, a table for `tessera stream --status`,
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

// The metrics, appended to `out` (label values escaped as Prometheus wants):
//   tessera_stream_connected{source,stream,group,consumer}        gauge 0/1
//   tessera_stream_lag_entries{...}                               gauge
//   tessera_stream_lag_seconds{...}                               gauge
//   tessera_stream_queued_batches{...}                            gauge
//   tessera_stream_entries_read_total{...}                        counter
//   tessera_stream_entries_claimed_total{...}                     counter
//   tessera_stream_events_applied_total{...}                      counter
//   tessera_stream_rejected_total{...}                            counter
//   tessera_stream_too_old_total{...}                             counter
//   tessera_stream_duplicates_total{...}                          counter
//   tessera_stream_commits_total{...}                             counter
//   tessera_stream_freshness_seconds{...}                         histogram
// Events per second are rate(tessera_stream_events_applied_total[1m]).
void RenderStreamMetrics(const std::vector<StreamStatus>& statuses, std::string* out);

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
