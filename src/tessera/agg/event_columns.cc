#include "tessera/agg/event_columns.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "tessera/agg/state_memory.h"

namespace tessera::agg {

namespace {

bool IsIntLike(TypeId t) {
  return t == TypeId::kBool || t == TypeId::kInt32 || t == TypeId::kInt64 ||
         t == TypeId::kTimestamp;
}
bool IsFloating(TypeId t) { return t == TypeId::kFloat || t == TypeId::kDouble; }
bool IsBinary(TypeId t) { return t == TypeId::kString || t == TypeId::kBytes; }

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
  for (size_t c = 0; c < types.size(); ++c) {
    Column& col = columns_[c];
    col.type = types[c].id();
    if (IsIntLike(col.type) || IsFloating(col.type) || IsBinary(col.type)) col.lane = stride_++;
  }
}

EventColumns::~EventColumns() { StateFree(rows_, block_bytes_); }

bool EventColumns::Input(int c, size_t live, AggInput* out) const {
  const Column& col = columns_[c];
  const size_t i = head_ + live;
  if (!col.valid.empty() && !col.valid[i]) return false;
  if (col.lane == 0) return true;  // a list: only present
  const uint64_t bits = rows_[i * stride_ + col.lane];
  if (IsIntLike(col.type)) {
    out->i = static_cast<int64_t>(bits);
  } else if (IsFloating(col.type)) {
    out->d = std::bit_cast<double>(bits);
  } else {
    out->s = std::string_view(col.arena).substr(bits >> 32, bits & 0xFFFFFFFFu);
  }
  return true;
}

size_t EventColumns::UpperBound(const EventRank& rank) const {
  // Events mostly arrive in order: after the last one, found without a
  // binary search touching the whole buffer (memory, not compares, is what
  // an Add into one of a million states waits for).
  if (size() == 0 || ts(size() - 1) < rank.event_ts) return size();
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
  size_t lo = 0, hi = size();
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (this->ts(mid) < ts) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

void EventColumns::Relayout(size_t capacity, size_t stride) {
  // The whole block is used: capacity grows to what it holds.
  const size_t row_bytes = stride * sizeof(uint64_t);
  const size_t block_bytes = capacity == 0 ? 0 : StateBlockBytes(capacity * row_bytes);
  auto* rows = block_bytes == 0 ? nullptr : static_cast<uint64_t*>(StateAlloc(block_bytes));
  capacity = block_bytes / row_bytes;
  const size_t live = size();
  if (stride == stride_) {
    if (live > 0) std::memcpy(rows, Row(head_), live * stride * sizeof(uint64_t));
  } else {
    for (size_t i = 0; i < live; ++i) {
      uint64_t* to = rows + i * stride;
      std::memcpy(to, Row(head_ + i), stride_ * sizeof(uint64_t));
      std::memset(to + stride_, 0, (stride - stride_) * sizeof(uint64_t));
    }
  }
  StateFree(rows_, block_bytes_);
  rows_ = rows;
  block_bytes_ = static_cast<uint32_t>(block_bytes);
  capacity_ = static_cast<uint32_t>(capacity);
  stride_ = static_cast<uint16_t>(stride);
  end_ = static_cast<uint32_t>(live);
  for (Column& col : columns_) EraseFirst(&col.valid, head_);
  head_ = 0;
}

uint16_t EventColumns::AddLane(uint64_t fill) {
  Compact();
  const uint16_t lane = stride_;
  Relayout(capacity_, stride_ + 1u);
  for (size_t i = 0; i < end_; ++i) Row(i)[lane] = fill;
  return lane;
}

void EventColumns::Insert(size_t live_pos, const EventRank& rank,
                          std::span<const std::optional<AggInput>> values) {
  // The optional lanes start (filled with the defaults) at the first event
  // that needs them; once started they hold one entry per event.
  if (created_lane_ == 0 && rank.created_ts != kNullCreatedTs) {
    created_lane_ = AddLane(static_cast<uint64_t>(kNullCreatedTs));
  }
  if (seq_lane_ == 0 && rank.ingest_seq != 0) seq_lane_ = AddLane(0);
  // Full: first reuse the room of expired events, else grow by a quarter,
  // not double: a key's event count is steady once its window is full, and
  // memory per key is what bounds the store.
  if (end_ == capacity_) {
    Compact();
    if (end_ == capacity_) Relayout(size() + size() / 4 + 4, stride_);
  }
  const size_t pos = head_ + live_pos;
  if (pos < end_) {
    std::memmove(Row(pos + 1), Row(pos), (end_ - pos) * stride_ * sizeof(uint64_t));
  }
  uint64_t* row = Row(pos);
  row[0] = static_cast<uint64_t>(rank.event_ts);
  if (created_lane_) row[created_lane_] = static_cast<uint64_t>(rank.created_ts);
  if (seq_lane_) row[seq_lane_] = static_cast<uint64_t>(rank.ingest_seq);
  for (size_t c = 0; c < columns_.size(); ++c) {
    Column& col = columns_[c];
    const std::optional<AggInput>& value = values[c];
    if (!col.valid.empty() || !value.has_value()) {
      if (col.valid.empty()) col.valid.assign(end_, 1);
      col.valid.insert(col.valid.begin() + static_cast<ptrdiff_t>(pos), value.has_value() ? 1 : 0);
    }
    if (col.lane == 0) continue;
    const AggInput v = value.value_or(AggInput{});
    uint64_t bits = 0;
    if (IsIntLike(col.type)) {
      bits = static_cast<uint64_t>(v.i);
    } else if (IsFloating(col.type)) {
      bits = std::bit_cast<uint64_t>(v.d);
    } else {
      const auto offset = static_cast<uint32_t>(col.arena.size());
      col.arena.append(v.s);
      bits = (uint64_t{offset} << 32) | static_cast<uint32_t>(v.s.size());
    }
    row[col.lane] = bits;
  }
  ++end_;
  if (live_pos == 0) front_ts_ = rank.event_ts;
}

void EventColumns::Reserve(size_t live) {
  Compact();
  if (live > capacity_) Relayout(live, stride_);
}

void EventColumns::EraseFront(size_t count) {
  if (count == 0) return;
  head_ += static_cast<uint32_t>(count);
  front_ts_ = size() > 0 ? ts(0) : std::numeric_limits<int64_t>::max();
  // Compacting once the dead reach a quarter of the live keeps the cost per
  // expired event constant, the garbage under a quarter, and the optional
  // lanes gone once every event is (as the encoding's flags say).
  if (4 * head_ >= size()) Compact();
}

void EventColumns::Compact() {
  if (head_ == 0) return;
  const size_t count = head_;
  const size_t live = size();
  if (live == 0) {
    // Nothing left: the optional lanes go (every rank is back to the
    // defaults; they are the last lanes), and a large buffer with them.
    head_ = end_ = 0;
    stride_ = static_cast<uint16_t>(stride_ - (created_lane_ ? 1 : 0) - (seq_lane_ ? 1 : 0));
    for (Column& col : columns_) {
      col.valid.clear();
      col.valid.shrink_to_fit();
      col.arena.clear();
      col.arena.shrink_to_fit();
    }
    created_lane_ = seq_lane_ = 0;
    if (capacity_ > 4) {
      StateFree(rows_, block_bytes_);
      rows_ = nullptr;
      block_bytes_ = 0;
      capacity_ = 0;
    }
    return;
  }
  if (live < capacity_ / 4) {
    // Sized to the contents.
    Relayout(live, stride_);
  } else {
    std::memmove(Row(0), Row(count), live * stride_ * sizeof(uint64_t));
    head_ = 0;
    end_ = static_cast<uint32_t>(live);
    for (Column& col : columns_) EraseFirst(&col.valid, count);
  }
  for (Column& col : columns_) {
    if (IsBinary(col.type)) CompactArena(&col);
  }
}

void EventColumns::CompactArena(Column* col) {
  // Erased events' strings leave no garbage behind.
  std::string arena;
  for (size_t i = head_; i < end_; ++i) {
    uint64_t& bits = Row(i)[col->lane];
    const auto moved = static_cast<uint32_t>(arena.size());
    arena.append(col->arena, bits >> 32, bits & 0xFFFFFFFFu);
    bits = (uint64_t{moved} << 32) | (bits & 0xFFFFFFFFu);
  }
  col->arena.swap(arena);
}

size_t EventColumns::MemoryBytes() const {
  size_t bytes = block_bytes_ + more_columns_.capacity() * sizeof(Column);
  for (const Column& col : columns_) {
    bytes += col.valid.capacity();
    if (col.arena.capacity() > 15) bytes += col.arena.capacity() + 1;
  }
  return bytes;
}

}  // namespace tessera::agg
