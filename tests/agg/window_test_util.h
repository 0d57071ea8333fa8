// Helpers of the window tests: plans built from definitions, random event
// streams with the awkward cases (out-of-order arrival, bursts at one
// timestamp, events exactly at window edges and tile boundaries, equal
// ranks, nulls, NaN, int64 overflow), and the brute-force reference: a
// nested loop over the raw events feeding one fresh accumulator per (agg,
// t), plus direct computations without accumulators for count, integer
// sum, min/max of ints and strings, and last.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "agg_test_util.h"
#include "tessera/agg/window_plan.h"
#include "tessera/agg/window_state.h"
#include "tessera/core/time.h"

namespace tessera::agg::testing {

inline constexpr int64_t kBase = 1709251200000000;  // 2024-03-01T00:00:00Z
inline constexpr int64_t kH = kMicrosPerHour;
inline constexpr int64_t kMin = kMicrosPerMinute;
inline constexpr int64_t kDay = kMicrosPerDay;

// The source's columns: index in Ev::cells.
enum Col { kAmount = 0, kQty, kCountry, kScore, kNumCols };
inline const char* const kColNames[] = {"amount", "qty", "country", "score"};
inline const DataType kColTypes[] = {DataType::Double(), DataType::Int64(), DataType::String(),
                                     DataType::Float()};

struct Cell {
  int64_t i = 0;
  double d = 0;
  std::string s;
};

struct Ev {
  EventRank rank;
  std::optional<Cell> cells[kNumCols];
};

struct SourceColumns : ColumnTypeLookup {
  Result<DataType> TypeOf(const std::string& column) const override {
    for (int c = 0; c < kNumCols; ++c) {
      if (column == kColNames[c]) return kColTypes[c];
    }
    return Status::Invalid("no column '" + column + "'");
  }
};

inline registry::Aggregation Agg(std::string column, std::string function,
                                 std::vector<int64_t> windows, std::vector<int64_t> tiles = {},
                                 int64_t k = 0, double p = 0) {
  registry::Aggregation agg;
  agg.column = std::move(column);
  agg.function = std::move(function);
  agg.windows = std::move(windows);
  agg.tile_widths = std::move(tiles);
  agg.k = k;
  agg.p = p;
  return agg;
}

inline WindowPlan PlanOf(std::vector<registry::Aggregation> aggs) {
  registry::FeatureView view;
  view.name = "v";
  view.aggregations = std::move(aggs);
  Result<WindowPlan> plan = MakeWindowPlan(view, SourceColumns());
  EXPECT_TRUE(plan.ok()) << plan.status().ToString();
  return *plan;
}

// Every function, windows 1h, 90m, 24h, 7d, default and odd tile widths
// (7m, 25m, 50m, 13h, 1s, and a tile wider than its window).
inline WindowPlan EveryFunctionPlan() {
  return PlanOf({
      Agg("", "count", {kH, 24 * kH}),
      Agg("country", "count", {90 * kMin}, {7 * kMin}),
      Agg("qty", "sum", {kH, 7 * kDay}),
      Agg("amount", "sum", {24 * kH}, {25 * kMin}),
      Agg("amount", "avg", {90 * kMin}),
      Agg("qty", "min", {24 * kH}),
      Agg("country", "max", {24 * kH}, {50 * kMin}),
      Agg("amount", "var", {kH}),
      Agg("score", "stddev", {24 * kH}),
      Agg("country", "first", {7 * kDay}),
      Agg("qty", "last", {7 * kDay}, {13 * kH}),
      Agg("amount", "last_n", {24 * kH}, {}, 3),
      Agg("country", "count_distinct", {24 * kH}),
      Agg("qty", "approx_count_distinct", {7 * kDay}),
      Agg("amount", "approx_percentile", {24 * kH}, {}, 0, 0.9),
      Agg("score", "min", {90 * kMin}, {kMicrosPerSecond}),
      Agg("amount", "max", {kH}, {2 * kH}),
      Agg("qty", "first", {90 * kMin}),
  });
}

// The benchmark's shape: 3 functions x 1h, 24h, 7d at default tiles.
inline WindowPlan ThreeByThreePlan() {
  return PlanOf({
      Agg("", "count", {kH, 24 * kH, 7 * kDay}),
      Agg("amount", "sum", {kH, 24 * kH, 7 * kDay}),
      Agg("qty", "max", {kH, 24 * kH, 7 * kDay}),
  });
}

// Column c of `ev` as the window state takes it.
inline std::optional<AggInput> InputOf(const Ev& ev, int c) {
  const std::optional<Cell>& cell = ev.cells[c];
  if (!cell) return std::nullopt;
  return AggInput{cell->i, cell->d, cell->s};
}

inline std::vector<std::optional<AggInput>> InputsOf(const WindowPlan& plan, const Ev& ev) {
  std::vector<std::optional<AggInput>> values;
  for (const std::string& name : plan.column_names) {
    const int c = static_cast<int>(std::find(std::begin(kColNames), std::end(kColNames), name) -
                                   std::begin(kColNames));
    values.push_back(InputOf(ev, c));
  }
  return values;
}

inline int SourceCol(const WindowPlan& plan, const WindowedAgg& agg) {
  const std::string& name = plan.column_names[agg.column];
  return static_cast<int>(std::find(std::begin(kColNames), std::end(kColNames), name) -
                          std::begin(kColNames));
}

inline bool InWindow(const Ev& ev, const WindowedAgg& agg, int64_t t) {
  return ev.rank.event_ts > t - agg.window && ev.rank.event_ts <= t;
}

// Brute force: one fresh accumulator fed every event of (t - W, t] in the
// order of `events`.
inline Value Reference(const WindowPlan& plan, size_t a, const std::vector<Ev>& events, int64_t t) {
  const WindowedAgg& agg = plan.aggs[a];
  auto acc = NewAccumulator(agg.spec);
  for (const Ev& ev : events) {
    if (!InWindow(ev, agg, t)) continue;
    if (agg.column < 0) {
      acc->Add(AggInput{}, ev.rank);
    } else if (std::optional<AggInput> in = InputOf(ev, SourceCol(plan, agg))) {
      acc->Add(*in, ev.rank);
    }
  }
  return acc->Finish();
}

// Without accumulators, for count, integer sum, min/max of int64 and
// string, and last of int64 when the largest rank is unique; nullopt for
// other aggregates.
inline std::optional<Value> Direct(const WindowPlan& plan, size_t a, const std::vector<Ev>& events,
                                   int64_t t) {
  const WindowedAgg& agg = plan.aggs[a];
  const AggFunction f = agg.spec.function;
  std::vector<const Ev*> in;
  for (const Ev& ev : events) {
    if (InWindow(ev, agg, t) && (agg.column < 0 || ev.cells[SourceCol(plan, agg)])) {
      in.push_back(&ev);
    }
  }
  if (f == AggFunction::kCount) return Value::Int64(static_cast<int64_t>(in.size()));
  const int c = agg.column < 0 ? -1 : SourceCol(plan, agg);
  const bool ints = c == kQty;
  if (f == AggFunction::kSum && ints) {
    if (in.empty()) return Value::Null(DataType::Int64());
    __int128 sum = 0;
    for (const Ev* ev : in) sum += ev->cells[c]->i;
    if (sum > INT64_MAX || sum < INT64_MIN) return Value::Null(DataType::Int64());
    return Value::Int64(static_cast<int64_t>(sum));
  }
  if ((f == AggFunction::kMin || f == AggFunction::kMax) && (ints || c == kCountry)) {
    const DataType type = ints ? DataType::Int64() : DataType::String();
    if (in.empty()) return Value::Null(type);
    auto less = [&](const Ev* x, const Ev* y) {
      return ints ? x->cells[c]->i < y->cells[c]->i : x->cells[c]->s < y->cells[c]->s;
    };
    const Ev* best = f == AggFunction::kMin ? *std::min_element(in.begin(), in.end(), less)
                                            : *std::max_element(in.begin(), in.end(), less);
    return ints ? Value::Int64(best->cells[c]->i) : Value::String(best->cells[c]->s);
  }
  if (f == AggFunction::kLast && ints) {
    if (in.empty()) return Value::Null(DataType::Int64());
    auto by_rank = [](const Ev* x, const Ev* y) { return x->rank < y->rank; };
    std::sort(in.begin(), in.end(), by_rank);
    if (in.size() > 1 && in[in.size() - 2]->rank == in.back()->rank) return std::nullopt;
    return Value::Int64(in.back()->cells[c]->i);
  }
  return std::nullopt;
}

// Read times: random, every tile boundary +/- 1 micro of some tiles of every
// aggregate, and times whose window starts exactly at a tile boundary.
inline std::vector<int64_t> ReadTimes(const WindowPlan& plan, std::mt19937_64& rng, int random,
                                      int64_t from, int64_t to) {
  std::vector<int64_t> ts;
  for (int j = 0; j < random; ++j) ts.push_back(from + static_cast<int64_t>(rng() % (to - from)));
  for (const WindowedAgg& agg : plan.aggs) {
    for (int j = 0; j < 3; ++j) {
      const int64_t w = agg.tile_width;
      const int64_t boundary = FloorDiv(from + static_cast<int64_t>(rng() % (to - from)), w) * w;
      for (int64_t d : {-1, 0, 1}) {
        ts.push_back(boundary + d);                   // t at a tile edge
        ts.push_back(boundary + agg.window - 1 + d);  // window start at a tile edge
      }
    }
  }
  return ts;
}

struct StreamOptions {
  int random_events = 600;
  int64_t from = kBase;
  int64_t to = kBase + 9 * kDay;
};

inline Cell RandomCell(int c, std::mt19937_64& rng, std::vector<double>& seen) {
  Cell cell;
  switch (c) {
    case kAmount:
      cell.d = RandomDouble(rng, seen, rng() % 4 == 0);
      seen.push_back(cell.d);
      break;
    case kQty:
      cell.i = rng() % 50 == 0 ? (INT64_MAX / 3) * ((rng() & 1) ? 1 : -1)
                               : static_cast<int64_t>(rng() % 2001) - 1000;
      break;
    case kCountry: {
      static const char* const kWords[] = {"", "de", "fr", "us", "gb", "nl", "a longer country"};
      cell.s = kWords[rng() % 7];
      break;
    }
    case kScore: cell.d = static_cast<float>(static_cast<int>(rng() % 1000) - 500) / 8.0f; break;
  }
  return cell;
}

inline Ev RandomEvent(int64_t ts, int64_t seq, std::mt19937_64& rng, std::vector<double>& seen) {
  Ev ev;
  ev.rank.event_ts = ts;
  ev.rank.created_ts = rng() % 2 ? kNullCreatedTs : ts - static_cast<int64_t>(rng() % 1000);
  ev.rank.ingest_seq = seq;  // unique: ranks identify events
  for (int c = 0; c < kNumCols; ++c) {
    if (rng() % 5 != 0) ev.cells[c] = RandomCell(c, rng, seen);
  }
  return ev;
}

// A random stream in random (arrival) order: uniform events, bursts at one
// timestamp (some with equal event and created times, told apart by their
// ingest sequence), and events at t - W, t - W + 1, t and t + 1 of the
// given read times. Ranks are unique (WindowState::Add takes an equal rank
// for the same event: WindowStateTest.AnEventAppliedTwiceCountsOnce).
inline std::vector<Ev> RandomStream(const WindowPlan& plan, const std::vector<int64_t>& reads,
                                    std::mt19937_64& rng, const StreamOptions& opt = {}) {
  std::vector<Ev> evs;
  std::vector<double> seen;
  int64_t seq = 1;
  const auto span = static_cast<uint64_t>(opt.to - opt.from);
  for (int j = 0; j < opt.random_events; ++j) {
    evs.push_back(RandomEvent(opt.from + static_cast<int64_t>(rng() % span), seq++, rng, seen));
  }
  for (int burst = 0; burst < 8; ++burst) {
    const int64_t ts = opt.from + static_cast<int64_t>(rng() % span);
    const int n = 3 + static_cast<int>(rng() % 15);
    for (int j = 0; j < n; ++j) {
      Ev ev = RandomEvent(ts, seq++, rng, seen);
      if (j > 0 && rng() % 3 == 0) {  // ties on event and created time
        ev.rank.created_ts = evs.back().rank.created_ts;
      }
      evs.push_back(ev);
    }
  }
  for (size_t j = 0; j < reads.size(); j += 3) {
    const int64_t t = reads[j];
    const int64_t w = plan.aggs[rng() % plan.aggs.size()].window;
    for (int64_t ts : {t - w, t - w + 1, t, t + 1})
      evs.push_back(RandomEvent(ts, seq++, rng, seen));
  }
  std::shuffle(evs.begin(), evs.end(), rng);
  return evs;
}

// Compares each of `reads` (what read it, its values) to the reference at
// t: bit for bit, and the reference to Direct where it applies.
inline void ExpectReference(const WindowPlan& plan, const std::vector<Ev>& events, int64_t t,
                            const std::vector<std::pair<std::string, std::vector<Value>>>& reads) {
  for (size_t a = 0; a < plan.aggs.size(); ++a) {
    const Value want = Reference(plan, a, events, t);
    for (const auto& [what, got] : reads) {
      ASSERT_EQ(got.size(), plan.aggs.size()) << what;
      ASSERT_TRUE(SameBits(got[a], want))
          << what << ": " << plan.aggs[a].feature_name << " at " << FormatTimestamp(t) << " (" << t
          << ") gave " << Show(got[a]) << ", brute force " << Show(want);
    }
    if (std::optional<Value> direct = Direct(plan, a, events, t)) {
      ASSERT_TRUE(SameBits(want, *direct))
          << plan.aggs[a].feature_name << " at " << t << ": accumulator " << Show(want)
          << ", direct " << Show(*direct);
    }
  }
}

inline void AddAllTo(const WindowPlan& plan, const std::vector<Ev>& events, WindowState* state) {
  for (const Ev& ev : events) {
    const auto values = InputsOf(plan, ev);
    ASSERT_EQ(state->Add(ev.rank, values), WindowState::AddResult::kApplied);
  }
}

}  // namespace tessera::agg::testing
