// TileGrid: the sparse tiles of one tile group (tile_layout.h) of a window
// state in memory: the sorted indexes of the tiles that hold events and,
// per tile, each slot's partial as [varint length][bytes]
// (Accumulator::EncodeTo output; no accumulator object per tile). All tiles'
// bytes live in one arena in tile order, and each tile's index and the end
// of its bytes sit together in one entry (12 bytes), so a grid is two
// allocations however many tiles it has, and an Add into the newest tile
// touches one entry line and the arena's tail; rewriting a tile moves the
// arena's tail.
// Expired tiles leave from the front lazily: they stay (unreachable) until
// they outnumber a quarter of the live ones, so expiring a tile does not
// move every array of the grid each time (an Add into one of a million
// states is bound by the memory it touches).
//
// Thread-safety: none. Ownership: owns its bytes.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace tessera::agg {

class TileGrid {
 public:
  size_t size() const { return entries_.size() - head_; }
  int64_t index(size_t pos) const { return entries_[head_ + pos].index; }
  // index(0), or the largest int64 when empty, kept in the object: Expire
  // asks it on every Add without touching the entries' memory.
  int64_t front_index() const { return front_; }
  // The position of the first tile with index >= k.
  size_t LowerBound(int64_t k) const;
  // The partial of `slot` in the tile at `pos` (REQUIRES: bytes as Set wrote).
  std::string_view Partial(size_t pos, int slot) const;
  std::string_view bytes(size_t pos) const {
    const size_t at = head_ + pos;
    const uint32_t start = at == 0 ? 0 : entries_[at - 1].end;
    return std::string_view(arena_).substr(start, entries_[at].end - start);
  }

  // Replaces (or inserts) tile k's bytes.
  void Set(int64_t k, std::string_view bytes);
  // Room for `tiles` tiles of `bytes` bytes in all (decoding).
  void Reserve(size_t tiles, size_t bytes);
  // Appends tile k, REQUIRES: k greater than every index held.
  void Append(int64_t k, std::string_view bytes);
  // Drops the tiles with index < k.
  void EraseBefore(int64_t k);

  size_t MemoryBytes() const;

  // Asks the CPU to fetch the lines an Add into the newest tile reads and
  // writes (the last entry, the arena's tail), so that their cache misses
  // overlap. Only a hint: changes nothing.
  void PrefetchTail() const {
    if (entries_.empty()) return;
    __builtin_prefetch(&entries_.back(), 1);
    const char* tail = arena_.data() + arena_.size();
    __builtin_prefetch(tail - 1, 1);
    __builtin_prefetch(tail - 33, 1);  // a tile's partials are ~20-40 bytes
  }

 private:
  void Compact();  // drops the dead tiles at the front

  struct __attribute__((packed)) Entry {
    int64_t index;
    uint32_t end;  // end of the tile's bytes in arena_
  };
  static_assert(sizeof(Entry) == 12);

  // Tiles [0, head_) of entries_ are expired; the live tile at `pos` is at
  // head_ + pos.
  size_t head_ = 0;
  int64_t front_ = std::numeric_limits<int64_t>::max();
  std::vector<Entry> entries_;
  std::string arena_;
};

}  // namespace tessera::agg
