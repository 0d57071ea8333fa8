// The encoding of a window state (docs/FORMATS.md, "Window state"), version
// 1, and EncodedState, a bounds-checked view of encoded bytes that reads
// events and tile partials in place: ParseEncoded costs O(columns + tile
// groups) whatever the number of events, event i's timestamp is one
// fixed-width load (binary search), a tile's partial is a slice of the
// bytes. EncodedState offers the same accessors as EventColumns and
// TileGrid, so window_read.h runs one algorithm over either.
//
// Thread-safety: an EncodedState is used by one thread (its `corrupt` flag
// is set by const readers). Ownership: borrows the bytes it was parsed from.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/agg/agg_spec.h"
#include "tessera/agg/event_columns.h"
#include "tessera/agg/packed_ints.h"
#include "tessera/agg/tile_grid.h"
#include "tessera/agg/tile_layout.h"
#include "tessera/core/status.h"

namespace tessera::agg {

inline constexpr uint8_t kWindowStateVersion = 1;

// Appends the encoding of a state (events sorted by rank, tiles per group).
void EncodeWindowState(const WindowPlan& plan, const TileLayout& layout, int64_t horizon,
                       const EventColumns& events, std::span<const TileGrid> grids,
                       std::string* out);

class EncodedState {
 public:
  // Parses the header and locates every section; Corruption when the bytes
  // are short, of another version or of another plan.
  [[nodiscard]] Status Parse(const WindowPlan& plan, const TileLayout& layout,
                             std::string_view bytes);

  int64_t horizon() const { return horizon_; }

  // Events (as EventColumns).
  size_t size() const { return n_; }
  int64_t ts(size_t i) const { return ts_.Get(i); }
  EventRank rank(size_t i) const {
    return {ts_.Get(i), has_created_ ? created_.Get(i) : kNullCreatedTs,
            has_seq_ ? seq_.Get(i) : 0};
  }
  size_t column_count() const { return columns_.size(); }
  bool has_created() const { return has_created_; }
  bool has_seq() const { return has_seq_; }
  // False for a null, and for a value the bytes cannot hold (then sets
  // corrupt()).
  bool Input(int c, size_t i, AggInput* out) const;
  size_t LowerBoundTs(int64_t ts) const;

  // Tiles of group g (as TileGrid).
  size_t TileCount(int g) const { return groups_[g].index.size; }
  size_t TileBytes(int g) const { return groups_[g].blob.size(); }  // partials of all tiles
  int64_t TileIndex(int g, size_t pos) const { return groups_[g].index.Get(pos); }
  size_t TileLowerBound(int g, int64_t k) const;
  // Empty and sets corrupt() when the offsets lie.
  std::string_view Partial(int g, size_t pos, int slot) const;

  bool corrupt() const { return corrupt_; }

 private:
  struct Column {
    TypeId type = TypeId::kInt64;
    const unsigned char* valid = nullptr;  // bitmap, bit i set = valid; null: all valid
    PackedInts ints;                       // int-like values; string end offsets
    const char* fixed = nullptr;           // float (4 bytes) or double (8 bytes) values
    std::string_view data;                 // string and bytes values
  };
  struct Group {
    PackedInts index;  // tile indexes, increasing
    PackedInts ends;   // end offset in blob of each (tile, slot) partial
    std::string_view blob;
    int slots = 0;
  };
  [[nodiscard]] bool ParseEvents(const WindowPlan& plan, PartialReader* in);
  [[nodiscard]] bool ParseColumn(TypeId type, PartialReader* in, Column* col);
  [[nodiscard]] bool ParseGroup(int slots, PartialReader* in, Group* group);

  int64_t horizon_ = 0;
  size_t n_ = 0;
  bool has_created_ = false;
  bool has_seq_ = false;
  PackedInts ts_, created_, seq_;
  std::vector<Column> columns_;
  std::vector<Group> groups_;
  mutable bool corrupt_ = false;
};

}  // namespace tessera::agg
