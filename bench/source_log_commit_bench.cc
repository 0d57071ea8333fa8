// Latency of one source-log commit (CommitBatches, source_log.h) as the log
// grows: for each size N, a log is built with N one-row parts (written
// directly: N part files and a manifest.json naming them, as N commits
// would leave them), then `--commits` commits of `--rows` rows each are
// timed one by one on the real file system (every sync included).
// Prints p50, p99 and max per size, in microseconds.
//
//   source_log_commit_bench [--sizes 1,1000,5000] [--commits 600] [--rows 20]
//                           [--dir DIR]
//
// Not a Google Benchmark: the tail (a checkpoint every few hundred commits)
// matters as much as the mean, so every commit's latency is kept.
#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "tessera/core/builder.h"
#include "tessera/core/record_batch.h"
#include "tessera/core/value.h"
#include "tessera/offline/source_log.h"

namespace tessera::offline {
namespace {

namespace fs = std::filesystem;

RecordBatchPtr Rows(int64_t first, int64_t n) {
  SchemaPtr schema = Schema::Make({{"user_id", DataType::Int64()},
                                   {"ts", DataType::Timestamp()},
                                   {"amount", DataType::Double()}})
                         .value();
  RecordBatchBuilder b(schema);
  for (int64_t i = first; i < first + n; ++i) {
    (void)b.AppendRow({Value::Int64(i % 1000), Value::Timestamp(1'700'000'000'000'000 + i),
                       Value::Double(static_cast<double>(i))});
  }
  return b.Finish().value();
}

class OneBatch final : public RecordBatchReader {
 public:
  explicit OneBatch(RecordBatchPtr b) : batch_(std::move(b)), schema_(batch_->schema()) {}
  const SchemaPtr& schema() const override { return schema_; }
  Result<RecordBatchPtr> Next() override { return std::exchange(batch_, nullptr); }

 private:
  RecordBatchPtr batch_;
  SchemaPtr schema_;
};

// A log of `parts` one-row parts: one real part (committed), then the rest
// as files named by a manifest (their contents are never read by a commit).
void BuildLog(const std::string& dir, int64_t parts) {
  fs::remove_all(dir);
  CommitSpec spec;
  spec.log_dir = dir;
  spec.timestamp_column = "ts";
  OneBatch first(Rows(0, 1));
  if (!CommitBatches(&first, spec).ok()) std::abort();
  Manifest m = ReadManifest(Env::Default(), dir).value();
  const std::string template_file = dir + "/" + m.parts[0].file;
  for (int64_t i = 1; i < parts; ++i) {
    LogPart p = m.parts[0];
    p.first_seq = p.last_seq = i + 1;
    char name[64];
    std::snprintf(name, sizeof(name), "part-%020" PRId64 ".parquet", p.first_seq);
    p.file = name;
    fs::copy_file(template_file, dir + "/" + p.file);
    m.parts.push_back(p);
  }
  m.generation = parts;
  m.last_seq = parts;
  std::ofstream(dir + "/manifest.json", std::ios::trunc) << ManifestToJson(m);
}

int64_t Percentile(std::vector<int64_t> v, double q) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())))];
}

int Main(int argc, char** argv) {
  std::vector<int64_t> sizes = {1, 1000, 5000};
  int64_t commits = 600;
  int64_t rows = 20;
  std::string dir = (fs::temp_directory_path() / "tessera-commit-bench").string();
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--sizes") {
      sizes.clear();
      std::stringstream s(value);
      for (std::string item; std::getline(s, item, ',');) sizes.push_back(std::stoll(item));
    } else if (flag == "--commits") {
      commits = std::stoll(value);
    } else if (flag == "--rows") {
      rows = std::stoll(value);
    } else if (flag == "--dir") {
      dir = value;
    } else {
      std::fprintf(stderr, "source_log_commit_bench: unknown flag '%s'\n", flag.c_str());
      return 2;
    }
  }
  std::printf(
      "| parts before | commits | rows/commit | p50 us | p99 us | max us (commit #) | mean us |\n");
  std::printf("|---|---|---|---|---|---|---|\n");
  for (int64_t size : sizes) {
    BuildLog(dir, size);
    CommitSpec spec;
    spec.log_dir = dir;
    spec.timestamp_column = "ts";
    std::vector<int64_t> micros;
    int64_t total = 0;
    for (int64_t c = 0; c < commits; ++c) {
      OneBatch batch(Rows(c * rows, rows));
      auto start = std::chrono::steady_clock::now();
      Result<LogPart> part = CommitBatches(&batch, spec);
      auto end = std::chrono::steady_clock::now();
      if (!part.ok()) {
        std::fprintf(stderr, "commit failed: %s\n", part.status().ToString().c_str());
        return 1;
      }
      micros.push_back(std::chrono::duration_cast<std::chrono::microseconds>(end - start).count());
      total += micros.back();
    }
    const size_t worst =
        static_cast<size_t>(std::max_element(micros.begin(), micros.end()) - micros.begin());
    std::printf("| %" PRId64 " | %" PRId64 " | %" PRId64 " | %" PRId64 " | %" PRId64 " | %" PRId64
                " (#%zu) | %" PRId64 " |\n",
                size, commits, rows, Percentile(micros, 0.5), Percentile(micros, 0.99),
                micros[worst], worst, total / commits);
  }
  fs::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace tessera::offline

int main(int argc, char** argv) { return tessera::offline::Main(argc, argv); }
