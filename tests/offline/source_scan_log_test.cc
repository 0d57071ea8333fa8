// OpenSourceScan with a source log (source_log.h): the log's parts come
// after the source's files, in manifest order, pruned by event time.
#include <gtest/gtest.h>

#include "source_scan_test_util.h"
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
  LogPart WritePart(const std::string& name, int64_t first_seq,
                    const std::vector<std::pair<int64_t, int64_t>>& rows) {
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
    repo_.WriteParquet(
        "offline/proj/sources/events/" + name,
        {{"k", kI64}, {"t", kTs}, {kIngestSeqColumn, kI64}, {kCommittedAtColumn, kTs}}, out);
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

// The default offline root (data/offline) lies under the folder a source
// glob may span: its parts are read once, as log parts.
TEST_F(SourceScanLogTest, GlobOverTheOfflineStoreDoesNotReadTheLogTwice) {
  WriteManifest({WritePart("part-1.parquet", 1, {{3, T(5)}})});
  repo_.WriteParquet("offline/proj/sources/other/part-1.parquet", {{"k", kI64}, {"t", kTs}},
                     {{I64(9), Ts(T(9))}});  // another source's log
  SourceScanSpec spec = Spec();
  spec.path = "**/*.parquet";
  EXPECT_ROWS(ScanRows(spec), (std::vector<Row>{{I64(1), Ts(T(10)), Null(kI64)},
                                                {I64(2), Ts(T(20)), Null(kI64)},
                                                {I64(3), Ts(T(5)), I64(1)}}));
}

TEST_F(SourceScanLogTest, NoManifestMeansNoLogRows) {
  EXPECT_ROWS(ScanRows(Spec()),
              (std::vector<Row>{{I64(1), Ts(T(10)), Null(kI64)}, {I64(2), Ts(T(20)), Null(kI64)}}));
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

}  // namespace
}  // namespace tessera::offline
