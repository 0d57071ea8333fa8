#include "tessera/offline/window_features.h"

#include <algorithm>
#include <deque>
#include <limits>
#include <optional>
#include <string>
#include <unordered_map>

#include "tessera/agg/window_state.h"
#include "tessera/core/builder.h"
#include "tessera/core/entity_key.h"
#include "tessera/core/saturating.h"
#include "tessera/core/suggest.h"
#include "tessera/offline/keyed_events.h"
#include "tessera/offline/parallel_for.h"
#include "tessera/offline/sliding_aggregates.h"
#include "tessera/offline/view_input.h"

namespace tessera::offline {

agg::EventRank WindowEventRank(int64_t event_ts, bool has_created, int64_t created_ts, bool has_seq,
                               int64_t ingest_seq, int64_t in_place_position) {
  agg::EventRank rank;
  rank.event_ts = event_ts;
  rank.created_ts = has_created ? created_ts : agg::kNullCreatedTs;
  // Logged rows have sequences >= 1; rows read in place come first, in
  // scan order.
  rank.ingest_seq = has_seq ? ingest_seq : std::numeric_limits<int64_t>::min() + in_place_position;
  return rank;
}

namespace {

// Column types by name, for the aggregation plan.
class SourceColumnTypes final : public agg::ColumnTypeLookup {
 public:
  explicit SourceColumnTypes(std::vector<registry::SourceColumn> columns)
      : columns_(std::move(columns)) {}
  Result<DataType> TypeOf(const std::string& column) const override {
    for (const registry::SourceColumn& c : columns_) {
      if (c.name == column) return c.type;
    }
    return Status::Invalid("column " + Quoted(column) + " is not in its source");
  }

 private:
  std::vector<registry::SourceColumn> columns_;
};

}  // namespace

Result<agg::WindowPlan> ViewWindowPlan(
    const registry::RepoDefinitions& defs, const registry::FeatureView& view,
    const std::map<std::string, registry::SourceSchema>& schemas) {
  TS_ASSIGN_OR_RETURN(std::vector<Field> keys, ViewJoinKeys(defs, view));
  TS_ASSIGN_OR_RETURN(const registry::Source* source, ViewBatchSource(defs, view));
  // Only the aggregations count: without files or a schema the columns are
  // what the view declares, and a resolved request appends its aggregate
  // features to view.features (feature_refs.h), which are not columns.
  registry::FeatureView aggregations_only = view;
  aggregations_only.features.clear();
  SourceColumnTypes types(ViewSourceColumns(aggregations_only, keys, *source, schemas));
  Result<agg::WindowPlan> plan = agg::MakeWindowPlan(view, types);
  if (!plan.ok()) {
    return Status::Invalid("feature view " + Quoted(view.name) + ": " + plan.status().message());
  }
  return plan;
}

std::vector<Field> WindowEventColumns(const agg::WindowPlan& plan, bool with_committed_at) {
  std::vector<Field> columns;
  for (size_t c = 0; c < plan.column_names.size(); ++c) {
    columns.push_back(Field{plan.column_names[c], plan.column_types[c]});
  }
  columns.push_back(Field{kIngestSeqColumn, DataType::Int64()});
  if (with_committed_at) columns.push_back(Field{kCommittedAtColumn, DataType::Timestamp()});
  return columns;
}

agg::AggInput AggInputAt(const Array& column, int64_t row) {
  agg::AggInput in;
  switch (column.type().id()) {
    case TypeId::kBool: in.i = column.GetBool(row) ? 1 : 0; break;
    case TypeId::kInt32: in.i = column.GetInt32(row); break;
    case TypeId::kInt64:
    case TypeId::kTimestamp: in.i = column.GetInt64(row); break;
    case TypeId::kFloat: in.d = column.GetFloat(row); break;
    case TypeId::kDouble: in.d = column.GetDouble(row); break;
    case TypeId::kString:
    case TypeId::kBytes: in.s = column.GetView(row); break;
    case TypeId::kList: break;  // not an aggregation input (plan rejects it)
  }
  return in;
}

namespace {

// Spine rows that get no window: a null timestamp gives nulls; a null key
// part gives the empty window (no event has a null key).
constexpr int32_t kNoTimestamp = -1;
constexpr int32_t kNullKey = -2;

// One output column filled out of row order by many threads (each row
// once), then built in row order.
class OutColumn {
 public:
  OutColumn(DataType type, int64_t rows) : type_(type), valid_(static_cast<size_t>(rows), 0) {
    if (Fixed()) {
      fixed_.resize(static_cast<size_t>(rows));
    } else {
      other_.resize(static_cast<size_t>(rows), Value::Null(type));
    }
  }

  void Set(int64_t row, const Value& v) {
    const auto r = static_cast<size_t>(row);
    if (v.is_null()) return;
    valid_[r] = 1;
    if (!Fixed()) {
      other_[r] = v;
    } else if (type_ == DataType::Double() || type_ == DataType::Float()) {
      fixed_[r].d = v.double_value();
    } else if (type_ == DataType::Bool()) {
      fixed_[r].i = v.bool_value() ? 1 : 0;
    } else {
      fixed_[r].i = v.int_value();
    }
  }

  Result<ArrayPtr> Finish() const {
    std::unique_ptr<ArrayBuilder> builder = ArrayBuilder::Make(type_);
    for (size_t r = 0; r < valid_.size(); ++r) {
      if (!valid_[r]) {
        TS_RETURN_NOT_OK(builder->AppendNull());
      } else if (!Fixed()) {
        TS_RETURN_NOT_OK(builder->AppendValue(other_[r]));
      } else {
        TS_RETURN_NOT_OK(builder->AppendValue(AsValue(fixed_[r])));
      }
    }
    return builder->Finish();
  }

 private:
  union Cell {
    int64_t i;
    double d;
  };
  bool Fixed() const { return !type_.is_list() && !type_.is_binary_like(); }
  Value AsValue(Cell c) const {
    switch (type_.id()) {
      case TypeId::kBool: return Value::Bool(c.i != 0);
      case TypeId::kInt32: return Value::Int32(static_cast<int32_t>(c.i));
      case TypeId::kInt64: return Value::Int64(c.i);
      case TypeId::kTimestamp: return Value::Timestamp(c.i);
      case TypeId::kFloat: return Value::Float(static_cast<float>(c.d));
      default: return Value::Double(c.d);
    }
  }

  DataType type_;
  std::vector<uint8_t> valid_;
  std::vector<Cell> fixed_;
  std::vector<Value> other_;
};

class Computation {
 public:
  Computation(const RecordBatch& spine, WindowFeaturesInput input)
      : spine_(spine),
        in_(std::move(input)),
        plan_(*in_.plan),
        sliding_(SlidingAggregates::Supports(plan_)) {}

  Result<std::vector<ArrayPtr>> Run() {
    TS_RETURN_NOT_OK(KeySpine());
    TS_RETURN_NOT_OK(ReadEvents());
    Group();
    for (const agg::WindowedAgg& a : plan_.aggs)
      outputs_.emplace_back(a.spec.output, spine_.num_rows());
    if (in_.with_committed_at) {
      committed_ = std::make_unique<OutColumn>(DataType::Timestamp(), spine_.num_rows());
    }
    const int64_t num_keys = static_cast<int64_t>(key_ids_.size());
    ParallelFor(num_keys, std::max(1, in_.num_threads),
                [this](int, int64_t begin, int64_t end) { ComputeKeys(begin, end); });
    ComputeEmptyWindows();
    // Columns built on the threads too (a column per task).
    std::vector<Result<ArrayPtr>> built(outputs_.size(), Status::Internal("not built"));
    ParallelFor(static_cast<int64_t>(outputs_.size()), std::max(1, in_.num_threads),
                [&](int, int64_t begin, int64_t end) {
                  for (int64_t c = begin; c < end; ++c) {
                    built[static_cast<size_t>(c)] = outputs_[static_cast<size_t>(c)].Finish();
                  }
                });
    std::vector<ArrayPtr> out;
    for (Result<ArrayPtr>& array : built) {
      TS_RETURN_NOT_OK(array.status());
      out.push_back(std::move(*array));
    }
    if (committed_ != nullptr) {
      TS_ASSIGN_OR_RETURN(ArrayPtr array, committed_->Finish());
      out.push_back(std::move(array));
    }
    return out;
  }

 private:
  Status KeySpine() {
    const int64_t n = spine_.num_rows();
    const Array& ts = *spine_.column(in_.spine_ts_column);
    row_key_.assign(static_cast<size_t>(n), kNoTimestamp);
    EntityKey::Builder builder;
    // A single int64 key column (the usual entity key): each value's id is
    // remembered, so its bytes are built and hashed once per key, not once
    // per row (the same value always gives the same bytes).
    const Array* key0 =
        in_.spine_key_columns.size() == 1 ? spine_.column(in_.spine_key_columns[0]).get() : nullptr;
    const bool memo = key0 != nullptr && key0->type().id() == TypeId::kInt64;
    std::unordered_map<int64_t, int32_t> ids_by_int;
    for (int64_t r = 0; r < n; ++r) {
      if (ts.IsNull(r)) continue;
      min_t_ = std::min(min_t_, ts.GetInt64(r));
      max_t_ = std::max(max_t_, ts.GetInt64(r));
      if (memo && key0->IsValid(r)) {
        if (auto known = ids_by_int.find(key0->GetInt64(r)); known != ids_by_int.end()) {
          row_key_[static_cast<size_t>(r)] = known->second;
          continue;
        }
      }
      builder.Reset();
      bool null_part = false;
      for (int c : in_.spine_key_columns) {
        const Array& key = *spine_.column(c);
        if (key.IsNull(r)) null_part = true;
        TS_RETURN_NOT_OK(builder.AppendFromArray(key, r));
      }
      if (null_part) {
        row_key_[static_cast<size_t>(r)] = kNullKey;
        continue;
      }
      auto [it, inserted] =
          key_ids_.emplace(builder.Build().bytes(), static_cast<int32_t>(key_ids_.size()));
      row_key_[static_cast<size_t>(r)] = it->second;
      if (memo) ids_by_int.emplace(key0->GetInt64(r), it->second);
    }
    return Status::OK();
  }

  // Keeps the events of spine keys with event_ts in (min t - max window,
  // max t].
  Status ReadEvents() {
    const int64_t lo = min_t_ < std::numeric_limits<int64_t>::min() + plan_.max_window
                           ? std::numeric_limits<int64_t>::min()
                           : min_t_ - plan_.max_window;
    TS_ASSIGN_OR_RETURN(
        events_, KeyedEvents::Read(in_.events.get(), in_.num_keys, plan_.column_names.size(), lo,
                                   max_t_, &key_ids_, in_.num_threads));
    return Status::OK();
  }

  // Spine rows grouped by key (a counting sort; each read is independent of
  // the others, so rows stay in spine order within a key).
  void Group() {
    const size_t keys = key_ids_.size();
    row_start_.assign(keys + 1, 0);
    for (int32_t k : row_key_) {
      if (k >= 0) ++row_start_[static_cast<size_t>(k) + 1];
    }
    for (size_t k = 0; k < keys; ++k) row_start_[k + 1] += row_start_[k];
    rows_.resize(row_start_[keys]);
    std::vector<size_t> next(row_start_.begin(), row_start_.end() - 1);
    for (size_t r = 0; r < row_key_.size(); ++r) {
      if (row_key_[r] >= 0)
        rows_[next[static_cast<size_t>(row_key_[r])]++] = static_cast<int64_t>(r);
    }
  }

  // The buffers of one thread's keys, reused from key to key.
  struct KeyScratch {
    std::vector<agg::EventRank> ranks;
    std::vector<std::optional<agg::AggInput>> values;
    std::vector<std::pair<agg::EventRank, uint32_t>> order;  // by rank, then scan order
    std::vector<agg::EventRank> sorted_ranks;
    std::vector<std::optional<agg::AggInput>> sorted_values;
    std::vector<int64_t> sorted_ts;
    std::vector<agg::WindowState::AddResult> results;
    std::vector<int64_t> rows;  // the key's spine rows by t (stable)
    std::vector<int64_t> committed, sorted_committed;
    std::deque<size_t> latest;
    std::vector<Value> out;
  };

  // Per key: its events sorted by rank (scan order among equal ranks), its
  // spine rows in order of t, then a sweep in time computing each row's
  // window (SlidingAggregates when the plan allows, else a WindowState).
  void ComputeKeys(int64_t begin, int64_t end) {
    KeyScratch s;
    std::unique_ptr<SlidingAggregates> sliding =
        sliding_ ? std::make_unique<SlidingAggregates>(&plan_) : nullptr;
    const Array& ts = *spine_.column(in_.spine_ts_column);
    for (int64_t key = begin; key < end; ++key) {
      const auto k = static_cast<size_t>(key);
      events_.Collect(k, &s.ranks, &s.values);
      s.order.resize(s.ranks.size());
      for (size_t j = 0; j < s.order.size(); ++j)
        s.order[j] = {s.ranks[j], static_cast<uint32_t>(j)};
      std::sort(s.order.begin(), s.order.end());
      s.rows.assign(rows_.begin() + static_cast<ptrdiff_t>(row_start_[k]),
                    rows_.begin() + static_cast<ptrdiff_t>(row_start_[k + 1]));
      std::stable_sort(s.rows.begin(), s.rows.end(),
                       [&](int64_t a, int64_t b) { return ts.GetInt64(a) < ts.GetInt64(b); });
      if (sliding != nullptr) {
        SweepSliding(sliding.get(), &s);
      } else {
        SweepState(&s);
      }
      if (committed_ != nullptr) SweepCommitted(k, &s);
    }
  }

  // The events of s->order as columns: every event, or one per rank (the
  // first in scan order: the one WindowState applies).
  void SortedEvents(bool distinct, KeyScratch* s) const {
    const size_t columns = plan_.column_names.size();
    s->sorted_ranks.clear();
    s->sorted_ts.clear();
    s->sorted_values.clear();
    for (size_t j = 0; j < s->order.size(); ++j) {
      if (distinct && j > 0 && s->order[j].first == s->order[j - 1].first) continue;
      const uint32_t i = s->order[j].second;
      s->sorted_ranks.push_back(s->order[j].first);
      s->sorted_ts.push_back(s->order[j].first.event_ts);
      s->sorted_values.insert(s->sorted_values.end(),
                              s->values.begin() + static_cast<ptrdiff_t>(i * columns),
                              s->values.begin() + static_cast<ptrdiff_t>((i + 1) * columns));
    }
  }

  void SweepSliding(SlidingAggregates* sliding, KeyScratch* s) {
    const Array& ts = *spine_.column(in_.spine_ts_column);
    SortedEvents(/*distinct=*/true, s);
    sliding->Reset(s->sorted_ts, s->sorted_values);
    for (const int64_t row : s->rows) {
      sliding->Read(ts.GetInt64(row), &s->out);
      for (size_t a = 0; a < outputs_.size(); ++a) outputs_[a].Set(row, s->out[a]);
    }
  }

  // A sweep in time: each spine row read after adding the key's events up
  // to t and expiring what no read at t or later needs, so the state holds
  // about one largest window of events (not the key's whole history) and
  // reads search less. Read(t) after Expire(t) is exact (WindowState), and
  // events are added in rank order keeping scan order among equal ranks, so
  // an equal rank keeps the same first event as one AddBatch of all of them.
  void SweepState(KeyScratch* s) {
    const Array& ts = *spine_.column(in_.spine_ts_column);
    const size_t columns = plan_.column_names.size();
    SortedEvents(/*distinct=*/false, s);
    agg::WindowState state(&plan_);
    size_t added = 0;
    for (const int64_t row : s->rows) {
      const int64_t t = ts.GetInt64(row);
      size_t upto = added;
      while (upto < s->sorted_ranks.size() && s->sorted_ranks[upto].event_ts <= t) ++upto;
      if (upto > added) {
        s->results.resize(upto - added);
        state.AddBatch(
            std::span(s->sorted_ranks).subspan(added, upto - added),
            std::span(s->sorted_values).subspan(added * columns, (upto - added) * columns),
            s->results);
        added = upto;
      }
      state.Expire(t);
      state.Read(t, &s->out);
      for (size_t a = 0; a < outputs_.size(); ++a) outputs_[a].Set(row, s->out[a]);
    }
  }

  // Per spine row, the latest commit time in (t - max window, t]: a sliding
  // maximum over the key's events sorted by time (t only grows).
  void SweepCommitted(size_t k, KeyScratch* s) {
    const Array& ts = *spine_.column(in_.spine_ts_column);
    events_.CollectCommittedAt(k, &s->committed);
    s->sorted_committed.resize(s->committed.size());
    for (size_t j = 0; j < s->order.size(); ++j) {
      s->sorted_committed[j] = s->committed[s->order[j].second];
    }
    std::deque<size_t>& latest = s->latest;  // indexes into order, committed_at decreasing
    latest.clear();
    size_t window_start = 0;  // the first sorted event after t - max window
    size_t queued = 0;        // sorted events up to t seen by `latest`
    for (const int64_t row : s->rows) {
      const int64_t t = ts.GetInt64(row);
      for (; queued < s->order.size() && s->order[queued].first.event_ts <= t; ++queued) {
        while (!latest.empty() &&
               s->sorted_committed[latest.back()] <= s->sorted_committed[queued]) {
          latest.pop_back();
        }
        latest.push_back(queued);
      }
      const int64_t lo = SaturatingSub(t, plan_.max_window);
      while (window_start < queued && s->order[window_start].first.event_ts <= lo) ++window_start;
      while (!latest.empty() && latest.front() < window_start) latest.pop_front();
      if (!latest.empty() && s->sorted_committed[latest.front()] != INT64_MIN) {
        committed_->Set(row, Value::Timestamp(s->sorted_committed[latest.front()]));
      }
    }
  }

  void ComputeEmptyWindows() {
    const Array& ts = *spine_.column(in_.spine_ts_column);
    agg::WindowState empty(&plan_);
    std::vector<Value> out;
    for (size_t r = 0; r < row_key_.size(); ++r) {
      if (row_key_[r] != kNullKey) continue;
      empty.Read(ts.GetInt64(static_cast<int64_t>(r)), &out);
      for (size_t a = 0; a < outputs_.size(); ++a) outputs_[a].Set(static_cast<int64_t>(r), out[a]);
    }
  }

  const RecordBatch& spine_;
  WindowFeaturesInput in_;
  const agg::WindowPlan& plan_;
  const bool sliding_;  // SlidingAggregates computes the plan
  int64_t min_t_ = std::numeric_limits<int64_t>::max();
  int64_t max_t_ = std::numeric_limits<int64_t>::min();
  std::unordered_map<std::string, int32_t> key_ids_;
  std::vector<int32_t> row_key_;  // per spine row: key id, kNoTimestamp or kNullKey
  KeyedEvents events_;
  std::vector<int64_t> rows_;  // spine rows grouped by key, in spine order within a key
  std::vector<size_t> row_start_;
  std::vector<OutColumn> outputs_;
  std::unique_ptr<OutColumn> committed_;  // with_committed_at
};

}  // namespace

Result<std::vector<ArrayPtr>> ComputeWindowFeatures(const RecordBatch& spine,
                                                    WindowFeaturesInput input) {
  if (input.plan == nullptr || input.events == nullptr) {
    return Status::Invalid("window features need a plan and an event input");
  }
  return Computation(spine, std::move(input)).Run();
}

}  // namespace tessera::offline
