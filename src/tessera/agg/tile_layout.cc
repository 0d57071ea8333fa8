#include "tessera/agg/tile_layout.h"

#include <xxhash.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <string>

#include "tessera/agg/partial_coding.h"
#include "tessera/core/time.h"

namespace tessera::agg {

namespace {

uint32_t Fingerprint(const WindowPlan& plan) {
  std::string bytes;
  for (DataType type : plan.column_types) {
    bytes.push_back(static_cast<char>(type.id()));
    bytes.push_back(static_cast<char>(type.element()));
  }
  for (const WindowedAgg& agg : plan.aggs) {
    bytes.push_back(static_cast<char>(agg.spec.function));
    bytes.push_back(static_cast<char>(agg.spec.counts_events));
    bytes.push_back(static_cast<char>(agg.spec.input.id()));
    bytes.push_back(static_cast<char>(agg.spec.output.id()));
    PutZigZag64(&bytes, agg.spec.k);
    PutDouble(&bytes, agg.spec.p);
    PutZigZag64(&bytes, agg.column);
    PutZigZag64(&bytes, agg.window);
    PutZigZag64(&bytes, agg.tile_width);
  }
  return XXH32(bytes.data(), bytes.size(), 0);
}

struct ScratchEntry {
  const WindowPlan* plan = nullptr;
  std::vector<std::unique_ptr<Accumulator>> accumulators;
};

bool SameSpec(const AggSpec& a, const AggSpec& b) {
  return a.function == b.function && a.counts_events == b.counts_events && a.input == b.input &&
         a.output == b.output && a.k == b.k &&
         std::bit_cast<uint64_t>(a.p) == std::bit_cast<uint64_t>(b.p);
}

// True when `accumulators` were made for the specs of `plan`'s aggregates
// (a new plan may live at a freed plan's address).
bool Fits(const std::vector<std::unique_ptr<Accumulator>>& accumulators, const WindowPlan& plan) {
  if (accumulators.size() != plan.aggs.size()) return false;
  for (size_t i = 0; i < accumulators.size(); ++i) {
    if (!SameSpec(accumulators[i]->spec(), plan.aggs[i].spec)) return false;
  }
  return true;
}

}  // namespace

TileLayout::TileLayout(const WindowPlan& plan) {
  for (size_t i = 0; i < plan.aggs.size(); ++i) {
    const WindowedAgg& agg = plan.aggs[i];
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&](const Group& g) { return g.width == agg.tile_width; });
    if (it == groups.end()) it = groups.insert(groups.end(), Group{agg.tile_width, 0, {}});
    it->max_window = std::max(it->max_window, agg.window);
    agg_group.push_back(static_cast<int>(it - groups.begin()));
    agg_slot.push_back(static_cast<int>(it->aggs.size()));
    it->aggs.push_back(static_cast<int>(i));
  }
  fingerprint = Fingerprint(plan);
}

int64_t TileLayout::FirstLiveTile(int g, int64_t horizon, int64_t plan_max_window) const {
  // now = horizon + max_window; the earliest whole tile a read at t >= now
  // merges starts at or after now - group window + 1. In 128 bits: horizon
  // starts at the smallest int64.
  const Group& group = groups[g];
  const __int128 first = static_cast<__int128>(horizon) + plan_max_window - group.max_window + 1;
  const __int128 tile = first / group.width + (first % group.width > 0 ? 1 : 0);
  return static_cast<int64_t>(std::clamp<__int128>(tile, std::numeric_limits<int64_t>::min(),
                                                   std::numeric_limits<int64_t>::max()));
}

std::vector<std::unique_ptr<Accumulator>>& ScratchAccumulators(const WindowPlan& plan) {
  constexpr size_t kEntries = 8;
  thread_local std::array<ScratchEntry, kEntries> cache;
  thread_local size_t next = 0;
  for (ScratchEntry& e : cache) {
    if (e.plan == &plan && Fits(e.accumulators, plan)) return e.accumulators;
  }
  ScratchEntry& e = cache[next];
  next = (next + 1) % kEntries;
  e.plan = &plan;
  e.accumulators.clear();
  for (const WindowedAgg& agg : plan.aggs) e.accumulators.push_back(NewAccumulator(agg.spec));
  return e.accumulators;
}

}  // namespace tessera::agg
