// Helpers of the source log tests: a scratch folder, a byte-for-byte
// snapshot of a folder tree, the rows a log holds (read independently of
// the writer: manifest.json, then the listed parts with the Parquet
// reader), and small batches.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "tessera/core/record_batch.h"
#include "tessera/core/value.h"
#include "tessera/format/parquet/reader.h"
#include "tessera/offline/source_log.h"

namespace tessera::offline::logtest {

namespace fs = std::filesystem;

class ScratchDir {
 public:
  explicit ScratchDir(const std::string& tag) {
    std::string tmpl = (fs::temp_directory_path() / ("tessera-" + tag + "-XXXXXX")).string();
    if (::mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Every file and folder under `root` (relative path -> contents; folders
// map to "<dir>"); empty when `root` does not exist.
inline std::map<std::string, std::string> Snapshot(const std::string& root) {
  std::map<std::string, std::string> out;
  std::error_code ec;
  if (!fs::exists(root, ec)) return out;
  for (auto it = fs::recursive_directory_iterator(root, ec); it != fs::end(it); ++it) {
    std::string rel = fs::relative(it->path(), root).string();
    if (it->is_directory()) {
      out[rel] = "<dir>";
    } else {
      std::ifstream in(it->path(), std::ios::binary);
      std::ostringstream s;
      s << in.rdbuf();
      out[rel] = s.str();
    }
  }
  return out;
}

// The log's rows, one string per row ("a=1, b=\"x\", _ingest_seq=..."), in
// manifest order; "error: ..." when the manifest or a part cannot be read.
inline std::vector<std::string> LogRows(const std::string& log_dir) {
  Result<Manifest> m = ReadManifest(Env::Default(), log_dir);
  if (!m.ok()) return {"error: " + m.status().ToString()};
  std::vector<std::string> rows;
  for (const LogPart& p : m->parts) {
    Result<std::vector<RecordBatchPtr>> batches = parquet::ReadParquetFile(log_dir + "/" + p.file);
    if (!batches.ok()) return {"error: " + batches.status().ToString()};
    int64_t n = 0;
    for (const RecordBatchPtr& b : *batches) {
      std::istringstream lines(b->ToString(b->num_rows()));
      for (std::string line; std::getline(lines, line);) rows.push_back(line);
      n += b->num_rows();
    }
    if (n != p.num_rows) return {"error: part " + p.file + " has a wrong row count"};
  }
  return rows;
}

// A batch of (user_id int64, ts timestamp, amount double) rows: user i,
// ts = base + i seconds, amount = i / 2.
inline RecordBatchPtr Rows(int64_t first, int64_t n, int64_t base = 1'700'000'000'000'000) {
  SchemaPtr schema = Schema::Make({{"user_id", DataType::Int64()},
                                   {"ts", DataType::Timestamp()},
                                   {"amount", DataType::Double()}})
                         .value();
  RecordBatchBuilder b(schema);
  for (int64_t i = first; i < first + n; ++i) {
    EXPECT_TRUE(b.AppendRow({Value::Int64(i), Value::Timestamp(base + i * 1'000'000),
                             Value::Double(static_cast<double>(i) / 2)})
                    .ok());
  }
  return b.Finish().value();
}

// Yields the given batches, then (optionally) an error.
class VectorReader final : public RecordBatchReader {
 public:
  VectorReader(std::vector<RecordBatchPtr> batches, Status fail_at_end = Status::OK())
      : batches_(std::move(batches)), fail_(std::move(fail_at_end)) {
    schema_ = batches_.empty() ? Rows(0, 0)->schema() : batches_[0]->schema();
  }
  const SchemaPtr& schema() const override { return schema_; }
  Result<RecordBatchPtr> Next() override {
    if (next_ < batches_.size()) return batches_[next_++];
    if (!fail_.ok()) return fail_;
    return RecordBatchPtr();
  }

 private:
  std::vector<RecordBatchPtr> batches_;
  Status fail_;
  SchemaPtr schema_;
  size_t next_ = 0;
};

}  // namespace tessera::offline::logtest
