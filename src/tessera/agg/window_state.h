// WindowState: the exact sliding-window state of one entity key of one
// aggregated feature view (a WindowPlan): the raw events of the largest
// window, stored compactly (columnar: timestamps, ranks, values; no object
// per event), and per tile width the partial aggregates of the tiles that
// hold events (sparse), as Accumulator encodings.
//
// Read(t) gives, for every feature of the plan, the aggregate over the
// events with event_ts in (t - window, t]: whole tiles inside the window
// are merged from their partials, and only the tiles cut by the window's
// edges are read event by event, so a read costs O(window / tile + events
// in two tiles), not O(events in the window). Because every accumulator is
// a deterministic function of its multiset, the result is the same however
// events arrived (any order, any split into Adds, any Encode/Decode in
// between): that is the bit-for-bit equality of online and offline.
//
// Expiry: Expire(now) drops the events and tiles that no window ending at
// or after `now` can reach (event_ts <= now - max_window) and raises
// horizon() to that point; an event at or before the horizon is refused by
// Add (kTooOld) and changes nothing, since it could no longer change a
// served value (online counts it; offline keeps it in the log).
//
// The encoding (EncodeTo / Decode / ReadEncoded) is versioned, documented
// in docs/FORMATS.md, and decoded bounds-checked: bad bytes give
// Corruption, never a crash. ReadEncoded reads straight from the bytes at
// the same bounded cost as Read, which is what serving calls.
//
// Thread-safety: none (one writer; callers lock per key). Ownership: keeps
// a pointer to the plan, which must outlive it; copies every value it
// keeps.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/agg/agg_spec.h"
#include "tessera/agg/window_plan.h"
#include "tessera/core/result.h"
#include "tessera/core/status.h"
#include "tessera/core/value.h"

namespace tessera::agg {

class WindowState {
 public:
  explicit WindowState(const WindowPlan* plan);
  ~WindowState();
  WindowState(WindowState&&) noexcept;
  WindowState& operator=(WindowState&&) noexcept;

  enum class AddResult { kApplied, kTooOld, kDuplicate };

  // Adds one event: `values[c]` is the event's value of plan column c, or
  // nullopt for a null (an event always counts for counts of events).
  // REQUIRES: values.size() == plan->column_names.size(). Ranks identify
  // events (the ingest sequence is unique per source), so an event whose
  // rank the state already holds is the same event applied again: kDuplicate,
  // nothing changes (re-applying a batch, or a backfill overlapping pushes,
  // never counts an event twice).
  AddResult Add(const EventRank& rank, std::span<const std::optional<AggInput>> values);

  // Adds ranks.size() events at once: event i has rank ranks[i] and the
  // values values[i * C, (i + 1) * C), C = plan->column_names.size().
  // Leaves the state, bit for bit, as Add of each event in order would, and
  // writes what that Add would return to results[i] (an equal rank later in
  // the batch is kDuplicate too). Faster for many events (building a state
  // from history: training sets, backfill): events are sorted once and
  // each touched tile is encoded once, not once per event.
  // REQUIRES: values.size() == ranks.size() * C, results.size() == ranks.size().
  void AddBatch(std::span<const EventRank> ranks, std::span<const std::optional<AggInput>> values,
                std::span<AddResult> results);

  // Drops what no window ending at or after `now` can reach.
  void Expire(int64_t now);

  // Events with event_ts <= horizon() are gone and refused. Starts at the
  // smallest int64.
  int64_t horizon() const;

  // out->at(i) is the value of plan->aggs[i] at time t. Exact when
  // t - plan->max_window >= horizon(); before that, expired events are
  // simply absent. Events after t are never counted.
  void Read(int64_t t, std::vector<Value>* out) const;

  // Appends the encoding of the whole state.
  void EncodeTo(std::string* out) const;
  static Result<WindowState> Decode(const WindowPlan* plan, std::string_view bytes);

  // Read(t) of the state `bytes` encodes, without decoding all of it.
  [[nodiscard]] static Status ReadEncoded(const WindowPlan& plan, std::string_view bytes, int64_t t,
                                          std::vector<Value>* out);

  size_t event_count() const;
  // Heap bytes held (for the benchmark's bytes per event and per key).
  size_t MemoryBytes() const;

 private:
  struct Rep;
  struct RepDeleter {  // the Rep lives in a StateAlloc block
    void operator()(Rep* rep) const;
  };
  std::unique_ptr<Rep, RepDeleter> rep_;
};

}  // namespace tessera::agg
