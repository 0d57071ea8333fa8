#include "tessera/core/time.h"

#include <gtest/gtest.h>

#include <ctime>
#include <limits>
#include <optional>
#include <random>

#include "test_seed.h"

namespace tessera {
namespace {

// The value of a parse that must succeed: a failure is reported (with the
// input and status) and yields nullopt, never a dereferenced error.
std::optional<int64_t> Ok(const Result<int64_t>& r, std::string_view input) {
  if (!r.ok()) {
    ADD_FAILURE() << "'" << input << "': " << r.status().ToString();
    return std::nullopt;
  }
  return *r;
}
std::optional<int64_t> Ts(std::string_view text) { return Ok(ParseTimestamp(text), text); }
std::optional<int64_t> Dur(std::string_view text) { return Ok(ParseDuration(text), text); }
std::optional<int64_t> Epoch(std::string_view text, EpochUnit unit) {
  return Ok(ParseEpoch(text, unit), text);
}

// Independent oracle: glibc's timegm.
int64_t TimegmMicros(int y, int mo, int d, int h, int mi, int s) {
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return static_cast<int64_t>(timegm(&tm)) * kMicrosPerSecond;
}

TEST(TimeTest, CivilDaysAgreeWithTimegm) {
  const testing::RandomTestParams params(42, 2000);
  SCOPED_TRACE(params.Trace());
  std::mt19937 rng(static_cast<uint32_t>(params.seed));
  std::uniform_int_distribution<int> year(1600, 2600), month(1, 12), day(1, 28);
  for (int i = 0; i < params.iterations; ++i) {
    int y = year(rng), m = month(rng), d = day(rng);
    int64_t days = DaysFromCivil(y, m, d);
    EXPECT_EQ(days * kMicrosPerDay, TimegmMicros(y, m, d, 0, 0, 0)) << y << "-" << m << "-" << d;
    CivilDate back = CivilFromDays(days);
    EXPECT_EQ(back.year, y);
    EXPECT_EQ(back.month, static_cast<unsigned>(m));
    EXPECT_EQ(back.day, static_cast<unsigned>(d));
  }
}

TEST(TimeTest, ParsesIsoForms) {
  const int64_t base = TimegmMicros(2024, 3, 1, 12, 0, 0);
  EXPECT_EQ(Ts("2024-03-01T12:00:00Z"), base);
  EXPECT_EQ(Ts("2024-03-01T12:00:00"), base);  // no zone = UTC
  EXPECT_EQ(Ts("2024-03-01 12:00:00"), base);
  EXPECT_EQ(Ts("2024-03-01T12:00"), base);
  EXPECT_EQ(Ts("2024-03-01T14:00:00+02:00"), base);
  EXPECT_EQ(Ts("2024-03-01T06:30:00-0530"), base);
  EXPECT_EQ(Ts("2024-03-01T13:00:00+01"), base);
  EXPECT_EQ(Ts("2024-03-01"), TimegmMicros(2024, 3, 1, 0, 0, 0));
  EXPECT_EQ(Ts("2024-03-01T12:00:00.5Z"), base + 500000);
  EXPECT_EQ(Ts("2024-03-01T12:00:00.000123Z"), base + 123);
  EXPECT_EQ(Ts("2024-03-01T12:00:00.123456789Z"), base + 123456);  // truncated
  EXPECT_EQ(Ts("1969-12-31T23:59:59.999999Z"), -1);
}

TEST(TimeTest, RejectsMalformedTimestamps) {
  for (const char* bad : {"", "2024", "2024-13-01", "2024-02-30", "2023-02-29", "2024-03-01T25:00",
                          "2024-03-01T12:00:00 UTC", "2024-03-01T12:00:00.Z", "03/01/2024",
                          "2024-03-01T12:00:00+2", "2024-03-01T12:00:00.1234567890"}) {
    auto r = ParseTimestamp(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_NE(r.status().message().find(bad), std::string::npos);
    }
  }
  EXPECT_TRUE(ParseTimestamp("2024-02-29").ok());  // leap year
}

TEST(TimeTest, FormatsRfc3339WithMicros) {
  EXPECT_EQ(FormatTimestamp(0), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(FormatTimestamp(TimegmMicros(2024, 3, 1, 12, 0, 0) + 7), "2024-03-01T12:00:00.000007Z");
  EXPECT_EQ(FormatTimestamp(-1), "1969-12-31T23:59:59.999999Z");
}

// The ends of the int64 range format without overflow (time_parse_fuzz
// found days * kMicrosPerDay overflowing at the low end). Expected strings
// computed outside Tessera: Python's divmod and datetime, shifted into
// datetime's range by whole 400-year cycles of 146097 days.
TEST(TimeTest, FormatsTheEndsOfTheRange) {
  EXPECT_EQ(FormatTimestamp(std::numeric_limits<int64_t>::min()), "-290308-12-21T19:59:05.224192Z");
  EXPECT_EQ(FormatTimestamp(std::numeric_limits<int64_t>::max()), "294247-01-10T04:00:54.775807Z");
}

TEST(TimeTest, FormatThenParseRoundTrips) {
  const testing::RandomTestParams params(7, 5000);
  SCOPED_TRACE(params.Trace());
  std::mt19937_64 rng(params.seed);
  std::uniform_int_distribution<int64_t> micros(-5'000'000'000'000'000, 5'000'000'000'000'000);
  for (int i = 0; i < params.iterations; ++i) {
    int64_t t = micros(rng);
    EXPECT_EQ(Ts(FormatTimestamp(t)), t) << FormatTimestamp(t);
  }
}

TEST(TimeTest, ParsesEpochUnits) {
  EXPECT_EQ(Epoch("1709294400", EpochUnit::kSeconds), 1709294400LL * kMicrosPerSecond);
  EXPECT_EQ(Epoch("1709294400123", EpochUnit::kMillis), 1709294400123LL * 1000);
  EXPECT_EQ(Epoch("-5", EpochUnit::kMicros), -5);
  EXPECT_FALSE(ParseEpoch("12x", EpochUnit::kSeconds).ok());
  EXPECT_FALSE(ParseEpoch("", EpochUnit::kSeconds).ok());
  EXPECT_FALSE(ParseEpoch("9223372036854775807", EpochUnit::kSeconds).ok());  // overflow
}

TEST(TimeTest, ParsesDurations) {
  EXPECT_EQ(Dur("0"), 0);
  EXPECT_EQ(Dur("30s"), 30 * kMicrosPerSecond);
  EXPECT_EQ(Dur("15m"), 15 * kMicrosPerMinute);
  EXPECT_EQ(Dur("24h"), 24 * kMicrosPerHour);
  EXPECT_EQ(Dur("7d"), 7 * kMicrosPerDay);
  EXPECT_EQ(Dur("2w"), 14 * kMicrosPerDay);
  EXPECT_EQ(Dur("250ms"), 250000);
  for (const char* bad :
       {"", "1", "-1h", "0h", "1.5h", "h", "1hour", "1h30m", "99999999999999999d"}) {
    auto r = ParseDuration(bad);
    EXPECT_FALSE(r.ok()) << bad;
  }
}

TEST(TimeTest, FormatsDurationsInTheLargestUnit) {
  EXPECT_EQ(FormatDuration(0), "0");
  EXPECT_EQ(FormatDuration(7 * kMicrosPerDay), "7d");
  EXPECT_EQ(FormatDuration(24 * kMicrosPerHour), "24h");
  EXPECT_EQ(FormatDuration(48 * kMicrosPerHour), "2d");
  EXPECT_EQ(FormatDuration(36 * kMicrosPerHour), "36h");
  EXPECT_EQ(FormatDuration(90 * kMicrosPerMinute), "90m");
  EXPECT_EQ(FormatDuration(1500), "1500us");
  for (const char* d : {"30s", "15m", "7d", "250ms", "3h"}) {
    std::optional<int64_t> micros = Dur(d);
    if (micros) EXPECT_EQ(FormatDuration(*micros), d);
  }
}

// The hand-written formatting of years 0 to 9999 against the C library's
// gmtime_r and snprintf on random instants (an independent reference).
TEST(TimeTest, FormatTimestampMatchesGmtimeOnRandomInstants) {
  std::mt19937_64 rng(20261130);
  const int64_t lo = -62167219200LL;  // 0000-01-01T00:00:00Z, seconds
  const int64_t hi = 253402300799LL;  // 9999-12-31T23:59:59Z
  for (int i = 0; i < 20000; ++i) {
    int64_t secs = lo + static_cast<int64_t>(rng() % static_cast<uint64_t>(hi - lo + 1));
    int64_t frac = static_cast<int64_t>(rng() % 1000000);
    time_t t = static_cast<time_t>(secs);
    struct tm tm {};
    ASSERT_NE(gmtime_r(&t, &tm), nullptr);
    char want[64];
    std::snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<long long>(frac));
    ASSERT_EQ(FormatTimestamp(secs * 1000000 + frac), want) << secs;
  }
}

// FormatTimestampTo writes exactly FormatTimestamp's text (the string is
// made from it, so this checks the buffer's length and contents) at the
// edges of its two paths: the hand-written one (years 0-9999, against
// gmtime_r as above) and snprintf's (before year 0, after 9999, the ends of
// the int64 range; expected strings computed outside Tessera as in
// FormatsTheEndsOfTheRange).
TEST(TimeTest, FormatTimestampToWritesTheTextIntoTheBuffer) {
  auto to = [](int64_t micros) {
    char out[kMaxTimestampChars];
    return std::string(out, FormatTimestampTo(micros, out));
  };
  const int64_t year0 = -62167219200LL * kMicrosPerSecond;      // 0000-01-01T00:00:00Z
  const int64_t year10000 = 253402300800LL * kMicrosPerSecond;  // 10000-01-01T00:00:00Z
  EXPECT_EQ(to(0), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(to(-1), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(to(year0), "0000-01-01T00:00:00.000000Z");
  EXPECT_EQ(to(year0 - 1), "-001-12-31T23:59:59.999999Z");
  EXPECT_EQ(to(year10000 - 1), "9999-12-31T23:59:59.999999Z");
  EXPECT_EQ(to(year10000), "10000-01-01T00:00:00.000000Z");
  EXPECT_EQ(to(std::numeric_limits<int64_t>::min()), "-290308-12-21T19:59:05.224192Z");
  EXPECT_EQ(to(std::numeric_limits<int64_t>::max()), "294247-01-10T04:00:54.775807Z");
  std::mt19937_64 rng(20261201);
  for (int i = 0; i < 2000; ++i) {
    int64_t secs = static_cast<int64_t>(rng() % 253402300800ULL) - 62167219200LL;
    time_t t = static_cast<time_t>(secs);
    struct tm tm {};
    ASSERT_NE(gmtime_r(&t, &tm), nullptr);
    char want[64];
    std::snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, i * 499 % 1000000);
    ASSERT_EQ(to(secs * 1000000 + i * 499 % 1000000), want) << secs;
  }
}

}  // namespace
}  // namespace tessera
