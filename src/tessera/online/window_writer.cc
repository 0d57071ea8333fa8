#include "tessera/online/window_writer.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <thread>
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

// Rounds of read, update, compare-and-set: a key whose stored row changed
// between the read and the write (another process's writer) is read and
// updated again. Each lost round means another writer's update of the key
// landed, so the rounds end unless writers keep winning for a long time;
// then Unavailable (nothing of the pending keys was written).
Status WindowWriter::ReadModifyWrite(const ViewId& view, const std::vector<std::string_view>& keys,
                                     OnlineStore* store, const KeyUpdate& update) {
  std::vector<size_t> pending(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) pending[i] = i;
  std::vector<OnlineLookup> lookups;
  std::vector<std::optional<OnlineRow>> stored;
  std::vector<std::string> values;
  std::vector<OnlineCompareWrite> writes;
  std::vector<size_t> written;  // key index per write
  std::vector<uint8_t> landed;
  for (int round = 0; !pending.empty(); ++round) {
    if (round == kMaxRounds) {
      return Status::Unavailable(
          "window state of view " + view.name + "@" + std::to_string(view.version) + ": " +
          std::to_string(pending.size()) + " key(s) changed by other writers in each of " +
          std::to_string(kMaxRounds) + " read-modify-write rounds; their events are logged and " +
          "materialize-incremental applies them");
    }
    if (round > 0) BackOff(round);
    lookups.clear();
    for (size_t i : pending) lookups.push_back(OnlineLookup{&view, keys[i]});
    TS_RETURN_NOT_OK(store->Read(lookups, &stored));
    values.assign(pending.size(), std::string());
    writes.clear();
    written.clear();
    for (size_t p = 0; p < pending.size(); ++p) {
      RowRank rank;
      TS_ASSIGN_OR_RETURN(bool write, update(pending[p], stored[p], &rank, &values[p]));
      if (!write) continue;
      writes.push_back(OnlineCompareWrite{
          keys[pending[p]], stored[p].has_value() ? &*stored[p] : nullptr, rank, values[p]});
      written.push_back(pending[p]);
    }
    if (writes.empty()) break;
    TS_RETURN_NOT_OK(store->CompareAndWrite(view, writes, &landed));
    pending.clear();
    for (size_t w = 0; w < written.size(); ++w) {
      if (!landed[w]) pending.push_back(written[w]);
    }
  }
  return Status::OK();
}

void WindowWriter::BackOff(int round) {
  if (round < 4) {
    std::this_thread::yield();
    return;
  }
  std::this_thread::sleep_for(std::chrono::microseconds(std::min(100 * round, 5000)));
}

Status WindowWriter::Replace(const ViewId& view, std::span<const WindowStateWrite> states,
                             OnlineStore* store) {
  if (states.empty()) return Status::OK();
  std::vector<std::string_view> keys;
  for (const WindowStateWrite& s : states) keys.push_back(s.entity_key);
  std::vector<std::unique_lock<std::mutex>> held = LockKeys(keys);
  return ReadModifyWrite(view, keys, store,
                         [&](size_t i, const std::optional<OnlineRow>& stored, RowRank* rank,
                             std::string* values) -> Result<bool> {
                           *rank = StateRank(states[i].top);
                           if (stored.has_value() && *rank < stored->rank) *rank = stored->rank;
                           values->assign(states[i].state);
                           return true;
                         });
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

  // Hold the keys' stripes across the read-modify-write (in this process,
  // no round is lost; other processes' writers are caught by the
  // compare-and-set).
  std::vector<std::string_view> key_views;
  for (const KeyRows& k : keys) key_views.push_back(k.key);
  std::vector<std::unique_lock<std::mutex>> held = LockKeys(key_views);

  // Per key, the counts of its last round (the one whose state landed).
  std::vector<WindowApplyStats> key_stats(keys.size());
  std::vector<agg::EventRank> ranks;
  std::vector<std::optional<agg::AggInput>> values;
  std::vector<agg::WindowState::AddResult> results;
  TS_RETURN_NOT_OK(ReadModifyWrite(
      view, key_views, store,
      [&](size_t i, const std::optional<OnlineRow>& stored, RowRank* rank,
          std::string* encoded) -> Result<bool> {
        agg::WindowState state(&plan);
        agg::EventRank top;
        bool has_top = false;
        if (stored.has_value()) {
          Result<agg::WindowState> decoded = agg::WindowState::Decode(&plan, stored->values);
          if (!decoded.ok()) {
            return Status::Corruption("window state of view " + view.name + "@" +
                                      std::to_string(view.version) + ", key " +
                                      EntityKey::FromBytes(keys[i].key).ToString() + ": " +
                                      decoded.status().message());
          }
          state = std::move(decoded).value();
          top = ToEventRank(stored->rank);
          has_top = true;
        }
        state.Expire(now);
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
        WindowApplyStats& counts = key_stats[i];
        counts = WindowApplyStats();
        for (size_t j = 0; j < n; ++j) {
          switch (results[j]) {
            case agg::WindowState::AddResult::kApplied:
              ++counts.applied;
              if (!has_top || top < ranks[j]) top = ranks[j];
              has_top = true;
              break;
            case agg::WindowState::AddResult::kTooOld: ++counts.too_old; break;
            case agg::WindowState::AddResult::kDuplicate: ++counts.duplicates; break;
          }
        }
        if (counts.applied == 0) return false;
        state.EncodeTo(encoded);
        *rank = StateRank(top);
        return true;
      }));
  for (const WindowApplyStats& k : key_stats) {
    stats.applied += k.applied;
    stats.too_old += k.too_old;
    stats.duplicates += k.duplicates;
  }
  return stats;
}

}  // namespace tessera::online
