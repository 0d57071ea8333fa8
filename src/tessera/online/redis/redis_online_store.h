// RedisOnlineStore: the OnlineStore on a standalone Redis server, through
// hiredis (key layout in redis_layout.h and docs/FORMATS.md).
//
// Reads and writes are pipelined: a batch sends all its commands (in chunks
// of kMaxPipeline) before reading the replies, so a batch costs about one
// round trip per chunk. The tie-break of Write runs on the server in one
// Lua script per row (loaded once per connection with SCRIPT LOAD, called
// with EVALSHA, loaded again on NOSCRIPT), so concurrent writers from any
// number of processes keep the winning row: Redis runs each script call
// atomically.
//
// Failures: a server that is down, stopped or unreachable gives Unavailable
// naming the address within the configured timeouts; a connection the
// server closed (a restart) is dropped, and a call that met one on a reused
// connection is retried once on a fresh one, so the first call after a
// restart already succeeds. Every operation is idempotent, which makes that
// retry safe (an equal rank replaces the same bytes).
//
// Thread-safety: as OnlineStore; calls share a RedisPool.
#pragma once

#include <memory>
#include <string>

#include "tessera/online/online_store.h"
#include "tessera/online/redis/redis_options.h"
#include "tessera/online/redis/redis_pool.h"

namespace tessera::online::redis {

class RedisOnlineStore final : public OnlineStore {
 public:
  // Commands sent before replies are read; bounds the client's buffers.
  static constexpr size_t kMaxPipeline = 4096;

  // Connects to nothing yet (the first call does). InvalidArgument for a
  // project name that cannot be part of a key (DESIGN's names always can).
  static Result<std::unique_ptr<RedisOnlineStore>> Open(RedisOptions options, std::string project);

  Result<int64_t> Write(const ViewId& view, std::span<const OnlineWrite> rows) override;
  Status Read(std::span<const OnlineLookup> lookups,
              std::vector<std::optional<OnlineRow>>* out) override;
  Status DeleteView(const ViewId& view) override;
  Status Ping() override;
  std::string Describe() const override;

 private:
  RedisOnlineStore(RedisOptions options, std::string project)
      : pool_(std::move(options)), project_(std::move(project)) {}

  // Runs fn(RedisConnection&) -> Status on a leased connection, once more
  // on a fresh one when a reused connection turned out closed by the server.
  template <typename Fn>
  Status WithConnection(Fn&& fn);

  Result<int64_t> WriteChunk(RedisConnection& connection, const std::string& field,
                             std::span<const OnlineWrite> rows);
  Status DeleteScanPage(RedisConnection& connection, const std::string& field, std::string* cursor);

  RedisPool pool_;
  const std::string project_;
};

}  // namespace tessera::online::redis
