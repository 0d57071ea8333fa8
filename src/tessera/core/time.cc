#include "tessera/core/time.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>

namespace tessera {

namespace {

// Days-from-civil arithmetic after the well-known era decomposition: a
// 400-year era has 146097 days, and starting the year in March puts the leap
// day last.
constexpr int64_t kDaysPerEra = 146097;

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// A cursor over the text being parsed.
struct Cursor {
  std::string_view s;
  size_t pos = 0;
  bool Done() const { return pos >= s.size(); }
  char Peek() const { return Done() ? '\0' : s[pos]; }
  bool Eat(char c) {
    if (Peek() != c) return false;
    ++pos;
    return true;
  }
  // Reads exactly n digits.
  bool Digits(int n, int64_t* out) {
    int64_t v = 0;
    for (int i = 0; i < n; ++i) {
      char c = Peek();
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
      ++pos;
    }
    *out = v;
    return true;
  }
};

Status BadTimestamp(std::string_view text, const char* why) {
  return Status::Invalid("invalid timestamp '" + std::string(text) + "': " + why);
}

// Parses "Z", "+HH", "+HH:MM", "+HHMM" into an offset in micros.
bool ParseZone(Cursor* c, int64_t* offset) {
  *offset = 0;
  if (c->Done() || c->Eat('Z') || c->Eat('z')) return true;
  int sign = c->Eat('+') ? 1 : (c->Eat('-') ? -1 : 0);
  if (sign == 0) return false;
  int64_t hh = 0, mm = 0;
  if (!c->Digits(2, &hh)) return false;
  if (!c->Done()) {
    c->Eat(':');
    if (!c->Digits(2, &mm)) return false;
  }
  if (hh > 23 || mm > 59) return false;
  *offset = sign * (hh * kMicrosPerHour + mm * kMicrosPerMinute);
  return true;
}

}  // namespace

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = FloorDiv(y, 400);
  const int64_t yoe = y - era * 400;                                   // [0, 399]
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;  // [0, 365]
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           // [0, 146096]
  return era * kDaysPerEra + doe - 719468;
}

CivilDate CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = FloorDiv(z, kDaysPerEra);
  const int64_t doe = z - era * kDaysPerEra;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const unsigned d = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
  const unsigned m = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (m <= 2), m, d};
}

size_t FormatTimestampTo(int64_t micros, char (&out)[kMaxTimestampChars]) {
  int64_t days = FloorDiv(micros, kMicrosPerDay);
  // The floored remainder, computed without days * kMicrosPerDay, which
  // overflows for the earliest representable days (found by time_parse_fuzz).
  int64_t rem = micros % kMicrosPerDay;
  if (rem < 0) rem += kMicrosPerDay;
  CivilDate date = CivilFromDays(days);
  int64_t secs = rem / kMicrosPerSecond;
  if (date.year >= 0 && date.year <= 9999) {
    // The common case by hand: snprintf was a visible share of a serving
    // response's time (one timestamp per value). Two digits at a time.
    static constexpr auto kPairs = [] {
      std::array<char, 200> pairs{};
      for (int i = 0; i < 100; ++i) {
        pairs[2 * i] = static_cast<char>('0' + i / 10);
        pairs[2 * i + 1] = static_cast<char>('0' + i % 10);
      }
      return pairs;
    }();
    auto put2 = [&out](int at, int64_t v) {  // REQUIRES: 0 <= v < 100
      std::memcpy(out + at, kPairs.data() + 2 * v, 2);
    };
    const int64_t frac = rem % kMicrosPerSecond;
    put2(0, date.year / 100);
    put2(2, date.year % 100);
    out[4] = '-';
    put2(5, date.month);
    out[7] = '-';
    put2(8, date.day);
    out[10] = 'T';
    put2(11, secs / 3600);
    out[13] = ':';
    put2(14, secs / 60 % 60);
    out[16] = ':';
    put2(17, secs % 60);
    out[19] = '.';
    put2(20, frac / 10000);
    put2(22, frac / 100 % 100);
    put2(24, frac % 100);
    out[26] = 'Z';
    return 27;
  }
  // Years beyond four digits (or before year 0): at most 7 characters for
  // the year of any int64 of micros, so the text fits with room to spare.
  int n = std::snprintf(out, kMaxTimestampChars, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%06lldZ",
                        static_cast<long long>(date.year), date.month, date.day,
                        static_cast<long long>(secs / 3600), static_cast<long long>(secs / 60 % 60),
                        static_cast<long long>(secs % 60),
                        static_cast<long long>(rem % kMicrosPerSecond));
  return n < 0 ? 0 : std::min<size_t>(static_cast<size_t>(n), kMaxTimestampChars - 1);
}

std::string FormatTimestamp(int64_t micros) {
  char out[kMaxTimestampChars];
  return std::string(out, FormatTimestampTo(micros, out));
}

Result<int64_t> ParseTimestamp(std::string_view text) {
  Cursor c{text};
  int64_t year, month, day, hh = 0, mi = 0, ss = 0, frac = 0;
  if (!c.Digits(4, &year) || !c.Eat('-') || !c.Digits(2, &month) || !c.Eat('-') ||
      !c.Digits(2, &day)) {
    return BadTimestamp(text, "expected YYYY-MM-DD");
  }
  if (month < 1 || month > 12) return BadTimestamp(text, "month out of range");
  if (day < 1 || day > DaysInMonth(year, static_cast<unsigned>(month))) {
    return BadTimestamp(text, "day out of range");
  }
  if (c.Eat('T') || c.Eat('t') || c.Eat(' ')) {
    if (!c.Digits(2, &hh) || !c.Eat(':') || !c.Digits(2, &mi)) {
      return BadTimestamp(text, "expected HH:MM after the date");
    }
    if (c.Eat(':')) {
      if (!c.Digits(2, &ss)) return BadTimestamp(text, "expected two digits of seconds");
      if (c.Eat('.') || c.Eat(',')) {
        int n = 0;
        while (c.Peek() >= '0' && c.Peek() <= '9') {
          if (n < 6) frac = frac * 10 + (c.Peek() - '0');
          ++n;
          ++c.pos;
        }
        if (n == 0 || n > 9) return BadTimestamp(text, "expected 1 to 9 fraction digits");
        for (int i = n; i < 6; ++i) frac *= 10;
      }
    }
    if (hh > 23 || mi > 59 || ss > 60) return BadTimestamp(text, "time of day out of range");
  }
  int64_t offset = 0;
  if (!ParseZone(&c, &offset) || !c.Done()) {
    return BadTimestamp(text, "unexpected text after the time (zone must be Z or +HH:MM)");
  }
  int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return days * kMicrosPerDay + hh * kMicrosPerHour + mi * kMicrosPerMinute +
         ss * kMicrosPerSecond + frac - offset;
}

Result<int64_t> ParseEpoch(std::string_view text, EpochUnit unit) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) {
    return Status::Invalid("invalid epoch time '" + std::string(text) + "'");
  }
  int64_t scale = unit == EpochUnit::kSeconds  ? kMicrosPerSecond
                  : unit == EpochUnit::kMillis ? 1000
                                               : 1;
  int64_t out;
  if (__builtin_mul_overflow(v, scale, &out)) {
    return Status::OutOfRange("epoch time '" + std::string(text) + "' out of range");
  }
  return out;
}

namespace {
struct DurationUnit {
  std::string_view suffix;
  int64_t micros;
};
// Longest suffixes first so "ms" is not read as "m".
constexpr DurationUnit kDurationUnits[] = {
    {"us", 1},
    {"ms", 1000},
    {"s", kMicrosPerSecond},
    {"m", kMicrosPerMinute},
    {"h", kMicrosPerHour},
    {"d", kMicrosPerDay},
    {"w", 7 * kMicrosPerDay},
};
}  // namespace

Result<int64_t> ParseDuration(std::string_view text) {
  if (text == "0") return int64_t{0};
  for (const auto& unit : kDurationUnits) {
    if (text.size() <= unit.suffix.size() || !text.ends_with(unit.suffix)) continue;
    std::string_view digits = text.substr(0, text.size() - unit.suffix.size());
    int64_t n = 0;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    int64_t out = 0;
    bool all_digits = ptr == digits.data() + digits.size() && digits.front() != '-';
    bool overflow = ec == std::errc::result_out_of_range ||
                    (ec == std::errc() && __builtin_mul_overflow(n, unit.micros, &out));
    if (all_digits && overflow) {
      return Status::Invalid("duration '" + std::string(text) + "' is too large (at most " +
                             std::to_string(INT64_MAX / unit.micros) + std::string(unit.suffix) +
                             ")");
    }
    if (ec != std::errc() || !all_digits || n <= 0) break;
    return out;
  }
  return Status::Invalid("invalid duration '" + std::string(text) +
                         "' (expected 0 or a positive integer with a unit: 30s, 15m, 24h, 7d)");
}

std::string FormatDuration(int64_t micros) {
  if (micros == 0) return "0";
  // Days at most ("7d" reads better than "1w"), and only from two days
  // up, so a day-long window keeps the name users write: amount_sum_24h.
  for (int i = static_cast<int>(std::size(kDurationUnits)) - 2; i >= 0; --i) {
    const auto& unit = kDurationUnits[i];
    if (unit.micros == kMicrosPerDay && micros < 2 * kMicrosPerDay) continue;
    if (micros % unit.micros == 0) {
      return std::to_string(micros / unit.micros) + std::string(unit.suffix);
    }
  }
  return std::to_string(micros) + "us";
}

int64_t NowMicros() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace tessera
