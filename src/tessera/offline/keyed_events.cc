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

// The number of rows of `batch` read in place (no `_ingest_seq` in column
// seq_col).
int64_t InPlaceRows(const RecordBatch& batch, int seq_col) {
  const Array& seq = *batch.column(seq_col);
  int64_t n = 0;
  for (int64_t r = 0; r < batch.num_rows(); ++r) n += seq.IsNull(r) ? 1 : 0;
  return n;
}

}  // namespace

// What the batches of one scan share.
struct KeyedEvents::ScanSpec {
  int num_keys;
  size_t num_columns;
  int64_t lo, hi;
  const std::unordered_map<std::string, int32_t>* known;
};

// One thread's key lookups. A single int64 key part (the usual entity key):
// each value's id is remembered, so the key bytes are built and hashed once
// per key, not once per event (the same value always gives the same bytes).
struct KeyedEvents::KeyIds {
  EntityKey::Builder builder;
  std::unordered_map<int64_t, int32_t> by_int;
};

// The kept events of one batch, in row order, into *refs; `in_place` is the
// scan position of its first row read in place. Only the value columns of
// `batch` stay, in *columns (none when no event is kept). With `known`
// null, new keys get ids in *seen and *keys (then one thread at a time).
Status KeyedEvents::ScanBatch(const RecordBatch& batch, int32_t batch_index, int64_t in_place,
                              const ScanSpec& spec, KeyIds* ids,
                              std::unordered_map<std::string, int32_t>* seen,
                              std::vector<std::string>* keys, std::vector<Ref>* refs,
                              std::vector<ArrayPtr>* columns) {
  const int ts_col = spec.num_keys;
  const int seq_col = spec.num_keys + 2 + static_cast<int>(spec.num_columns);
  const Array& ts = *batch.column(ts_col);
  const Array& created = *batch.column(ts_col + 1);
  const Array& seq = *batch.column(seq_col);
  const Array& key0 = *batch.column(0);
  const bool memo = spec.num_keys == 1 && key0.type().id() == TypeId::kInt64;
  refs->clear();
  for (int64_t r = 0; r < batch.num_rows(); ++r) {
    // Every row read in place counts for the position, kept or not.
    const int64_t position = seq.IsNull(r) ? in_place++ : 0;
    if (ts.IsNull(r)) continue;
    const int64_t t = ts.GetInt64(r);
    if (t <= spec.lo || t > spec.hi) continue;
    if (memo && key0.IsNull(r)) continue;
    int32_t id = 0;
    auto memo_it = memo ? ids->by_int.find(key0.GetInt64(r)) : ids->by_int.end();
    if (memo_it != ids->by_int.end()) {
      id = memo_it->second;
    } else {
      TS_ASSIGN_OR_RETURN(id, IdOf(batch, r, spec.num_keys, spec.known, &ids->builder, seen, keys));
      if (memo) ids->by_int.emplace(key0.GetInt64(r), id);
    }
    if (id < 0) continue;  // a null key part, or a key not asked for
    const agg::EventRank rank =
        WindowEventRank(t, created.IsValid(r), created.IsValid(r) ? created.GetInt64(r) : 0,
                        seq.IsValid(r), seq.IsValid(r) ? seq.GetInt64(r) : 0, position);
    refs->push_back(Ref{rank.event_ts, rank.created_ts, rank.ingest_seq, id, batch_index,
                        static_cast<int32_t>(r)});
  }
  // Only the value columns stay (the plan's, then `_committed_at` if any).
  columns->clear();
  if (!refs->empty()) {
    columns->assign(batch.columns().begin() + (ts_col + 2), batch.columns().begin() + seq_col);
    if (batch.num_columns() > seq_col + 1) columns->push_back(batch.column(seq_col + 1));
  }
  return Status::OK();
}

Result<KeyedEvents> KeyedEvents::Read(RecordBatchReader* events, int num_keys, size_t num_columns,
                                      int64_t lo, int64_t hi,
                                      const std::unordered_map<std::string, int32_t>* known,
                                      int num_threads) {
  KeyedEvents out;
  out.num_columns_ = num_columns;
  const ScanSpec spec{num_keys, num_columns, lo, hi, known};
  std::unordered_map<std::string, int32_t> seen;
  // Batches are scanned a few at a time on `threads` threads (only with
  // `known`: new ids are handed out in scan order by one thread).
  const int threads = known != nullptr ? std::max(1, num_threads) : 1;
  std::vector<KeyIds> ids(static_cast<size_t>(threads));
  std::vector<std::vector<Ref>> scanned;  // per batch, in scan order
  std::vector<RecordBatchPtr> pending;
  std::vector<int64_t> pending_in_place;  // scan position of each one's first row read in place
  int64_t in_place = 0;
  auto scan_pending = [&]() -> Status {
    const size_t first = scanned.size();
    scanned.resize(first + pending.size());
    out.columns_.resize(first + pending.size());
    std::vector<Status> status(static_cast<size_t>(threads));
    ParallelFor(
        static_cast<int64_t>(pending.size()), threads, [&](int p, int64_t begin, int64_t end) {
          for (int64_t i = begin; i < end && status[static_cast<size_t>(p)].ok(); ++i) {
            const size_t b = first + static_cast<size_t>(i);
            status[static_cast<size_t>(p)] = ScanBatch(
                *pending[static_cast<size_t>(i)], static_cast<int32_t>(b),
                pending_in_place[static_cast<size_t>(i)], spec, &ids[static_cast<size_t>(p)], &seen,
                &out.keys_, &scanned[b], &out.columns_[b]);
          }
        });
    pending.clear();
    pending_in_place.clear();
    for (const Status& st : status) TS_RETURN_NOT_OK(st);
    return Status::OK();
  };
  while (true) {
    TS_ASSIGN_OR_RETURN(RecordBatchPtr batch, events->Next());
    if (batch == nullptr) break;
    pending_in_place.push_back(in_place);
    in_place += InPlaceRows(*batch, num_keys + 2 + static_cast<int>(num_columns));
    pending.push_back(std::move(batch));
    if (pending.size() >= static_cast<size_t>(4 * threads)) TS_RETURN_NOT_OK(scan_pending());
  }
  TS_RETURN_NOT_OK(scan_pending());
  out.Group(known != nullptr ? known->size() : out.keys_.size(), scanned, num_threads);
  return out;
}

void KeyedEvents::Group(size_t num_keys, const std::vector<std::vector<Ref>>& scanned,
                        int num_threads) {
  size_t n = 0;
  for (const std::vector<Ref>& batch : scanned) n += batch.size();
  // Parts of at least 1M events: below that a thread costs more than it
  // saves. A part is a contiguous run of batches.
  const int parts = static_cast<int>(
      std::clamp<int64_t>(static_cast<int64_t>(n >> 20), 1, std::max(1, num_threads)));
  const auto batches = static_cast<int64_t>(scanned.size());
  // Per part and key: its count, then its next slot.
  std::vector<std::vector<size_t>> next(static_cast<size_t>(parts), std::vector<size_t>(num_keys));
  ParallelFor(batches, parts, [&](int p, int64_t begin, int64_t end) {
    std::vector<size_t>& counts = next[static_cast<size_t>(p)];
    for (int64_t b = begin; b < end; ++b) {
      for (const Ref& e : scanned[static_cast<size_t>(b)]) ++counts[static_cast<size_t>(e.key)];
    }
  });
  starts_.assign(num_keys + 1, 0);
  size_t at = 0;
  for (size_t k = 0; k < num_keys; ++k) {
    starts_[k] = at;
    for (std::vector<size_t>& part : next) at += std::exchange(part[k], at);
  }
  starts_[num_keys] = at;
  events_.reset(new Ref[n]);  // not written first: each slot is set once below
  num_events_ = n;
  ParallelFor(batches, parts, [&](int p, int64_t begin, int64_t end) {
    std::vector<size_t>& slots = next[static_cast<size_t>(p)];
    for (int64_t b = begin; b < end; ++b) {
      for (const Ref& e : scanned[static_cast<size_t>(b)]) {
        events_[slots[static_cast<size_t>(e.key)]++] = e;
      }
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
      (*values)[j * num_columns_ + c] =
          column.IsNull(ref.row) ? std::nullopt
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
