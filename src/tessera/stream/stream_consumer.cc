#include "tessera/stream/stream_consumer.h"

#include <algorithm>
#include <mutex>
#include <thread>

#include "tessera/stream/consumer_shared.h"
#include "tessera/stream/stream_applier.h"
#include "tessera/stream/stream_reader.h"

namespace tessera::stream {

namespace {

// One start's threads and what they share; destroyed by Stop.
struct Running {
  Running(const ConsumerOptions& options, const EntryConverter& converter, EventSink* sink,
          std::unique_ptr<RedisStreamClient> read_client,
          std::unique_ptr<RedisStreamClient> apply_client, StreamStatus initial)
      : shared(options, converter, sink, read_client->Describe(), std::move(initial)),
        reader(&shared, std::move(read_client)),
        applier(&shared, std::move(apply_client)) {}

  ConsumerShared shared;
  StreamReader reader;
  StreamApplier applier;
  std::thread reader_thread;
  std::thread applier_thread;
};

}  // namespace

struct StreamConsumer::State {
  State(ConsumerOptions options, EntryConverter converter, EventSink* sink)
      : options(std::move(options)), converter(std::move(converter)), sink(sink) {}

  StreamStatus Initial() const {
    StreamStatus status;
    status.source = options.source;
    status.stream = options.address.key;
    status.group = options.address.group;
    status.consumer = options.address.consumer;
    status.connected = true;
    status.freshness_counts.assign(kFreshnessBuckets, 0);
    return status;
  }

  const ConsumerOptions options;
  const EntryConverter converter;
  EventSink* const sink;
  mutable std::mutex mu;             // guards running and stopped (status() reads them)
  std::unique_ptr<Running> running;  // null when stopped
  StreamStatus stopped;              // the last run's final status
};

StreamConsumer::StreamConsumer(ConsumerOptions options, EntryConverter converter, EventSink* sink)
    : state_(std::make_unique<State>(std::move(options), std::move(converter), sink)) {
  state_->stopped = state_->Initial();
  state_->stopped.connected = false;
}

StreamConsumer::~StreamConsumer() { Stop(); }

Status StreamConsumer::Start() {
  if (state_->running != nullptr) return Status::OK();
  const ConsumerOptions& options = state_->options;
  TS_ASSIGN_OR_RETURN(
      std::unique_ptr<RedisStreamClient> read_client,
      RedisStreamClient::Open(options.address, std::max<int64_t>(options.block_ms, 1)));
  TS_RETURN_NOT_OK(read_client->EnsureGroup());
  TS_ASSIGN_OR_RETURN(std::unique_ptr<RedisStreamClient> apply_client,
                      RedisStreamClient::Open(options.address, 0));
  auto running =
      std::make_unique<Running>(options, state_->converter, state_->sink, std::move(read_client),
                                std::move(apply_client), state_->Initial());
  Running* r = running.get();
  r->reader_thread = std::thread([r] { r->reader.Run(); });
  r->applier_thread = std::thread([r] { r->applier.Run(); });
  std::lock_guard lock(state_->mu);
  state_->running = std::move(running);
  return Status::OK();
}

void StreamConsumer::Stop() {
  Running* r = state_->running.get();
  if (r == nullptr) return;
  r->shared.stop.Set();
  const int dropped = r->shared.queue.Close();
  if (dropped > 0) {
    r->shared.Log(r->shared.describe + ": stopping; " + std::to_string(dropped) +
                  " batches read but not applied stay pending for the next start");
  } else {
    r->shared.Log(r->shared.describe + ": stopping");
  }
  r->reader_thread.join();
  r->applier_thread.join();
  StreamStatus last = status();
  last.connected = false;
  last.queued_batches = 0;
  std::lock_guard lock(state_->mu);
  state_->stopped = std::move(last);
  state_->running.reset();
}

StreamStatus StreamConsumer::status() const {
  std::lock_guard lock(state_->mu);
  if (state_->running == nullptr) return state_->stopped;
  const ConsumerShared& shared = state_->running->shared;
  StreamStatus status = shared.board.Snapshot();
  status.connected = shared.outage.connected();
  status.last_error = shared.outage.last_error();
  status.queued_batches = shared.queue.queued();
  return status;
}

}  // namespace tessera::stream
