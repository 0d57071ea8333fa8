#include "tessera/stream/outage_log.h"

#include <cstdio>

namespace tessera::stream {

OutageLog::OutageLog(std::string stream, std::string address,
                     std::function<void(const std::string&)> log)
    : stream_(std::move(stream)), prefix_("redis " + address + ": "), log_(std::move(log)) {}

std::string OutageLog::Reason(const Status& status) const {
  const std::string& message = status.message();
  if (message.starts_with(prefix_)) return message.substr(prefix_.size());
  return message;
}

void OutageLog::Log(const std::string& message) const {
  if (log_) log_(message);
}

void OutageLog::Failed(const Status& status) {
  std::string message;
  {
    std::lock_guard lock(mu_);
    last_error_ = Reason(status);
    if (!connected_) return;
    connected_ = false;
    lost_at_ = std::chrono::steady_clock::now();
    message = stream_ + ": connection lost: " + last_error_ + "; retrying";
  }
  Log(message);
}

void OutageLog::Succeeded() {
  std::string message;
  {
    std::lock_guard lock(mu_);
    if (connected_) return;
    connected_ = true;
    last_error_.clear();
    const std::chrono::duration<double> outage = std::chrono::steady_clock::now() - lost_at_;
    char seconds[32];
    std::snprintf(seconds, sizeof(seconds), "%.1f", outage.count());
    message = stream_ + ": reconnected after " + seconds + " s";
  }
  Log(message);
}

bool OutageLog::connected() const {
  std::lock_guard lock(mu_);
  return connected_;
}

std::string OutageLog::last_error() const {
  std::lock_guard lock(mu_);
  return last_error_;
}

}  // namespace tessera::stream
