// TileGrid: the sparse tiles of one tile group (tile_layout.h) of a window
// state in memory: the sorted indexes of the tiles that hold events and,
// per tile, each slot's partial as [varint length][bytes]
// (Accumulator::EncodeTo output; no accumulator object per tile). All tiles'
// bytes live in one arena in tile order, and each tile's index and the end
// of its bytes sit together in one entry (12 bytes); the entries and the
// arena share one buffer (entries first), so a grid is one allocation
// however many tiles it has, and an Add into the newest tile touches the
// last entry's line and the arena's tail, in one block of memory; rewriting
// a tile moves the arena's tail. Both parts grow by half when full.
// Expired tiles leave from the front lazily: they stay (unreachable) until
// they outnumber a quarter of the live ones, so expiring a tile does not
// move every array of the grid each time (an Add into one of a million
// states is bound by the memory it touches).
//
// Thread-safety: none. Ownership: owns its bytes.
#pragma once

#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tessera::agg {

class TileGrid {
 public:
  TileGrid() = default;
  ~TileGrid();
  TileGrid(TileGrid&& other) noexcept;
  TileGrid& operator=(TileGrid&& other) noexcept;

  size_t size() const { return end_ - head_; }
  int64_t index(size_t pos) const { return GetEntry(head_ + pos).index; }
  // index(0), or the largest int64 when empty, kept in the object: Expire
  // asks it on every Add without touching the buffer.
  int64_t front_index() const { return front_; }
  // The position of the first tile with index >= k.
  size_t LowerBound(int64_t k) const;
  // The partial of `slot` in the tile at `pos` (REQUIRES: bytes as Set wrote).
  std::string_view Partial(size_t pos, int slot) const;
  std::string_view bytes(size_t pos) const {
    const size_t at = head_ + pos;
    const uint32_t start = StartOf(at);
    return std::string_view(arena() + start, GetEntry(at).end - start);
  }

  // Replaces (or inserts) tile k's bytes.
  void Set(int64_t k, std::string_view bytes);
  // Room for `tiles` tiles of `bytes` bytes in all (decoding).
  void Reserve(size_t tiles, size_t bytes);
  // Appends tile k, REQUIRES: k greater than every index held.
  void Append(int64_t k, std::string_view bytes);
  // Drops the tiles with index < k.
  void EraseBefore(int64_t k);

  size_t MemoryBytes() const {
    return static_cast<size_t>(entry_capacity_) * sizeof(Entry) + arena_capacity_;
  }

  // Asks the CPU to fetch the lines an Add into the newest tile reads and
  // writes (the last entry, the arena's tail), so that their cache misses
  // overlap. Only a hint: changes nothing.
  // And the first live entry and its bytes (what EraseBefore reads and drops).
  void PrefetchFront() const {
    if (end_ == head_) return;
    __builtin_prefetch(buffer_ + head_ * sizeof(Entry), 1);
    __builtin_prefetch(arena(), 1);  // the dead tiles before it are few (no load to find it)
  }
  void PrefetchTail() const {
    if (end_ == 0) return;
    __builtin_prefetch(buffer_ + (end_ - 1) * sizeof(Entry), 1);
    const char* tail = arena() + arena_size_;
    __builtin_prefetch(tail - 1, 1);
    __builtin_prefetch(tail - 33, 1);  // a tile's partials are ~20-40 bytes
  }

 private:
  struct __attribute__((packed)) Entry {
    int64_t index;
    uint32_t end;  // end of the tile's bytes in the arena
  };
  static_assert(sizeof(Entry) == 12);

  Entry GetEntry(size_t at) const {
    Entry e;
    std::memcpy(&e, buffer_ + at * sizeof(Entry), sizeof(Entry));
    return e;
  }
  void PutEntry(size_t at, const Entry& e) {
    std::memcpy(buffer_ + at * sizeof(Entry), &e, sizeof(Entry));
  }
  void AddToEnd(size_t at, uint32_t delta) {
    Entry e = GetEntry(at);
    e.end += delta;  // modular
    PutEntry(at, e);
  }
  uint32_t StartOf(size_t at) const { return at == 0 ? 0 : GetEntry(at - 1).end; }
  char* arena() const { return buffer_ + static_cast<size_t>(entry_capacity_) * sizeof(Entry); }

  // Makes room for `entries` live entries and `bytes` live arena bytes,
  // dropping the dead tiles.
  void Grow(size_t entries, size_t bytes);
  // Moves the live tiles into a buffer of the given capacities.
  void Rebuild(size_t entry_capacity, size_t arena_capacity);
  // Room for `more_entries` entries and `more_bytes` arena bytes beyond
  // the live ones: the dead tiles' room, else a larger buffer.
  void MakeRoom(size_t more_entries, size_t more_bytes);
  void Compact();   // drops the dead tiles at the front, shrinking a buffer 4x too large
  void DropDead();  // drops the dead tiles at the front, in place

  // Entries [0, head_) are expired, [head_, end_) live; the arena's bytes
  // [0, arena_size_) belong to the entries (the dead ones' first).
  uint32_t head_ = 0;
  uint32_t end_ = 0;
  uint32_t entry_capacity_ = 0;
  uint32_t arena_size_ = 0;
  uint32_t arena_capacity_ = 0;
  int64_t front_ = std::numeric_limits<int64_t>::max();
  // entry_capacity_ entries, then the arena; owned, a StateAlloc block of
  // exactly entry_capacity_ * sizeof(Entry) + arena_capacity_ bytes.
  char* buffer_ = nullptr;
};

}  // namespace tessera::agg
