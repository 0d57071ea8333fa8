#include "tessera/agg/event_columns.h"

#include <algorithm>

namespace tessera::agg {

namespace {

bool IsIntLike(TypeId t) {
  return t == TypeId::kBool || t == TypeId::kInt32 || t == TypeId::kInt64 ||
         t == TypeId::kTimestamp;
}
bool IsFloating(TypeId t) { return t == TypeId::kFloat || t == TypeId::kDouble; }
bool IsBinary(TypeId t) { return t == TypeId::kString || t == TypeId::kBytes; }

template <typename T>
void InsertAt(std::vector<T>* v, size_t pos, T value) {
  v->insert(v->begin() + static_cast<ptrdiff_t>(pos), value);
}

template <typename T>
void EraseFirst(std::vector<T>* v, size_t count) {
  if (!v->empty()) v->erase(v->begin(), v->begin() + static_cast<ptrdiff_t>(count));
}

}  // namespace

EventColumns::EventColumns(const std::vector<DataType>& types) {
  if (types.size() <= inline_column_.size()) {
    columns_ = std::span<Column>(inline_column_.data(), types.size());
  } else {
    more_columns_.resize(types.size());
    columns_ = std::span<Column>(more_columns_);
  }
  for (size_t c = 0; c < types.size(); ++c) columns_[c].type = types[c].id();
}

bool EventColumns::Input(int c, size_t live, AggInput* out) const {
  const Column& col = columns_[c];
  const size_t i = head_ + live;
  if (!col.valid.empty() && !col.valid[i]) return false;
  if (IsIntLike(col.type)) {
    out->i = col.ints[i];
  } else if (IsFloating(col.type)) {
    out->d = col.doubles[i];
  } else if (IsBinary(col.type)) {
    out->s = std::string_view(col.arena).substr(col.strings[i].first, col.strings[i].second);
  }
  return true;
}

size_t EventColumns::UpperBound(const EventRank& rank) const {
  // Events mostly arrive in order: after the last one, found without a
  // binary search touching the whole array (memory, not compares, is what
  // an Add into one of a million states waits for).
  if (size() == 0 || ts_.back() < rank.event_ts) return size();
  if (!(rank < this->rank(size() - 1))) return size();
  size_t lo = 0, hi = size();
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (rank < this->rank(mid)) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

size_t EventColumns::LowerBoundTs(int64_t ts) const {
  const auto live = ts_.begin() + static_cast<ptrdiff_t>(head_);
  return static_cast<size_t>(std::lower_bound(live, ts_.end(), ts) - live);
}

void EventColumns::Insert(size_t live_pos, const EventRank& rank,
                          std::span<const std::optional<AggInput>> values) {
  // Full: first reuse the room of expired events, else grow by a quarter,
  // not double: a key's event count is steady once its window is full, and
  // memory per key is what bounds the store.
  if (ts_.size() == ts_.capacity()) {
    Compact();
    if (size() == ts_.capacity()) Reserve(size() + size() / 4 + 8);
  }
  const size_t old_size = ts_.size();
  const size_t pos = head_ + live_pos;
  // The optional vectors start (filled with the defaults) at the first
  // event that needs them; once started they hold one entry per event.
  if (has_created() || rank.created_ts != kNullCreatedTs) {
    if (created_.empty()) created_.assign(old_size, kNullCreatedTs);
    InsertAt(&created_, pos, rank.created_ts);
  }
  if (has_seq() || rank.ingest_seq != 0) {
    if (seq_.empty()) seq_.assign(old_size, 0);
    InsertAt(&seq_, pos, rank.ingest_seq);
  }
  InsertAt(&ts_, pos, rank.event_ts);
  if (live_pos == 0) front_ts_ = rank.event_ts;
  for (size_t c = 0; c < columns_.size(); ++c) InsertValue(&columns_[c], pos, values[c], old_size);
}

void EventColumns::InsertValue(Column* col, size_t pos, const std::optional<AggInput>& value,
                               size_t old_size) {
  if (!col->valid.empty() || !value.has_value()) {
    if (col->valid.empty()) col->valid.assign(old_size, 1);
    InsertAt<uint8_t>(&col->valid, pos, value.has_value() ? 1 : 0);
  }
  const AggInput v = value.value_or(AggInput{});
  if (IsIntLike(col->type)) {
    InsertAt(&col->ints, pos, v.i);
  } else if (IsFloating(col->type)) {
    InsertAt(&col->doubles, pos, v.d);
  } else if (IsBinary(col->type)) {
    const auto offset = static_cast<uint32_t>(col->arena.size());
    col->arena.append(v.s);
    InsertAt(&col->strings, pos, std::pair<uint32_t, uint32_t>(offset, v.s.size()));
  }
}

void EventColumns::Reserve(size_t live) {
  Compact();
  const size_t n = live;
  ts_.reserve(n);
  if (!created_.empty()) created_.reserve(n);
  if (!seq_.empty()) seq_.reserve(n);
  for (Column& col : columns_) {
    if (!col.valid.empty()) col.valid.reserve(n);
    if (IsIntLike(col.type)) col.ints.reserve(n);
    if (IsFloating(col.type)) col.doubles.reserve(n);
    if (IsBinary(col.type)) col.strings.reserve(n);
  }
}

void EventColumns::EraseFront(size_t count) {
  if (count == 0) return;
  head_ += count;
  front_ts_ = size() > 0 ? ts(0) : std::numeric_limits<int64_t>::max();
  // Compacting once the dead reach a quarter of the live keeps the cost per
  // expired event constant, the garbage under a quarter, and the optional
  // vectors empty once every event is gone (as the encoding's flags say).
  if (4 * head_ >= size()) Compact();
}

void EventColumns::Compact() {
  if (head_ == 0) return;
  const size_t count = head_;
  head_ = 0;
  EraseFirst(&ts_, count);
  EraseFirst(&created_, count);
  EraseFirst(&seq_, count);
  for (Column& col : columns_) EraseFrontValues(&col, count);
  if (ts_.size() < ts_.capacity() / 4) ShrinkToFit();  // state stays sized to its contents
}

void EventColumns::ShrinkToFit() {
  ts_.shrink_to_fit();
  created_.shrink_to_fit();
  seq_.shrink_to_fit();
  for (Column& col : columns_) {
    col.ints.shrink_to_fit();
    col.doubles.shrink_to_fit();
    col.strings.shrink_to_fit();
    col.valid.shrink_to_fit();
    col.arena.shrink_to_fit();
  }
}

void EventColumns::EraseFrontValues(Column* col, size_t count) {
  EraseFirst(&col->valid, count);
  EraseFirst(&col->ints, count);
  EraseFirst(&col->doubles, count);
  EraseFirst(&col->strings, count);
  if (col->strings.empty()) {
    col->arena.clear();
    return;
  }
  // Compact the arena: erased events' strings leave no garbage behind.
  std::string arena;
  for (auto& [offset, length] : col->strings) {
    const auto moved = static_cast<uint32_t>(arena.size());
    arena.append(col->arena, offset, length);
    offset = moved;
  }
  col->arena.swap(arena);
}

namespace {
template <typename T>
void PrefetchBack(const std::vector<T>& v) {
  if (!v.empty()) __builtin_prefetch(&v.back(), 1);
}
}  // namespace

void EventColumns::PrefetchTail() const {
  PrefetchBack(ts_);
  PrefetchBack(created_);
  PrefetchBack(seq_);
  for (const Column& col : columns_) {
    PrefetchBack(col.valid);
    PrefetchBack(col.doubles);
    PrefetchBack(col.ints);
    PrefetchBack(col.strings);
  }
}

size_t EventColumns::MemoryBytes() const {
  size_t bytes = (ts_.capacity() + created_.capacity() + seq_.capacity()) * sizeof(int64_t) +
                 more_columns_.capacity() * sizeof(Column);
  for (const Column& col : columns_) {
    bytes += col.ints.capacity() * sizeof(int64_t) + col.doubles.capacity() * sizeof(double) +
             col.strings.capacity() * sizeof(col.strings[0]) + col.valid.capacity();
    if (col.arena.capacity() > 15) bytes += col.arena.capacity() + 1;
  }
  return bytes;
}

}  // namespace tessera::agg
