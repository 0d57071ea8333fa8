// `tessera eval EXPR FILE [--limit N] [--out OUT] [--as NAME]`, run as the
// real binary. Expected outputs are computed by hand from the input rows
// written here (small integers and strings, so every value is exact).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "run_cli.h"
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

class EvalCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "tessera-eval-cli-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    input_ = Write("in.csv", kInput);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream(Path(name), std::ios::binary) << text;
    return Path(name);
  }
  std::string Slurp(const std::string& name) {
    std::ifstream in(Path(name), std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::string Path(const std::string& name) const { return (fs::path(dir_) / name).string(); }
  CliResult Run(const std::vector<std::string>& args) { return RunTessera(args, dir_); }

  std::string dir_;
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
  CliResult r = Run({"eval", "id % 2 = 0 AND city != 'Oslo'", input_, "--out", Path("out.parquet")});
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
  EXPECT_EQ(ext.err, "error: '" + Path("in.txt") + "' has extension '.txt' (expected .parquet or .csv)\n");

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

}  // namespace
}  // namespace tessera::cli
