// The point-in-time join alone (src/tessera/offline/point_in_time_join.h)
// on generated in-memory data: no Parquet, no CSV, no output file (the
// whole `tessera historical` process is timed by bench/pit against DuckDB
// and pandas). Defaults: a spine of 1M rows against one view of 10M rows
// with 10 double features, 1M distinct int64 keys (uniform), event times
// uniform over a year and in random order, 1M rows per input batch.
// Each figure is the best of --repeat runs; data generation is excluded.
// Output: one JSON object per line.
//
//   build/pit_join_bench [--spine N] [--rows N] [--keys N] [--features N]
//                        [--threads N] [--repeat N] [--budget-mib N] [--sorted]
//                        [--stream | --generate-only]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "tessera/core/builder.h"
#include "tessera/core/record_batch.h"
#include "tessera/offline/point_in_time_join.h"

namespace tessera {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int64_t kYearMicros = int64_t{365} * 24 * 3600 * 1000000;

[[noreturn]] void Die(const std::string& what) {
  std::cerr << "pit_join_bench: " << what << "\n";
  std::exit(1);
}

template <typename T>
T Check(Result<T> r, const char* what) {
  if (!r.ok()) Die(std::string(what) + ": " + r.status().ToString());
  return std::move(*r);
}

struct Args {
  int64_t spine = 1000000;
  int64_t rows = 10000000;
  int64_t keys = 1000000;
  int features = 10;
  int threads = 2;
  int repeat = 3;
  int64_t budget_mib = 2048;
  bool sorted = false;         // view rows in event time order (as appended logs are)
  bool stream = false;         // generate the view while it is read (GeneratedReader)
  bool generate_only = false;  // time reading the generated view, no join
};

Args ParseArgs(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    auto next = [&]() -> int64_t {
      if (i + 1 >= argc) Die("missing value after " + flag);
      return std::atoll(argv[++i]);
    };
    if (flag == "--spine")
      a.spine = next();
    else if (flag == "--rows")
      a.rows = next();
    else if (flag == "--keys")
      a.keys = next();
    else if (flag == "--features")
      a.features = static_cast<int>(next());
    else if (flag == "--threads")
      a.threads = static_cast<int>(next());
    else if (flag == "--repeat")
      a.repeat = static_cast<int>(next());
    else if (flag == "--budget-mib")
      a.budget_mib = next();
    else if (flag == "--sorted")
      a.sorted = true;
    else if (flag == "--stream")
      a.stream = true;
    else if (flag == "--generate-only")
      a.stream = a.generate_only = true;
    else
      Die("unknown flag " + flag);
  }
  return a;
}

ArrayPtr Int64Column(DataType type, const std::vector<int64_t>& v, size_t begin, size_t end) {
  Int64Builder b(type);
  if (!b.AppendValues(v.data() + begin, static_cast<int64_t>(end - begin)).ok()) Die("append");
  return Check(b.Finish(), "finish");
}

RecordBatchPtr MakeSpine(const Args& a, std::mt19937_64& rng) {
  std::vector<int64_t> keys(static_cast<size_t>(a.spine)), times(keys.size());
  std::uniform_int_distribution<int64_t> key(0, a.keys - 1), time(0, kYearMicros);
  for (size_t i = 0; i < keys.size(); ++i) {
    keys[i] = key(rng);
    times[i] = time(rng);
  }
  auto schema = Check(
      Schema::Make({{"user_id", DataType::Int64()}, {"event_timestamp", DataType::Timestamp()}}),
      "schema");
  return Check(
      RecordBatch::Make(schema, {Int64Column(DataType::Int64(), keys, 0, keys.size()),
                                 Int64Column(DataType::Timestamp(), times, 0, times.size())}),
      "spine");
}

std::vector<RecordBatchPtr> MakeView(const Args& a, std::mt19937_64& rng, SchemaPtr* schema) {
  std::vector<Field> fields = {{"user_id", DataType::Int64()},
                               {"event_ts", DataType::Timestamp()},
                               {"created_ts", DataType::Timestamp()}};
  for (int f = 0; f < a.features; ++f)
    fields.push_back({"f" + std::to_string(f), DataType::Double()});
  *schema = Check(Schema::Make(fields), "schema");
  std::vector<int64_t> keys(static_cast<size_t>(a.rows)), times(keys.size());
  std::uniform_int_distribution<int64_t> key(0, a.keys - 1), time(0, kYearMicros);
  for (size_t i = 0; i < keys.size(); ++i) {
    keys[i] = key(rng);
    times[i] = time(rng);
  }
  if (a.sorted) std::sort(times.begin(), times.end());
  std::uniform_real_distribution<double> value(0, 1000);
  std::vector<RecordBatchPtr> batches;
  const size_t batch = 1 << 20;
  for (size_t begin = 0; begin < keys.size(); begin += batch) {
    size_t end = std::min(keys.size(), begin + batch);
    std::vector<ArrayPtr> columns = {Int64Column(DataType::Int64(), keys, begin, end),
                                     Int64Column(DataType::Timestamp(), times, begin, end),
                                     Int64Column(DataType::Timestamp(), times, begin, end)};
    for (int f = 0; f < a.features; ++f) {
      DoubleBuilder b(DataType::Double());
      if (!b.Reserve(static_cast<int64_t>(end - begin)).ok()) Die("reserve");
      for (size_t i = begin; i < end; ++i) (void)b.Append(value(rng));
      columns.push_back(Check(b.Finish(), "finish"));
    }
    batches.push_back(Check(RecordBatch::Make(*schema, columns), "batch"));
  }
  return batches;
}

// --stream: the view's batches are generated as they are read (a cheap
// generator, seeded per batch), so a view larger than memory can be joined
// and peak RSS shows the join's own memory; the timing then includes the
// generation, which --generate-only times alone.
class GeneratedReader : public RecordBatchReader {
 public:
  GeneratedReader(const Args& a, SchemaPtr schema) : a_(a), schema_(std::move(schema)) {}
  const SchemaPtr& schema() const override { return schema_; }
  Result<RecordBatchPtr> Next() override {
    const int64_t batch = 1 << 20;
    const int64_t begin = next_ * batch;
    if (begin >= a_.rows) return RecordBatchPtr();
    const int64_t n = std::min(batch, a_.rows - begin);
    uint64_t state = 0x9e3779b97f4a7c15ULL * static_cast<uint64_t>(++next_);
    auto rand = [&state] {  // splitmix64
      uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      return z ^ (z >> 31);
    };
    std::vector<int64_t> keys(static_cast<size_t>(n)), times(keys.size());
    for (size_t i = 0; i < keys.size(); ++i) {
      keys[i] = static_cast<int64_t>(rand() % static_cast<uint64_t>(a_.keys));
      times[i] = a_.sorted ? (begin + static_cast<int64_t>(i)) * (kYearMicros / a_.rows)
                           : static_cast<int64_t>(rand() % kYearMicros);
    }
    std::vector<ArrayPtr> columns = {Int64Column(DataType::Int64(), keys, 0, keys.size()),
                                     Int64Column(DataType::Timestamp(), times, 0, keys.size()),
                                     Int64Column(DataType::Timestamp(), times, 0, keys.size())};
    for (int f = 0; f < a_.features; ++f) {
      DoubleBuilder b(DataType::Double());
      if (!b.Reserve(n).ok()) Die("reserve");
      for (int64_t i = 0; i < n; ++i) (void)b.Append(static_cast<double>(rand() >> 11) * 0x1p-53);
      columns.push_back(Check(b.Finish(), "finish"));
    }
    return RecordBatch::Make(schema_, columns);
  }

 private:
  const Args& a_;
  SchemaPtr schema_;
  int64_t next_ = 0;
};

double CpuSeconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

}  // namespace
}  // namespace tessera

int main(int argc, char** argv) {
  using namespace tessera;
  const Args a = ParseArgs(argc, argv);
  std::mt19937_64 rng(20261130);
  RecordBatchPtr spine = MakeSpine(a, rng);
  SchemaPtr schema;
  std::vector<RecordBatchPtr> view;
  if (a.stream) {
    Args none = a;
    none.rows = 0;
    MakeView(none, rng, &schema);  // the schema only
  } else {
    view = MakeView(a, rng, &schema);
  }
  if (a.generate_only) {
    auto t0 = Clock::now();
    GeneratedReader reader(a, schema);
    while (Check(reader.Next(), "generate") != nullptr) {
    }
    std::printf("{\"case\":\"generate_only\",\"rows\":%lld,\"seconds\":%.3f}\n",
                static_cast<long long>(a.rows),
                std::chrono::duration<double>(Clock::now() - t0).count());
    return 0;
  }
  double best = 1e30, best_cpu = 0;
  int64_t matched = 0;
  for (int r = 0; r < a.repeat; ++r) {
    std::vector<offline::JoinViewInput> inputs(1);
    inputs[0].name = "v";
    if (a.stream) {
      inputs[0].rows = std::make_unique<GeneratedReader>(a, schema);
    } else {
      inputs[0].rows = std::make_unique<VectorBatchReader>(schema, view);
    }
    inputs[0].spine_key_columns = {0};
    offline::JoinOptions options;
    options.num_threads = a.threads;
    options.memory_budget_bytes = a.budget_mib << 20;
    double cpu0 = CpuSeconds();
    auto t0 = Clock::now();
    auto result = Check(offline::PointInTimeJoin(*spine, 1, std::move(inputs), options), "join");
    double s = std::chrono::duration<double>(Clock::now() - t0).count();
    double cpu = CpuSeconds() - cpu0;
    if (s < best) {
      best = s;
      best_cpu = cpu;
    }
    matched = result[0]->num_rows() - result[0]->column(a.features)->null_count();
  }
  std::printf(
      "{\"case\":\"pit_join\",\"spine\":%lld,\"rows\":%lld,\"keys\":%lld,\"features\":%d,"
      "\"threads\":%d,\"sorted\":%s,\"seconds\":%.3f,\"cpu_seconds\":%.3f,"
      "\"view_rows_per_s\":%.0f,\"matched\":%lld}\n",
      static_cast<long long>(a.spine), static_cast<long long>(a.rows),
      static_cast<long long>(a.keys), a.features, a.threads, a.sorted ? "true" : "false", best,
      best_cpu, static_cast<double>(a.rows) / best, static_cast<long long>(matched));
  return 0;
}
