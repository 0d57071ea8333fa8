// ProgressLine: one progress line on stderr ("stage: 1200/5000 rows, 830
// rows/s, ETA 5s"), redrawn in place at most every 200 ms, for commands
// that run long (historical, materialize). Disabled (prints nothing) unless
// the caller enables it, which commands do when stderr is a terminal and
// --quiet is not given.
//
// Thread-safety: one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace tessera::cli {

class ProgressLine {
 public:
  explicit ProgressLine(bool enabled);
  ~ProgressLine();

  // Shows `done` of `total` rows (total <= 0: unknown) at `stage`.
  void Show(const std::string& stage, int64_t done, int64_t total);
  // Ends the line (the next output starts on a fresh one).
  void Done();

 private:
  using Clock = std::chrono::steady_clock;
  bool enabled_;
  bool shown_ = false;
  std::string stage_;
  Clock::time_point start_;
  Clock::time_point last_;
};

}  // namespace tessera::cli
