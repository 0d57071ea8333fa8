#include "tessera/offline/keyed_events.h"

#include <optional>

#include "tessera/core/entity_key.h"
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
                                      const std::unordered_map<std::string, int32_t>* known) {
  KeyedEvents out;
  out.num_keys_ = num_keys;
  out.num_columns_ = num_columns;
  std::unordered_map<std::string, int32_t> seen;
  const int ts_col = num_keys;
  const int seq_col = num_keys + 2 + static_cast<int>(num_columns);
  int64_t in_place = 0;
  EntityKey::Builder builder;
  std::unordered_map<int64_t, int32_t> ids_by_int;
  while (true) {
    TS_ASSIGN_OR_RETURN(RecordBatchPtr batch, events->Next());
    if (batch == nullptr) break;
    const Array& ts = *batch->column(ts_col);
    const Array& seq = *batch->column(seq_col);
    const auto batch_index = static_cast<int32_t>(out.batches_.size());
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
      out.events_.push_back(Ref{id, batch_index, static_cast<int32_t>(r), position});
      used = true;
    }
    out.batches_.push_back(used ? batch : nullptr);
  }
  out.Group(known != nullptr ? known->size() : out.keys_.size());
  return out;
}

// A counting sort by key; events keep their scan order within a key.
void KeyedEvents::Group(size_t num_keys) {
  starts_.assign(num_keys + 1, 0);
  for (const Ref& e : events_) ++starts_[static_cast<size_t>(e.key) + 1];
  for (size_t k = 0; k < num_keys; ++k) starts_[k + 1] += starts_[k];
  std::vector<Ref> sorted(events_.size());
  std::vector<size_t> fill(starts_.begin(), starts_.end() - 1);
  for (const Ref& e : events_) sorted[fill[static_cast<size_t>(e.key)]++] = e;
  events_ = std::move(sorted);
}

void KeyedEvents::Collect(size_t id, std::vector<agg::EventRank>* ranks,
                          std::vector<std::optional<agg::AggInput>>* values) const {
  const size_t n = starts_[id + 1] - starts_[id];
  ranks->resize(n);
  values->resize(n * num_columns_);
  for (size_t j = 0; j < n; ++j) {
    const Ref& ref = events_[starts_[id] + j];
    const RecordBatch& batch = *batches_[static_cast<size_t>(ref.batch)];
    const int64_t r = ref.row;
    const Array& created = *batch.column(num_keys_ + 1);
    const Array& seq = *batch.column(num_keys_ + 2 + static_cast<int>(num_columns_));
    (*ranks)[j] = WindowEventRank(batch.column(num_keys_)->GetInt64(r), created.IsValid(r),
                                  created.IsValid(r) ? created.GetInt64(r) : 0, seq.IsValid(r),
                                  seq.IsValid(r) ? seq.GetInt64(r) : 0, ref.in_place_position);
    for (size_t c = 0; c < num_columns_; ++c) {
      const Array& column = *batch.column(num_keys_ + 2 + static_cast<int>(c));
      (*values)[j * num_columns_ + c] =
          column.IsNull(r) ? std::nullopt : std::optional<agg::AggInput>(AggInputAt(column, r));
    }
  }
}

void KeyedEvents::CollectCommittedAt(size_t id, std::vector<int64_t>* committed) const {
  const size_t n = starts_[id + 1] - starts_[id];
  committed->resize(n);
  for (size_t j = 0; j < n; ++j) {
    const Ref& ref = events_[starts_[id] + j];
    const Array& at = *batches_[static_cast<size_t>(ref.batch)]->column(
        num_keys_ + 3 + static_cast<int>(num_columns_));
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
