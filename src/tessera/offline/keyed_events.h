// KeyedEvents: the events of one aggregated feature view, read from its
// source (a point-in-time join input: join_input.h layout, with the plan's
// columns and `_ingest_seq` carried) and grouped by entity key, so each
// key's agg::WindowState can be built in one pass. Training sets
// (window_features.h) read the events of their spine's keys; the online
// backfill (online/window_backfill.h) reads every key's.
//
// Each event's rank is WindowEventRank (window_features.h): logged rows by
// their _ingest_seq; rows read in place below them, by scan position.
//
// Memory: the value columns (the plan's, and `_committed_at` when carried)
// of the scan's batches that hold a kept event, plus 40 bytes per kept
// event (its rank and where its values are); while grouping, twice that.
// Each event's rank is taken while its batch is scanned (in order, so
// cheaply), and the batches' key, time and sequence columns are then let
// go: a key's events lie all over the scan, and gathering ranks from there
// key by key cost a cache miss per column per event.
//
// Thread-safety: built by one thread; AddTo may then be called from many
// threads at once (distinct states).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "tessera/agg/window_state.h"
#include "tessera/core/record_batch.h"
#include "tessera/core/result.h"

namespace tessera::offline {

class KeyedEvents {
 public:
  // Reads every event of `events` (num_keys key parts, event_ts,
  // created_ts, the num_columns plan columns, then _ingest_seq) with
  // event_ts in (lo, hi] and no null key part. With `known` set, only
  // events of those keys, with their ids; else every key, ids given in
  // first-seen order (key(id) gives its bytes).
  // Scanning (with `known`) and grouping by key run on `num_threads`
  // threads.
  static Result<KeyedEvents> Read(RecordBatchReader* events, int num_keys, size_t num_columns,
                                  int64_t lo, int64_t hi,
                                  const std::unordered_map<std::string, int32_t>* known,
                                  int num_threads = 1);

  // Keys: the size of `known`, or the keys seen.
  size_t num_keys() const { return starts_.empty() ? 0 : starts_.size() - 1; }
  // EntityKey bytes of key `id` (only when no `known` map was given).
  const std::string& key(size_t id) const { return keys_[id]; }
  size_t num_events() const { return num_events_; }
  size_t events_of(size_t id) const { return starts_[id + 1] - starts_[id]; }

  // Adds the events of key `id` to `state`; returns how many were refused
  // as too old for it. `top` (may be null) is raised to the largest rank
  // applied.
  int64_t AddTo(size_t id, agg::WindowState* state, agg::EventRank* top = nullptr) const;

  // The events of key `id` as WindowState::AddBatch takes them, in scan
  // order: their ranks, and num_columns values per event (borrowed strings:
  // valid while this object lives).
  void Collect(size_t id, std::vector<agg::EventRank>* ranks,
               std::vector<std::optional<agg::AggInput>>* values) const;

  // The `_committed_at` of key `id`'s events in scan order (INT64_MIN for a
  // row read in place, which has none). REQUIRES: the events carry a
  // `_committed_at` column after `_ingest_seq`.
  void CollectCommittedAt(size_t id, std::vector<int64_t>* committed) const;

 private:
  // Trivially constructible: the grouped array is allocated without being
  // written first.
  struct Ref {
    int64_t event_ts, created_ts, ingest_seq;  // the rank
    int32_t key;
    int32_t batch;  // index into columns_
    int32_t row;
    agg::EventRank rank() const { return agg::EventRank{event_ts, created_ts, ingest_seq}; }
  };
  // A counting sort by key on `num_threads` threads (each counts and then
  // places a contiguous part of the scan); events keep their scan order
  // within a key.
  void Group(size_t num_keys, const std::vector<std::vector<Ref>>& scanned, int num_threads);
  struct ScanSpec;
  struct KeyIds;
  static Status ScanBatch(const RecordBatch& batch, int32_t batch_index, int64_t in_place,
                          const ScanSpec& spec, KeyIds* ids,
                          std::unordered_map<std::string, int32_t>* seen,
                          std::vector<std::string>* keys, std::vector<Ref>* refs,
                          std::vector<ArrayPtr>* columns);

  size_t num_columns_ = 0;
  // Per scanned batch: its plan columns, then `_committed_at` when the
  // events carry it; empty for a batch without a kept event.
  std::vector<std::vector<ArrayPtr>> columns_;
  std::unique_ptr<Ref[]> events_;  // grouped by key
  size_t num_events_ = 0;
  std::vector<size_t> starts_;  // per key id: its first event in events_; + the end
  std::vector<std::string> keys_;
};

}  // namespace tessera::offline
