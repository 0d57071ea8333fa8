// The long-lived DuckDB session (tests/common/duckdb_session.h) the
// differential test relies on: one process answers many queries in order,
// values arrive exactly (-0.0, NaN, infinities, INT64_MIN, the nearest
// doubles to 0.1 + 0.2), and a DuckDB error is an answer, not a broken
// session. Skipped where DuckDB is absent, failed in CI (require_oracle.h).
#include "duckdb_session.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include "require_oracle.h"

namespace tessera::testing {
namespace {

#define REQUIRE_DUCKDB_SESSION()                  \
  do {                                            \
    if (auto why = DuckDbSessionUnavailable()) {  \
      TESSERA_MISSING_ORACLE("DuckDB: " << *why); \
    }                                             \
  } while (0)

TEST(DuckDbSessionTest, ValuesArriveExactlyAndErrorsAreAnswers) {
  REQUIRE_DUCKDB_SESSION();
  auto session = DuckDbSession::Start();
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  DuckDbSession& duck = **session;

  auto a = duck.Query(
      "SELECT -0.0::DOUBLE AS z, 'nan'::DOUBLE AS n, '-inf'::DOUBLE AS ni, "
      "(-9223372036854775807 - 1)::BIGINT AS m, 0.1::DOUBLE + 0.2::DOUBLE AS s, "
      "'h\u00e9\"llo' AS t, NULL::INTEGER AS u, [1.5::DOUBLE, '-0.0'::DOUBLE] AS l, "
      "TIMESTAMP '1969-12-31 23:59:59.999999' AS ts, 5e-324::DOUBLE AS tiny");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(a->ok) << a->error;
  ASSERT_EQ(a->num_rows(), 1u);
  EXPECT_EQ(a->types[3], "BIGINT");
  EXPECT_EQ(std::bit_cast<uint64_t>(a->at(0, 0).GetDouble()), 0x8000000000000000ull);
  EXPECT_STREQ(a->at(0, 1).GetString(), "NaN");
  EXPECT_STREQ(a->at(0, 2).GetString(), "-Infinity");
  EXPECT_EQ(a->at(0, 3).GetInt64(), std::numeric_limits<int64_t>::min());
  // 0.1 + 0.2 is 0x3FD3333333333334, one ulp above the double nearest 0.3.
  EXPECT_EQ(std::bit_cast<uint64_t>(a->at(0, 4).GetDouble()), 0x3FD3333333333334ull);
  EXPECT_STREQ(a->at(0, 5).GetString(), "h\u00e9\"llo");
  EXPECT_TRUE(a->at(0, 6).IsNull());
  ASSERT_TRUE(a->at(0, 7).IsArray());
  EXPECT_EQ(a->at(0, 7)[0].GetDouble(), 1.5);
  EXPECT_TRUE(std::signbit(a->at(0, 7)[1].GetDouble()));
  EXPECT_EQ(a->at(0, 8).GetInt64(), -1);
  EXPECT_EQ(std::bit_cast<uint64_t>(a->at(0, 9).GetDouble()), 1ull);

  auto err = duck.Query("SELECT 9223372036854775807::BIGINT + 1");
  ASSERT_TRUE(err.ok()) << err.status().ToString();
  EXPECT_FALSE(err->ok);
  EXPECT_NE(err->error.find("Overflow"), std::string::npos) << err->error;

  // The same process: a table created by one query is seen by the next.
  ASSERT_TRUE(duck.Execute("CREATE TABLE t AS SELECT range AS x FROM range(3)").ok());
  auto sum = duck.Query("SELECT sum(x)::BIGINT FROM t");
  ASSERT_TRUE(sum.ok() && sum->ok);
  EXPECT_EQ(sum->at(0, 0).GetInt64(), 3);
}

}  // namespace
}  // namespace tessera::testing
