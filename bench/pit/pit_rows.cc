#include "pit_rows.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace tessera::pitbench {
namespace {

// xoshiro256** seeded through splitmix64: fast, and the same sequence on
// every platform (std::uniform_*_distribution are not).
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (auto& s : s_) s = SplitMix(seed);
  }
  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, n).
  int64_t Below(int64_t n) { return static_cast<int64_t>(Next() % static_cast<uint64_t>(n)); }
  // Uniform in [0, 1).
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // true with probability per_mille / 1000.
  bool PerMille(int per_mille) { return Below(1000) < per_mille; }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static uint64_t SplitMix(uint64_t& x) {
    uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  uint64_t s_[4];
};

uint64_t ChunkSeed(const PitSpec& spec, int stream, int64_t chunk) {
  return spec.seed * 0x100000001B3ULL ^ (static_cast<uint64_t>(stream) << 48) ^
         static_cast<uint64_t>(chunk);
}

// A key in [0, keys): uniform, or zipf-like with exponent 1 (P(rank r) ~
// 1/(r+1), drawn by inverting the continuous power law), rank 0 hottest.
int64_t DrawKey(Rng& rng, KeyDistribution d, int64_t keys) {
  if (d == KeyDistribution::kUniform) return rng.Below(keys);
  const double r = std::exp(rng.Unit() * std::log(static_cast<double>(keys) + 1.0)) - 1.0;
  return std::min(static_cast<int64_t>(r), keys - 1);
}

int64_t ChunkRows(int64_t rows, int64_t chunk) {
  return std::min(kRowsPerChunk, rows - chunk * kRowsPerChunk);
}

// One feature value of the representation described in pit_rows.h.
int64_t DrawValue(Rng& rng, const DataType& type) {
  if (type.id() == TypeId::kDouble) return rng.Below(1'000'000);  // cents: 0.00 .. 9999.99
  if (type.id() == TypeId::kString) return rng.Below(kNumCategories);
  return rng.Below(1000);
}

// The created_ts of a row repeating the previous row's key and event_ts:
// the same (file order decides), later, or earlier.
void RepeatCreated(Rng& rng, FeatureChunk& c, size_t i) {
  const int64_t how = rng.Below(3);
  c.created_valid[i] = c.created_valid[i - 1];
  if (how == 0 || !c.created_valid[i - 1]) {
    c.created_ts[i] = c.created_ts[i - 1];
    return;
  }
  const int64_t delta = (1 + rng.Below(60)) * kMicrosPerSecond;
  c.created_ts[i] = c.created_ts[i - 1] + (how == 1 ? delta : -delta);
}

// Seconds, floored to the aggregation shape's grid when `aggregated`
// (times here are positive).
int64_t OnGrid(bool aggregated, int64_t seconds) {
  return aggregated ? seconds / kAggGridSeconds * kAggGridSeconds : seconds;
}

}  // namespace

int64_t NumChunks(int64_t rows) { return (rows + kRowsPerChunk - 1) / kRowsPerChunk; }

std::string CategoryName(int64_t index) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "cat_%02d", static_cast<int>(index));
  return buf;
}

FeatureChunk GenerateFeatureChunk(const PitSpec& spec, int view, int64_t chunk) {
  const ViewSpec& v = spec.views[static_cast<size_t>(view)];
  const int64_t n = ChunkRows(v.rows, chunk);
  const auto& columns = FeatureColumns();
  Rng rng(ChunkSeed(spec, view + 1, chunk));
  FeatureChunk c;
  c.first_row = chunk * kRowsPerChunk;
  c.aggregated = v.aggregated;
  c.key.resize(static_cast<size_t>(n));
  c.event_ts.resize(static_cast<size_t>(n));
  c.created_ts.resize(static_cast<size_t>(n));
  c.created_valid.assign(static_cast<size_t>(n), 1);
  c.f0_valid.assign(static_cast<size_t>(n), 1);
  c.values.assign(columns.size(), std::vector<int64_t>(static_cast<size_t>(n)));
  for (size_t i = 0; i < static_cast<size_t>(n); ++i) {
    const int64_t row = c.first_row + static_cast<int64_t>(i);
    if (i > 0 && rng.PerMille(50)) {
      c.key[i] = c.key[i - 1];
      c.event_ts[i] = c.event_ts[i - 1];
      RepeatCreated(rng, c, i);
    } else {
      c.key[i] = DrawKey(rng, spec.distribution, v.keys);
      // Increasing with the row, give or take an hour: appended in time order.
      const int64_t base =
          kStartSeconds + static_cast<int64_t>(static_cast<__int128>(row) * kSpanSeconds / v.rows);
      c.event_ts[i] = OnGrid(v.aggregated, base + rng.Below(7201) - 3600) * kMicrosPerSecond;
      c.created_ts[i] = c.event_ts[i] + rng.Below(600) * kMicrosPerSecond;
      if (rng.PerMille(2)) c.created_valid[i] = 0;
    }
    for (size_t f = 0; f < columns.size(); ++f) c.values[f][i] = DrawValue(rng, columns[f].type);
    if (rng.PerMille(10)) c.f0_valid[i] = 0;
  }
  return c;
}

SpineChunk GenerateSpineChunk(const PitSpec& spec, int64_t chunk) {
  const int64_t n = ChunkRows(spec.spine_rows, chunk);
  Rng rng(ChunkSeed(spec, 0, chunk));
  SpineChunk c;
  c.keys.assign(spec.views.size(), std::vector<int64_t>(static_cast<size_t>(n)));
  c.event_ts.resize(static_cast<size_t>(n));
  c.label.resize(static_cast<size_t>(n));
  const int64_t first = kStartSeconds - 86'400;
  const int64_t span = kSpanSeconds + 2 * 86'400;
  for (size_t i = 0; i < static_cast<size_t>(n); ++i) {
    for (size_t v = 0; v < spec.views.size(); ++v) {
      const int64_t keys = spec.views[v].keys + spec.views[v].keys / 50;
      c.keys[v][i] = DrawKey(rng, spec.distribution, keys);
    }
    c.event_ts[i] = OnGrid(spec.aggregated, first + rng.Below(span)) * kMicrosPerSecond;
    c.label[i] = static_cast<int32_t>(rng.Below(2));
  }
  return c;
}

}  // namespace tessera::pitbench
