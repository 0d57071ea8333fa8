// What a running StreamConsumer's two threads (StreamReader,
// StreamApplier) share: options, converter and sink (borrowed from the
// consumer), the bounded queue, the outage log, the stop signal and the
// counters status() shows.
//
// Thread-safety: every member may be used from both threads.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>

#include "tessera/stream/batch_queue.h"
#include "tessera/stream/outage_log.h"
#include "tessera/stream/stream_consumer.h"

namespace tessera::stream {

// Set once by Stop; sleeps of both threads end at it.
class StopSignal {
 public:
  void Set() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
  }
  bool stopping() const {
    std::lock_guard lock(mu_);
    return stopping_;
  }
  // Sleeps for `wait` unless stopped meanwhile; false when stopping.
  bool SleepFor(std::chrono::milliseconds wait) {
    std::unique_lock lock(mu_);
    return !cv_.wait_for(lock, wait, [this] { return stopping_; });
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
};

// The counters of StreamStatus, updated under one lock.
class StatusBoard {
 public:
  explicit StatusBoard(StreamStatus initial) : status_(std::move(initial)) {
    status_.freshness_counts.assign(kFreshnessBuckets, 0);
  }
  template <typename F>
  void Update(F&& update) {
    std::lock_guard lock(mu_);
    update(status_);
  }
  StreamStatus Snapshot() const {
    std::lock_guard lock(mu_);
    return status_;
  }

 private:
  mutable std::mutex mu_;
  StreamStatus status_;
};

struct ConsumerShared {
  ConsumerShared(const ConsumerOptions& options, const EntryConverter& converter, EventSink* sink,
                 std::string describe, StreamStatus initial)
      : options(options),
        converter(converter),
        sink(sink),
        describe(describe),
        queue(options.queue_batches),
        outage(describe, options.address.redis.Address(), options.log),
        board(std::move(initial)) {}

  void Log(const std::string& message) const {
    if (options.log) options.log(message);
  }

  const ConsumerOptions& options;
  const EntryConverter& converter;
  EventSink* const sink;
  const std::string describe;  // RedisStreamClient::Describe()
  BatchQueue queue;
  OutageLog outage;
  StopSignal stop;
  StatusBoard board;
};

}  // namespace tessera::stream
