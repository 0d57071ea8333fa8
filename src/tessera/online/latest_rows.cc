#include "tessera/online/latest_rows.h"

#include <xxhash.h>

#include <algorithm>
#include <cstring>

#include "tessera/core/entity_key.h"
#include "tessera/expr/eval_util.h"

namespace tessera::online {

namespace {
// How far ahead of the probing row the next rows' slots are prefetched.
constexpr size_t kPrefetchDistance = 16;
}  // namespace

LatestRows::LatestRows(const offline::ViewFeatures* features, const RowCodec* codec, int num_keys)
    : features_(features), codec_(codec), num_keys_(num_keys), slots_(1024) {}

void LatestRows::Grow() {
  std::vector<Slot> slots(slots_.size() * 2);
  const size_t mask = slots.size() - 1;
  for (const Slot& s : slots_) {
    if (s.index_plus_one == 0) continue;
    size_t i = s.hash & mask;
    while (slots[i].index_plus_one != 0) i = (i + 1) & mask;
    slots[i] = s;
  }
  slots_ = std::move(slots);
}

std::pair<size_t, bool> LatestRows::FindOrInsert(std::string_view key, uint64_t hash) {
  size_t mask = slots_.size() - 1;
  size_t i = hash & mask;
  while (slots_[i].index_plus_one != 0) {
    const Slot& s = slots_[i];
    if (s.hash == static_cast<uint32_t>(hash) && winners_[s.index_plus_one - 1].key == key) {
      return {s.index_plus_one - 1, false};
    }
    i = (i + 1) & mask;
  }
  if ((winners_.size() + 1) * 2 > slots_.size()) {
    Grow();
    return FindOrInsert(key, hash);
  }
  winners_.Add().key.assign(key);
  slots_[i] = Slot{static_cast<uint32_t>(hash), static_cast<uint32_t>(winners_.size())};
  return {winners_.size() - 1, true};
}

Result<int64_t> LatestRows::Add(const RecordBatch& batch, const RowBounds& bounds) {
  const int64_t batch_id = batches_++;
  const int num_columns = batch.num_columns();
  if (num_columns < num_keys_ + 3) {
    return Status::Internal("materialization input has " + std::to_string(num_columns) +
                            " columns, fewer than its layout's");
  }
  const Array& event_ts = *batch.column(num_keys_);
  const Array& created_ts = *batch.column(num_keys_ + 1);
  const Array& ingest_seq = *batch.column(num_columns - 1);
  // Pass 1: the rows offered, their keys and the keys' hashes.
  rows_.clear();
  key_ends_.clear();
  hashes_.clear();
  key_bytes_.clear();
  EntityKey::Builder key;
  for (int64_t r = 0; r < batch.num_rows(); ++r) {
    if (event_ts.IsNull(r)) continue;
    const int64_t ts = event_ts.GetInt64(r);
    if (ts <= bounds.min_event_ts_exclusive || ts > bounds.max_event_ts) continue;
    if (bounds.min_ingest_seq_exclusive >= 0 &&
        (ingest_seq.IsNull(r) || ingest_seq.GetInt64(r) <= bounds.min_ingest_seq_exclusive)) {
      continue;
    }
    bool null_key = false;
    key.Reset();
    for (int k = 0; k < num_keys_; ++k) {
      const Array& part = *batch.column(k);
      if (part.IsNull(r)) {
        null_key = true;
        break;
      }
      TS_RETURN_NOT_OK(key.AppendFromArray(part, r));
    }
    if (null_key) continue;  // matches no spine row
    EntityKey encoded = key.Build();
    const std::string& bytes = encoded.bytes();
    rows_.push_back(r);
    key_bytes_.append(bytes);
    key_ends_.push_back(key_bytes_.size());
    hashes_.push_back(XXH3_64bits(bytes.data(), bytes.size()));
    min_event_ts_ = std::min(min_event_ts_, ts);
  }
  // Pass 2: each offered row against its key's winner.
  std::vector<int64_t>& picked_rows = picked_rows_;
  std::vector<size_t>& picked = picked_;
  picked_rows.clear();
  picked.clear();
  const size_t n = rows_.size();
  for (size_t j = 0; j < n; ++j) {
    if (j + kPrefetchDistance < n) {
      __builtin_prefetch(&slots_[hashes_[j + kPrefetchDistance] & (slots_.size() - 1)]);
    }
    const int64_t r = rows_[j];
    const size_t begin = j == 0 ? 0 : key_ends_[j - 1];
    std::string_view key_view(key_bytes_.data() + begin, key_ends_[j] - begin);
    auto [index, inserted] = FindOrInsert(key_view, hashes_[j]);
    Winner& w = winners_[index];
    const int64_t ts = event_ts.GetInt64(r);
    const int64_t created = created_ts.IsValid(r) ? created_ts.GetInt64(r) : kNullCreatedTs;
    // A row offered later wins a full tie (ingest order), so it replaces
    // the winner unless the winner is strictly ahead on (event_ts,
    // created_ts).
    if (!inserted && std::pair(ts, created) < std::pair(w.event_ts, w.created_ts)) continue;
    w.event_ts = ts;
    w.created_ts = created;
    w.ingest_seq = ingest_seq.IsValid(r) ? ingest_seq.GetInt64(r) : 0;
    if (w.pending_batch == batch_id) {
      picked_rows[static_cast<size_t>(w.pending_row)] = r;
    } else {
      w.pending_batch = batch_id;
      w.pending_row = static_cast<int64_t>(picked_rows.size());
      picked_rows.push_back(r);
      picked.push_back(index);
    }
  }
  if (!picked_rows.empty()) TS_RETURN_NOT_OK(EncodePicked(batch, picked_rows, picked));
  return static_cast<int64_t>(n);
}

Status LatestRows::EncodePicked(const RecordBatch& batch, const std::vector<int64_t>& rows,
                                const std::vector<size_t>& winners) {
  const int64_t n = static_cast<int64_t>(rows.size());
  // The carried columns sit between created_ts and _ingest_seq.
  std::vector<ArrayPtr> carried;
  for (int c = num_keys_ + 2; c < batch.num_columns() - 1; ++c) {
    TS_ASSIGN_OR_RETURN(ArrayPtr taken, expr::Take(*batch.column(c), rows.data(), n));
    carried.push_back(std::move(taken));
  }
  TS_ASSIGN_OR_RETURN(ArrayPtr event_ts, expr::Take(*batch.column(num_keys_), rows.data(), n));
  // Expression errors make nulls, as in training sets; materialization has
  // no warning channel, so they are not counted.
  TS_ASSIGN_OR_RETURN(std::vector<ArrayPtr> values,
                      features_->Compute(carried, *event_ts, /*stats=*/nullptr));
  std::vector<const Array*> columns;
  for (const ArrayPtr& v : values) columns.push_back(v.get());
  for (int64_t i = 0; i < n; ++i) {
    // Encoded into a buffer that keeps its capacity, then copied into the
    // arena once.
    encoded_.clear();
    TS_RETURN_NOT_OK(codec_->EncodeRow(columns, i, &encoded_));
    TS_RETURN_NOT_OK(PlaceValues(encoded_, &winners_[winners[static_cast<size_t>(i)]]));
  }
  return Status::OK();
}

char* LatestRows::Allocate(size_t n) {
  if (n > kChunkBytes / 8) {  // a large row: a chunk of its own
    chunks_.push_back(std::make_unique_for_overwrite<char[]>(n));
    return chunks_.back().get();
  }
  if (n > chunk_left_) {
    chunks_.push_back(std::make_unique_for_overwrite<char[]>(kChunkBytes));
    chunk_next_ = chunks_.back().get();
    chunk_left_ = kChunkBytes;
  }
  char* out = chunk_next_;
  chunk_next_ += n;
  chunk_left_ -= n;
  return out;
}

Status LatestRows::PlaceValues(std::string_view bytes, Winner* w) {
  if (bytes.size() > UINT32_MAX / 2) {
    return Status::Invalid("materialization: an online row of " + std::to_string(bytes.size()) +
                           " bytes is too large");
  }
  const auto size = static_cast<uint32_t>(bytes.size());
  if (size > w->values_room) {
    const uint32_t room = std::max(size, 2 * w->values_room);
    w->values = Allocate(room);
    w->values_room = room;
  }
  if (size > 0) std::memcpy(w->values, bytes.data(), size);
  w->values_size = size;
  return Status::OK();
}

std::vector<uint32_t> LatestRows::KeyOrder() const {
  // Sorted by the keys' first 16 bytes (big-endian words, zero-padded: an
  // order the bytes' order never contradicts), then by the whole key: the
  // prefixes sit in one flat array, so the sort rarely touches the keys.
  struct Entry {
    uint64_t hi = 0;
    uint64_t lo = 0;
    uint32_t index = 0;
  };
  auto word = [](std::string_view key, size_t at) {
    uint64_t v = 0;
    for (size_t i = 0; i < 8; ++i) {
      v = (v << 8) | (at + i < key.size() ? static_cast<uint8_t>(key[at + i]) : 0);
    }
    return v;
  };
  std::vector<Entry> entries(winners_.size());
  for (size_t i = 0; i < winners_.size(); ++i) {
    entries[i] =
        Entry{word(winners_[i].key, 0), word(winners_[i].key, 8), static_cast<uint32_t>(i)};
  }
  auto less = [&](const Entry& a, const Entry& b) {
    if (a.hi != b.hi) return a.hi < b.hi;
    if (a.lo != b.lo) return a.lo < b.lo;
    return winners_[a.index].key < winners_[b.index].key;
  };
  if (!std::is_sorted(entries.begin(), entries.end(), less)) {
    std::sort(entries.begin(), entries.end(), less);
  }
  std::vector<uint32_t> order(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) order[i] = entries[i].index;
  return order;
}

Status LatestRows::ForEachBatch(
    int64_t batch_rows, const std::function<Status(std::span<const OnlineWrite>)>& fn) const {
  std::vector<OnlineWrite> writes;
  writes.reserve(static_cast<size_t>(std::clamp<int64_t>(batch_rows, 1, num_keys())));
  for (uint32_t index : KeyOrder()) {
    const Winner& w = winners_[index];
    writes.push_back(OnlineWrite{w.key, RowRank{w.event_ts, w.created_ts, w.ingest_seq},
                                 std::string_view(w.values, w.values_size)});
    if (static_cast<int64_t>(writes.size()) >= batch_rows) {
      TS_RETURN_NOT_OK(fn(writes));
      writes.clear();
    }
  }
  if (!writes.empty()) TS_RETURN_NOT_OK(fn(writes));
  return Status::OK();
}

}  // namespace tessera::online
