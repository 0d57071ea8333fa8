// Parquet throughput, Tessera vs DuckDB on the same machine in the same run
// (docs/PERFORMANCE.md). Generates a deterministic table (default 10M rows x
// 10 columns: int64, int32, double, string, timestamp), then times
//   write: Tessera ParquetWriter (1 thread and all cores) vs DuckDB
//          COPY ... TO (threads=1 and all), both ZSTD, ~1M-row row groups;
//   read:  Tessera ReadParquetFile (all 10 columns and 2 of 10, 1 thread and
//          all cores) vs DuckDB CREATE TABLE AS SELECT ... FROM read_parquet
//          (threads=1 and all), both reading the file Tessera wrote.
// DuckDB statements are timed inside DuckDB (duckdb_query.mjs --time), so
// node start-up is not counted. Prints one JSON object per measurement, then
// a table with rows/s, MB/s (of the in-memory data) and DuckDB/Tessera time
// ratios.
//
//   parquet_throughput [--rows N] [--dir DIR] [--duckdb-dir DIR] [--node PATH]
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tessera/core/record_batch.h"
#include "tessera/format/parquet/reader.h"
#include "tessera/format/parquet/writer.h"

namespace tessera::parquet {
namespace {

struct Args {
  int64_t rows = 10'000'000;
  std::string dir = "/tmp";
#ifdef TESSERA_DUCKDB_DIR
  std::string duckdb_dir = TESSERA_DUCKDB_DIR;
#else
  std::string duckdb_dir = "build/duckdb";
#endif
#ifdef TESSERA_NODE
  std::string node = TESSERA_NODE;
#else
  std::string node = "node";
#endif
};

void Die(const std::string& what) {
  std::fprintf(stderr, "parquet_throughput: %s\n", what.c_str());
  std::exit(1);
}
void Check(const Status& st, const char* what) {
  if (!st.ok()) Die(std::string(what) + ": " + st.ToString());
}

SchemaPtr BenchSchema() {
  auto s = Schema::Make({{"id", DataType::Int64()},
                         {"user_id", DataType::Int64()},
                         {"quantity", DataType::Int32()},
                         {"amount", DataType::Double()},
                         {"score", DataType::Double()},
                         {"country", DataType::String()},
                         {"merchant", DataType::String()},
                         {"note", DataType::String()},
                         {"event_ts", DataType::Timestamp()},
                         {"created_ts", DataType::Timestamp()}});
  Check(s.status(), "schema");
  return *s;
}

// One batch of rows [start, start + n): ids sequential, low- and
// high-cardinality strings, 1% nulls in amount and note.
RecordBatchPtr MakeBenchBatch(const SchemaPtr& schema, int64_t start, int64_t n,
                              int64_t* data_bytes) {
  static const char* kCountries[] = {"US", "DE", "FR", "GB", "JP", "BR", "IN", "CN", "NL", "SE",
                                     "ES", "IT", "CA", "AU", "MX", "KR", "PL", "CH", "AT", "BE"};
  std::mt19937_64 rng(static_cast<uint64_t>(start) * 2654435761u + 17);
  RecordBatchBuilder b(schema);
  for (int c = 0; c < schema->num_fields(); ++c) Check(b.column(c)->Reserve(n), "reserve");
  auto* id = static_cast<Int64Builder*>(b.column(0));
  auto* user = static_cast<Int64Builder*>(b.column(1));
  auto* qty = static_cast<Int32Builder*>(b.column(2));
  auto* amount = static_cast<DoubleBuilder*>(b.column(3));
  auto* score = static_cast<DoubleBuilder*>(b.column(4));
  auto* country = static_cast<BinaryBuilder*>(b.column(5));
  auto* merchant = static_cast<BinaryBuilder*>(b.column(6));
  auto* note = static_cast<BinaryBuilder*>(b.column(7));
  auto* event_ts = static_cast<Int64Builder*>(b.column(8));
  auto* created_ts = static_cast<Int64Builder*>(b.column(9));
  char buf[64];
  int64_t bytes = 0;
  for (int64_t i = start; i < start + n; ++i) {
    const uint64_t r = rng();
    Check(id->Append(i), "append");
    Check(user->Append(static_cast<int64_t>(r % 1'000'000)), "append");
    Check(qty->Append(static_cast<int32_t>((r >> 20) % 100)), "append");
    if ((r >> 27) % 100 == 0) {
      Check(amount->AppendNull(), "append");
    } else {
      Check(amount->Append(static_cast<double>((r >> 30) % 1'000'000) / 100.0), "append");
    }
    Check(score->Append(static_cast<double>(rng() >> 11) * 0x1.0p-53), "append");
    const char* cty = kCountries[(r >> 40) % 20];
    Check(country->Append(cty), "append");
    const int mlen =
        std::snprintf(buf, sizeof(buf), "merchant_%05d", static_cast<int>((r >> 45) % 50000));
    Check(merchant->Append(std::string_view(buf, static_cast<size_t>(mlen))), "append");
    bytes += 2 + mlen;
    if ((r >> 5) % 100 == 0) {
      Check(note->AppendNull(), "append");
    } else {
      const uint64_t x = rng();
      const int nlen = std::snprintf(buf, sizeof(buf), "order %llu for user %llu",
                                     static_cast<unsigned long long>(x % 100'000'000'000ULL),
                                     static_cast<unsigned long long>(r % 1'000'000));
      Check(note->Append(std::string_view(buf, static_cast<size_t>(nlen))), "append");
      bytes += nlen;
    }
    const int64_t ts = 1'700'000'000'000'000LL + i * 1000 + static_cast<int64_t>(r % 1000);
    Check(event_ts->Append(ts), "append");
    Check(created_ts->Append(ts + static_cast<int64_t>((r >> 12) % 60'000'000)), "append");
  }
  *data_bytes += bytes + n * (8 * 5 + 4 + 8 * 2);  // strings + fixed-width values
  auto batch = b.Finish();
  Check(batch.status(), "batch");
  return *batch;
}

double Seconds(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Wall and CPU (user + system, all threads) time of one operation. On a
// shared machine the CPU time is the steadier figure.
struct Measurement {
  std::string name;
  std::string engine;
  double seconds;
  double cpu_seconds;
};

double ProcessCpuSeconds() {
  struct rusage ru;
  ::getrusage(RUSAGE_SELF, &ru);
  auto sec = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return sec(ru.ru_utime) + sec(ru.ru_stime);
}

struct Timer {
  std::chrono::steady_clock::time_point wall = std::chrono::steady_clock::now();
  double cpu = ProcessCpuSeconds();
  Measurement Stop(std::string name) const {
    return {std::move(name), "tessera", Seconds(wall), ProcessCpuSeconds() - cpu};
  }
};

struct DuckDbTiming {
  double ms;
  double cpu_ms;
};

// Runs the statements in DuckDB; returns the time of each.
std::vector<DuckDbTiming> RunDuckDbTimed(const Args& a,
                                         const std::vector<std::string>& statements) {
  const std::string base = a.dir + "/tessera_bench_duckdb_" + std::to_string(::getpid());
  {
    std::ofstream sql(base + ".sql");
    for (const auto& s : statements) sql << s << ";\n";
  }
  const std::string cmd = "'" + a.node + "' '" + a.duckdb_dir + "/duckdb_query.mjs' --time < '" +
                          base + ".sql' > /dev/null 2> '" + base + ".err'";
  const int rc = std::system(cmd.c_str());
  std::ifstream err(base + ".err");
  std::vector<DuckDbTiming> ms;
  std::string line;
  std::string all;
  while (std::getline(err, line)) {
    all += line + "\n";
    const size_t at = line.find("\"ms\":");
    const size_t cpu_at = line.find("\"cpu_ms\":");
    if (at != std::string::npos && cpu_at != std::string::npos) {
      ms.push_back({std::strtod(line.c_str() + at + 5, nullptr),
                    std::strtod(line.c_str() + cpu_at + 9, nullptr)});
    }
  }
  std::filesystem::remove(base + ".sql");
  std::filesystem::remove(base + ".err");
  if (rc != 0) Die("duckdb failed: " + all);
  return ms;
}

std::string DuckDbVersion(const Args& a) {
  const std::string cmd = "'" + a.node + "' '" + a.duckdb_dir +
                          "/duckdb_query.mjs' 'SELECT version()' 2>/dev/null | tail -1";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return "?";
  char buf[128] = {0};
  const size_t n = std::fread(buf, 1, sizeof(buf) - 1, p);
  ::pclose(p);
  std::string v(buf, n);
  while (!v.empty() && (v.back() == '\n' || v.back() == ']' || v.back() == '"')) v.pop_back();
  return v.substr(v.find_first_not_of("[\""));
}

Args ParseArgs(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--rows") {
      a.rows = std::atoll(v.c_str());
    } else if (k == "--dir") {
      a.dir = v;
    } else if (k == "--duckdb-dir") {
      a.duckdb_dir = v;
    } else if (k == "--node") {
      a.node = v;
    } else {
      Die("unknown option " + k);
    }
  }
  return a;
}

int Main(int argc, char** argv) {
  const Args a = ParseArgs(argc, argv);
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const bool have_duckdb =
      std::filesystem::exists(a.duckdb_dir + "/node_modules/@duckdb/node-api/package.json");
  SchemaPtr schema = BenchSchema();
  std::vector<RecordBatchPtr> batches;
  int64_t data_bytes = 0;
  const int64_t kBatchRows = 1 << 16;
  for (int64_t s = 0; s < a.rows; s += kBatchRows) {
    batches.push_back(MakeBenchBatch(schema, s, std::min(kBatchRows, a.rows - s), &data_bytes));
  }
  const double mb = static_cast<double>(data_bytes) / 1e6;
  std::vector<Measurement> results;
  const std::string tessera_file = a.dir + "/tessera_bench.parquet";
  const std::string duck_file = a.dir + "/tessera_bench_duckdb.parquet";

  for (int threads : {1, cores}) {
    WriteOptions o;
    o.num_threads = threads;
    const Timer timer;
    Check(WriteParquetFile(tessera_file, schema, batches, o), "write");
    results.push_back(timer.Stop("write threads=" + std::to_string(threads)));
  }
  const double file_mb = static_cast<double>(std::filesystem::file_size(tessera_file)) / 1e6;
  batches.clear();

  const std::vector<std::string> kProjection = {"user_id", "amount"};
  for (int threads : {1, cores}) {
    for (bool projected : {false, true}) {
      ReadOptions ro;
      ro.num_threads = threads;
      if (projected) ro.columns = kProjection;
      const Timer timer;
      auto read = ReadParquetFile(tessera_file, ro);
      Measurement m = timer.Stop(std::string(projected ? "read 2/10 cols" : "read all cols") +
                                 " threads=" + std::to_string(threads));
      Check(read.status(), "read");
      int64_t rows = 0;
      for (const auto& b : *read) rows += b->num_rows();
      if (rows != a.rows) Die("read back " + std::to_string(rows) + " rows");
      results.push_back(std::move(m));
    }
  }

  std::string duck_version = "not installed";
  if (have_duckdb) {
    duck_version = DuckDbVersion(a);
    for (int threads : {1, cores}) {
      const std::string set = "SET threads = " + std::to_string(threads);
      auto ms = RunDuckDbTimed(
          a,
          {set, "CREATE TABLE t AS SELECT * FROM read_parquet('" + tessera_file + "')",
           "COPY t TO '" + duck_file +
               "' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 1048576)",
           "CREATE TABLE r AS SELECT * FROM read_parquet('" + tessera_file + "')",
           "CREATE TABLE p AS SELECT user_id, amount FROM read_parquet('" + tessera_file + "')"});
      const std::string suffix = " threads=" + std::to_string(threads);
      const char* kOps[] = {"write", "read all cols", "read 2/10 cols"};
      for (size_t k = 0; k < 3; ++k) {
        const DuckDbTiming& t = ms.at(k + 2);
        results.push_back({kOps[k] + suffix, "duckdb", t.ms / 1000, t.cpu_ms / 1000});
      }
    }
  }

  std::printf(
      "{\"rows\":%lld,\"columns\":10,\"data_mb\":%.1f,\"tessera_file_mb\":%.1f,"
      "\"cores\":%d,\"duckdb\":\"%s\"}\n",
      static_cast<long long>(a.rows), mb, file_mb, cores, duck_version.c_str());
  for (const auto& m : results) {
    std::printf(
        "{\"op\":\"%s\",\"engine\":\"%s\",\"seconds\":%.3f,\"cpu_seconds\":%.3f,"
        "\"rows_per_s\":%.0f,\"mb_per_s\":%.1f}\n",
        m.name.c_str(), m.engine.c_str(), m.seconds, m.cpu_seconds,
        static_cast<double>(a.rows) / m.seconds, mb / m.seconds);
  }
  std::printf("\n%-24s %9s %9s %9s %9s %9s %9s %9s %9s\n", "operation", "tes wall", "tes cpu",
              "duck wall", "duck cpu", "tes Mr/s", "tes MB/s", "wall x", "cpu x");
  for (const auto& m : results) {
    if (m.engine != "tessera") continue;
    const Measurement* d = nullptr;
    for (const auto& x : results) {
      if (x.engine == "duckdb" && x.name == m.name) d = &x;
    }
    std::printf("%-24s %9.3f %9.3f %9.3f %9.3f %9.2f %9.0f %9.2f %9.2f\n", m.name.c_str(),
                m.seconds, m.cpu_seconds, d ? d->seconds : 0.0, d ? d->cpu_seconds : 0.0,
                static_cast<double>(a.rows) / m.seconds / 1e6, mb / m.seconds,
                d ? d->seconds / m.seconds : 0.0, d ? d->cpu_seconds / m.cpu_seconds : 0.0);
  }
  std::printf("(wall x, cpu x = DuckDB time / Tessera time: above 1 means Tessera is faster)\n");
  std::filesystem::remove(tessera_file);
  std::filesystem::remove(duck_file);
  return 0;
}

}  // namespace
}  // namespace tessera::parquet

int main(int argc, char** argv) { return tessera::parquet::Main(argc, argv); }
