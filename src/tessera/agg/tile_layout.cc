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

// What a plan's layout and accumulators depend on, per aggregate.
struct AggKey {
  AggSpec spec;
  int column;
  int64_t window;
  int64_t tile_width;
  bool Matches(const WindowedAgg& agg) const {
    const AggSpec& b = agg.spec;
    return spec.function == b.function && spec.counts_events == b.counts_events &&
           spec.input == b.input && spec.output == b.output && spec.k == b.k &&
           std::bit_cast<uint64_t>(spec.p) == std::bit_cast<uint64_t>(b.p) &&
           column == agg.column && window == agg.window && tile_width == agg.tile_width;
  }
};

struct ScratchEntry {
  const WindowPlan* plan = nullptr;
  std::vector<DataType> column_types;
  std::vector<AggKey> keys;
  PlanScratch scratch;

  // True when this entry was made for a plan equal to `p` in everything the
  // scratch depends on (a new plan may live at a freed plan's address).
  bool Fits(const WindowPlan& p) const {
    if (plan != &p || column_types != p.column_types || keys.size() != p.aggs.size()) {
      return false;
    }
    for (size_t i = 0; i < keys.size(); ++i) {
      if (!keys[i].Matches(p.aggs[i])) return false;
    }
    return true;
  }

  void Reset(const WindowPlan& p) {
    plan = &p;
    column_types = p.column_types;
    keys.clear();
    scratch.accumulators.clear();
    for (const WindowedAgg& agg : p.aggs) {
      keys.push_back({agg.spec, agg.column, agg.window, agg.tile_width});
      scratch.accumulators.push_back(NewAccumulator(agg.spec));
    }
    scratch.layout = std::make_shared<const TileLayout>(p);
  }
};

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
  for (size_t g = 0; g < groups.size() && groups.size() > 1; ++g) {
    for (size_t earlier = 0; earlier < g; ++earlier) {
      const std::vector<int>& a = groups[earlier].aggs;
      const std::vector<int>& b = groups[g].aggs;
      // Equal in everything but the window and the tile width.
      auto same_slot = [&](int x, int y) {
        const WindowedAgg& ax = plan.aggs[x];
        const WindowedAgg& ay = plan.aggs[y];
        return AggKey{ax.spec, ax.column, ay.window, ay.tile_width}.Matches(ay);
      };
      const bool same =
          a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), same_slot);
      if (same) {
        groups[g].same_slots_as = static_cast<int>(earlier);
        break;
      }
    }
  }
  fingerprint = Fingerprint(plan);
}

int64_t TileLayout::FirstLiveTile(int g, int64_t horizon, int64_t plan_max_window) const {
  // now = horizon + max_window; the earliest whole tile a read at t >= now
  // merges starts at or after now - group window + 1. In 128 bits: horizon
  // starts at the smallest int64.
  const Group& group = groups[g];
  int64_t first64;
  if (!__builtin_add_overflow(horizon, plan_max_window - group.max_window + 1, &first64)) {
    // The usual case, without 128-bit division (Add and Expire call this).
    return first64 / group.width + (first64 % group.width > 0 ? 1 : 0);
  }
  const __int128 first = static_cast<__int128>(horizon) + plan_max_window - group.max_window + 1;
  const __int128 tile = first / group.width + (first % group.width > 0 ? 1 : 0);
  return static_cast<int64_t>(std::clamp<__int128>(tile, std::numeric_limits<int64_t>::min(),
                                                   std::numeric_limits<int64_t>::max()));
}

namespace {
constexpr size_t kEntries = 8;
thread_local std::array<ScratchEntry, kEntries> cache;
thread_local size_t next = 0;
}  // namespace

PlanScratch& ScratchFor(const WindowPlan& plan, const TileLayout* layout) {
  for (ScratchEntry& e : cache) {
    if (e.scratch.layout.get() == layout) return e.scratch;
  }
  return ScratchFor(plan);
}

PlanScratch& ScratchFor(const WindowPlan& plan) {
  for (ScratchEntry& e : cache) {
    if (e.Fits(plan)) return e.scratch;
  }
  ScratchEntry& e = cache[next];
  next = (next + 1) % kEntries;
  e.Reset(plan);
  return e.scratch;
}

}  // namespace tessera::agg
