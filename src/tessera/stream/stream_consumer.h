// StreamConsumer: consumes one Redis stream for one push source through a
// consumer group and applies its entries through an EventSink (issue 11;
// docs/STREAMS.md).
//
// Threads: a reader and an applier, joined by a bounded queue of batches.
//  - The reader first re-reads this consumer's own pending entries (a
//    restart resumes where it stopped), then loops: XREADGROUP new entries
//    (batch_size, block_ms); every claim_interval_ms, XAUTOCLAIM entries
//    idle for claim_idle_ms at other (dead) consumers. Each batch is
//    converted (EntryConverter) and queued. When the queue holds
//    queue_batches batches the reader waits: it never reads what it cannot
//    apply, and nothing is dropped for being fast (back-pressure).
//  - The applier takes every queued batch (up to max_apply_rows rows) as
//    ONE EventSink::Apply (one commit to the source log: group commit), then
//    writes the rejected entries to the dead-letter stream, then XACKs the
//    batch's entries (good and rejected). So an acknowledged entry is in the
//    log and applied online; an entry applied but not acknowledged (a crash
//    in between) is delivered again, and the sink drops it by its event id.
//    A sink failure is retried (with backoff) and never acknowledged.
// Redis going away: every command failure is logged once per outage
// ("... connection lost: reason; retrying"), retried with backoff (up to 1 s),
// and "... reconnected after 2.3 s" when it answers again.
//
// Thread-safety: Start/Stop from one thread; status() from any.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tessera/core/env.h"
#include "tessera/core/record_batch.h"
#include "tessera/core/result.h"
#include "tessera/stream/entry_rows.h"
#include "tessera/stream/redis_stream_client.h"

namespace tessera::stream {

// What the sink did with one batch (FeatureStore::Push's counts).
struct SinkOutcome {
  int64_t applied = 0;     // rows committed to the log (after duplicates)
  int64_t too_old = 0;     // older than every window: logged, not served
  int64_t duplicates = 0;  // dropped: their event_id was committed before
};

// Where a consumer's rows go: the facade's push path in production, a
// recording fake in tests.
class EventSink {
 public:
  virtual ~EventSink() = default;
  // Applies `rows` (the push source's columns) all or nothing.
  virtual Result<SinkOutcome> Apply(const RecordBatch& rows) = 0;
};

// Freshness (now - event time at apply) buckets, milliseconds, upper
// bounds; the last bucket counts everything above.
inline constexpr int64_t kFreshnessBucketsMs[] = {1,   2,   5,    10,   20,   50,    100,
                                                  200, 500, 1000, 2000, 5000, 10000, 60000};
inline constexpr size_t kFreshnessBuckets = sizeof(kFreshnessBucketsMs) / sizeof(int64_t) + 1;

// A consumer's counters (since its start) and last known lag.
struct StreamStatus {
  std::string source;  // the push source
  std::string stream;  // the stream key
  std::string group;
  std::string consumer;
  bool connected = false;
  std::string last_error;       // the current outage's reason, else empty
  int64_t entries_read = 0;     // delivered to this consumer (new, pending, claimed)
  int64_t entries_claimed = 0;  // of those, claimed from other consumers
  int64_t events_applied = 0;
  int64_t rejected = 0;  // written to the dead-letter stream
  int64_t too_old = 0;
  int64_t duplicates = 0;
  int64_t batches = 0;  // sink applies (log commits)
  int64_t queued_batches = 0;
  // XINFO lag of the group (-1 unknown) and now - the oldest undelivered
  // entry's time (0 when none), refreshed about once a second.
  int64_t lag_entries = 0;
  double lag_seconds = 0;
  // Freshness histogram: counts per kFreshnessBucketsMs bucket, and sum.
  std::vector<int64_t> freshness_counts;  // kFreshnessBuckets
  double freshness_sum_seconds = 0;
};

struct ConsumerOptions {
  StreamAddress address;
  std::string source;              // the push source the stream feeds
  int batch_size = 1000;           // XREADGROUP COUNT
  int queue_batches = 8;           // bound of the queue between reader and applier
  int64_t max_apply_rows = 20000;  // rows per sink apply at most
  // The applier starts a sink apply at most this often (ms; 0: as soon as
  // a batch is queued): what arrives meanwhile joins the group. At 10k
  // events/s on 2 cores, 5 ms took freshness p99 from 63-67 ms to 29 ms
  // (docs/PERFORMANCE.md, "Stream ingestion").
  int64_t min_commit_interval_ms = 5;
  int64_t block_ms = 100;
  int64_t claim_idle_ms = 30000;  // XAUTOCLAIM min idle time
  int64_t claim_interval_ms = 5000;
  Env* env = Env::Default();  // the clock (freshness)
  // Messages (connection lost, reconnected, a sink failure); may be empty.
  std::function<void(const std::string&)> log;
};

class StreamConsumer {
 public:
  // `sink` is not owned and must outlive the consumer.
  StreamConsumer(ConsumerOptions options, EntryConverter converter, EventSink* sink);
  ~StreamConsumer();  // Stop()
  StreamConsumer(const StreamConsumer&) = delete;
  StreamConsumer& operator=(const StreamConsumer&) = delete;

  // Connects, creates the group when missing and starts the threads.
  // Unavailable when Redis cannot be reached at start (a later outage is
  // retried, not returned).
  Status Start();

  // Stops reading, finishes (and acknowledges) the batch being applied and
  // joins the threads. Queued but unapplied batches stay pending in Redis
  // and are read again by the next start. Idempotent.
  void Stop();

  StreamStatus status() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace tessera::stream
