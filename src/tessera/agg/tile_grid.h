// TileGrid: the sparse tiles of one tile group (tile_layout.h) of a window
// state in memory: the sorted indexes of the tiles that hold events and,
// per tile, each slot's partial as [varint length][bytes]
// (Accumulator::EncodeTo output; no accumulator object per tile). All tiles'
// bytes live in one arena in tile order, so a grid is three allocations
// however many tiles it has; rewriting a tile moves the arena's tail.
// Expired tiles leave from the front lazily: they stay (unreachable) until
// they outnumber a quarter of the live ones, so expiring a tile does not
// move every array of the grid each time (an Add into one of a million
// states is bound by the memory it touches).
//
// Thread-safety: none. Ownership: owns its bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tessera::agg {

class TileGrid {
 public:
  size_t size() const { return index_.size() - head_; }
  int64_t index(size_t pos) const { return index_[head_ + pos]; }
  // The position of the first tile with index >= k.
  size_t LowerBound(int64_t k) const;
  // The partial of `slot` in the tile at `pos` (REQUIRES: bytes as Set wrote).
  std::string_view Partial(size_t pos, int slot) const;
  std::string_view bytes(size_t pos) const {
    const size_t at = head_ + pos;
    const uint32_t start = at == 0 ? 0 : end_[at - 1];
    return std::string_view(arena_).substr(start, end_[at] - start);
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

 private:
  void Compact();  // drops the dead tiles at the front

  // Tiles [0, head_) of the vectors are expired; the live tile at `pos` is
  // at head_ + pos.
  size_t head_ = 0;
  std::vector<int64_t> index_;
  std::vector<uint32_t> end_;  // end of each tile's bytes in arena_
  std::string arena_;
};

}  // namespace tessera::agg
