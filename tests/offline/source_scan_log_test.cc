// OpenSourceScan with a source log (source_log.h): the log's parts come
// after the source's files, in manifest order, pruned by event time; and a
// real file of the shared test data read with a time filter.
#include <gtest/gtest.h>

#include "source_scan_test_util.h"
#include "tests/format/testdata.h"
#include "tessera/offline/source_log.h"
#include "tessera/offline/source_scan.h"

namespace tessera::offline {
namespace {

using testing::Row;
using testing::ScanRows;
using testing::ScratchRepo;
using testing::Sec;

const DataType kI64 = DataType::Int64();
const DataType kTs = DataType::Timestamp();

Value I64(int64_t v) { return Value::Int64(v); }
Value Ts(int64_t micros) { return Value::Timestamp(micros); }
Value Null(DataType t) { return Value::Null(t); }

class SourceScanLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log_dir_ = SourceLogDir(repo_.Path("offline"), "proj", "events");
    // The source's own file: k = 1, 2.
    repo_.WriteParquet("data/events.parquet", {{"k", kI64}, {"t", kTs}},
                       {{I64(1), Ts(T(10))}, {I64(2), Ts(T(20))}});
  }

  static int64_t T(int64_t s) { return Sec(1709251200 + s); }

  // A log part of rows (k, t) with _ingest_seq from `first_seq`.
  LogPart WritePart(const std::string& name, int64_t first_seq, const std::vector<std::pair<int64_t, int64_t>>& rows) {
    std::vector<Row> out;
    LogPart part;
    part.file = name;
    part.num_rows = static_cast<int64_t>(rows.size());
    part.first_seq = first_seq;
    part.last_seq = first_seq + part.num_rows - 1;
    part.committed_at = T(1000);
    part.min_event_ts = INT64_MAX;
    part.max_event_ts = INT64_MIN;
    int64_t seq = first_seq;
    for (auto [k, t] : rows) {
      out.push_back({I64(k), Ts(t), I64(seq++), Ts(part.committed_at)});
      part.min_event_ts = std::min(part.min_event_ts, t);
      part.max_event_ts = std::max(part.max_event_ts, t);
    }
    repo_.WriteParquet("offline/proj/sources/events/" + name,
                       {{"k", kI64}, {"t", kTs}, {kIngestSeqColumn, kI64}, {kCommittedAtColumn, kTs}},
                       out);
    return part;
  }

  void WriteManifest(const std::vector<LogPart>& parts) {
    Manifest m;
    m.generation = static_cast<int64_t>(parts.size());
    m.parts = parts;
    m.last_seq = parts.empty() ? 0 : parts.back().last_seq;
    repo_.WriteText("offline/proj/sources/events/manifest.json", ManifestToJson(m));
  }

  SourceScanSpec Spec() const {
    SourceScanSpec spec;
    spec.repo_root = repo_.root();
    spec.path = "data/events.parquet";
    spec.log_dir = log_dir_;
    spec.timestamp_column = "t";
    spec.columns = {{"k", kI64}, {"t", kTs}, {kIngestSeqColumn, kI64}};
    return spec;
  }

  ScratchRepo repo_;
  std::string log_dir_;
};

TEST_F(SourceScanLogTest, LogPartsFollowFilesInManifestOrder) {
  // Named so that byte order would put the second part first.
  LogPart p1 = WritePart("part-b.parquet", 1, {{3, T(5)}, {4, T(30)}});
  LogPart p2 = WritePart("part-a.parquet", 3, {{5, T(40)}});
  WriteManifest({p1, p2});
  EXPECT_ROWS(ScanRows(Spec()), (std::vector<Row>{{I64(1), Ts(T(10)), Null(kI64)},
                                                  {I64(2), Ts(T(20)), Null(kI64)},
                                                  {I64(3), Ts(T(5)), I64(1)},
                                                  {I64(4), Ts(T(30)), I64(2)},
                                                  {I64(5), Ts(T(40)), I64(3)}}));
}

TEST_F(SourceScanLogTest, NoManifestMeansNoLogRows) {
  EXPECT_ROWS(ScanRows(Spec()), (std::vector<Row>{{I64(1), Ts(T(10)), Null(kI64)},
                                                  {I64(2), Ts(T(20)), Null(kI64)}}));
}

TEST_F(SourceScanLogTest, LogOnlyScan) {
  WriteManifest({WritePart("part-1.parquet", 1, {{7, T(1)}})});
  SourceScanSpec spec = Spec();
  spec.path = "";
  EXPECT_ROWS(ScanRows(spec), (std::vector<Row>{{I64(7), Ts(T(1)), I64(1)}}));
}

TEST_F(SourceScanLogTest, PartsOutsideTheTimeFilterAreNotOpened) {
  LogPart early = WritePart("part-1.parquet", 1, {{3, T(1)}, {4, T(2)}});
  LogPart late = WritePart("part-2.parquet", 3, {{5, T(100)}});
  WriteManifest({early, late});
  std::filesystem::remove(repo_.Path("offline/proj/sources/events/part-1.parquet"));
  SourceScanSpec spec = Spec();
  spec.filters = {{"t", T(50), INT64_MAX}};
  // The source file is not pruned by the manifest (its one row group spans
  // t 10..20, below the filter, so its statistics prune it).
  EXPECT_ROWS(ScanRows(spec), (std::vector<Row>{{I64(5), Ts(T(100)), I64(3)}}));
  spec.filters = {{"t", T(2), INT64_MAX}};  // reaches the missing part
  auto reader = OpenSourceScan(spec);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  auto rows = testing::ReadRows(reader->get());
  ASSERT_FALSE(rows.ok());
  EXPECT_TRUE(rows.status().IsNotFound()) << rows.status().ToString();
  EXPECT_NE(rows.status().message().find(log_dir_ + "/part-1.parquet"), std::string::npos)
      << rows.status().message();
}

// events_200k.parquet (README of the shared test data): row r has
// event_timestamp 2024-01-01 + 30 s * r, amount r * 0.01, cnt r % 97 (int32,
// read widened to int64), in 49 row groups of 4,096 rows (the last 3,392).
TEST(SourceScanTestData, TimeFilterReadsOnlyOverlappingRowGroups) {
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

}  // namespace
}  // namespace tessera::offline
