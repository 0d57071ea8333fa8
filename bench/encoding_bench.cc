// Throughput of the Parquet decoding kernels (encoding.h, compression.h):
// RLE/bit-packed hybrid, raw bit unpacking, DELTA_BINARY_PACKED and page
// decompression. Rates are in bytes of decoded output per second (values are
// counted as 4 bytes for RLE/bit unpacking, 8 for delta), as
// bytes_per_second; inputs are seeded so runs are comparable.
#include <benchmark/benchmark.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "tessera/format/parquet/compression.h"
#include "tessera/format/parquet/encoding.h"

namespace tessera::parquet {
namespace {

constexpr int64_t kValues = 1 << 16;

// Dictionary indices with runs: half the values repeat in runs of 32.
std::string RleInput(int bit_width) {
  std::mt19937 rng(1);
  std::vector<uint32_t> values(kValues);
  const uint32_t mask = bit_width == 32 ? ~0u : (1u << bit_width) - 1;
  for (int64_t i = 0; i < kValues; ++i) {
    values[i] = (i / 32) % 2 == 0 && i % 32 != 0 ? values[i - 1] : rng() & mask;
  }
  std::string out;
  EncodeRleBitPacked(values.data(), kValues, bit_width, &out);
  return out;
}

void BM_RleDecode(benchmark::State& state) {
  const int bit_width = static_cast<int>(state.range(0));
  const std::string input = RleInput(bit_width);
  std::vector<uint32_t> out(kValues);
  for (auto _ : state) {
    RleBitPackedDecoder decoder(reinterpret_cast<const uint8_t*>(input.data()),
                                static_cast<int64_t>(input.size()), bit_width);
    if (!decoder.GetBatch(out.data(), kValues).ok()) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * kValues * 4);
}
BENCHMARK(BM_RleDecode)->Arg(1)->Arg(3)->Arg(8)->Arg(12)->Arg(20);

void BM_UnpackBits(benchmark::State& state) {
  const int bit_width = static_cast<int>(state.range(0));
  std::mt19937_64 rng(2);
  std::string packed((kValues * bit_width + 7) / 8, '\0');
  for (auto& c : packed) c = static_cast<char>(rng());
  std::vector<uint32_t> out(kValues);
  for (auto _ : state) {
    UnpackBits(reinterpret_cast<const uint8_t*>(packed.data()), kValues, bit_width, out.data());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * kValues * 4);
}
BENCHMARK(BM_UnpackBits)->Arg(1)->Arg(2)->Arg(5)->Arg(8)->Arg(13)->Arg(17)->Arg(32);

// Timestamps a few milliseconds apart (as event times are), in microseconds.
void BM_DeltaDecode(benchmark::State& state) {
  std::mt19937_64 rng(3);
  std::vector<int64_t> values(kValues);
  int64_t t = 1'700'000'000'000'000;
  for (auto& v : values) v = t += static_cast<int64_t>(rng() % (state.range(0) + 1));
  std::string input;
  EncodeDeltaBinaryPacked(values.data(), kValues, &input);
  std::vector<int64_t> out(kValues);
  for (auto _ : state) {
    int64_t consumed = 0;
    if (!DecodeDeltaBinaryPacked(reinterpret_cast<const uint8_t*>(input.data()),
                                 static_cast<int64_t>(input.size()), kValues, out.data(), &consumed)
             .ok()) {
      state.SkipWithError("decode failed");
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * kValues * 8);
  state.counters["encoded_bytes_per_value"] =
      static_cast<double>(input.size()) / static_cast<double>(kValues);
}
BENCHMARK(BM_DeltaDecode)->Arg(0)->Arg(1000)->Arg(1'000'000);

// A 1 MiB page of PLAIN int64 feature values (small range, so compressible).
std::string PageBody() {
  std::mt19937_64 rng(4);
  std::string page(1 << 20, '\0');
  for (size_t i = 0; i + 8 <= page.size(); i += 8) {
    const int64_t v = static_cast<int64_t>(rng() % 10000);
    std::memcpy(page.data() + i, &v, 8);
  }
  return page;
}

void BM_Decompress(benchmark::State& state) {
  const Codec codec = static_cast<Codec>(state.range(0));
  const std::string page = PageBody();
  std::string compressed;
  if (!Compress(codec, reinterpret_cast<const uint8_t*>(page.data()),
                static_cast<int64_t>(page.size()), 1, &compressed)
           .ok()) {
    state.SkipWithError("compress failed");
    return;
  }
  std::string out(page.size(), '\0');
  for (auto _ : state) {
    if (!Decompress(codec, reinterpret_cast<const uint8_t*>(compressed.data()),
                    static_cast<int64_t>(compressed.size()), reinterpret_cast<uint8_t*>(out.data()),
                    static_cast<int64_t>(out.size()))
             .ok()) {
      state.SkipWithError("decompress failed");
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(page.size()));
  state.SetLabel(CodecName(codec));
  state.counters["ratio"] =
      static_cast<double>(page.size()) / static_cast<double>(compressed.size());
}
BENCHMARK(BM_Decompress)
    ->Arg(static_cast<int>(Codec::kSnappy))
    ->Arg(static_cast<int>(Codec::kZstd))
    ->Arg(static_cast<int>(Codec::kLz4Raw))
    ->Arg(static_cast<int>(Codec::kGzip))
    ->Arg(static_cast<int>(Codec::kBrotli));

}  // namespace
}  // namespace tessera::parquet

BENCHMARK_MAIN();
