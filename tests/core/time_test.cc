#include "tessera/core/time.h"

#include <gtest/gtest.h>

#include <ctime>
#include <random>

namespace tessera {
namespace {

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
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> year(1600, 2600), month(1, 12), day(1, 28);
  for (int i = 0; i < 2000; ++i) {
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
  EXPECT_EQ(*ParseTimestamp("2024-03-01T12:00:00Z"), base);
  EXPECT_EQ(*ParseTimestamp("2024-03-01T12:00:00"), base);  // no zone = UTC
  EXPECT_EQ(*ParseTimestamp("2024-03-01 12:00:00"), base);
  EXPECT_EQ(*ParseTimestamp("2024-03-01T12:00"), base);
  EXPECT_EQ(*ParseTimestamp("2024-03-01T14:00:00+02:00"), base);
  EXPECT_EQ(*ParseTimestamp("2024-03-01T06:30:00-0530"), base);
  EXPECT_EQ(*ParseTimestamp("2024-03-01T13:00:00+01"), base);
  EXPECT_EQ(*ParseTimestamp("2024-03-01"), TimegmMicros(2024, 3, 1, 0, 0, 0));
  EXPECT_EQ(*ParseTimestamp("2024-03-01T12:00:00.5Z"), base + 500000);
  EXPECT_EQ(*ParseTimestamp("2024-03-01T12:00:00.000123Z"), base + 123);
  EXPECT_EQ(*ParseTimestamp("2024-03-01T12:00:00.123456789Z"), base + 123456);  // truncated
  EXPECT_EQ(*ParseTimestamp("1969-12-31T23:59:59.999999Z"), -1);
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

TEST(TimeTest, FormatThenParseRoundTrips) {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int64_t> micros(-5'000'000'000'000'000, 5'000'000'000'000'000);
  for (int i = 0; i < 5000; ++i) {
    int64_t t = micros(rng);
    EXPECT_EQ(*ParseTimestamp(FormatTimestamp(t)), t) << FormatTimestamp(t);
  }
}

TEST(TimeTest, ParsesEpochUnits) {
  EXPECT_EQ(*ParseEpoch("1709294400", EpochUnit::kSeconds), 1709294400LL * kMicrosPerSecond);
  EXPECT_EQ(*ParseEpoch("1709294400123", EpochUnit::kMillis), 1709294400123LL * 1000);
  EXPECT_EQ(*ParseEpoch("-5", EpochUnit::kMicros), -5);
  EXPECT_FALSE(ParseEpoch("12x", EpochUnit::kSeconds).ok());
  EXPECT_FALSE(ParseEpoch("", EpochUnit::kSeconds).ok());
  EXPECT_FALSE(ParseEpoch("9223372036854775807", EpochUnit::kSeconds).ok());  // overflow
}

TEST(TimeTest, ParsesDurations) {
  EXPECT_EQ(*ParseDuration("0"), 0);
  EXPECT_EQ(*ParseDuration("30s"), 30 * kMicrosPerSecond);
  EXPECT_EQ(*ParseDuration("15m"), 15 * kMicrosPerMinute);
  EXPECT_EQ(*ParseDuration("24h"), 24 * kMicrosPerHour);
  EXPECT_EQ(*ParseDuration("7d"), 7 * kMicrosPerDay);
  EXPECT_EQ(*ParseDuration("2w"), 14 * kMicrosPerDay);
  EXPECT_EQ(*ParseDuration("250ms"), 250000);
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
    EXPECT_EQ(FormatDuration(*ParseDuration(d)), d);
  }
}

}  // namespace
}  // namespace tessera
