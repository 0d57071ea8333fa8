// WindowWriter: applies events to the window state (agg/window_state.h) of
// an aggregated feature view version in the online store (issue 10).
//
// Storage: per (view version, entity key) one OnlineStore row whose values
// are the WindowState encoding and whose rank is the largest event rank
// ever applied to it.
//
// Apply: for the keys of a batch of events, takes the keys' lock stripes
// (in stripe order, so two applies never deadlock), reads the keys' states
// in one call, per key expires what no window reaches at `now`, adds the
// key's events (an event at or before the state's horizon is counted
// too_old and skipped: it is in the source log, so training sets still see
// it, but it can no longer change a served value), and writes the changed
// states back in one OnlineStore::CompareAndWrite: a state is stored only
// where the key still holds the state it was derived from. The keys that
// lost (another process's writer updated them in between: two `tessera
// stream` consumers on one Redis store) are read, updated and written
// again, until every key landed. An event whose rank a state already holds
// is the same event applied again (ranks are unique: the ingest sequence)
// and counts as a duplicate, so re-applying a batch, or applying it from
// two processes, changes nothing. The counts are those of the round whose
// state landed.
//
// Thread-safety: Apply and Replace may be called from many threads, and
// from WindowWriters of several processes sharing a store (the stripes
// spare this process lost rounds; the compare-and-set makes the others
// safe).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
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
  // the keys' stripes, with a compare-and-set (retried as Apply's); the
  // stored rank is the larger of the old row's and the state's.
  Status Replace(const ViewId& view, std::span<const WindowStateWrite> states, OnlineStore* store);

 private:
  // update(i, stored row of keys[i], &rank, &values): false when key i
  // needs no write, else the row to store in place of `stored`.
  using KeyUpdate =
      std::function<Result<bool>(size_t, const std::optional<OnlineRow>&, RowRank*, std::string*)>;
  // Read, update, compare-and-set rounds until every key landed.
  static Status ReadModifyWrite(const ViewId& view, const std::vector<std::string_view>& keys,
                                OnlineStore* store, const KeyUpdate& update);
  static void BackOff(int round);
  static constexpr int kMaxRounds = 1000;

  // Locks the stripes of `keys` in stripe order.
  std::vector<std::unique_lock<std::mutex>> LockKeys(const std::vector<std::string_view>& keys);

  static constexpr size_t kStripes = 256;
  std::array<std::mutex, kStripes> stripes_;
};

// The online rank of a state that holds events up to `rank`.
RowRank StateRank(const agg::EventRank& rank);

}  // namespace tessera::online
