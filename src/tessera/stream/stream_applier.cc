#include "tessera/stream/stream_applier.h"

#include <chrono>
#include <thread>

#include "tessera/expr/eval_util.h"
#include "tessera/stream/freshness.h"

namespace tessera::stream {

Result<RecordBatchPtr> MergeRows(const std::vector<QueuedBatch>& group) {
  std::vector<RecordBatchPtr> parts;
  for (const QueuedBatch& batch : group) {
    if (batch.good_rows() > 0) parts.push_back(batch.rows.rows);
  }
  if (parts.empty()) return RecordBatchPtr();
  if (parts.size() == 1) return parts[0];
  const SchemaPtr& schema = parts[0]->schema();
  std::vector<ArrayPtr> columns;
  for (int c = 0; c < parts[0]->num_columns(); ++c) {
    std::vector<ArrayPtr> pieces;
    for (const RecordBatchPtr& part : parts) pieces.push_back(part->column(c));
    TS_ASSIGN_OR_RETURN(ArrayPtr column, expr::Concat(pieces));
    columns.push_back(std::move(column));
  }
  return RecordBatch::Make(schema, std::move(columns));
}

StreamApplier::StreamApplier(ConsumerShared* shared, std::unique_ptr<RedisStreamClient> client)
    : shared_(shared), client_(std::move(client)) {}

void StreamApplier::Run() {
  // Commits at most every min_commit_interval_ms: the entries that arrive
  // meanwhile join the next group, so fewer, larger commits share the
  // machine with the rest (a few ms of freshness for a shorter tail).
  const auto interval = std::chrono::milliseconds(shared_->options.min_commit_interval_ms);
  auto next = std::chrono::steady_clock::now();
  while (true) {
    std::this_thread::sleep_until(next);
    std::vector<QueuedBatch> group = shared_->queue.TakeGroup(shared_->options.max_apply_rows);
    next = std::chrono::steady_clock::now() + interval;
    if (group.empty()) return;  // closed: stopping
    Finish(group);
    shared_->queue.Release(group);
  }
}

bool StreamApplier::Finish(const std::vector<QueuedBatch>& group) {
  SinkOutcome outcome;
  if (!ApplyRows(group, &outcome)) return false;
  const int64_t now_micros = shared_->options.env->NowMicros();
  std::vector<int64_t> freshness(kFreshnessBuckets, 0);
  double freshness_seconds = 0;
  std::vector<RejectedEntry> rejected;
  std::vector<std::string> ids;
  for (const QueuedBatch& batch : group) {
    RecordFreshness(batch.rows.event_micros, now_micros, &freshness, &freshness_seconds);
    rejected.insert(rejected.end(), batch.rows.rejected.begin(), batch.rows.rejected.end());
    ids.insert(ids.end(), batch.ids.begin(), batch.ids.end());
  }
  shared_->board.Update([&](StreamStatus& s) {
    s.events_applied += outcome.applied;
    s.too_old += outcome.too_old;
    s.duplicates += outcome.duplicates;
    for (size_t i = 0; i < kFreshnessBuckets; ++i) s.freshness_counts[i] += freshness[i];
    s.freshness_sum_seconds += freshness_seconds;
  });
  // An empty step would count as an answer from Redis (OutageLog).
  if (!rejected.empty() &&
      !RetryRedis([&] { return client_->DeadLetter(rejected, shared_->options.source); })) {
    return false;
  }
  const auto dead = static_cast<int64_t>(rejected.size());
  shared_->board.Update([&](StreamStatus& s) { s.rejected += dead; });
  return RetryRedis([&] { return client_->Ack(ids); });
}

bool StreamApplier::ApplyRows(const std::vector<QueuedBatch>& group, SinkOutcome* outcome) {
  Result<RecordBatchPtr> rows = MergeRows(group);
  if (rows.ok() && *rows == nullptr) return true;  // every entry was rejected
  Backoff backoff;
  for (int attempt = 1;; ++attempt) {
    Result<SinkOutcome> applied =
        rows.ok() ? shared_->sink->Apply(**rows) : Result<SinkOutcome>(rows.status());
    if (applied.ok()) {
      *outcome = *applied;
      shared_->board.Update([](StreamStatus& s) { ++s.batches; });
      if (attempt > 1) {
        shared_->Log(shared_->describe + ": applying succeeded after " + std::to_string(attempt) +
                     " attempts");
      }
      return true;
    }
    if (attempt == 1) {
      shared_->Log(shared_->describe + ": applying failed: " + applied.status().message() +
                   "; retrying (the entries stay unacknowledged)");
    }
    if (shared_->stop.stopping() || !shared_->stop.SleepFor(backoff.Next())) return false;
    if (!rows.ok()) rows = MergeRows(group);
  }
}

bool StreamApplier::RetryRedis(const std::function<Status()>& step) {
  Backoff backoff;
  while (true) {
    Status status = step();
    if (status.ok()) {
      shared_->outage.Succeeded();
      return true;
    }
    shared_->outage.Failed(status);
    if (shared_->stop.stopping() || !shared_->stop.SleepFor(backoff.Next())) return false;
  }
}

}  // namespace tessera::stream
