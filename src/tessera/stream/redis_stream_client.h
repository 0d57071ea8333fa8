// RedisStreamClient: the Redis Streams commands a consumer of a consumer
// group needs (issue 11), over one hiredis connection
// (online/redis/redis_connection.h) that it reopens after a failure.
//
// Every call either succeeds or returns Unavailable naming the server
// ("redis 127.0.0.1:6379: ...") after dropping the broken connection; the
// next call connects again (at most once per call; the caller decides how
// long to back off). Replies of an unexpected shape are IOError naming the
// command. Waits are bounded: the connection's timeout_ms is raised to
// cover a blocking read's block_ms.
//
// Thread-safety: none; one thread at a time (the consumer gives each of
// its threads its own client).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "tessera/core/result.h"
#include "tessera/online/redis/redis_options.h"
#include "tessera/stream/entry_rows.h"
#include "tessera/stream/stream_entry.h"

namespace tessera::online::redis {
class RedisConnection;
}

namespace tessera::stream {

struct StreamAddress {
  online::redis::RedisOptions redis;
  std::string key;       // the stream
  std::string group;     // the consumer group
  std::string consumer;  // this consumer's name in the group
};

// XAUTOCLAIM's answer.
struct ClaimResult {
  std::string next_start;            // "0-0" when the scan went round
  std::vector<StreamEntry> entries;  // claimed, now pending for this consumer
  std::vector<std::string> deleted;  // pending ids whose entry is gone
};

// XINFO GROUPS for this group, plus the age of the oldest entry not yet
// delivered to it.
struct GroupInfo {
  int64_t pending = 0;  // delivered, not acknowledged
  // Entries not yet delivered to the group (XINFO's "lag"); -1 when Redis
  // cannot tell (it then reports nil).
  int64_t lag = 0;
  std::string last_delivered_id;
  // Milliseconds (by the entry id) of the oldest entry not yet delivered;
  // 0 when there is none.
  int64_t oldest_undelivered_millis = 0;
  int64_t consumers = 0;
};

class RedisStreamClient {
 public:
  // Connects (Unavailable when it cannot). `block_ms`: the longest a
  // ReadNew waits for entries.
  static Result<std::unique_ptr<RedisStreamClient>> Open(const StreamAddress& address,
                                                         int64_t block_ms);
  ~RedisStreamClient();
  RedisStreamClient(const RedisStreamClient&) = delete;
  RedisStreamClient& operator=(const RedisStreamClient&) = delete;

  // XGROUP CREATE <key> <group> 0 MKSTREAM; an existing group is fine
  // (BUSYGROUP). The group starts at the stream's first entry, so entries
  // added before the first start are consumed too.
  Status EnsureGroup();

  // XREADGROUP GROUP <group> <consumer> COUNT <count> BLOCK <block_ms>
  // STREAMS <key> >: new entries, now pending for this consumer; empty
  // after block_ms without any. A missing group (the stream was deleted)
  // is re-created once and the read retried.
  Result<std::vector<StreamEntry>> ReadNew(int count);

  // This consumer's own pending entries after `after_id` ("0" from the
  // start): XREADGROUP ... STREAMS <key> <after_id>, no BLOCK. Pending
  // entries whose entry was deleted come back with no fields; they are
  // left out here and their ids put in *deleted (to acknowledge).
  Result<std::vector<StreamEntry>> ReadPending(const std::string& after_id, int count,
                                               std::vector<std::string>* deleted);

  // XAUTOCLAIM <key> <group> <consumer> <min_idle_ms> <start> COUNT <count>:
  // entries pending for longer than min_idle_ms at other consumers (dead
  // ones) become this consumer's.
  Result<ClaimResult> AutoClaim(int64_t min_idle_ms, const std::string& start, int count);

  // XACK <key> <group> ids... (none: nothing sent).
  Status Ack(std::span<const std::string> ids);

  // XADD <key>:dead * per rejected entry, in one pipeline: the entry's
  // fields as they came, then `_entry_id` (its id), `_reason`, `_source`
  // (the push source) and `_consumer`.
  Status DeadLetter(std::span<const RejectedEntry> rejected, const std::string& source);

  Result<GroupInfo> Info();

  const StreamAddress& address() const { return address_; }
  // How messages name the stream: "redis 127.0.0.1:6379 stream tx_events
  // group tessera".
  std::string Describe() const;

 private:
  RedisStreamClient(StreamAddress address, int64_t block_ms);
  Status Connect();

  StreamAddress address_;
  int64_t block_ms_;
  std::unique_ptr<online::redis::RedisConnection> connection_;
};

}  // namespace tessera::stream
