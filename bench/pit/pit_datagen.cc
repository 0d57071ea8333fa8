// pit_datagen: writes the seeded data set of the training-set benchmark
// (bench/pit_bench.sh, docs/PERFORMANCE.md "Training sets"): the feature
// rows of 1 or 3 views as Parquet parts (sources/<view>/part-NNNNN.parquet),
// the spine (spine.parquet), the CSV copy of both for pandas (csv/), and the
// feature repo and bench.json around them (pit_repo.h). The same arguments
// always write the same rows (pit_rows.h). Parts are written in parallel,
// one per thread.
//
//   pit_datagen --out DIR [--seed N] [--spine-rows N] [--feature-rows N]
//               [--views 1|3] [--keys uniform|skewed] [--csv auto|yes|no]
//               [--threads N] [--print-spec] [--shape join|agg]
//
// --feature-rows is the total over the views. --csv auto writes the CSV copy
// only up to 20M feature rows: pandas cannot hold more on this machine.
// --shape agg writes the data set of the benchmark "Training set with
// aggregations" instead (pit_spec.h; bench/agg_pit_bench.sh): one
// aggregated view of events, no pandas peer, so --csv auto writes the CSV
// copy (for the brute-force reference, reference_agg.py) only up to 1M
// rows.
// DIR/.complete, written last, holds the spec line (PitSpec::Describe), so
// a driver can reuse a finished data set; --print-spec prints that line and
// writes nothing.
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "pit_repo.h"
#include "pit_rows.h"
#include "pit_spec.h"
#include "pit_tables.h"
#include "tessera/format/parquet/writer.h"

namespace tessera::pitbench {
namespace {

inline constexpr int64_t kCsvAutoMaxRows = 20'000'000;
inline constexpr int64_t kCsvAutoMaxAggRows = 1'000'000;

struct Args {
  std::string out;
  uint64_t seed = 42;
  int64_t spine_rows = 1'000'000;
  int64_t feature_rows = 10'000'000;
  int views = 1;
  KeyDistribution keys = KeyDistribution::kUniform;
  std::string csv = "auto";
  int threads = 0;  // 0 = hardware concurrency
  bool print_spec = false;
  bool aggregated = false;  // --shape agg
};

[[noreturn]] void Usage(const std::string& why) {
  std::fprintf(stderr,
               "pit_datagen: %s\nusage: pit_datagen --out DIR [--seed N] [--spine-rows N] "
               "[--feature-rows N] [--views 1|3] [--keys uniform|skewed] [--csv auto|yes|no] "
               "[--threads N] [--print-spec] [--shape join|agg]\n",
               why.c_str());
  std::exit(2);
}

int64_t ParseCount(const std::string& flag, const char* text) {
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || v < 0) {
    Usage(flag + ": expected a non-negative integer, got '" + text + "'");
  }
  return v;
}

Args ParseArgs(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--print-spec") {
      a.print_spec = true;
      continue;
    }
    if (i + 1 >= argc) Usage(flag + ": missing value");
    const char* value = argv[++i];
    if (flag == "--out") {
      a.out = value;
    } else if (flag == "--seed") {
      a.seed = static_cast<uint64_t>(ParseCount(flag, value));
    } else if (flag == "--spine-rows") {
      a.spine_rows = ParseCount(flag, value);
    } else if (flag == "--feature-rows") {
      a.feature_rows = ParseCount(flag, value);
    } else if (flag == "--views") {
      a.views = static_cast<int>(ParseCount(flag, value));
    } else if (flag == "--keys") {
      const std::string k = value;
      if (k != "uniform" && k != "skewed")
        Usage("--keys: expected uniform or skewed, got '" + k + "'");
      a.keys = k == "skewed" ? KeyDistribution::kSkewed : KeyDistribution::kUniform;
    } else if (flag == "--csv") {
      a.csv = value;
      if (a.csv != "auto" && a.csv != "yes" && a.csv != "no") {
        Usage("--csv: expected auto, yes or no, got '" + a.csv + "'");
      }
    } else if (flag == "--shape") {
      const std::string shape = value;
      if (shape != "join" && shape != "agg")
        Usage("--shape: expected join or agg, got '" + shape + "'");
      a.aggregated = shape == "agg";
    } else if (flag == "--threads") {
      a.threads = static_cast<int>(ParseCount(flag, value));
    } else {
      Usage("unknown argument '" + flag + "'");
    }
  }
  if (a.out.empty() && !a.print_spec) Usage("--out is required");
  return a;
}

// One output file: a part of a view, or the spine (view == -1).
struct Task {
  int view;
  int64_t part;
};

parquet::WriteOptions ParquetOptions() {
  parquet::WriteOptions o;
  o.codec = parquet::Codec::kZstd;
  o.compression_level = 1;
  return o;
}

Status CsvError(const char* action, const std::string& path) {
  return Status::IOError(std::string(action) + " '" + path + "': " + std::strerror(errno));
}

Status WriteCsvText(std::FILE* f, const std::string& text, const std::string& path) {
  if (std::fwrite(text.data(), 1, text.size(), f) != text.size()) return CsvError("write", path);
  return Status::OK();
}

// Writes one Parquet file and, when csv_path is not empty, its CSV copy,
// from chunks [first, last) made by `make` (chunk -> batch, csv text).
template <typename MakeChunk>
Status WriteFiles(const std::string& parquet_path, const std::string& csv_path,
                  const SchemaPtr& schema, int64_t first, int64_t last, MakeChunk make) {
  TS_ASSIGN_OR_RETURN(auto writer,
                      parquet::ParquetWriter::Open(parquet_path, schema, ParquetOptions()));
  std::FILE* csv = nullptr;
  if (!csv_path.empty()) {
    csv = std::fopen(csv_path.c_str(), "wb");
    if (csv == nullptr) return CsvError("create", csv_path);
  }
  Status st = csv != nullptr ? WriteCsvText(csv, CsvHeader(*schema), csv_path) : Status::OK();
  std::string text;
  for (int64_t c = first; st.ok() && c < last; ++c) {
    text.clear();
    auto batch = make(c, csv != nullptr ? &text : nullptr);
    st = batch.ok() ? writer->Write(**batch) : batch.status();
    if (st.ok() && csv != nullptr) st = WriteCsvText(csv, text, csv_path);
  }
  if (csv != nullptr && std::fclose(csv) != 0 && st.ok()) st = CsvError("write", csv_path);
  TS_RETURN_NOT_OK(st);
  return writer->Close();
}

Status RunTask(const PitSpec& spec, const std::string& dir, bool csv, const Task& t) {
  if (t.view < 0) {
    const SchemaPtr schema = SpineSchema(spec);
    return WriteFiles(dir + "/" + kSpineParquet, csv ? dir + "/" + kSpineCsv : "", schema, 0,
                      NumChunks(spec.spine_rows), [&](int64_t c, std::string* text) {
                        SpineChunk chunk = GenerateSpineChunk(spec, c);
                        if (text != nullptr) AppendSpineCsv(chunk, *text);
                        return SpineBatch(schema, chunk);
                      });
  }
  const ViewSpec& view = spec.views[static_cast<size_t>(t.view)];
  const SchemaPtr schema = FeatureSchema(view);
  const int64_t first = t.part * kChunksPerPart;
  const int64_t last = std::min(first + kChunksPerPart, NumChunks(view.rows));
  return WriteFiles(dir + "/" + PartPath(view, t.part, false),
                    csv ? dir + "/" + PartPath(view, t.part, true) : "", schema, first, last,
                    [&](int64_t c, std::string* text) {
                      FeatureChunk chunk = GenerateFeatureChunk(spec, t.view, c);
                      if (text != nullptr) AppendFeatureCsv(chunk, *text);
                      return FeatureBatch(schema, chunk);
                    });
}

// Runs every task on `threads` threads; the first failure is returned.
Status RunTasks(const PitSpec& spec, const std::string& dir, bool csv,
                const std::vector<Task>& tasks, int threads) {
  std::atomic<size_t> next{0};
  std::mutex mu;
  Status first_error;
  auto worker = [&] {
    for (size_t i = next++; i < tasks.size(); i = next++) {
      Status st = RunTask(spec, dir, csv, tasks[i]);
      if (!st.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        if (first_error.ok()) first_error = st;
        next = tasks.size();
      }
    }
  };
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
  return first_error;
}

Status PrepareFolders(const PitSpec& spec, const std::string& dir, bool csv) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::remove(dir + "/.complete", ec);
  for (const char* sub : {"sources", "csv"}) fs::remove_all(dir + "/" + sub, ec);
  for (const auto& v : spec.views) {
    fs::create_directories(dir + "/sources/" + v.name, ec);
    if (!ec && csv) fs::create_directories(dir + "/csv/" + v.name, ec);
    if (ec) return Status::IOError("cannot create folders under '" + dir + "': " + ec.message());
  }
  return Status::OK();
}

int Main(int argc, char** argv) {
  const Args args = ParseArgs(argc, argv);
  auto spec = PitSpec::Make(args.seed, args.spine_rows, args.feature_rows, args.views, args.keys,
                            args.aggregated);
  if (!spec.ok()) Usage(spec.status().message());
  if (args.print_spec) {
    std::printf("%s\n", spec->Describe().c_str());
    return 0;
  }
  const int64_t csv_auto_max = args.aggregated ? kCsvAutoMaxAggRows : kCsvAutoMaxRows;
  const bool csv = args.csv == "yes" || (args.csv == "auto" && args.feature_rows <= csv_auto_max);
  const int threads = args.threads > 0
                          ? args.threads
                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const auto start = std::chrono::steady_clock::now();
  std::vector<Task> tasks = {{-1, 0}};
  for (int v = 0; v < spec->num_views; ++v) {
    for (int64_t p = 0; p < NumParts(spec->views[static_cast<size_t>(v)]); ++p)
      tasks.push_back({v, p});
  }
  Status st = PrepareFolders(*spec, args.out, csv);
  if (st.ok()) st = RunTasks(*spec, args.out, csv, tasks, threads);
  if (st.ok()) st = WriteRepoFiles(*spec, args.out, csv);
  if (st.ok()) {
    std::ofstream done(args.out + "/.complete");
    done << spec->Describe() << "\n";
    if (!done) st = Status::IOError("cannot write '" + args.out + "/.complete'");
  }
  if (!st.ok()) {
    std::fprintf(stderr, "pit_datagen: %s\n", st.ToString().c_str());
    return 1;
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("pit_datagen: %s: %zu files%s in %.1f s (%d threads) -> %s\n",
              spec->Describe().c_str(), tasks.size(), csv ? " + CSV copy" : "", secs, threads,
              args.out.c_str());
  return 0;
}

}  // namespace
}  // namespace tessera::pitbench

int main(int argc, char** argv) { return tessera::pitbench::Main(argc, argv); }
