#include "tessera/offline/keyed_events.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "tessera/core/entity_key.h"
#include "tessera/offline/parallel_for.h"
#include "tessera/offline/window_features.h"

namespace tessera::offline {

namespace {

constexpr int32_t kSkipKey = -1;

// The id of row r's key: from `known` (kSkipKey when absent), else from
// `seen`, a new key getting the next id (its bytes appended to *keys);
// kSkipKey for a null key part.
Result<int32_t> IdOf(const RecordBatch& batch, int64_t r, int num_keys,
                     const std::unordered_map<std::string, int32_t>* known,
                     EntityKey::Builder* builder, std::unordered_map<std::string, int32_t>* seen,
                     std::vector<std::string>* keys) {
  builder->Reset();
  bool null_part = false;
  for (int k = 0; k < num_keys; ++k) {
    const Array& key = *batch.column(k);
    if (key.IsNull(r)) null_part = true;
    TS_RETURN_NOT_OK(builder->AppendFromArray(key, r));
  }
  if (null_part) return kSkipKey;
  if (known != nullptr) {
    auto it = known->find(builder->Build().bytes());
    return it == known->end() ? kSkipKey : it->second;
  }
  std::string bytes = builder->Build().bytes();
  auto [it, inserted] = seen->emplace(bytes, static_cast<int32_t>(keys->size()));
  if (inserted) keys->push_back(std::move(bytes));
  return it->second;
}

}  // namespace

Result<KeyedEvents> KeyedEvents::Read(RecordBatchReader* events, int num_keys, size_t num_columns,
                                      int64_t lo, int64_t hi,
                                      const std::unordered_map<std::string, int32_t>* known,
                                      int num_threads) {
  KeyedEvents out;
  out.num_columns_ = num_columns;
  std::unordered_map<std::string, int32_t> seen;
  const int ts_col = num_keys;
  const int seq_col = num_keys + 2 + static_cast<int>(num_columns);
  int64_t in_place = 0;
  EntityKey::Builder builder;
  std::unordered_map<int64_t, int32_t> ids_by_int;
  std::vector<Ref> scanned;  // in scan order
  while (true) {
    TS_ASSIGN_OR_RETURN(RecordBatchPtr batch, events->Next());
    if (batch == nullptr) break;
    const Array& ts = *batch->column(ts_col);
    const Array& created = *batch->column(ts_col + 1);
    const Array& seq = *batch->column(seq_col);
    const auto batch_index = static_cast<int32_t>(out.columns_.size());
    bool used = false;
    // A single int64 key part (the usual entity key): each value's id is
    // remembered, so the key bytes are built and hashed once per key, not
    // once per event (the same value always gives the same bytes).
    const Array& key0 = *batch->column(0);
    const bool memo = num_keys == 1 && key0.type().id() == TypeId::kInt64;
    for (int64_t r = 0; r < batch->num_rows(); ++r) {
      // Every row read in place counts for the position, kept or not.
      const int64_t position = seq.IsNull(r) ? in_place++ : 0;
      if (ts.IsNull(r)) continue;
      const int64_t t = ts.GetInt64(r);
      if (t <= lo || t > hi) continue;
      if (memo && key0.IsNull(r)) continue;
      int32_t id = 0;
      auto memo_it = memo ? ids_by_int.find(key0.GetInt64(r)) : ids_by_int.end();
      if (memo_it != ids_by_int.end()) {
        id = memo_it->second;
      } else {
        TS_ASSIGN_OR_RETURN(id, IdOf(*batch, r, num_keys, known, &builder, &seen, &out.keys_));
        if (memo) ids_by_int.emplace(key0.GetInt64(r), id);
      }
      if (id < 0) continue;  // a null key part, or a key not asked for
      const agg::EventRank rank =
          WindowEventRank(t, created.IsValid(r), created.IsValid(r) ? created.GetInt64(r) : 0,
                          seq.IsValid(r), seq.IsValid(r) ? seq.GetInt64(r) : 0, position);
      scanned.push_back(Ref{rank.event_ts, rank.created_ts, rank.ingest_seq, id, batch_index,
                            static_cast<int32_t>(r)});
      used = true;
    }
    // Only the value columns stay (the plan's, then `_committed_at` if any).
    std::vector<ArrayPtr> kept;
    if (used) {
      kept.assign(batch->columns().begin() + (ts_col + 2), batch->columns().begin() + seq_col);
      if (batch->num_columns() > seq_col + 1) kept.push_back(batch->column(seq_col + 1));
    }
    out.columns_.push_back(std::move(kept));
  }
  out.Group(known != nullptr ? known->size() : out.keys_.size(), scanned, num_threads);
  return out;
}

void KeyedEvents::Group(size_t num_keys, const std::vector<Ref>& scanned, int num_threads) {
  const auto n = static_cast<int64_t>(scanned.size());
  // Parts of at least 1M events: below that a thread costs more than it saves.
  const int parts = static_cast<int>(std::clamp<int64_t>(n >> 20, 1, std::max(1, num_threads)));
  // Per part and key: its count, then its next slot.
  std::vector<std::vector<size_t>> next(static_cast<size_t>(parts), std::vector<size_t>(num_keys));
  ParallelFor(n, parts, [&](int p, int64_t begin, int64_t end) {
    std::vector<size_t>& counts = next[static_cast<size_t>(p)];
    for (int64_t i = begin; i < end; ++i) ++counts[static_cast<size_t>(scanned[i].key)];
  });
  starts_.assign(num_keys + 1, 0);
  size_t at = 0;
  for (size_t k = 0; k < num_keys; ++k) {
    starts_[k] = at;
    for (std::vector<size_t>& part : next) at += std::exchange(part[k], at);
  }
  starts_[num_keys] = at;
  events_.reset(new Ref[scanned.size()]);  // not written first: each slot is set once below
  num_events_ = scanned.size();
  ParallelFor(n, parts, [&](int p, int64_t begin, int64_t end) {
    std::vector<size_t>& slots = next[static_cast<size_t>(p)];
    for (int64_t i = begin; i < end; ++i) {
      events_[slots[static_cast<size_t>(scanned[i].key)]++] = scanned[i];
    }
  });
}

void KeyedEvents::Collect(size_t id, std::vector<agg::EventRank>* ranks,
                          std::vector<std::optional<agg::AggInput>>* values) const {
  const size_t n = starts_[id + 1] - starts_[id];
  ranks->resize(n);
  values->resize(n * num_columns_);
  for (size_t j = 0; j < n; ++j) {
    const Ref& ref = events_[starts_[id] + j];
    (*ranks)[j] = ref.rank();
    const std::vector<ArrayPtr>& columns = columns_[static_cast<size_t>(ref.batch)];
    for (size_t c = 0; c < num_columns_; ++c) {
      const Array& column = *columns[c];
      (*values)[j * num_columns_ + c] = column.IsNull(ref.row)
                                            ? std::nullopt
                                            : std::optional<agg::AggInput>(AggInputAt(column, ref.row));
    }
  }
}

void KeyedEvents::CollectCommittedAt(size_t id, std::vector<int64_t>* committed) const {
  const size_t n = starts_[id + 1] - starts_[id];
  committed->resize(n);
  for (size_t j = 0; j < n; ++j) {
    const Ref& ref = events_[starts_[id] + j];
    const Array& at = *columns_[static_cast<size_t>(ref.batch)][num_columns_];
    (*committed)[j] = at.IsValid(ref.row) ? at.GetInt64(ref.row) : INT64_MIN;
  }
}

int64_t KeyedEvents::AddTo(size_t id, agg::WindowState* state, agg::EventRank* top) const {
  // One batch per key (WindowState::AddBatch: sorted once, each tile
  // encoded once); the buffers are reused across keys on this thread.
  thread_local std::vector<agg::EventRank> ranks;
  thread_local std::vector<std::optional<agg::AggInput>> values;
  thread_local std::vector<agg::WindowState::AddResult> results;
  Collect(id, &ranks, &values);
  results.resize(ranks.size());
  state->AddBatch(ranks, values, results);
  int64_t too_old = 0;
  for (size_t j = 0; j < ranks.size(); ++j) {
    switch (results[j]) {
      case agg::WindowState::AddResult::kApplied:
        if (top != nullptr && *top < ranks[j]) *top = ranks[j];
        break;
      case agg::WindowState::AddResult::kTooOld: ++too_old; break;
      case agg::WindowState::AddResult::kDuplicate: break;
    }
  }
  return too_old;
}

}  // namespace tessera::offline
