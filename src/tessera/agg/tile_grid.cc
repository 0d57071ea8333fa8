#include "tessera/agg/tile_grid.h"

#include <algorithm>
#include <utility>

#include "tessera/agg/partial_coding.h"
#include "tessera/agg/state_memory.h"

namespace tessera::agg {

TileGrid::~TileGrid() { StateFree(buffer_, MemoryBytes()); }

TileGrid::TileGrid(TileGrid&& other) noexcept
    : head_(std::exchange(other.head_, 0)),
      end_(std::exchange(other.end_, 0)),
      entry_capacity_(std::exchange(other.entry_capacity_, 0)),
      arena_size_(std::exchange(other.arena_size_, 0)),
      arena_capacity_(std::exchange(other.arena_capacity_, 0)),
      front_(std::exchange(other.front_, std::numeric_limits<int64_t>::max())),
      buffer_(std::exchange(other.buffer_, nullptr)) {}

TileGrid& TileGrid::operator=(TileGrid&& other) noexcept {
  if (this != &other) {
    StateFree(buffer_, MemoryBytes());
    head_ = std::exchange(other.head_, 0);
    end_ = std::exchange(other.end_, 0);
    entry_capacity_ = std::exchange(other.entry_capacity_, 0);
    arena_size_ = std::exchange(other.arena_size_, 0);
    arena_capacity_ = std::exchange(other.arena_capacity_, 0);
    front_ = std::exchange(other.front_, std::numeric_limits<int64_t>::max());
    buffer_ = std::exchange(other.buffer_, nullptr);
  }
  return *this;
}

size_t TileGrid::LowerBound(int64_t k) const {
  // Adds mostly touch the newest tile or make a newer one.
  if (size() == 0) return 0;
  const int64_t last = GetEntry(end_ - 1).index;
  if (last < k) return size();
  if (last == k) return size() - 1;  // indexes are increasing
  size_t lo = 0, hi = size();
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (index(mid) < k) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

std::string_view TileGrid::Partial(size_t pos, int slot) const {
  PartialReader in(bytes(pos));
  std::string_view partial;
  for (int s = 0; s <= slot; ++s) {
    uint64_t length = 0;
    if (!in.GetVarint64(&length) || !in.GetBytes(length, &partial)) return {};
  }
  return partial;
}

void TileGrid::Rebuild(size_t entry_capacity, size_t arena_capacity) {
  const uint32_t cut = StartOf(head_);
  const size_t live = size();
  const size_t live_bytes = arena_size_ - cut;
  char* buffer = nullptr;
  if (entry_capacity + arena_capacity > 0) {
    // The whole block is used: the arena gets what the block holds beyond
    // the request.
    const size_t block = StateBlockBytes(entry_capacity * sizeof(Entry) + arena_capacity);
    buffer = static_cast<char*>(StateAlloc(block));
    arena_capacity = block - entry_capacity * sizeof(Entry);
    char* to_arena = buffer + entry_capacity * sizeof(Entry);
    if (live_bytes > 0) std::memcpy(to_arena, arena() + cut, live_bytes);
    for (size_t i = 0; i < live; ++i) {
      Entry e = GetEntry(head_ + i);
      e.end -= cut;
      std::memcpy(buffer + i * sizeof(Entry), &e, sizeof(Entry));
    }
  }
  StateFree(buffer_, MemoryBytes());
  buffer_ = buffer;
  head_ = 0;
  end_ = static_cast<uint32_t>(live);
  entry_capacity_ = static_cast<uint32_t>(entry_capacity);
  arena_size_ = static_cast<uint32_t>(live_bytes);
  arena_capacity_ = static_cast<uint32_t>(arena_capacity);
}

void TileGrid::MakeRoom(size_t more_entries, size_t more_bytes) {
  // The dead tiles' room first (moving the live ones down, no allocation),
  // then a larger buffer.
  DropDead();
  if (end_ + more_entries <= entry_capacity_ && arena_size_ + more_bytes <= arena_capacity_) return;
  Grow(end_ + more_entries, arena_size_ + more_bytes);
}

void TileGrid::Grow(size_t entries, size_t bytes) {
  size_t entry_capacity = entry_capacity_;
  size_t arena_capacity = arena_capacity_;
  // By half, and at least a few tiles' worth: a short window's grid
  // empties and refills with partials of varying length.
  if (entries > entry_capacity) {
    entry_capacity = std::max(entries, entry_capacity + entry_capacity / 2 + 2);
  }
  if (bytes > arena_capacity) {
    arena_capacity = std::max(bytes, arena_capacity + arena_capacity / 2 + 48);
  }
  Rebuild(entry_capacity, arena_capacity);
}

void TileGrid::Set(int64_t k, std::string_view bytes) {
  size_t pos = head_ + LowerBound(k);
  const bool exists = pos < end_ && GetEntry(pos).index == k;
  uint32_t start = StartOf(pos);
  const uint32_t old_length = exists ? GetEntry(pos).end - start : 0;
  if (bytes.size() == old_length && exists) {  // often (a count's byte, a max): nothing moves
    std::memcpy(arena() + start, bytes.data(), bytes.size());
    return;
  }
  const size_t new_arena = arena_size_ - old_length + bytes.size();
  if ((!exists && end_ == entry_capacity_) || new_arena > arena_capacity_) {
    const size_t dead = head_;
    const uint32_t cut = StartOf(head_);
    MakeRoom(exists ? 0 : 1, new_arena - arena_size_);
    pos -= dead;
    start -= cut;
  }
  if (!exists) {
    char* at = buffer_ + pos * sizeof(Entry);
    std::memmove(at + sizeof(Entry), at, (end_ - pos) * sizeof(Entry));
    PutEntry(pos, Entry{k, start});
    ++end_;
    if (pos == head_) front_ = k;
  }
  char* a = arena();
  std::memmove(a + start + bytes.size(), a + start + old_length, arena_size_ - start - old_length);
  std::memcpy(a + start, bytes.data(), bytes.size());
  arena_size_ = static_cast<uint32_t>(arena_size_ - old_length + bytes.size());
  const auto delta = static_cast<uint32_t>(bytes.size() - old_length);  // modular
  for (size_t j = pos; j < end_; ++j) AddToEnd(j, delta);
}

void TileGrid::Reserve(size_t tiles, size_t bytes) {
  Compact();
  if (tiles > entry_capacity_ || bytes > arena_capacity_) {
    Rebuild(std::max<size_t>(tiles, entry_capacity_), std::max<size_t>(bytes, arena_capacity_));
  }
}

void TileGrid::Append(int64_t k, std::string_view bytes) {
  if (end_ == entry_capacity_ || arena_size_ + bytes.size() > arena_capacity_) {
    MakeRoom(1, bytes.size());
  }
  std::memcpy(arena() + arena_size_, bytes.data(), bytes.size());
  arena_size_ += static_cast<uint32_t>(bytes.size());
  PutEntry(end_++, Entry{k, arena_size_});
  if (size() == 1) front_ = k;
}

void TileGrid::EraseBefore(int64_t k) {
  if (front_ >= k) return;  // most calls drop nothing (and an empty grid's front is the largest)
  // The first tiles mostly: a scan from the front touches the lines it
  // drops, where a binary search touched lines all over the entries, one
  // dependent cache miss after another.
  size_t gone = 1;  // front_ < k
  while (gone < size() && gone < 8 && index(gone) < k) ++gone;
  if (gone == 8) gone = LowerBound(k);
  head_ += static_cast<uint32_t>(gone);
  // Compacting once the dead reach a quarter of the live keeps the cost
  // per expired tile constant and the garbage under a quarter (none at all
  // once every tile is gone).
  if (4 * head_ >= size()) Compact();
  front_ = size() > 0 ? index(0) : std::numeric_limits<int64_t>::max();
}

void TileGrid::Compact() {
  if (head_ == 0) return;
  const uint32_t cut = StartOf(head_);
  const size_t live = size();
  // Sized to the contents, except that small buffers stay: the grid of a
  // short window at a low event rate empties and refills on most Adds, and
  // freeing and reallocating the buffer each time cost more (instructions
  // and, with a million states, the allocator's cache misses) than the few
  // bytes kept.
  constexpr size_t kKeptEntries = 4, kKeptArena = 64;
  const size_t live_bytes = arena_size_ - cut;
  if ((entry_capacity_ > kKeptEntries && live < entry_capacity_ / 4) ||
      (arena_capacity_ > kKeptArena && live_bytes < arena_capacity_ / 4)) {
    Rebuild(std::max(live, kKeptEntries), std::max(live_bytes, kKeptArena));
    return;
  }
  DropDead();
}

void TileGrid::DropDead() {
  if (head_ == 0) return;
  const uint32_t cut = StartOf(head_);
  const size_t live = size();
  const size_t live_bytes = arena_size_ - cut;
  for (size_t i = 0; i < live; ++i) {
    Entry e = GetEntry(head_ + i);
    e.end -= cut;
    PutEntry(i, e);
  }
  std::memmove(arena(), arena() + cut, live_bytes);
  head_ = 0;
  end_ = static_cast<uint32_t>(live);
  arena_size_ = static_cast<uint32_t>(live_bytes);
}

}  // namespace tessera::agg
