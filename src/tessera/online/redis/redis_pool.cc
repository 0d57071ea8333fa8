#include "tessera/online/redis/redis_pool.h"

#include <chrono>

namespace tessera::online::redis {

RedisPool::Lease::~Lease() {
  if (connection_ != nullptr) pool_->Release(std::move(connection_));
}

Result<RedisPool::Lease> RedisPool::Acquire() {
  std::unique_lock lock(mu_);
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.timeout_ms);
  while (idle_.empty() && open_ >= options_.pool_size) {
    if (freed_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ >= options_.pool_size) {
      return Status::Unavailable(
          "redis " + options_.Address() + ": all " + std::to_string(options_.pool_size) +
          " connections stayed busy for " + std::to_string(options_.timeout_ms) +
          " ms (raise online_store pool_size in tessera.yaml)");
    }
  }
  if (!idle_.empty()) {
    std::unique_ptr<RedisConnection> connection = std::move(idle_.back());
    idle_.pop_back();
    return Lease(this, std::move(connection), /*reused=*/true);
  }
  ++open_;
  lock.unlock();  // connecting can take up to connect_timeout_ms: not under the lock
  Result<std::unique_ptr<RedisConnection>> connection = RedisConnection::Open(options_);
  if (!connection.ok()) {
    lock.lock();
    --open_;
    freed_.notify_one();
    return connection.status();
  }
  return Lease(this, std::move(*connection), /*reused=*/false);
}

void RedisPool::Release(std::unique_ptr<RedisConnection> connection) {
  std::lock_guard lock(mu_);
  if (connection->broken() || connection->pending() != 0) {
    connection.reset();
    --open_;
  } else {
    idle_.push_back(std::move(connection));
  }
  freed_.notify_one();
}

void RedisPool::DropIdle() {
  std::vector<std::unique_ptr<RedisConnection>> dropped;
  {
    std::lock_guard lock(mu_);
    open_ -= static_cast<int>(idle_.size());
    dropped.swap(idle_);
    freed_.notify_all();
  }
}

}  // namespace tessera::online::redis
