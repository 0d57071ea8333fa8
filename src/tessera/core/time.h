// Time in Tessera: a timestamp is int64 microseconds since
// 1970-01-01T00:00:00Z (UTC); a duration is int64 microseconds. Timestamps
// without a zone are UTC (DESIGN.md section 3). All functions are pure and
// thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "tessera/core/result.h"

namespace tessera {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kMicrosPerMinute = 60 * kMicrosPerSecond;
constexpr int64_t kMicrosPerHour = 60 * kMicrosPerMinute;
constexpr int64_t kMicrosPerDay = 24 * kMicrosPerHour;

// a / b rounded toward negative infinity (C++ division truncates toward
// zero): FloorDiv(-1, 1000) == -1. REQUIRES: b != 0, and not
// (a == INT64_MIN && b == -1).
constexpr int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

// Days since 1970-01-01 of a proleptic Gregorian date (month 1-12).
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);
struct CivilDate {
  int64_t year;
  unsigned month;  // 1-12
  unsigned day;    // 1-31
};
CivilDate CivilFromDays(int64_t days);

// "2024-03-01T12:00:00.000000Z": RFC 3339, UTC, always six fraction digits.
std::string FormatTimestamp(int64_t micros);
// The same text written into `out` (no NUL added), for callers that append
// many timestamps (the serving response) without a string per timestamp.
// Returns its length: 27 for years 0-9999, at most kMaxTimestampChars.
constexpr size_t kMaxTimestampChars = 32;
size_t FormatTimestampTo(int64_t micros, char (&out)[kMaxTimestampChars]);

// ISO-8601 / RFC 3339: "2024-03-01", "2024-03-01T12:00", "2024-03-01 12:00:00",
// "2024-03-01T12:00:00.5", up to 9 fraction digits (truncated to micros),
// with an optional zone "Z", "+02:00", "-0530" or "+02". No zone means UTC.
Result<int64_t> ParseTimestamp(std::string_view text);

enum class EpochUnit { kSeconds, kMillis, kMicros };
// A decimal integer count of `unit` since the epoch ("1709294400").
Result<int64_t> ParseEpoch(std::string_view text, EpochUnit unit);

// Durations: "0" (none), or a positive integer with unit us, ms, s, m, h, d, w:
// "30s", "15m", "24h", "7d". Combinations are not accepted.
Result<int64_t> ParseDuration(std::string_view text);
// The inverse: the largest unit that divides evenly, days only from 2d up
// ("7d", "24h", "90m", "0").
std::string FormatDuration(int64_t micros);

// The current wall-clock time.
int64_t NowMicros();

}  // namespace tessera
