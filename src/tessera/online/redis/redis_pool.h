// RedisPool: at most pool_size connections to one server, opened on demand
// and reused.
//
// Acquire() hands out an idle connection, or opens a new one while fewer
// than pool_size are open, or waits (at most timeout_ms) for one to come
// back. A Lease returns its connection on destruction, unless it broke: a
// broken connection is closed, so after a server restart the next call
// opens a fresh one (reconnect). Nothing is opened before the first call,
// so a store whose server is down can still be created and answers
// Unavailable until the server comes back.
//
// Thread-safety: Acquire and DropIdle may be called from many threads.
// Leases are used by one thread each and must not outlive the pool.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "tessera/core/result.h"
#include "tessera/online/redis/redis_connection.h"
#include "tessera/online/redis/redis_options.h"

namespace tessera::online::redis {

class RedisPool {
 public:
  class Lease {
   public:
    Lease(RedisPool* pool, std::unique_ptr<RedisConnection> connection, bool reused)
        : pool_(pool), connection_(std::move(connection)), reused_(reused) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();

    RedisConnection* operator->() const { return connection_.get(); }
    RedisConnection& operator*() const { return *connection_; }
    // True when the connection had served earlier calls (it may have gone
    // stale since); false when Acquire opened it.
    bool reused() const { return reused_; }

   private:
    RedisPool* pool_;
    std::unique_ptr<RedisConnection> connection_;
    bool reused_;
  };

  explicit RedisPool(RedisOptions options) : options_(std::move(options)) {}
  RedisPool(const RedisPool&) = delete;
  RedisPool& operator=(const RedisPool&) = delete;

  // A connection for one call; Unavailable when none can be opened or none
  // comes free within timeout_ms.
  Result<Lease> Acquire();

  // Closes every idle connection: after one turned out closed by the
  // server, the others opened before the same restart are stale too.
  void DropIdle();

  const RedisOptions& options() const { return options_; }

 private:
  void Release(std::unique_ptr<RedisConnection> connection);

  const RedisOptions options_;
  std::mutex mu_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<RedisConnection>> idle_;  // guarded by mu_
  int open_ = 0;                                        // idle plus leased; guarded by mu_
};

}  // namespace tessera::online::redis
