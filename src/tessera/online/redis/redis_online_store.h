// RedisOnlineStore: the OnlineStore on a standalone Redis server, through
// hiredis (key layout in redis_layout.h and docs/FORMATS.md).
//
// Reads and writes are pipelined: a batch sends all its commands (in chunks
// of kMaxPipeline) before reading the replies, so a batch costs about one
// round trip per chunk. The tie-break of Write runs on the server in one
// Lua script per row (loaded once per connection with SCRIPT LOAD, called
// with EVALSHA, loaded again on NOSCRIPT), so concurrent writers from any
// number of processes keep the winning row: Redis runs each script call
// atomically. CompareAndWrite runs the same script in its compare-and-set
// mode (redis_script.h), sending the expected stored value along.
//
// Failures: a server that is down, stopped or unreachable gives Unavailable
// naming the address within the configured timeouts; a connection the
// server closed (a restart) is dropped, and a call that met one on a reused
// connection is retried once on a fresh one, so the first call after a
// restart already succeeds. That retry is safe: a tie-break write is
// idempotent (an equal rank replaces the same bytes), and a
// compare-and-set that landed before the connection broke reports "not
// stored" the second time, so its caller reads the key again.
//
// Thread-safety: as OnlineStore; calls share a RedisPool.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tessera/online/online_store.h"
#include "tessera/online/redis/redis_options.h"
#include "tessera/online/redis/redis_pool.h"

namespace tessera::online::redis {

class RedisOnlineStore final : public OnlineStore {
 public:
  // Commands sent before replies are read; bounds the client's buffers.
  static constexpr size_t kMaxPipeline = 4096;
  // Rows per script call of WriteBulk: bounds how long one call holds the
  // server (it runs scripts one at a time).
  static constexpr size_t kMaxScriptKeys = 128;

  // Connects to nothing yet (the first call does). InvalidArgument for a
  // project name that cannot be part of a key (DESIGN's names always can).
  static Result<std::unique_ptr<RedisOnlineStore>> Open(RedisOptions options, std::string project);

  Result<int64_t> Write(const ViewId& view, std::span<const OnlineWrite> rows) override;
  // Write's contract, many rows per script call: the rows grouped by hash
  // slot (Redis Cluster's: a call never spans two), up to kMaxScriptKeys
  // per call, in call order within a group, the calls pipelined.
  Result<int64_t> WriteBulk(const ViewId& view, std::span<const OnlineWrite> rows) override;
  Status CompareAndWrite(const ViewId& view, std::span<const OnlineCompareWrite> rows,
                         std::vector<uint8_t>* stored) override;
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

  // One row's arguments to the write script (redis_script.h): its hash,
  // the value to store and, for a compare-and-set, the value expected.
  struct WriteArgs {
    std::string key;
    std::string value;
    std::optional<std::string> expected;
  };
  // Runs the write script for rows 0..n-1 (make_args(i, &args) fills row
  // i's arguments) in one pipeline; (*results)[i] is 1 when row i was stored.
  Status EvalWriteChunk(RedisConnection& connection, const std::string& field, size_t n,
                        const std::function<void(size_t, WriteArgs*)>& make_args,
                        std::vector<uint8_t>* results);
  // Sends append(i) for every i in [0, n) in one pipeline (each appends one
  // EVALSHA of the write script), then reads the replies: on_reply(i, v)
  // for each integer reply v. Reloads the script on NOSCRIPT (see .cc).
  Status EvalPipelined(RedisConnection& connection, size_t n,
                       const std::function<void(size_t)>& append,
                       const std::function<void(size_t, long long)>& on_reply);
  Status DeleteScanPage(RedisConnection& connection, const std::string& field, std::string* cursor);

  RedisPool pool_;
  const std::string project_;
};

}  // namespace tessera::online::redis
