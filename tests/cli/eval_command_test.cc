// `tessera eval EXPR FILE [--limit N] [--out OUT] [--as NAME]`, run as the
// real binary. Expected outputs are computed by hand from the input rows
// written here (small integers and strings, so every value is exact).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <bit>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "duckdb_session.h"
#include "require_oracle.h"
#include "run_cli.h"
#include "scratch_cli_test.h"
#include "tessera/format/parquet/reader.h"

namespace tessera::cli {
namespace {

namespace fs = std::filesystem;
using cli_test::CliResult;
using cli_test::RunTessera;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// id, amount (one empty: null), n, city (UTF-8).
constexpr char kInput[] =
    "id,amount,n,city\n"
    "1,10,2,Paris\n"
    "2,7,0,Zürich\n"
    "3,,4,Oslo\n"
    "4,-3,5,Rome\n";

class EvalCliTest : public cli_test::ScratchCliTest {
 protected:
  void SetUp() override {
    ScratchCliTest::SetUp();
    input_ = Write("in.csv", kInput);
  }

  std::string input_;
};

TEST_F(EvalCliTest, PrintsTheReadColumnsThenTheResult) {
  CliResult r = Run({"eval", "amount * n + 1", input_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // 10*2+1, 7*0+1, null, -3*5+1; only the columns the expression reads.
  EXPECT_EQ(r.out,
            "amount  n  result\n"
            "10      2  21\n"
            "7       0  1\n"
            "null    4  null\n"
            "-3      5  -14\n");
  EXPECT_EQ(r.err, "");
}

TEST_F(EvalCliTest, LimitAndName) {
  CliResult r = Run({"eval", "upper(city) || '!'", input_, "--limit", "2", "--as", "shout"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "city    shout\n"
            "Paris   PARIS!\n"
            "Zürich  ZÜRICH!\n"
            "(first 2 rows; --limit N shows more, --out writes all)\n");
}

TEST_F(EvalCliTest, WritesEveryRowToCsv) {
  CliResult r = Run({"eval", "amount - n", input_, "--out", Path("out.csv"), "--as", "diff"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "wrote 4 rows to " + Path("out.csv") + "\n");
  EXPECT_EQ(Slurp("out.csv"),
            "amount,n,diff\n"
            "10,2,8\n"
            "7,0,7\n"
            ",4,\n"
            "-3,5,-8\n");
}

TEST_F(EvalCliTest, WritesEveryRowToParquet) {
  CliResult r =
      Run({"eval", "id % 2 = 0 AND city != 'Oslo'", input_, "--out", Path("out.parquet")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto batches = parquet::ReadParquetFile(Path("out.parquet"));
  ASSERT_TRUE(batches.ok()) << batches.status().ToString();
  std::vector<std::string> rows;
  for (const auto& b : *batches) {
    ASSERT_EQ(b->schema()->fields().size(), 3u);
    EXPECT_EQ(b->schema()->fields()[2].name, "result");
    EXPECT_EQ(b->schema()->fields()[2].type, DataType::Bool());
    for (int64_t i = 0; i < b->num_rows(); ++i) {
      rows.push_back(b->column(0)->GetValue(i).ToString() + " " +
                     b->column(1)->GetValue(i).ToString() + " " +
                     b->column(2)->GetValue(i).ToString());
    }
  }
  EXPECT_EQ(rows, (std::vector<std::string>{"1 \"Paris\" false", "2 \"Zürich\" true",
                                            "3 \"Oslo\" false", "4 \"Rome\" true"}));
}

TEST_F(EvalCliTest, ErrorRowsAreOneWarningLine) {
  std::string in = Write("big.csv", "x\n1\n9223372036854775807\n2\n-9223372036854775807\n");
  CliResult r = Run({"eval", "x * 2", in});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "x                     result\n"
            "1                     2\n"
            "9223372036854775807   null\n"
            "2                     4\n"
            "-9223372036854775807  null\n");
  EXPECT_THAT(r.err, StartsWith("warning: 2 rows evaluated to null because of an error; first at "
                                "row 1: "));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

TEST_F(EvalCliTest, TypeErrorsAreReportedAsAtApplyAndWriteNothing) {
  Write("out.csv", "old bytes\n");
  CliResult r = Run({"eval", "amout * 2", input_, "--out", Path("out.csv")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, StartsWith("error: expression 'amout * 2': at col 1: "));
  EXPECT_THAT(r.err, HasSubstr("'amout'"));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(Slurp("out.csv"), "old bytes\n");

  CliResult t = Run({"eval", "city + 1", input_});
  EXPECT_EQ(t.exit_code, 1);
  EXPECT_THAT(t.err, StartsWith("error: expression 'city + 1': at col "));
}

// A multi-line expression's error stays one line; 10,000 nested
// parentheses are a clean error, not a crash.
TEST_F(EvalCliTest, HostileExpressionsAreOneLineErrors) {
  CliResult r = Run({"eval", "amount +\n\tnope", input_});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, StartsWith("error: expression 'amount +\\n\\tnope': at col "));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;

  CliResult deep = Run({"eval", std::string(10000, '(') + "n" + std::string(10000, ')'), input_});
  EXPECT_EQ(deep.exit_code, 1);
  EXPECT_THAT(deep.err, StartsWith("error: expression '((((("));
  EXPECT_THAT(deep.err, HasSubstr("': at col "));
  EXPECT_EQ(std::count(deep.err.begin(), deep.err.end(), '\n'), 1);
  EXPECT_EQ(deep.out, "");
}

TEST_F(EvalCliTest, BadArgumentsAreUsageErrors) {
  CliResult ext = Run({"eval", "1", Path("in.txt")});
  EXPECT_EQ(ext.exit_code, 2);
  EXPECT_EQ(ext.err,
            "error: '" + Path("in.txt") + "' has extension '.txt' (expected .parquet or .csv)\n");

  CliResult missing = Run({"eval", "1", Path("nope.csv")});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err, "error: file '" + Path("nope.csv") + "' does not exist\n");

  CliResult clash = Run({"eval", "n + 1", input_, "--out", Path("o.csv"), "--as", "n"});
  EXPECT_EQ(clash.exit_code, 2);
  EXPECT_EQ(clash.err,
            "error: the result column 'n' has the name of an input column; choose another with "
            "--as\n");
  EXPECT_FALSE(fs::exists(Path("o.csv")));

  CliResult help = Run({"eval", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("tessera eval \"amount / nullif(amount_sum_24h, 0)\""));
}

// Every row of `--out` against DuckDB evaluating the same expressions over
// the same CSV (read with the column types Tessera infers): 300 random rows
// with nulls, negative numbers, halves (rounding) and Unicode strings.
TEST_F(EvalCliTest, OutputMatchesDuckDbOnTheSameFile) {
  if (auto why = testing::DuckDbSessionUnavailable()) TESSERA_MISSING_ORACLE("DuckDB: " << *why);
  std::mt19937_64 rng(11);
  std::string csv = "k,x,y,name\n";
  static const char* kNames[] = {"alpha", "Beta", "gamma delta", "Zürich", "日本", "ß"};
  for (int i = 0; i < 300; ++i) {
    auto maybe = [&](const std::string& v) { return rng() % 10 == 0 ? std::string() : v; };
    csv += maybe(std::to_string(static_cast<int64_t>(rng() % 2001) - 1000)) + "," +
           maybe(std::to_string(static_cast<double>(static_cast<int64_t>(rng() % 4001) - 2000) /
                                8.0)) +
           "," + maybe(std::to_string(static_cast<int64_t>(rng() % 7) - 3)) + "," +
           maybe(kNames[rng() % 6]) + "\n";
  }
  std::string in = Write("rows.csv", csv);
  const std::vector<std::string> exprs = {
      "k * 3 - y",
      "x / nullif(y, 0)",
      "round(x, 1) + abs(k % 7)",
      "CASE WHEN k > 0 THEN upper(name) ELSE lower(name) || '!' END",
      "coalesce(name, 'none') || ':' || CAST(coalesce(k, 0) AS string)",
      "length(name) + 1",
      "greatest(x, y) <= least(k, 100)"};
  auto duck = testing::DuckDbSession::Start();
  ASSERT_TRUE(duck.ok()) << duck.status().ToString();
  ASSERT_TRUE((*duck)
                  ->Execute("CREATE TABLE t AS SELECT * FROM read_csv('" + in +
                            "', header = true, columns = {'k': 'BIGINT', 'x': 'DOUBLE', "
                            "'y': 'BIGINT', 'name': 'VARCHAR'})")
                  .ok());
  for (const std::string& e : exprs) {
    SCOPED_TRACE(e);
    CliResult r = Run({"eval", e, in, "--out", Path("out.parquet")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto batches = parquet::ReadParquetFile(Path("out.parquet"));
    ASSERT_TRUE(batches.ok()) << batches.status().ToString();
    std::vector<Value> ours;
    for (const auto& b : *batches) {
      const int last = b->num_columns() - 1;
      for (int64_t i = 0; i < b->num_rows(); ++i) ours.push_back(b->column(last)->GetValue(i));
    }
    auto theirs = (*duck)->Query("SELECT " + e + " FROM t");
    ASSERT_TRUE(theirs.ok() && theirs->ok) << (theirs.ok() ? theirs->error : "");
    ASSERT_EQ(ours.size(), theirs->num_rows());
    for (size_t i = 0; i < ours.size(); ++i) {
      const rapidjson::Value& j = theirs->at(i, 0);
      const Value& v = ours[i];
      if (v.is_null() || j.IsNull()) {
        EXPECT_EQ(v.is_null(), j.IsNull()) << "row " << i << ": " << v.ToString();
      } else if (v.type() == DataType::Double()) {
        ASSERT_TRUE(j.IsNumber()) << "row " << i;
        EXPECT_EQ(std::bit_cast<uint64_t>(v.double_value()), std::bit_cast<uint64_t>(j.GetDouble()))
            << "row " << i << ": " << v.ToString() << " vs " << j.GetDouble();
      } else if (v.type() == DataType::String()) {
        EXPECT_EQ(v.string_value(), j.GetString()) << "row " << i;
      } else if (v.type() == DataType::Bool()) {
        EXPECT_EQ(v.bool_value(), j.GetBool()) << "row " << i;
      } else {
        EXPECT_EQ(v.int_value(), j.GetInt64()) << "row " << i;
      }
    }
  }
}

}  // namespace
}  // namespace tessera::cli
