// OpenSourceScan over files of the shared test data written by other tools
// (tests/format/testdata.h; skipped by name when absent): row-group pruning
// by DuckDB's statistics, and a file with nested columns read around them.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include "source_scan_test_util.h"
#include "tessera/offline/source_scan.h"
#include "tests/format/testdata.h"

namespace tessera::offline {
namespace {

using testing::Row;
using testing::ScanRows;
using testing::Sec;

const DataType kI64 = DataType::Int64();
const DataType kTs = DataType::Timestamp();

Value I64(int64_t v) { return Value::Int64(v); }
Value Ts(int64_t micros) { return Value::Timestamp(micros); }

// events_200k.parquet (README of the shared test data): row r has
// event_timestamp 2024-01-01 + 30 s * r, amount r * 0.01, cnt r % 97 (int32,
// read widened to int64), in 49 row groups of 4,096 rows (the last 3,392).
TEST(SourceScanTestDataTest, TimeFilterReadsOnlyOverlappingRowGroups) {
  TESSERA_REQUIRE_TESTDATA("parquet/duckdb/events_200k.parquet");
  const std::string dir = ::tessera::testing::TestDataPath("parquet/duckdb");
  const int64_t day1 = Sec(1704153600);  // 2024-01-02
  SourceScanSpec spec;
  spec.repo_root = dir;
  spec.path = "events_*.parquet";
  spec.columns = {{"event_timestamp", kTs}, {"cnt", kI64}, {"amount", DataType::Double()}};
  spec.filters = {{"event_timestamp", day1, day1 + Sec(86400) - 1}};
  spec.num_threads = 2;
  auto rows = ScanRows(spec);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  // Rows of the day: r in [2880, 5760). Their groups: 0 (0..4095) and 1
  // (4096..8191), so exactly rows 0..8191 come back.
  ASSERT_EQ(rows->size(), 8192u);
  for (int64_t r = 0; r < 8192; ++r) {
    const Row& row = (*rows)[static_cast<size_t>(r)];
    ASSERT_EQ(row[0], Ts(Sec(1704067200) + r * Sec(30))) << r;
    ASSERT_EQ(row[1], I64(r % 97)) << r;
    ASSERT_NEAR(row[2].double_value(), static_cast<double>(r) * 0.01, 1e-9) << r;
  }
}

// nested_maps.snappy.parquet: a map column `a` the reader cannot hold, and
// `b` int32, `c` double; the expected values are the oracle's JSON lines.
TEST(SourceScanTestDataTest, NestedColumnNotAskedIsNoError) {
  const std::string rel = "parquet/parquet-testing/nested_maps.snappy.parquet";
  const std::string oracle = "parquet/parquet-testing/expected/nested_maps.snappy.jsonl";
  TESSERA_REQUIRE_TESTDATA(rel);
  TESSERA_REQUIRE_TESTDATA(oracle);
  std::vector<Row> expected;
  std::ifstream in(::tessera::testing::TestDataPath(oracle));
  const std::regex fields(R"re("b":(-?[0-9]+),"c":(-?[0-9.]+))re");
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    ASSERT_TRUE(std::regex_search(line, m, fields)) << line;
    expected.push_back({I64(std::stoll(m[1])), Value::Double(std::stod(m[2]))});
  }
  ASSERT_EQ(expected.size(), 6u);
  SourceScanSpec spec;
  spec.repo_root = ::tessera::testing::TestDataDir();
  spec.path = rel;
  spec.columns = {{"b", kI64}, {"c", DataType::Double()}};
  EXPECT_ROWS(ScanRows(spec), expected);
  spec.columns = {{"b", kI64}, {"a", DataType::String()}};
  auto reader = OpenSourceScan(spec);
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), StatusCode::kUnsupported) << reader.status().ToString();
  EXPECT_EQ(reader.status().message().rfind("file '" + rel + "': column 'a': ", 0), 0u)
      << reader.status().message();
}

}  // namespace
}  // namespace tessera::offline
