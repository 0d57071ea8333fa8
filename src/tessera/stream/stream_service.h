// StreamService: runs one StreamConsumer per streamed push source of a
// feature repo (the `stream:` blocks applied to its registry), each feeding
// the facade's push path (FeatureStore::Push, online and offline: the
// source log first, then online rows and window state), so a streamed event
// takes exactly the path of a pushed one (issue 11; docs/STREAMS.md).
//
// What `tessera serve --stream` runs inside the server and `tessera stream`
// runs standalone.
//
// Thread-safety: Start/Stop from one thread; Statuses() from any.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tessera/core/result.h"
#include "tessera/feature_store.h"
#include "tessera/stream/stream_consumer.h"

namespace tessera::stream {

struct StreamServiceOptions {
  // This process's name in every consumer group; "" means
  // DefaultConsumerName(). Stable across restarts, so a restarted process
  // resumes its own pending entries.
  std::string consumer;
  // Only these push sources ("" or empty: every streamed source).
  std::vector<std::string> sources;
  int batch_size = 1000;
  int queue_batches = 8;
  int64_t max_apply_rows = 20000;
  int64_t min_commit_interval_ms = 5;  // ConsumerOptions
  int64_t block_ms = 100;
  int64_t claim_idle_ms = 30000;
  int64_t claim_interval_ms = 5000;
  // Messages of the consumers (outages, sink failures); may be empty.
  std::function<void(const std::string&)> log;
  // When set, the service writes its status file there (stream_status.h
  // WriteStatusFile, named after the consumer) about once a second and at
  // Stop; StatusDir(repo) is what `tessera stream --status` reads.
  std::string status_dir;
  // Background compaction of the consumed sources' logs (MaintainLoop).
  // Off, small parts pile up until `tessera compact` runs.
  bool compact_logs = true;
  Env* env = Env::Default();  // the status file's I/O and the clock
};

// "tessera-<hostname>".
std::string DefaultConsumerName();

// The options of a StreamedSource's stream: its Redis URL parsed (timeouts
// as the online store's defaults), key, group and `consumer`.
// InvalidArgument "source 'x': stream url '...': reason".
Result<StreamAddress> AddressOf(const StreamedSource& source, const std::string& consumer);

class StreamService {
 public:
  // Starts the consumers. NotFound when no applied push source has a stream
  // (or none of options.sources: an unknown name is NotFound with a
  // suggestion); InvalidArgument for a bad stream block; Unavailable when a
  // stream's Redis cannot be reached. On failure nothing keeps running.
  // `store` is not owned and must outlive the service.
  static Result<std::unique_ptr<StreamService>> Start(FeatureStore* store,
                                                      const StreamServiceOptions& options);
  ~StreamService();  // Stop()

  // Stops every consumer (each finishes and acknowledges its batch in
  // flight). Idempotent.
  void Stop();

  std::vector<StreamStatus> Statuses() const;

 private:
  StreamService() = default;
  // Once a second until Stop: the status file, then the background
  // compaction of each consumed source's log (FeatureStore::
  // CompactLogIfNeeded), so many small commits do not pile up as parts.
  void MaintainLoop();
  void CompactLogs();
  Status WriteStatus() const;

  struct Running;
  std::vector<std::unique_ptr<Running>> running_;
  StreamServiceOptions options_;
  std::string consumer_;
  std::mutex mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  FeatureStore* store_ = nullptr;
  std::thread maintainer_;
};

}  // namespace tessera::stream
