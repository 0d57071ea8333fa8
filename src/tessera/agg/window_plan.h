// WindowPlan: what one aggregated feature view computes, resolved once per
// view version: the input columns its aggregations read, and per output
// feature its spec, window and tile width. WindowState (window_state.h)
// keeps events and tiles for a plan; offline and online build the same plan
// from the same definition, which is half of why their values are equal.
//
// Immutable once built; shared freely between threads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tessera/agg/agg_spec.h"
#include "tessera/core/result.h"
#include "tessera/core/types.h"
#include "tessera/registry/definitions.h"

namespace tessera::agg {

// One output feature: `spec` over `column` in the window (t - window, t].
struct WindowedAgg {
  std::string feature_name;  // registry::Aggregation::FeatureName
  AggSpec spec;
  int column = -1;         // index into WindowPlan::columns; -1: a count of events
  int64_t window = 0;      // micros, > 0
  int64_t tile_width = 0;  // micros, > 0, resolved (never the 0 default)
};

struct WindowPlan {
  // The aggregated source columns, each once, in order of first use.
  std::vector<std::string> column_names;
  std::vector<DataType> column_types;
  // The view's aggregate features in FeatureNames order.
  std::vector<WindowedAgg> aggs;
  int64_t max_window = 0;  // the largest window: what state must keep
};

// The tile width used when a definition gives none: a function of the
// window alone (documented in docs/DEFINITIONS.md), chosen so a read merges
// a bounded number of tiles (about 24-60) whatever the window.
int64_t DefaultTileWidth(int64_t window);

// Builds the plan of `view` (which must have aggregations) given the type
// of each of its source's columns (`column_type(name)` returns the type or
// fails). Fails with Invalid naming the aggregation for a function that
// does not apply to its column's type.
struct ColumnTypeLookup {
  virtual ~ColumnTypeLookup() = default;
  virtual Result<DataType> TypeOf(const std::string& column) const = 0;
};
Result<WindowPlan> MakeWindowPlan(const registry::FeatureView& view,
                                  const ColumnTypeLookup& columns);

}  // namespace tessera::agg
