// WindowWriter: applies events to the window state (agg/window_state.h) of
// an aggregated feature view version in the online store (issue 10).
//
// Storage: per (view version, entity key) one OnlineStore row whose values
// are the WindowState encoding and whose rank is the largest event rank
// ever applied to it. Because a new state's rank is never below the stored
// one, OnlineStore::Write (which keeps the higher rank and lets an equal
// one replace) always takes the read-modify-write.
//
// Apply: for the keys of a batch of events, takes the keys' lock stripes
// (in stripe order, so two applies never deadlock), reads the keys' states
// in one call, per key expires what no window reaches at `now`, adds the
// key's events (an event at or before the state's horizon is counted
// too_old and skipped: it is in the source log, so training sets still see
// it, but it can no longer change a served value), and writes the states
// back in one call. An event whose rank a state already holds is the same
// event applied again (ranks are unique: the ingest sequence) and counts
// as a duplicate, so re-applying a batch changes nothing.
//
// Thread-safety: Apply may be called from many threads; one WindowWriter
// must front all window-state writes of a store (the server owns the
// store, DESIGN.md section 3b).
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/agg/agg_spec.h"
#include "tessera/agg/window_plan.h"
#include "tessera/core/record_batch.h"
#include "tessera/core/result.h"
#include "tessera/online/online_store.h"

namespace tessera::online {

// Events as columns of a batch: per row its entity key columns, the value
// of each plan column (-1: the batch has no such column, read as null) and
// its rank.
struct WindowEvents {
  const RecordBatch* rows = nullptr;
  std::vector<int> key_columns;
  std::vector<int> value_columns;         // one per plan column
  std::span<const agg::EventRank> ranks;  // one per row
};

struct WindowApplyStats {
  int64_t applied = 0;
  int64_t too_old = 0;
  int64_t duplicates = 0;
  int64_t keys = 0;
};

// A whole state to store for one key (WindowWriter::Replace).
struct WindowStateWrite {
  std::string_view entity_key;
  agg::EventRank top;      // the largest rank the state holds
  std::string_view state;  // WindowState encoding
};

class WindowWriter {
 public:
  Result<WindowApplyStats> Apply(const ViewId& view, const agg::WindowPlan& plan,
                                 const WindowEvents& events, int64_t now, OnlineStore* store);

  // Stores each state in place of the key's (a backfill's rebuild), under
  // the keys' stripes; the stored rank is the larger of the old row's and
  // the state's, so the store takes it.
  Status Replace(const ViewId& view, std::span<const WindowStateWrite> states, OnlineStore* store);

 private:
  // Locks the stripes of `keys` in stripe order.
  std::vector<std::unique_lock<std::mutex>> LockKeys(const std::vector<std::string_view>& keys);

  static constexpr size_t kStripes = 256;
  std::array<std::mutex, kStripes> stripes_;
};

// The online rank of a state that holds events up to `rank`.
RowRank StateRank(const agg::EventRank& rank);

}  // namespace tessera::online
