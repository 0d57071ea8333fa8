// RocksDB online store micro benchmark: write throughput, and MultiGet
// latency for 1 and 100 entities with 2 views each (serving's read shape).
//
//   build/online_store_bench [--benchmark_filter=...]
//   TESSERA_BENCH_KEYS=1000000 build/online_store_bench   (keys per view; default 200000)
//
// Rows are RowCodec encodings of 5 features per view (3 doubles, an int64,
// a ~16-byte string): 10 features over the 2 views. Entity keys are the
// EntityKey encoding of an int64 user_id. The read store lives in a
// temporary folder under $TMPDIR, filled once, removed at exit. Read
// counters: p50_us / p99_us of single calls (Google Benchmark's time is
// the mean). Not a test: no assertions on time (docs/PERFORMANCE.md).
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <random>

#include "tessera/core/builder.h"
#include "tessera/core/entity_key.h"
#include "tessera/online/rocksdb/rocksdb_online_store.h"
#include "tessera/online/row_codec.h"

namespace tessera::online {
namespace {

int64_t KeysPerView() {
  const char* v = std::getenv("TESSERA_BENCH_KEYS");
  int64_t n = v ? std::atoll(v) : 0;
  return n > 0 ? n : 200000;
}

std::string TempFolder() {
  std::string tmpl =
      std::filesystem::temp_directory_path().string() + "/tessera_online_bench_XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) std::abort();
  return tmpl;
}

std::string UserKey(int64_t id) {
  EntityKey::Builder b;
  b.AppendInt(id);
  return b.Build().bytes();
}

// `n` encoded rows of 5 features (double x3, int64, string).
std::vector<std::string> EncodedRows(int64_t n, uint64_t seed) {
  std::vector<DataType> types = {DataType::Double(), DataType::Double(), DataType::Double(),
                                 DataType::Int64(), DataType::String()};
  std::mt19937_64 rng(seed);
  std::vector<std::unique_ptr<ArrayBuilder>> builders;
  for (DataType t : types) builders.push_back(ArrayBuilder::Make(t));
  for (int64_t i = 0; i < n; ++i) {
    for (int c = 0; c < 3; ++c) {
      (void)static_cast<DoubleBuilder*>(builders[c].get())->Append(double(rng() % 100000) / 7);
    }
    (void)static_cast<Int64Builder*>(builders[3].get())->Append(static_cast<int64_t>(rng()));
    (void)static_cast<BinaryBuilder*>(builders[4].get())
        ->Append("country-" + std::to_string(rng() % 100000000));
  }
  std::vector<ArrayPtr> cols;
  std::vector<const Array*> raw;
  for (auto& b : builders) {
    cols.push_back(*b->Finish());
    raw.push_back(cols.back().get());
  }
  RowCodec codec(types);
  std::vector<std::string> rows(n);
  for (int64_t i = 0; i < n; ++i) (void)codec.EncodeRow(raw, i, &rows[i]);
  return rows;
}

std::unique_ptr<RocksDbOnlineStore> OpenStore(const std::string& path) {
  RocksDbOnlineStoreOptions options;
  options.path = path;
  options.block_cache_mb = 256;
  auto store = RocksDbOnlineStore::Open(options);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    std::abort();
  }
  return std::move(*store);
}

// Writes `n` rows per view in batches of 1000.
void Fill(RocksDbOnlineStore* store, const std::vector<ViewId>& views, int64_t n) {
  std::vector<std::string> keys(n);
  for (int64_t i = 0; i < n; ++i) keys[i] = UserKey(i);
  for (size_t v = 0; v < views.size(); ++v) {
    std::vector<std::string> values = EncodedRows(n, v + 1);
    std::vector<OnlineWrite> batch;
    for (int64_t i = 0; i < n; ++i) {
      batch.push_back(OnlineWrite{keys[i], RowRank{i, i, 0}, values[i]});
      if (batch.size() == 1000 || i + 1 == n) {
        if (!store->Write(views[v], batch).ok()) std::abort();
        batch.clear();
      }
    }
  }
}

void BM_WriteRows(benchmark::State& state) {
  const int64_t n = state.range(0);
  std::vector<ViewId> views = {{"user_profile", 1}};
  for (auto _ : state) {
    state.PauseTiming();
    std::string dir = TempFolder();
    auto store = OpenStore(dir + "/online");
    state.ResumeTiming();
    Fill(store.get(), views, n);
    state.PauseTiming();
    store.reset();
    std::filesystem::remove_all(dir);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_WriteRows)->Arg(200000)->Unit(benchmark::kMillisecond)->Iterations(3);

// The read store: KeysPerView() entities in 2 views, filled once.
struct ReadStore {
  ReadStore() : dir(TempFolder()), views{{"user_profile", 1}, {"user_spend", 1}} {
    store = OpenStore(dir + "/online");
    Fill(store.get(), views, KeysPerView());
  }
  ~ReadStore() {
    store.reset();
    std::filesystem::remove_all(dir);
  }
  std::string dir;
  std::vector<ViewId> views;
  std::unique_ptr<RocksDbOnlineStore> store;
};

ReadStore& Shared() {
  static ReadStore store;
  return store;
}

void BM_MultiGet(benchmark::State& state) {
  ReadStore& rs = Shared();
  const int64_t entities = state.range(0), keys = KeysPerView();
  std::mt19937_64 rng(42);
  std::vector<std::string> entity_keys(entities);
  std::vector<OnlineLookup> lookups(entities * 2);
  std::vector<std::optional<OnlineRow>> out;
  std::vector<double> micros;
  for (auto _ : state) {
    for (int64_t e = 0; e < entities; ++e) {
      entity_keys[e] = UserKey(static_cast<int64_t>(rng() % keys));
      lookups[2 * e] = OnlineLookup{&rs.views[0], entity_keys[e]};
      lookups[2 * e + 1] = OnlineLookup{&rs.views[1], entity_keys[e]};
    }
    auto start = std::chrono::steady_clock::now();
    if (!rs.store->Read(lookups, &out).ok()) std::abort();
    micros.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
            .count());
    benchmark::DoNotOptimize(out.data());
  }
  std::sort(micros.begin(), micros.end());
  state.counters["p50_us"] = micros[micros.size() / 2];
  state.counters["p99_us"] = micros[micros.size() * 99 / 100];
  state.SetItemsProcessed(state.iterations() * entities * 2);
}
BENCHMARK(BM_MultiGet)->Arg(1)->Arg(100)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace tessera::online

BENCHMARK_MAIN();
