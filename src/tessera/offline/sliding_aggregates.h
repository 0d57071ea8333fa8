// SlidingAggregates: a training set's fast way to compute the aggregates of
// one aggregated view for one key's spine rows taken in time order, for
// plans whose every aggregate has a sliding form: count (of events, or of a
// column's non-null values), sum of int32, int64, float or double, and min
// and max of bool, int32, int64, timestamp, float or double.
//
// Each aggregate slides over the key's events sorted by time: its window
// (t - W, t] is a range [lo, hi) of them whose ends only move forward as t
// grows, so counts and sums are differences of prefix sums and min/max is a
// monotonic queue: O(events + reads) per key and window, with no tiles and
// no encoding (agg::WindowState's incremental machinery, which training
// sets do not need since they see a key's whole history at once).
//
// Exactness: every value equals agg::WindowState::Read(t) of the same
// events bit for bit (tests/offline/sliding_aggregates_test.cc compares
// them on random data). Integer sums are exact in 128 bits. A double sum is
// the exact sum rounded once, as agg::ExactSum: the key's finite values are
// put on a common binary fixed point (exact in 128 bits when they span at
// most 62 bits of magnitude, the usual case), the window's sum rounded to
// 53 bits and scaled; when the values span more, or the result would be
// subnormal or overflow (where scaling after rounding could differ from
// rounding once), that read adds the window's values into an
// agg::Accumulator instead (exact by definition, O(window)). NaN, the
// infinities and the sign of a zero sum follow ExactSum's rules, counted
// per window.
//
// Thread-safety: none; one object per thread. Ownership: keeps a pointer
// to the plan (must outlive it); borrows the events between Reset calls.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "tessera/agg/accumulator.h"
#include "tessera/agg/window_plan.h"
#include "tessera/core/value.h"

namespace tessera::offline {

class SlidingAggregates {
 public:
  // Whether every aggregate of `plan` has a sliding form (see above).
  static bool Supports(const agg::WindowPlan& plan);

  // REQUIRES: Supports(*plan).
  explicit SlidingAggregates(const agg::WindowPlan* plan);
  ~SlidingAggregates();

  // Starts a key: event i has event_ts ts[i] and the value of plan column c
  // values[i * C + c] (C = plan columns; nullopt for a null). REQUIRES: ts
  // sorted (non-decreasing) and no event twice (distinct ranks: what
  // WindowState would apply). An event at the smallest int64 counts in no
  // window, as WindowState refuses it. Borrowed until the next Reset.
  void Reset(std::span<const int64_t> ts, std::span<const std::optional<agg::AggInput>> values);

  // out->at(a) is plan aggregate a over the events with event_ts in
  // (t - window, t], as agg::WindowState::Read(t) gives it. REQUIRES: t is
  // not smaller than the previous Read's since Reset.
  void Read(int64_t t, std::vector<Value>* out);

 private:
  struct Series;
  struct Slider;
  const agg::WindowPlan* plan_;
  std::span<const int64_t> ts_;
  std::span<const std::optional<agg::AggInput>> values_;
  std::vector<std::unique_ptr<Series>> series_;   // one per kind and column
  std::vector<std::unique_ptr<Slider>> sliders_;  // one per plan aggregate
  std::vector<int64_t> windows_;                  // the plan's distinct windows
  // The events in window w at the last Read: [lo_[w], hi_).
  std::vector<size_t> lo_;
  size_t hi_ = 0;
};

}  // namespace tessera::offline
