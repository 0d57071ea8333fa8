// TileGrid: the sparse tiles of one tile group (tile_layout.h) of a window
// state in memory: the sorted indexes of the tiles that hold events and,
// per tile, one string with each slot's partial as [varint length][bytes]
// (Accumulator::EncodeTo output; no accumulator object per tile).
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
  size_t size() const { return index_.size(); }
  int64_t index(size_t pos) const { return index_[pos]; }
  // The position of the first tile with index >= k.
  size_t LowerBound(int64_t k) const;
  // The partial of `slot` in the tile at `pos` (REQUIRES: bytes as Set wrote).
  std::string_view Partial(size_t pos, int slot) const;
  const std::string& bytes(size_t pos) const { return bytes_[pos]; }

  // Replaces (or inserts) tile k's bytes with *bytes, by swap: the old
  // buffer is left in *bytes for reuse.
  void Swap(int64_t k, std::string* bytes);
  // Appends tile k, REQUIRES: k greater than every index held.
  void Append(int64_t k, std::string bytes);
  // Drops the tiles with index < k.
  void EraseBefore(int64_t k);

  size_t MemoryBytes() const;

 private:
  std::vector<int64_t> index_;
  std::vector<std::string> bytes_;
};

}  // namespace tessera::agg
