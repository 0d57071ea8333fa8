// OutageLog: whether a consumer's Redis answers, shared by its threads, and
// the two messages of an outage: "<stream>: connection lost: <reason>;
// retrying" at the first failure (whichever thread sees it) and
// "<stream>: reconnected after 2.3 s" at the first success after it. The
// reason leaves out the "redis <address>: " prefix the stream name already
// gives.
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <string>

#include "tessera/core/status.h"

namespace tessera::stream {

class OutageLog {
 public:
  // `stream`: RedisStreamClient::Describe(); `address`: the server's
  // "host:port"; `log` may be empty.
  OutageLog(std::string stream, std::string address, std::function<void(const std::string&)> log);

  // A command failed with `status`: starts an outage (logged) or continues it.
  void Failed(const Status& status);
  // A command succeeded: ends the outage, if any (logged).
  void Succeeded();

  bool connected() const;
  // The current outage's reason; empty when connected.
  std::string last_error() const;

 private:
  std::string Reason(const Status& status) const;
  void Log(const std::string& message) const;

  const std::string stream_;
  const std::string prefix_;  // "redis <address>: "
  const std::function<void(const std::string&)> log_;
  mutable std::mutex mu_;
  bool connected_ = true;
  std::string last_error_;
  std::chrono::steady_clock::time_point lost_at_;
};

}  // namespace tessera::stream
