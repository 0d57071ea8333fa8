// Helpers of the source scan tests: a scratch repo folder, files written
// with the Parquet writer or as CSV text, and a scan read back as rows of
// Values (the tests' independent expectations are rows too).
// Header-only; thread-compatible.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tessera/core/record_batch.h"
#include "tessera/core/time.h"
#include "tessera/format/parquet/writer.h"
#include "tessera/offline/source_scan.h"

namespace tessera::offline::testing {

using Row = std::vector<Value>;

// A fresh folder (the repo root), removed with its contents.
class ScratchRepo {
 public:
  ScratchRepo() {
    std::string tmpl = ::testing::TempDir() + "tessera_scan_XXXXXX";
    root_ = ::mkdtemp(tmpl.data()) ? tmpl : std::string();
  }
  ~ScratchRepo() {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  const std::string& root() const { return root_; }
  std::string Path(const std::string& rel) const { return root_ + "/" + rel; }

  void WriteText(const std::string& rel, const std::string& text) const {
    std::filesystem::create_directories(std::filesystem::path(Path(rel)).parent_path());
    std::ofstream(Path(rel), std::ios::binary) << text;
  }

  // Writes `rows` of `fields` as Parquet, `row_group_size` rows per group.
  void WriteParquet(const std::string& rel, const std::vector<Field>& fields,
                    const std::vector<Row>& rows, int64_t row_group_size = 1 << 20) const {
    std::filesystem::create_directories(std::filesystem::path(Path(rel)).parent_path());
    auto schema = Schema::Make(fields);
    ASSERT_TRUE(schema.ok()) << schema.status().ToString();
    RecordBatchBuilder builder(*schema);
    for (const Row& row : rows) ASSERT_TRUE(builder.AppendRow(row).ok());
    auto batch = builder.Finish();
    ASSERT_TRUE(batch.ok()) << batch.status().ToString();
    parquet::WriteOptions options;
    options.row_group_size = row_group_size;
    Status st = parquet::WriteParquetFile(Path(rel), *schema, {*batch}, options);
    ASSERT_TRUE(st.ok()) << st.ToString();
  }

 private:
  std::string root_;
};

// Every row of every batch of `reader`, plus how many batches there were.
inline Result<std::vector<Row>> ReadRows(RecordBatchReader* reader, int* num_batches = nullptr) {
  std::vector<Row> rows;
  int batches = 0;
  while (true) {
    TS_ASSIGN_OR_RETURN(RecordBatchPtr batch, reader->Next());
    if (batch == nullptr) break;
    ++batches;
    if (!(*batch->schema() == *reader->schema())) return Status::Internal("batch schema differs");
    for (int64_t r = 0; r < batch->num_rows(); ++r) {
      Row row;
      for (int c = 0; c < batch->num_columns(); ++c) row.push_back(batch->column(c)->GetValue(r));
      rows.push_back(std::move(row));
    }
  }
  if (num_batches != nullptr) *num_batches = batches;
  return rows;
}

// Opens the scan of `spec` and reads all of it.
inline Result<std::vector<Row>> ScanRows(const SourceScanSpec& spec, int* num_batches = nullptr) {
  TS_ASSIGN_OR_RETURN(std::unique_ptr<RecordBatchReader> reader, OpenSourceScan(spec));
  return ReadRows(reader.get(), num_batches);
}

inline std::string RowsToString(const std::vector<Row>& rows) {
  std::string out;
  for (const Row& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) out += (i ? ", " : "") + row[i].ToString();
    out += "\n";
  }
  return out;
}

// Seconds since the epoch as `date -u -d DATE +%s` prints them, as micros.
inline int64_t Sec(int64_t seconds) { return seconds * 1000000; }

}  // namespace tessera::offline::testing

#define EXPECT_ROWS(actual_result, expected)                        \
  do {                                                              \
    auto _r = (actual_result);                                      \
    ASSERT_TRUE(_r.ok()) << _r.status().ToString();                 \
    EXPECT_EQ(::tessera::offline::testing::RowsToString(*_r),       \
              ::tessera::offline::testing::RowsToString(expected)); \
  } while (0)
