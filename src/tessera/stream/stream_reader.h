// StreamReader: a StreamConsumer's reading thread (stream_consumer.h).
//
// Each step does one thing, in this priority: refresh the group's lag
// (about once a second), wait for room in the queue, re-read this
// consumer's own pending entries (at start and after any failure, so
// entries delivered but lost on the way are not left behind), claim idle
// entries of other consumers (every claim_interval_ms, page by page until
// XAUTOCLAIM's scan goes round), else read new entries. Entries already in
// the queue are never queued twice. A failed step is logged as an outage
// and retried after a backoff.
//
// Thread-safety: Run() on one thread; owns its client.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "tessera/stream/backoff.h"
#include "tessera/stream/consumer_shared.h"
#include "tessera/stream/redis_stream_client.h"

namespace tessera::stream {

class StreamReader {
 public:
  StreamReader(ConsumerShared* shared, std::unique_ptr<RedisStreamClient> client);

  // Reads until shared->stop is set.
  void Run();

 private:
  using Clock = std::chrono::steady_clock;

  Status Step();
  Status RefreshLag();
  Status ReadPendingPage();
  Status ClaimPage();
  Status ReadNew();
  // Converts and queues the entries the queue does not hold yet.
  Status Queue(std::vector<StreamEntry> entries, bool claimed);

  ConsumerShared* const shared_;
  std::unique_ptr<RedisStreamClient> client_;
  Backoff backoff_;
  bool resume_pending_ = true;  // re-read own pending entries before new ones
  std::string pending_after_ = "0";
  bool claiming_ = false;  // an XAUTOCLAIM scan is under way
  std::string claim_start_ = "0-0";
  Clock::time_point next_claim_;
  Clock::time_point next_lag_;
};

}  // namespace tessera::stream
