// Window features: the aggregate features of one aggregated feature view
// for every row of a training-set spine (DESIGN.md section 3, "Windowed
// aggregations"). For a spine row with keys k and time t, each feature is
// its aggregation over the view's events of k with event_ts in
// (t - window, t], equal bit for bit to agg::WindowState's, the code the
// online store serves from, so the training value at t equals the value
// served at t. Each key's spine rows are swept in time order, through
// SlidingAggregates (sliding_aggregates.h) when every aggregate of the plan
// has a sliding form (count, sum, min, max of numbers), else through a
// WindowState (add the events up to t, expire, read).
//
// Events are the view's batch source read as a point-in-time join input
// (join_input.h: the files in place, then the log) with the plan's columns
// and `_ingest_seq` carried. Their rank (agg::EventRank) is WindowEventRank:
// the only order `first`, `last` and `last_n` see.
//
// Memory: the events of the spine's keys within (min t - max window,
// max t] are held (compactly, as the scan's value columns plus one 40-byte
// entry each: keyed_events.h), and one key's sorted events and window
// state or prefix sums at a time per thread.
//
// Thread-safety: one call at a time per input; `num_threads` threads inside.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tessera/agg/agg_spec.h"
#include "tessera/agg/window_plan.h"
#include "tessera/core/record_batch.h"
#include "tessera/core/result.h"
#include "tessera/offline/source_log.h"  // kIngestSeqColumn
#include "tessera/registry/definitions.h"
#include "tessera/registry/source_schema.h"

namespace tessera::offline {

// The rank of an event: event_ts, created_ts (null smallest), then the
// ingest order of DESIGN.md section 3: a logged row's `_ingest_seq`; a row
// read in place ranks below every logged row and, among rows read in place,
// by scan position (files in path order, each in row order), which
// `in_place_position` counts from 0 in scan order.
agg::EventRank WindowEventRank(int64_t event_ts, bool has_created, int64_t created_ts, bool has_seq,
                               int64_t ingest_seq, int64_t in_place_position);

// The aggregation plan of aggregated view `view`, its columns typed as its
// batch source's columns are (view_input.h ViewSourceColumns over
// `schemas`, from ResolveViewSourceSchemas; `view.features` is ignored, so
// a resolved request's view, with its aggregate features appended, plans
// the same): what training sets, pushes and serving all build, so they
// agree on every type. InvalidArgument
// "feature view 'v': <reason>".
Result<agg::WindowPlan> ViewWindowPlan(
    const registry::RepoDefinitions& defs, const registry::FeatureView& view,
    const std::map<std::string, registry::SourceSchema>& schemas);

// The carried columns of a view's events (join_input.h's carried part, after
// the key parts, event_ts and created_ts), the layout KeyedEvents and
// ComputeWindowFeatures read: the plan's columns in plan order, then
// `_ingest_seq`, then `_committed_at` when `with_committed_at`.
std::vector<Field> WindowEventColumns(const agg::WindowPlan& plan, bool with_committed_at);

// One non-null cell as an aggregation input (widened numbers, borrowed
// strings). REQUIRES: !column.IsNull(row) and a non-list column.
agg::AggInput AggInputAt(const Array& column, int64_t row);

struct WindowFeaturesInput {
  const agg::WindowPlan* plan = nullptr;  // not owned
  // Join-input layout (join_input.h): num_keys key parts, event_ts,
  // created_ts, then the plan's columns in plan order, then _ingest_seq.
  std::unique_ptr<RecordBatchReader> events;
  int num_keys = 0;
  std::vector<int> spine_key_columns;  // one per key part
  int spine_ts_column = -1;
  int num_threads = 1;
  // The events also carry `_committed_at` after `_ingest_seq`; the result
  // then has one more array: per spine row, the latest commit time of the
  // events in its largest window (null when none was committed to the
  // log), for auditing late arrivals (`historical --with-timestamps`).
  bool with_committed_at = false;
};

// One array per plan aggregation (plan->aggs order), of its output type
// (plus the commit-time array when with_committed_at),
// one row per spine row: null for a spine row without a timestamp;
// otherwise the aggregate of its window (an empty window gives null, and
// 0 for counts; a key part that is null matches no event).
Result<std::vector<ArrayPtr>> ComputeWindowFeatures(const RecordBatch& spine,
                                                    WindowFeaturesInput input);

}  // namespace tessera::offline
