#include "tessera/cli/progress_line.h"

#include <cstdio>
#include <iostream>

namespace tessera::cli {

ProgressLine::ProgressLine(bool enabled) : enabled_(enabled), start_(Clock::now()) {}

ProgressLine::~ProgressLine() { Done(); }

void ProgressLine::Show(const std::string& stage, int64_t done, int64_t total) {
  if (!enabled_) return;
  auto now = Clock::now();
  if (stage != stage_) {  // a new stage: its own line and rate
    Done();
    stage_ = stage;
    start_ = now;
  }
  if (shown_ && now - last_ < std::chrono::milliseconds(200) && done != total) return;
  last_ = now;
  double seconds = std::chrono::duration<double>(now - start_).count();
  double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
  char line[200];
  if (total > 0) {
    double eta = rate > 0 ? static_cast<double>(total - done) / rate : 0;
    std::snprintf(line, sizeof(line), "\r%s: %lld/%lld rows, %.0f rows/s, ETA %.0fs   ",
                  stage.c_str(), static_cast<long long>(done), static_cast<long long>(total), rate,
                  eta);
  } else {
    std::snprintf(line, sizeof(line), "\r%s: %lld rows, %.0f rows/s   ", stage.c_str(),
                  static_cast<long long>(done), rate);
  }
  std::cerr << line << std::flush;
  shown_ = true;
}

void ProgressLine::Done() {
  if (enabled_ && shown_) std::cerr << "\n";
  shown_ = false;
}

}  // namespace tessera::cli
