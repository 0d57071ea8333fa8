// The brute-force reference of the windowed aggregation consistency tests
// (tests/facade/window_consistency_test.cc, tests/stream): events of one
// user-keyed stream, the features of a view aggregating them, and each
// feature's value at t computed here by a nested loop over the events
// (amounts are multiples of 1/64 small enough that every sum is exact in
// plain double arithmetic, so the naive sums are the exact sums; var,
// stddev and the sketches are checked against one fresh agg accumulator fed
// the window's values, which tests/agg checks against exact references).
// Header-only.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "tessera/agg/accumulator.h"
#include "tessera/core/env.h"
#include "tessera/core/record_batch.h"
#include "tessera/core/value.h"
#include "tessera/feature_store.h"

namespace tessera::testing::window {

constexpr int64_t kSec = 1000000;
constexpr int64_t kMin = 60 * kSec;
constexpr int64_t kHour = 60 * kMin;

// An Env whose clock the test sets.
class ClockEnv : public EnvWrapper {
 public:
  ClockEnv() : EnvWrapper(Env::Default()) {}
  int64_t NowMicros() override { return now_.load(); }
  void Set(int64_t micros) { now_.store(micros); }

 private:
  std::atomic<int64_t> now_{0};
};

struct Event {
  int64_t user;
  int64_t ts;
  std::optional<double> amount;
  std::optional<int64_t> qty;
  std::optional<std::string> merchant;
  std::optional<int64_t> created;  // created timestamp: breaks event_ts ties first
  int64_t seq;                     // ingest order (each push is one log commit, rows in order)
  std::string id;                  // event_id: a client retry sends an event again with it
};

// One feature: function, column ("" = events), window, parameter.
struct Feature {
  std::string name;
  std::string function;
  std::string column;
  int64_t window;
  double param = 0;
};

inline const std::vector<Feature>& Features() {
  static const std::vector<Feature> features = {
      {"count_10m", "count", "", 10 * kMin},
      {"count_1h", "count", "", kHour},
      {"amount_count_1h", "count", "amount", kHour},
      {"amount_sum_10m", "sum", "amount", 10 * kMin},
      {"amount_sum_1h", "sum", "amount", kHour},
      {"qty_sum_1h", "sum", "qty", kHour},
      {"amount_avg_1h", "avg", "amount", kHour},
      {"amount_min_1h", "min", "amount", kHour},
      {"amount_max_10m", "max", "amount", 10 * kMin},
      {"amount_max_1h", "max", "amount", kHour},
      {"amount_var_1h", "var", "amount", kHour},
      {"amount_stddev_1h", "stddev", "amount", kHour},
      {"merchant_first_1h", "first", "merchant", kHour},
      {"merchant_last_10m", "last", "merchant", 10 * kMin},
      {"merchant_last_1h", "last", "merchant", kHour},
      {"amount_last3_1h", "last_n", "amount", kHour, 3},
      {"merchant_count_distinct_1h", "count_distinct", "merchant", kHour},
      {"merchant_approx_count_distinct_1h", "approx_count_distinct", "merchant", kHour},
      {"amount_p90_1h", "approx_percentile", "amount", kHour, 0.9},
  };
  return features;
}

// The view `stats` over push source `events_push` (batch source `events`,
// events.csv) with every feature of Features().
inline std::string Definitions() {
  return R"(entities:
  - name: user
    join_keys: [{name: user_id, type: int64}]
sources:
  - {name: events, kind: batch, path: events.csv, timestamp_field: event_timestamp,
     created_timestamp_field: created}
  - {name: events_push, kind: push, batch_source: events}
feature_views:
  - name: stats
    entities: [user]
    source: events_push
    aggregations:
      - {function: count, windows: [10m, 1h]}
      - {column: amount, function: count, windows: [1h]}
      - {column: amount, function: sum, windows: [10m, 1h]}
      - {column: qty, function: sum, windows: [1h]}
      - {column: amount, function: avg, windows: [1h]}
      - {column: amount, function: min, windows: [1h]}
      - {column: amount, function: max, windows: [10m, 1h]}
      - {column: amount, function: var, windows: [1h]}
      - {column: amount, function: stddev, windows: [1h]}
      - {column: merchant, function: first, windows: [1h]}
      - {column: merchant, function: last, windows: [10m, 1h]}
      - {column: amount, function: last_n, k: 3, windows: [1h]}
      - {column: merchant, function: count_distinct, windows: [1h]}
      - {column: merchant, function: approx_count_distinct, windows: [1h]}
      - {column: amount, function: approx_percentile, p: 0.9, windows: [1h]}
)";
}

// Doubles by their bits; lists element by element.
inline bool Same(const Value& a, const Value& b) {
  if (a.type() != b.type() || a.is_null() != b.is_null()) return false;
  if (a.is_null()) return true;
  if (a.type() == DataType::Double()) {
    return std::bit_cast<uint64_t>(a.double_value()) == std::bit_cast<uint64_t>(b.double_value());
  }
  if (a.type().is_list()) {
    if (a.list_value().size() != b.list_value().size()) return false;
    for (size_t i = 0; i < a.list_value().size(); ++i) {
      if (!Same(a.list_value()[i], b.list_value()[i])) return false;
    }
    return true;
  }
  return a == b;
}

// NaN greatest, as docs/DEFINITIONS.md orders doubles.
inline bool DoubleLess(double a, double b) {
  if (std::isnan(a)) return false;
  if (std::isnan(b)) return true;
  return a < b;
}

inline Value ByAccumulator(const Feature& f, const std::vector<const Event*>& present);

// The reference value of `f` for `user` at `t` over `events`.
inline Value Reference(const Feature& f, int64_t user, int64_t t,
                       const std::vector<Event>& events) {
  std::vector<const Event*> in;
  for (const Event& e : events) {
    if (e.user == user && e.ts > t - f.window && e.ts <= t) in.push_back(&e);
  }
  if (f.column.empty()) return Value::Int64(static_cast<int64_t>(in.size()));
  std::vector<const Event*> present;
  for (const Event* e : in) {
    bool has = f.column == "amount" ? e->amount.has_value()
               : f.column == "qty"  ? e->qty.has_value()
                                    : e->merchant.has_value();
    if (has) present.push_back(e);
  }
  const DataType double_t = DataType::Double();
  if (f.function == "count") return Value::Int64(static_cast<int64_t>(present.size()));
  if (f.function == "count_distinct") {
    std::set<std::string> distinct;
    for (const Event* e : present) distinct.insert(*e->merchant);
    return Value::Int64(static_cast<int64_t>(distinct.size()));
  }
  if (f.function == "var" || f.function == "stddev" || f.function == "approx_count_distinct" ||
      f.function == "approx_percentile") {
    return ByAccumulator(f, present);
  }
  if (present.empty()) {
    if (f.column == "qty") return Value::Null(DataType::Int64());
    if (f.column == "merchant") return Value::Null(DataType::String());
    if (f.function == "last_n") return Value::Null(DataType::List(TypeId::kDouble));
    return Value::Null(double_t);
  }
  if (f.function == "sum" && f.column == "qty") {
    int64_t s = 0;
    for (const Event* e : present) s += *e->qty;
    return Value::Int64(s);
  }
  if (f.function == "sum" || f.function == "avg") {
    double s = 0;  // exact: multiples of 1/64 below 2^20 (NaN propagates)
    for (const Event* e : present) s += *e->amount;
    return Value::Double(f.function == "sum" ? s : s / static_cast<double>(present.size()));
  }
  if (f.function == "min" || f.function == "max") {
    double m = *present[0]->amount;
    for (const Event* e : present) {
      double x = *e->amount;
      if (f.function == "min" ? DoubleLess(x, m) : DoubleLess(m, x)) m = x;
    }
    return Value::Double(m);
  }
  // first, last, last_n: by (event_ts, created_ts with null smallest,
  // ingest seq); seqs are unique here.
  std::vector<const Event*> sorted = present;
  auto rank = [](const Event* e) {
    return std::make_tuple(e->ts, e->created.value_or(std::numeric_limits<int64_t>::min()), e->seq);
  };
  std::sort(sorted.begin(), sorted.end(),
            [&](const Event* a, const Event* b) { return rank(a) < rank(b); });
  if (f.function == "first") return Value::String(*sorted.front()->merchant);
  if (f.function == "last") return Value::String(*sorted.back()->merchant);
  std::vector<Value> last;
  const size_t k = static_cast<size_t>(f.param);
  for (size_t i = sorted.size() > k ? sorted.size() - k : 0; i < sorted.size(); ++i) {
    last.push_back(Value::Double(*sorted[i]->amount));
  }
  return Value::List(DataType::List(TypeId::kDouble), std::move(last));
}

inline Value ByAccumulator(const Feature& f, const std::vector<const Event*>& present) {
  registry::Aggregation a;
  a.column = f.column;
  a.function = f.function;
  a.windows = {f.window};
  if (f.function == "approx_percentile") a.p = f.param;
  DataType input = f.column == "amount" ? DataType::Double() : DataType::String();
  auto spec = agg::MakeAggSpec(a, input);
  EXPECT_TRUE(spec.ok()) << spec.status().ToString();
  std::unique_ptr<agg::Accumulator> acc = agg::NewAccumulator(*spec);
  for (const Event* e : present) {
    agg::AggInput in;
    if (f.column == "amount") {
      in.d = *e->amount;
    } else {
      in.s = *e->merchant;
    }
    acc->Add(in, agg::EventRank{e->ts, e->created.value_or(agg::kNullCreatedTs), e->seq});
  }
  return acc->Finish();
}

// `events` as rows of push source `events_push` (every column of
// events.csv; a missing optional value is a null).
inline RecordBatchPtr Rows(const std::vector<Event>& events) {
  auto schema = Schema::Make({{"user_id", DataType::Int64()},
                              {"event_timestamp", DataType::Timestamp()},
                              {"amount", DataType::Double()},
                              {"qty", DataType::Int64()},
                              {"merchant", DataType::String()},
                              {"event_id", DataType::String()},
                              {"created", DataType::Timestamp()}});
  RecordBatchBuilder builder(*schema);
  for (const Event& e : events) {
    EXPECT_TRUE(
        builder
            .AppendRow(
                {Value::Int64(e.user), Value::Timestamp(e.ts),
                 e.amount ? Value::Double(*e.amount) : Value::Null(DataType::Double()),
                 e.qty ? Value::Int64(*e.qty) : Value::Null(DataType::Int64()),
                 e.merchant ? Value::String(*e.merchant) : Value::Null(DataType::String()),
                 Value::String(e.id),
                 e.created ? Value::Timestamp(*e.created) : Value::Null(DataType::Timestamp())})
            .ok());
  }
  return *builder.Finish();
}

// The served values of view `stats` for users 1..users at the store's now:
// per user, the features in order.
inline std::vector<std::vector<Value>> ServedStats(FeatureStore* store, int64_t users) {
  auto ids = Schema::Make({{"user_id", DataType::Int64()}});
  RecordBatchBuilder builder(*ids);
  for (int64_t u = 1; u <= users; ++u) EXPECT_TRUE(builder.AppendRow({Value::Int64(u)}).ok());
  OnlineRequest request;
  request.features = {"stats"};
  auto response = store->GetOnlineFeatures(**builder.Finish(), request);
  EXPECT_TRUE(response.ok()) << response.status().ToString();
  std::vector<std::vector<Value>> out(static_cast<size_t>(users));
  if (!response.ok()) return out;
  for (size_t c = 0; c < response->names.size(); ++c) {
    if (response->names[c] == "user_id") continue;
    for (int64_t r = 0; r < users; ++r) {
      out[static_cast<size_t>(r)].push_back(response->values[c]->GetValue(r));
    }
  }
  return out;
}

// `historical` of view `stats` for (user, t) rows: per row, the features in
// order.
inline std::vector<std::vector<Value>> HistoricalStats(
    FeatureStore* store, const std::vector<std::pair<int64_t, int64_t>>& rows) {
  auto schema =
      Schema::Make({{"user_id", DataType::Int64()}, {"event_timestamp", DataType::Timestamp()}});
  RecordBatchBuilder builder(*schema);
  for (auto [u, t] : rows) {
    EXPECT_TRUE(builder.AppendRow({Value::Int64(u), Value::Timestamp(t)}).ok());
  }
  RecordBatchPtr spine = *builder.Finish();
  HistoricalRequest request;
  request.features = {"stats"};
  request.num_threads = 2;
  auto reader = store->GetHistoricalFeatures(
      std::make_unique<VectorBatchReader>(spine->schema(), std::vector<RecordBatchPtr>{spine}),
      request);
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  std::vector<std::vector<Value>> out;
  if (!reader.ok()) return out;
  while (true) {
    auto batch = (*reader)->Next();
    EXPECT_TRUE(batch.ok());
    if (!batch.ok() || *batch == nullptr) break;
    for (int64_t r = 0; r < (*batch)->num_rows(); ++r) {
      std::vector<Value> row;
      for (int c = 2; c < (*batch)->num_columns(); ++c) {
        row.push_back((*batch)->column(c)->GetValue(r));
      }
      out.push_back(std::move(row));
    }
  }
  return out;
}

}  // namespace tessera::testing::window
