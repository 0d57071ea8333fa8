// Small pieces the serving benchmarks' load tools share (freshness.cc,
// stream_load.cc): time conversions, RFC 3339 text, percentiles, and the
// counts in a /get-online-features answer. Header-only, like
// http_client.h.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

namespace tessera_bench {

using Clock = std::chrono::steady_clock;

inline Clock::duration Seconds(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

inline int64_t Micros(Clock::duration d) {
  return std::chrono::duration_cast<std::chrono::microseconds>(d).count();
}

// RFC 3339 UTC with microseconds, as the server reads timestamps.
inline std::string Rfc3339(std::chrono::system_clock::time_point t) {
  int64_t us = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(us / 1000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char out[64];
  std::snprintf(out, sizeof(out), "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(us % 1000000));
  return out;
}

// The counts in a /get-online-features answer for one feature: the values
// of the second result (the first is the join key), -1 for a value that
// is not a whole number. Empty when the answer has no second result.
inline std::vector<int64_t> CountsIn(const std::string& body) {
  const std::string marker = "\"values\":[";
  std::vector<int64_t> counts;
  size_t first = body.find(marker);
  if (first == std::string::npos) return counts;
  size_t second = body.find(marker, first + marker.size());
  if (second == std::string::npos) return counts;
  for (const char* p = body.c_str() + second + marker.size(); *p != ']' && *p != '\0';) {
    char* end = nullptr;
    long long v = std::strtoll(p, &end, 10);
    counts.push_back(end == p ? -1 : v);
    p = end == p ? p + 1 : end;
    while (*p != ',' && *p != ']' && *p != '\0') ++p;
    if (*p == ',') ++p;
  }
  return counts;
}

inline double Pct(const std::vector<int64_t>& sorted, double p) {
  if (sorted.empty()) return -1;
  size_t i = static_cast<size_t>(p / 100.0 * static_cast<double>(sorted.size()));
  return static_cast<double>(sorted[std::min(i, sorted.size() - 1)]);
}

}  // namespace tessera_bench
