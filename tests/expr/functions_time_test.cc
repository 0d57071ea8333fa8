// Kernels of the timestamp functions. Expected values are DuckDB 1.5.6's
// (query quoted above each block).
#include <gtest/gtest.h>

#include <limits>

#include "function_test_util.h"

namespace tessera::expr {
namespace {

using namespace fn_test;  // NOLINT

const DataType kTs = DataType::Timestamp();

// DuckDB: year(TIMESTAMP '1969-12-31 23:59:59.999999'), month/day(TIMESTAMP
// '2024-02-29 10:00'), hour/minute(TIMESTAMP '1969-12-31 23:59:59'),
// year(TIMESTAMP '0001-01-01'), year(TIMESTAMP '0001-01-01' - INTERVAL 1
// DAY) = 1969, 2, 29, 23, 59, 1, 0; of make_timestamp(-1): dayofweek 3,
// hour 23, minute 59, day 31, month 12.
TEST(TimeKernels, PartsFloorBeforeTheEpoch) {
  EXPECT_EQ(One("year", {Ts("1969-12-31T23:59:59.999999")}), I64(1969));
  EXPECT_EQ(One("month", {Ts("2024-02-29T10:00")}), I64(2));
  EXPECT_EQ(One("day", {Ts("2024-02-29T10:00")}), I64(29));
  EXPECT_EQ(One("hour", {Ts("1969-12-31T23:59:59")}), I64(23));
  EXPECT_EQ(One("minute", {Ts("1969-12-31T23:59:59")}), I64(59));
  EXPECT_EQ(One("year", {Ts("0001-01-01")}), I64(1));
  EXPECT_EQ(One("year", {Micros(Ts("0001-01-01").int_value() - kMicrosPerDay)}), I64(0));
  Call c = Invoke("day_of_week", {Col(kTs, {Micros(-1), Null(kTs)})});
  EXPECT_EQ(c.values(), (std::vector<Value>{I64(3), Null(DataType::Int64())}));
  EXPECT_EQ(One("hour", {Micros(-1)}), I64(23));
  EXPECT_EQ(One("minute", {Micros(-1)}), I64(59));
  EXPECT_EQ(One("day", {Micros(-1)}), I64(31));
  EXPECT_EQ(One("month", {Micros(-1)}), I64(12));
}

// DuckDB: dayofweek(TIMESTAMP '2024-03-03 00:00') = 0 (a Sunday), of
// '2024-03-04' = 1, of '1969-12-31 23:00' = 3.
TEST(TimeKernels, DayOfWeekCountsFromSunday) {
  EXPECT_EQ(One("day_of_week", {Ts("2024-03-03")}), I64(0));
  EXPECT_EQ(One("day_of_week", {Ts("2024-03-04")}), I64(1));
  EXPECT_EQ(One("day_of_week", {Ts("1969-12-31T23:00")}), I64(3));
  EXPECT_EQ(One("day_of_week", {Ts("2024-03-09T23:59:59")}), I64(6));
}

// DuckDB: epoch(TIMESTAMP '1969-12-31 23:59:59.5') = -0.5,
// epoch(make_timestamp(1704067200123457)) = 1704067200.123457,
// epoch(make_timestamp(-1)) = -0.000001.
TEST(TimeKernels, EpochSecondsKeepsTheFraction) {
  EXPECT_EQ(One("epoch_seconds", {Ts("1969-12-31T23:59:59.5")}), D(-0.5));
  EXPECT_EQ(One("epoch_seconds", {Micros(1704067200123457)}), D(1704067200.123457));
  EXPECT_EQ(One("epoch_seconds", {Micros(-1)}), D(-0.000001));
}

Value Diff(const char* unit, Value a, Value b, Call* call = nullptr) {
  return One("date_diff", {S(unit), a, b}, call);
}

// DuckDB: date_diff('day', '2024-01-01 23:59', '2024-01-02 00:01') = 1;
// ('hour', '10:59', '11:00') = 1; ('day', '2024-01-02 00:01', '2024-01-01
// 23:59') = -1; ('month', '2024-01-31', '2024-02-01') = 1; ('year',
// '2023-12-31 23:59:59', '2024-01-01') = 1; ('week', '2024-01-06',
// '2024-01-08') = 0; ('week', '2024-01-01', '2024-01-08') = 1; ('week',
// '2024-01-01', '2024-01-07 23:00') = 0; ('second', '00:00:00.9',
// '00:00:01.1') = 1; ('millisecond', '00:00:00.0009', '00:00:00.0011') =
// 1; ('microsecond', '2024-01-01', '2024-01-02') = 86400000000;
// ('quarter', '2024-03-31', '2024-04-01') = 1; ('decade', '2019-12-31',
// '2020-01-01') = 1; ('century', '2000-12-31', '2001-01-01') = 0;
// ('millennium', same) = 0.
TEST(TimeKernels, DateDiffCountsBoundariesAsDuckDb) {
  EXPECT_EQ(Diff("day", Ts("2024-01-01T23:59"), Ts("2024-01-02T00:01")), I64(1));
  EXPECT_EQ(Diff("hour", Ts("2024-01-01T10:59"), Ts("2024-01-01T11:00")), I64(1));
  EXPECT_EQ(Diff("day", Ts("2024-01-02T00:01"), Ts("2024-01-01T23:59")), I64(-1));
  EXPECT_EQ(Diff("month", Ts("2024-01-31"), Ts("2024-02-01")), I64(1));
  EXPECT_EQ(Diff("year", Ts("2023-12-31T23:59:59"), Ts("2024-01-01")), I64(1));
  EXPECT_EQ(Diff("week", Ts("2024-01-06"), Ts("2024-01-08")), I64(0));
  EXPECT_EQ(Diff("week", Ts("2024-01-01"), Ts("2024-01-08")), I64(1));
  EXPECT_EQ(Diff("week", Ts("2024-01-01"), Ts("2024-01-07T23:00")), I64(0));
  EXPECT_EQ(Diff("second", Ts("2024-01-01T00:00:00.9"), Ts("2024-01-01T00:00:01.1")), I64(1));
  EXPECT_EQ(Diff("millisecond", Ts("2024-01-01T00:00:00.0009"), Ts("2024-01-01T00:00:00.0011")),
            I64(1));
  EXPECT_EQ(Diff("microsecond", Ts("2024-01-01"), Ts("2024-01-02")), I64(86400000000));
  EXPECT_EQ(Diff("quarter", Ts("2024-03-31"), Ts("2024-04-01")), I64(1));
  EXPECT_EQ(Diff("decade", Ts("2019-12-31"), Ts("2020-01-01")), I64(1));
  EXPECT_EQ(Diff("century", Ts("2000-12-31"), Ts("2001-01-01")), I64(0));
  EXPECT_EQ(Diff("millennium", Ts("2000-12-31"), Ts("2001-01-01")), I64(0));
}

// DuckDB: date_diff('second', make_timestamp(-1), make_timestamp(0)) = 1,
// ('millisecond', same) = 1, ('quarter', '2024-12-31', '2023-01-01') = -7,
// ('week', '2024-01-08', '2024-01-01 01:00') = -1, ('week', '2024-01-14',
// '2024-01-01') = -1, ('year', '2024-12-31', '2020-01-01') = -4, ('days',
// '2024-01-01', '2024-03-01') = 60, ('Minute', '00:00:59', '00:01:00') = 1.
TEST(TimeKernels, DateDiffNegativeSpansAndUnitSpellings) {
  EXPECT_EQ(Diff("second", Micros(-1), Micros(0)), I64(1));
  EXPECT_EQ(Diff("millisecond", Micros(-1), Micros(0)), I64(1));
  EXPECT_EQ(Diff("quarter", Ts("2024-12-31"), Ts("2023-01-01")), I64(-7));
  EXPECT_EQ(Diff("week", Ts("2024-01-08"), Ts("2024-01-01T01:00")), I64(-1));
  EXPECT_EQ(Diff("week", Ts("2024-01-14"), Ts("2024-01-01")), I64(-1));
  EXPECT_EQ(Diff("year", Ts("2024-12-31"), Ts("2020-01-01")), I64(-4));
  EXPECT_EQ(Diff("days", Ts("2024-01-01"), Ts("2024-03-01")), I64(60));
  EXPECT_EQ(Diff("Minute", Ts("2024-01-01T00:00:59"), Ts("2024-01-01T00:01:00")), I64(1));
}

TEST(TimeKernels, DateDiffMicrosecondOverflowIsAnErrorAndNullsPropagate) {
  Call c;
  EXPECT_TRUE(Diff("microsecond", Micros(std::numeric_limits<int64_t>::min()),
                   Micros(std::numeric_limits<int64_t>::max()), &c)
                  .is_null());
  EXPECT_EQ(c.stats.error_rows, 1);
  EXPECT_EQ(c.stats.first_error, "integer overflow in date_diff");
  EXPECT_TRUE(Diff("day", Null(kTs), Ts("2024-01-01")).is_null());
  // The extreme timestamps still give parts (no overflow in the day split).
  // -290308-12-21 was a Sunday (hand-computed, proleptic Gregorian).
  EXPECT_EQ(One("day_of_week", {Micros(std::numeric_limits<int64_t>::min())}), I64(0));
  EXPECT_EQ(Diff("year", Micros(std::numeric_limits<int64_t>::min()),
                 Micros(std::numeric_limits<int64_t>::max())),
            I64(294247 + 290308));  // years -290308 and 294247 (hand-computed)
}

TEST(TimeKernels, EmptyInput) { EXPECT_EQ(Invoke("year", {Col(kTs, {})}).out->length(), 0); }

}  // namespace
}  // namespace tessera::expr
