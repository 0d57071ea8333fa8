// StreamApplier: a StreamConsumer's applying thread (stream_consumer.h).
//
// Takes every queued batch (up to max_apply_rows good rows) as one group
// and, in this order: applies the group's good rows with ONE
// EventSink::Apply (group commit), writes its rejected entries to the
// dead-letter stream, acknowledges all its entries. A failing step is
// retried with backoff and the next step never runs before it succeeded,
// so an acknowledged entry is always applied (or dead-lettered). Once the
// consumer is stopping, a failing step is not retried: the group's entries
// stay pending and come back at the next start.
//
// Thread-safety: Run() on one thread; owns its client.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tessera/stream/backoff.h"
#include "tessera/stream/consumer_shared.h"
#include "tessera/stream/redis_stream_client.h"

namespace tessera::stream {

class StreamApplier {
 public:
  StreamApplier(ConsumerShared* shared, std::unique_ptr<RedisStreamClient> client);

  // Applies groups until the queue is closed.
  void Run();

 private:
  // Applies, dead-letters and acknowledges `group`; false when it gave up
  // (stopping).
  bool Finish(const std::vector<QueuedBatch>& group);
  // The group's good rows applied; false when it gave up.
  bool ApplyRows(const std::vector<QueuedBatch>& group, SinkOutcome* outcome);
  // Runs a Redis step until it succeeds; false when it gave up.
  bool RetryRedis(const std::function<Status()>& step);

  ConsumerShared* const shared_;
  std::unique_ptr<RedisStreamClient> client_;
};

// The good rows of `group`, in order, as one batch; null when there are
// none.
Result<RecordBatchPtr> MergeRows(const std::vector<QueuedBatch>& group);

}  // namespace tessera::stream
