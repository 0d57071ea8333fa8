// TileLayout: how a WindowPlan's aggregates share tiles. Aggregates with
// the same tile width share one tile grid (a "group"): a tile of a group
// holds, per aggregate of the group (its "slot"), that aggregate's partial
// over the tile's events. Tile k of width w covers event_ts in
// [k * w, (k + 1) * w) (aligned to the epoch, so every key's grid agrees).
//
// Also the plan's fingerprint (what the window state encoding depends on:
// column types and, per aggregate, spec, column, window and tile width; not
// feature names), whether any aggregate orders by rank, and a per-thread
// cache of each plan's layout and scratch accumulators (ScratchFor).
//
// Internal to agg (window_state.cc and its codec). A TileLayout is
// immutable once built and may be shared between threads; ScratchFor's
// cache is per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "tessera/agg/accumulator.h"
#include "tessera/agg/window_plan.h"

namespace tessera::agg {

struct TileLayout {
  struct Group {
    int64_t width = 0;       // micros
    int64_t max_window = 0;  // the largest window of the group's aggregates
    std::vector<int> aggs;   // indexes into plan.aggs, slot order
    // An earlier group whose slots have the same specs and columns (the
    // same functions over another window: "3 functions x 3 windows"), or
    // -1. A new tile's bytes depend only on those and the event, so an Add
    // that makes a new tile in both computes them once.
    int same_slots_as = -1;
  };
  std::vector<Group> groups;   // in order of first use in plan.aggs
  std::vector<int> agg_group;  // per plan agg: its group
  std::vector<int> agg_slot;   // per plan agg: its slot in the group
  uint32_t fingerprint = 0;
  // Events keep their whole rank: first, last and last_n order values by
  // it, and every state recognizes an event applied twice by it
  // (WindowState::Add's kDuplicate: backfills overlapping pushes). Always
  // true; kept as a field for the encoding's flag.
  bool needs_rank = true;

  explicit TileLayout(const WindowPlan& plan);

  // The first tile of group g that a read at any t >= horizon + max_window
  // can merge whole; tiles below it are garbage.
  int64_t FirstLiveTile(int g, int64_t horizon, int64_t plan_max_window) const;
};

// Per-thread scratch for a plan: its layout and reusable accumulators, one
// per aggregate (Reset by the caller before use). Cached per thread (a few
// plans, checked against everything they depend on, not only the plan's
// address), so steady-state reads and adds allocate nothing. The reference
// stays valid until a call for another plan on the same thread.
struct PlanScratch {
  std::shared_ptr<const TileLayout> layout;
  std::vector<std::unique_ptr<Accumulator>> accumulators;
};
PlanScratch& ScratchFor(const WindowPlan& plan);
// ScratchFor(plan) for a caller that holds `layout`, a layout ScratchFor
// gave for `plan` (a window state keeps its own alive): the entry still
// holding that very layout was built for a plan equal to `plan` (a
// rebuilt entry gets a new layout, and the caller's copy keeps the old
// address taken), so it is found by one pointer comparison per entry
// instead of comparing the plan's contents (what each Add and Read paid).
PlanScratch& ScratchFor(const WindowPlan& plan, const TileLayout* layout);
inline std::vector<std::unique_ptr<Accumulator>>& ScratchAccumulators(const WindowPlan& plan) {
  return ScratchFor(plan).accumulators;
}

}  // namespace tessera::agg
