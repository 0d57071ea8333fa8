// OpenSourceScan over a source's own files: order, Hive partitions and
// their pruning, schema drift, CSV typing, row-group pruning, parallel
// decoding. Expected rows are what each test wrote.
#include "tessera/offline/source_scan.h"

#include <gtest/gtest.h>

#include <cerrno>

#include "source_scan_test_util.h"
#include "tessera/core/fault_injection_env.h"

namespace tessera::offline {
namespace {

using testing::Row;
using testing::ScanRows;
using testing::ScratchRepo;
using testing::Sec;

const DataType kI32 = DataType::Int32();
const DataType kI64 = DataType::Int64();
const DataType kF64 = DataType::Double();
const DataType kStr = DataType::String();
const DataType kTs = DataType::Timestamp();

Value I64(int64_t v) { return Value::Int64(v); }
Value I32(int32_t v) { return Value::Int32(v); }
Value F64(double v) { return Value::Double(v); }
Value Str(const std::string& v) { return Value::String(v); }
Value Ts(int64_t micros) { return Value::Timestamp(micros); }
Value Null(DataType t) { return Value::Null(t); }

SourceScanSpec Spec(const ScratchRepo& repo, const std::string& path,
                    std::vector<ScanColumn> columns) {
  SourceScanSpec spec;
  spec.repo_root = repo.root();
  spec.path = path;
  spec.columns = std::move(columns);
  return spec;
}

TEST(SourceScanTest, FilesInPathOrderEachInRowOrder) {
  ScratchRepo repo;
  repo.WriteParquet("d/b.parquet", {{"k", kI64}, {"v", kStr}},
                    {{I64(3), Str("b0")}, {I64(1), Str("b1")}});
  repo.WriteParquet("d/a.parquet", {{"v", kStr}, {"k", kI64}}, {{Str("a0"), I64(9)}});
  repo.WriteText("d/c.csv", "k,v,extra\n5,c0,x\n,c1,y\n");
  EXPECT_ROWS(ScanRows(Spec(repo, "d/*", {{"v", kStr}, {"k", kI64}})),
              (std::vector<Row>{{Str("a0"), I64(9)},
                                {Str("b0"), I64(3)},
                                {Str("b1"), I64(1)},
                                {Str("c0"), I64(5)},
                                {Str("c1"), Null(kI64)}}));
}

TEST(SourceScanTest, EmptyGlobIsAnEmptyScanWithTheAskedSchema) {
  ScratchRepo repo;
  auto reader = OpenSourceScan(Spec(repo, "d/*.parquet", {{"k", kI64}, {"t", kTs}}));
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->schema()->ToString(), "k: int64, t: timestamp");
  auto batch = (*reader)->Next();
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(*batch, nullptr);
}

TEST(SourceScanTest, MissingPlainPathIsNotFound) {
  ScratchRepo repo;
  auto reader = OpenSourceScan(Spec(repo, "d/x.parquet", {{"k", kI64}}));
  ASSERT_FALSE(reader.ok());
  EXPECT_TRUE(reader.status().IsNotFound());
  EXPECT_EQ(reader.status().message(), "file 'd/x.parquet' does not exist");
}

TEST(SourceScanTest, HivePartitionsBecomeColumns) {
  ScratchRepo repo;
  repo.WriteParquet("ev/dt=2024-03-02/region=eu/part-0.parquet", {{"k", kI64}},
                    {{I64(2)}, {I64(3)}});
  repo.WriteParquet("ev/dt=2024-03-01/region=us%2Fwest/part-0.parquet", {{"k", kI64}}, {{I64(1)}});
  repo.WriteParquet("ev/dt=2024-03-03/region=__HIVE_DEFAULT_PARTITION__/part-0.parquet",
                    {{"k", kI64}, {"region", kStr}}, {{I64(4), Str("from-file")}});
  repo.WriteParquet("ev/dt=/region=/part-0.parquet", {{"k", kI64}}, {{I64(5)}});
  // dt as a timestamp: the date at midnight UTC (seconds from `date -u -d
  // 2024-03-01 +%s`); region percent-decoded; a column in the file wins over
  // its folder; "" and Hive's default partition are null.
  EXPECT_ROWS(
      ScanRows(Spec(repo, "ev/*/*/*.parquet", {{"k", kI64}, {"dt", kTs}, {"region", kStr}})),
      (std::vector<Row>{{I64(5), Null(kTs), Null(kStr)},
                        {I64(1), Ts(Sec(1709251200)), Str("us/west")},
                        {I64(2), Ts(Sec(1709337600)), Str("eu")},
                        {I64(3), Ts(Sec(1709337600)), Str("eu")},
                        {I64(4), Ts(Sec(1709424000)), Str("from-file")}}));
  // Partition folders in the fixed prefix are not partitions: only those
  // between it and the file are.
  EXPECT_ROWS(ScanRows(Spec(repo, "ev/dt=2024-03-02/*/*.parquet",
                            {{"k", kI64}, {"dt", kTs}, {"region", kStr}})),
              (std::vector<Row>{{I64(2), Null(kTs), Str("eu")}, {I64(3), Null(kTs), Str("eu")}}));
  // As an integer when asked so.
  repo.WriteParquet("ym/year=2024/m.parquet", {{"k", kI64}}, {{I64(7)}});
  EXPECT_ROWS(ScanRows(Spec(repo, "ym/*/m.parquet", {{"year", kI32}, {"k", kI64}})),
              (std::vector<Row>{{I32(2024), I64(7)}}));
}

TEST(SourceScanTest, BadPartitionValueNamesTheFolder) {
  ScratchRepo repo;
  repo.WriteParquet("ev/dt=yesterday/part-0.parquet", {{"k", kI64}}, {{I64(1)}});
  auto reader = OpenSourceScan(Spec(repo, "ev/*/*.parquet", {{"k", kI64}, {"dt", kTs}}));
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().message(),
            "file 'ev/dt=yesterday/part-0.parquet': partition folder 'dt=yesterday': 'yesterday' "
            "is not a timestamp");
}

TEST(SourceScanTest, PartitionFilterPrunesFoldersUnopened) {
  ScratchRepo repo;
  repo.WriteParquet("ev/dt=2024-03-01/p.parquet", {{"k", kI64}}, {{I64(1)}});
  repo.WriteParquet("ev/dt=2024-03-02/p.parquet", {{"k", kI64}}, {{I64(2)}});
  repo.WriteText("ev/dt=2024-03-03/p.parquet", "not parquet at all");  // corrupt
  SourceScanSpec spec = Spec(repo, "ev/*/*.parquet", {{"k", kI64}, {"dt", kTs}});
  spec.filters.push_back({"dt", INT64_MIN, Sec(1709337600)});  // dt <= 2024-03-02
  EXPECT_ROWS(ScanRows(spec),
              (std::vector<Row>{{I64(1), Ts(Sec(1709251200))}, {I64(2), Ts(Sec(1709337600))}}));
  spec.filters = {
      {"dt", Sec(1709337600) + 1, INT64_MAX}};  // after 2024-03-02: only the corrupt one
  auto reader = OpenSourceScan(spec);
  // The corrupt file is reached by the scan, not by Open.
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  auto batch = (*reader)->Next();
  ASSERT_FALSE(batch.ok());
  EXPECT_EQ(batch.status().message(),
            "file 'ev/dt=2024-03-03/p.parquet': truncated or not a Parquet file (no PAR1 magic at "
            "its end)");
}

TEST(SourceScanTest, SchemaDriftMissingOptionalIsNullInt32WidensToInt64) {
  ScratchRepo repo;
  repo.WriteParquet("d/1.parquet", {{"k", kI32}, {"x", DataType::Float()}},
                    {{I32(-7), Value::Float(1.5f)}, {Null(kI32), Null(DataType::Float())}});
  repo.WriteParquet("d/2.parquet", {{"k", kI64}}, {{I64(int64_t{1} << 40)}});
  repo.WriteText("d/3.csv", "x,k\n2.25,8\n");
  EXPECT_ROWS(ScanRows(Spec(repo, "d/*", {{"k", kI64}, {"x", kF64}})),
              (std::vector<Row>{{I64(-7), F64(1.5)},
                                {Null(kI64), Null(kF64)},
                                {I64(int64_t{1} << 40), Null(kF64)},
                                {I64(8), F64(2.25)}}));
  EXPECT_ROWS(ScanRows(Spec(repo, "d/1.parquet", {{"k", kF64}})),
              (std::vector<Row>{{F64(-7)}, {Null(kF64)}}));
}

TEST(SourceScanTest, MissingRequiredColumnNamesFileAndColumn) {
  ScratchRepo repo;
  repo.WriteParquet("d/1.parquet", {{"k", kI64}, {"x", kI64}}, {{I64(1), I64(2)}});
  repo.WriteParquet("d/2.parquet", {{"k", kI64}}, {{I64(3)}});
  auto reader = OpenSourceScan(Spec(repo, "d/*.parquet", {{"k", kI64}, {"x", kI64, false}}));
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().message(),
            "file 'd/2.parquet' has no column 'x' (the scan requires it)");
}

TEST(SourceScanTest, IncompatibleTypeNamesBothFilesAtOpen) {
  ScratchRepo repo;
  repo.WriteParquet("d/1.parquet", {{"k", kI32}}, {{I32(1)}});
  repo.WriteParquet("d/2.parquet", {{"k", kI64}}, {{I64(2)}});
  repo.WriteParquet("d/3.parquet", {{"k", kStr}}, {{Str("3")}});
  auto reader = OpenSourceScan(Spec(repo, "d/*.parquet", {{"k", kI64}}));
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().message(),
            "file 'd/3.parquet': column 'k' is string where int64 is asked for (file "
            "'d/1.parquet' has it as int32)");
  // No earlier file had it: only the one file is named. Narrowing is not widening.
  auto narrow = OpenSourceScan(Spec(repo, "d/2.parquet", {{"k", kI32}}));
  ASSERT_FALSE(narrow.ok());
  EXPECT_EQ(narrow.status().message(),
            "file 'd/2.parquet': column 'k' is int64 where int32 is asked for");
}

TEST(SourceScanTest, CsvIsTypedByTheAskedTypesWithFileRowColumnErrors) {
  ScratchRepo repo;
  repo.WriteText("d/a.csv", "k,t,amount\n1,2024-03-01,2.5\n2,2024-03-02T12:00:00Z,oops\n");
  auto reader = OpenSourceScan(Spec(repo, "d/a.csv", {{"k", kI64}, {"t", kTs}, {"amount", kF64}}));
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  auto batch = (*reader)->Next();
  ASSERT_FALSE(batch.ok());
  EXPECT_EQ(batch.status().message(), "d/a.csv:3:amount: 'oops' is not a double");
  // The same file read as strings is fine.
  EXPECT_ROWS(ScanRows(Spec(repo, "d/a.csv", {{"amount", kStr}, {"t", kTs}})),
              (std::vector<Row>{{Str("2.5"), Ts(Sec(1709251200))},
                                {Str("oops"), Ts(Sec(1709337600 + 12 * 3600))}}));
}

TEST(SourceScanTest, NeitherParquetNorCsvIsAnError) {
  ScratchRepo repo;
  repo.WriteText("d/a.json", "{}");
  auto reader = OpenSourceScan(Spec(repo, "d/*", {{"k", kI64}}));
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().message(),
            "file 'd/a.json' is neither Parquet nor CSV (its name must end in .parquet or .csv)");
}

TEST(SourceScanTest, FileWithNoAskedColumnGivesNullRows) {
  ScratchRepo repo;
  repo.WriteParquet("d/1.parquet", {{"other", kStr}}, {{Str("a")}, {Str("b")}});
  repo.WriteText("d/2.csv", "other\nc\n");
  EXPECT_ROWS(ScanRows(Spec(repo, "d/*", {{"k", kI64}})),
              (std::vector<Row>{{Null(kI64)}, {Null(kI64)}, {Null(kI64)}}));
}

// Rows (k = i, t = base + i seconds) in groups of 10: a filter on t keeps
// the groups that overlap it, in order, with any number of threads.
TEST(SourceScanTest, RowGroupsPrunedByStatisticsAndOrderKeptInParallel) {
  ScratchRepo repo;
  const int64_t base = Sec(1704067200);
  std::vector<std::string> files = {"d/f0.parquet", "d/f1.parquet", "d/f2.parquet"};
  std::vector<Row> all;
  for (size_t f = 0; f < files.size(); ++f) {
    std::vector<Row> rows;
    for (int i = 0; i < 35; ++i) {
      int64_t k = static_cast<int64_t>(f) * 100 + i;
      rows.push_back({I32(static_cast<int32_t>(k)), Ts(base + Sec(k))});
    }
    repo.WriteParquet(files[f], {{"k", kI32}, {"t", kTs}}, rows, /*row_group_size=*/10);
    for (const Row& r : rows) all.push_back({I64(r[0].int_value()), r[1]});
  }
  // Keep t in [base + 115 s, base + 212 s]: of f1 the groups 110-119 (and
  // 120-129, 130-134); of f2 the groups 200-209, 210-219.
  std::vector<Row> expected;
  for (const Row& r : all) {
    int64_t k = r[0].int_value();
    if ((k >= 110 && k < 135) || (k >= 200 && k < 220)) expected.push_back(r);
  }
  for (int threads : {1, 2, 4}) {
    SourceScanSpec spec = Spec(repo, "d/*.parquet", {{"k", kI64}, {"t", kTs}});
    spec.num_threads = threads;
    EXPECT_ROWS(ScanRows(spec), all);
    spec.filters = {{"t", base + Sec(115), base + Sec(212)}};
    int batches = 0;
    EXPECT_ROWS(ScanRows(spec, &batches), expected);
    EXPECT_EQ(batches, 5) << threads << " threads";
  }
}

// Each I/O call of a scan failed in turn (FaultInjectionEnv): the scan
// either fails with a one-line error or returns every row, never fewer.
TEST(SourceScanTest, AnyFailedIoCallFailsTheScanOrChangesNothing) {
  ScratchRepo repo;
  repo.WriteParquet("d/p=1/a.parquet", {{"k", kI64}}, {{I64(1)}, {I64(2)}}, 1);
  repo.WriteParquet("d/p=2/b.parquet", {{"k", kI32}}, {{I32(3)}});
  repo.WriteText("d/p=3/c.csv", "k\n4\n");
  const std::vector<Row> expected = {
      {I64(1), I64(1)}, {I64(2), I64(1)}, {I64(3), I64(2)}, {I64(4), I64(3)}};
  FaultPolicy policy;
  FaultInjectionEnv env(Env::Default(), &policy);
  SourceScanSpec spec = Spec(repo, "d/*/*", {{"k", kI64}, {"p", kI64}});
  spec.env = &env;
  spec.num_threads = 2;
  EXPECT_ROWS(ScanRows(spec), expected);
  const int64_t calls = policy.calls();
  ASSERT_GT(calls, 10);
  int failures = 0;
  for (int64_t k = 1; k <= calls; ++k) {
    policy.Reset();
    policy.FailCallNumber(k, EIO);
    auto rows = ScanRows(spec);
    if (rows.ok()) {
      EXPECT_EQ(testing::RowsToString(*rows), testing::RowsToString(expected)) << "call " << k;
    } else {
      ++failures;
      EXPECT_EQ(rows.status().message().find('\n'), std::string::npos) << rows.status().ToString();
      EXPECT_NE(rows.status().message().find("Input/output error"), std::string::npos)
          << "call " << k << ": " << rows.status().ToString();
    }
  }
  EXPECT_GT(failures, calls / 2);
}

}  // namespace
}  // namespace tessera::offline
