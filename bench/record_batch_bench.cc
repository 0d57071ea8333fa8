// Micro-benchmarks of building and reading the columnar RecordBatch: the
// cost every module pays to move rows. Run: build/record_batch_bench
#include <benchmark/benchmark.h>

#include <string>

#include "tessera/core/builder.h"
#include "tessera/core/entity_key.h"
#include "tessera/core/record_batch.h"

namespace tessera {
namespace {

constexpr int64_t kRows = 1 << 20;

void BM_BuildInt64(benchmark::State& state) {
  for (auto _ : state) {
    Int64Builder b(DataType::Int64());
    (void)b.Reserve(kRows);
    for (int64_t i = 0; i < kRows; ++i) (void)b.Append(i);
    auto arr = b.Finish();
    benchmark::DoNotOptimize(arr);
  }
  state.SetItemsProcessed(state.iterations() * kRows);
  state.SetBytesProcessed(state.iterations() * kRows * 8);
}
BENCHMARK(BM_BuildInt64);

void BM_BuildInt64WithNulls(benchmark::State& state) {
  for (auto _ : state) {
    Int64Builder b(DataType::Int64());
    (void)b.Reserve(kRows);
    for (int64_t i = 0; i < kRows; ++i) (void)(i % 10 == 0 ? b.AppendNull() : b.Append(i));
    auto arr = b.Finish();
    benchmark::DoNotOptimize(arr);
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}
BENCHMARK(BM_BuildInt64WithNulls);

void BM_BuildStrings(benchmark::State& state) {
  std::string value = "merchant_000000";
  for (auto _ : state) {
    BinaryBuilder b(DataType::String());
    (void)b.Reserve(kRows);
    (void)b.ReserveData(kRows * static_cast<int64_t>(value.size()));
    for (int64_t i = 0; i < kRows; ++i) {
      value[9] = static_cast<char>('0' + i % 10);
      (void)b.Append(value);
    }
    auto arr = b.Finish();
    benchmark::DoNotOptimize(arr);
  }
  state.SetItemsProcessed(state.iterations() * kRows);
  state.SetBytesProcessed(state.iterations() * kRows * static_cast<int64_t>(value.size()));
}
BENCHMARK(BM_BuildStrings);

ArrayPtr MakeDoubles() {
  DoubleBuilder b(DataType::Double());
  for (int64_t i = 0; i < kRows; ++i) (void)(i % 10 == 0 ? b.AppendNull() : b.Append(i * 0.5));
  return *b.Finish();
}

void BM_ReadDoublesSkippingNulls(benchmark::State& state) {
  ArrayPtr arr = MakeDoubles();
  for (auto _ : state) {
    double sum = 0;
    const double* v = arr->values<double>();
    for (int64_t i = 0; i < arr->length(); ++i) {
      if (arr->IsValid(i)) sum += v[i];
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}
BENCHMARK(BM_ReadDoublesSkippingNulls);

void BM_ReadStrings(benchmark::State& state) {
  BinaryBuilder b(DataType::String());
  for (int64_t i = 0; i < kRows; ++i) (void)b.Append("user_" + std::to_string(i));
  ArrayPtr arr = *b.Finish();
  for (auto _ : state) {
    size_t total = 0;
    for (int64_t i = 0; i < arr->length(); ++i) total += arr->GetView(i).size();
    benchmark::DoNotOptimize(total);
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}
BENCHMARK(BM_ReadStrings);

void BM_EncodeEntityKeys(benchmark::State& state) {
  Int64Builder b(DataType::Int64());
  for (int64_t i = 0; i < kRows; ++i) (void)b.Append(i * 7919);
  ArrayPtr ids = *b.Finish();
  for (auto _ : state) {
    EntityKey::Builder kb;
    size_t total = 0;
    for (int64_t i = 0; i < ids->length(); ++i) {
      kb.Reset();
      (void)kb.AppendFromArray(*ids, i);
      total += kb.Build().bytes().size();
    }
    benchmark::DoNotOptimize(total);
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}
BENCHMARK(BM_EncodeEntityKeys);

}  // namespace
}  // namespace tessera

BENCHMARK_MAIN();
