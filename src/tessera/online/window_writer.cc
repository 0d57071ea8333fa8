#include "tessera/online/window_writer.h"

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>

#include "tessera/agg/window_state.h"
#include "tessera/core/entity_key.h"
#include "tessera/offline/window_features.h"

namespace tessera::online {

RowRank StateRank(const agg::EventRank& rank) {
  RowRank r;
  r.event_ts = rank.event_ts;
  r.created_ts = rank.created_ts;  // agg::kNullCreatedTs == online::kNullCreatedTs
  r.ingest_seq = rank.ingest_seq;
  return r;
}

namespace {

static_assert(agg::kNullCreatedTs == kNullCreatedTs);

agg::EventRank ToEventRank(const RowRank& r) {
  agg::EventRank e;
  e.event_ts = r.event_ts;
  e.created_ts = r.created_ts;
  e.ingest_seq = r.ingest_seq;
  return e;
}

// The rows of one key, in batch order.
struct KeyRows {
  std::string key;
  std::vector<int64_t> rows;
};

}  // namespace

std::vector<std::unique_lock<std::mutex>> WindowWriter::LockKeys(
    const std::vector<std::string_view>& keys) {
  std::vector<size_t> stripes;
  stripes.reserve(keys.size());
  for (std::string_view k : keys) stripes.push_back(std::hash<std::string_view>()(k) % kStripes);
  std::sort(stripes.begin(), stripes.end());
  stripes.erase(std::unique(stripes.begin(), stripes.end()), stripes.end());
  std::vector<std::unique_lock<std::mutex>> held;
  held.reserve(stripes.size());
  for (size_t s : stripes) held.emplace_back(stripes_[s]);
  return held;
}

Status WindowWriter::Replace(const ViewId& view, std::span<const WindowStateWrite> states,
                             OnlineStore* store) {
  if (states.empty()) return Status::OK();
  std::vector<std::string_view> keys;
  std::vector<OnlineLookup> lookups;
  for (const WindowStateWrite& s : states) {
    keys.push_back(s.entity_key);
    lookups.push_back(OnlineLookup{&view, s.entity_key});
  }
  std::vector<std::unique_lock<std::mutex>> held = LockKeys(keys);
  std::vector<std::optional<OnlineRow>> stored;
  TS_RETURN_NOT_OK(store->Read(lookups, &stored));
  std::vector<OnlineWrite> writes;
  writes.reserve(states.size());
  for (size_t i = 0; i < states.size(); ++i) {
    RowRank rank = StateRank(states[i].top);
    if (stored[i].has_value() && rank < stored[i]->rank) rank = stored[i]->rank;
    writes.push_back(OnlineWrite{states[i].entity_key, rank, states[i].state});
  }
  return store->Write(view, writes).status();
}

Result<WindowApplyStats> WindowWriter::Apply(const ViewId& view, const agg::WindowPlan& plan,
                                             const WindowEvents& events, int64_t now,
                                             OnlineStore* store) {
  const RecordBatch& rows = *events.rows;
  if (events.value_columns.size() != plan.column_names.size() ||
      events.ranks.size() != static_cast<size_t>(rows.num_rows())) {
    return Status::Invalid("window events do not match the view's aggregation plan");
  }
  // Group rows by entity key.
  std::vector<KeyRows> keys;
  std::unordered_map<std::string, size_t> index;
  EntityKey::Builder builder;
  for (int64_t r = 0; r < rows.num_rows(); ++r) {
    builder.Reset();
    for (int c : events.key_columns) TS_RETURN_NOT_OK(builder.AppendFromArray(*rows.column(c), r));
    std::string key = builder.Build().bytes();
    auto [it, inserted] = index.emplace(key, keys.size());
    if (inserted) {
      keys.push_back(KeyRows{key, {}});
    }
    keys[it->second].rows.push_back(r);
  }
  WindowApplyStats stats;
  stats.keys = static_cast<int64_t>(keys.size());
  if (keys.empty()) return stats;

  // Hold the keys' stripes across the read-modify-write.
  std::vector<std::string_view> key_views;
  for (const KeyRows& k : keys) key_views.push_back(k.key);
  std::vector<std::unique_lock<std::mutex>> held = LockKeys(key_views);

  std::vector<OnlineLookup> lookups;
  lookups.reserve(keys.size());
  for (const KeyRows& k : keys) lookups.push_back(OnlineLookup{&view, k.key});
  std::vector<std::optional<OnlineRow>> stored;
  TS_RETURN_NOT_OK(store->Read(lookups, &stored));

  std::vector<std::string> encoded(keys.size());
  std::vector<OnlineWrite> writes;
  writes.reserve(keys.size());
  std::vector<agg::EventRank> ranks;
  std::vector<std::optional<agg::AggInput>> values;
  std::vector<agg::WindowState::AddResult> results;
  for (size_t i = 0; i < keys.size(); ++i) {
    agg::WindowState state(&plan);
    agg::EventRank top;
    bool has_top = false;
    if (stored[i].has_value()) {
      Result<agg::WindowState> decoded = agg::WindowState::Decode(&plan, stored[i]->values);
      if (!decoded.ok()) {
        return Status::Corruption(
            "window state of view " + view.name + "@" + std::to_string(view.version) + ", key " +
            EntityKey::FromBytes(keys[i].key).ToString() + ": " + decoded.status().message());
      }
      state = std::move(decoded).value();
      top = ToEventRank(stored[i]->rank);
      has_top = true;
    }
    state.Expire(now);
    bool changed = false;
    // One AddBatch per key: each touched tile is encoded once (the same
    // state, bit for bit, as an Add per event).
    const size_t n = keys[i].rows.size();
    const size_t num_columns = events.value_columns.size();
    ranks.resize(n);
    values.resize(n * num_columns);
    results.resize(n);
    for (size_t j = 0; j < n; ++j) {
      const int64_t r = keys[i].rows[j];
      ranks[j] = events.ranks[static_cast<size_t>(r)];
      for (size_t c = 0; c < num_columns; ++c) {
        const int column = events.value_columns[c];
        values[j * num_columns + c] =
            column < 0 || rows.column(column)->IsNull(r)
                ? std::nullopt
                : std::optional<agg::AggInput>(offline::AggInputAt(*rows.column(column), r));
      }
    }
    state.AddBatch(ranks, values, results);
    for (size_t j = 0; j < n; ++j) {
      switch (results[j]) {
        case agg::WindowState::AddResult::kApplied:
          ++stats.applied;
          changed = true;
          if (!has_top || top < ranks[j]) top = ranks[j];
          has_top = true;
          break;
        case agg::WindowState::AddResult::kTooOld: ++stats.too_old; break;
        case agg::WindowState::AddResult::kDuplicate: ++stats.duplicates; break;
      }
    }
    if (!changed) continue;
    state.EncodeTo(&encoded[i]);
    writes.push_back(OnlineWrite{keys[i].key, StateRank(top), encoded[i]});
  }
  if (!writes.empty()) TS_RETURN_NOT_OK(store->Write(view, writes).status());
  return stats;
}

}  // namespace tessera::online
