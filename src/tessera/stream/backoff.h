// Backoff: the waits between retries of a failing step (a Redis command, a
// sink apply): 50 ms, doubling, at most 1 s; Reset() after a success.
//
// Thread-safety: none; each retrying thread owns one.
#pragma once

#include <algorithm>
#include <chrono>

namespace tessera::stream {

class Backoff {
 public:
  static constexpr std::chrono::milliseconds kFirst{50};
  static constexpr std::chrono::milliseconds kMax{1000};

  // The wait before the next retry.
  std::chrono::milliseconds Next() {
    const std::chrono::milliseconds wait = next_;
    next_ = std::min(next_ * 2, kMax);
    return wait;
  }
  void Reset() { next_ = kFirst; }

 private:
  std::chrono::milliseconds next_ = kFirst;
};

}  // namespace tessera::stream
