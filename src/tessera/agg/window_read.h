// ReadWindow: the one read algorithm of window states, run over events and
// tiles in memory (EventColumns, TileGrid) or in encoded bytes
// (EncodedState), so WindowState::Read and ReadEncoded agree bit for bit.
//
// For an aggregate with window W and tile width w at time t, the window is
// the event_ts range [t - W + 1, t]. The tiles wholly inside it are merged
// from their partials, and so is the tile holding t when none of its events
// lies after t (the usual case); the events of the range outside those
// tiles (in the tile cut by the start edge, and in the one holding t when
// it has events after t) are added one by one, found by binary search on
// event_ts. Events after t are never counted. Edge arithmetic is done in
// 128 bits, so every int64 t and event_ts is exact.
//
// Internal to agg. Thread-safety: uses the calling thread's scratch
// accumulators (tile_layout.h).
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "tessera/agg/tile_layout.h"
#include "tessera/agg/window_plan.h"
#include "tessera/core/status.h"
#include "tessera/core/value.h"

namespace tessera::agg {

namespace window_read_internal {

inline __int128 FloorDiv128(__int128 a, int64_t b) { return a / b - ((a % b) < 0 ? 1 : 0); }
inline __int128 CeilDiv128(__int128 a, int64_t b) { return a / b + ((a % b) > 0 ? 1 : 0); }
inline int64_t Clamp64(__int128 v) {
  return static_cast<int64_t>(std::clamp<__int128>(v, std::numeric_limits<int64_t>::min(),
                                                   std::numeric_limits<int64_t>::max()));
}

// Adds the events with event_ts in [from, to] for aggregate `agg`.
template <typename Events>
void AddEvents(const WindowedAgg& agg, const Events& events, __int128 from, __int128 to,
               Accumulator* acc) {
  if (from > to) return;
  AggInput input;
  for (size_t i = events.LowerBoundTs(Clamp64(from)); i < events.size() && events.ts(i) <= to;
       ++i) {
    if (agg.column < 0) {
      acc->Add(AggInput{}, events.rank(i));
    } else if (events.Input(agg.column, i, &input)) {
      acc->Add(input, events.rank(i));
    }
  }
}

// True when no event of tile `tile` (width w) has event_ts after hi.
template <typename Events>
bool NothingAfterIn(const Events& events, __int128 hi, __int128 tile, int64_t w) {
  if (hi >= std::numeric_limits<int64_t>::max()) return true;
  const size_t next = events.LowerBoundTs(static_cast<int64_t>(hi + 1));
  return next == events.size() || events.ts(next) >= (tile + 1) * w;
}

// Merges the partials of `slot` of group g's tiles with index in [first, last].
template <typename Tiles>
Status MergeTiles(const Tiles& tiles, int g, int slot, __int128 first, __int128 last,
                  Accumulator* acc) {
  for (size_t pos = tiles.TileLowerBound(g, Clamp64(first));
       pos < tiles.TileCount(g) && tiles.TileIndex(g, pos) <= last; ++pos) {
    TS_RETURN_NOT_OK(acc->MergeEncoded(tiles.Partial(g, pos, slot)));
  }
  return Status::OK();
}

}  // namespace window_read_internal

// out->at(i) = aggregate i of `plan` at t. `events` and `tiles` hold the
// state: Events has size(), ts(i), rank(i), Input(c, i, &input) (false for
// a null), LowerBoundTs(ts); Tiles has TileCount(g), TileIndex(g, pos),
// TileLowerBound(g, k), Partial(g, pos, slot). `accs` are the plan's
// scratch accumulators (ScratchFor). Fails only when a partial does not
// decode.
template <typename Events, typename Tiles>
Status ReadWindow(const WindowPlan& plan, const TileLayout& layout, const Events& events,
                  const Tiles& tiles, int64_t t, std::vector<std::unique_ptr<Accumulator>>& accs,
                  std::vector<Value>* out) {
  using namespace window_read_internal;
  out->clear();
  out->reserve(plan.aggs.size());
  for (size_t a = 0; a < plan.aggs.size(); ++a) {
    const WindowedAgg& agg = plan.aggs[a];
    Accumulator* acc = accs[a].get();
    acc->Reset();
    const int64_t w = agg.tile_width;
    const __int128 lo = static_cast<__int128>(t) - agg.window + 1;
    const __int128 hi = t;
    // Whole tiles: from the first starting at or after lo to the last
    // ending at or before hi, or to the tile holding t when none of its
    // events lies after t (its partial is then exactly its part of the
    // window; only clock skew puts events after t).
    const __int128 first = CeilDiv128(lo, w);
    __int128 last = FloorDiv128(hi + 1, w) - 1;
    const __int128 end_tile = FloorDiv128(hi, w);
    if (end_tile > last && end_tile >= first && NothingAfterIn(events, hi, end_tile, w)) {
      last = end_tile;
    }
    if (first > last) {
      AddEvents(agg, events, lo, hi, acc);
    } else {
      AddEvents(agg, events, lo, first * w - 1, acc);
      AddEvents(agg, events, (last + 1) * w, hi, acc);
      TS_RETURN_NOT_OK(
          MergeTiles(tiles, layout.agg_group[a], layout.agg_slot[a], first, last, acc));
    }
    out->push_back(acc->Finish());
  }
  return Status::OK();
}

}  // namespace tessera::agg
