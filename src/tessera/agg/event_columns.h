// EventColumns: the raw events of one window state, sorted by EventRank,
// in one row-major buffer: per event one row of 8-byte lanes (event_ts;
// created_ts and ingest_seq only once some event needs them, i.e. while
// every created_ts is null and every ingest_seq 0 they take no lane; then
// one lane per plan column: int64 for bool, int32, int64 and timestamp;
// the double for float and double; for string and bytes an (offset,
// length) pair into the column's arena; lists take no lane, only
// validity, since only `count` reads them). A validity vector per column
// exists only once a null arrived. No object per event, and one
// allocation for all the rows: an Add at the end of a key's events
// writes one row, mostly in one cache line, where one array per field
// cost one cache miss per field with a million states.
// Expired events leave from the front lazily: they stay (unreachable)
// until they reach a quarter of the live ones, so expiring one event does
// not move the rows each time.
//
// Thread-safety: none. Ownership: owns its values (strings copied in).
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "tessera/agg/agg_spec.h"
#include "tessera/core/types.h"

namespace tessera::agg {

class EventColumns {
 public:
  explicit EventColumns(const std::vector<DataType>& types);
  ~EventColumns();
  // Not copyable or movable: columns_ may point into the object itself.
  EventColumns(const EventColumns&) = delete;
  EventColumns& operator=(const EventColumns&) = delete;

  size_t size() const { return end_ - head_; }
  int64_t ts(size_t i) const { return Lane(head_ + i, 0); }
  // ts(0), or the largest int64 when empty, kept in the object: Expire
  // asks it on every Add without touching the rows' memory.
  int64_t front_ts() const { return front_ts_; }
  EventRank rank(size_t i) const {
    const size_t at = head_ + i;
    return {Lane(at, 0), created_lane_ ? Lane(at, created_lane_) : kNullCreatedTs,
            seq_lane_ ? Lane(at, seq_lane_) : 0};
  }
  bool has_created() const { return created_lane_ != 0; }
  bool has_seq() const { return seq_lane_ != 0; }

  // False when column c has no null (true may still mean none).
  bool MayHaveNulls(int c) const { return !columns_[c].valid.empty(); }
  // Column c of event i into *out; false for a null.
  bool Input(int c, size_t i, AggInput* out) const;

  // The first index whose rank is greater than `rank` (where an event of
  // that rank goes, after its equals), and the first with ts >= `ts`.
  size_t UpperBound(const EventRank& rank) const;
  size_t LowerBoundTs(int64_t ts) const;

  // REQUIRES: pos keeps the order (pos == UpperBound(rank) does);
  // values.size() == the number of columns.
  void Insert(size_t pos, const EventRank& rank, std::span<const std::optional<AggInput>> values);
  // Room for n events without reallocating (decoding).
  void Reserve(size_t n);
  // Drops the first `count` events.
  void EraseFront(size_t count);

  size_t MemoryBytes() const;

  // Asks the CPU to fetch the line an Insert at the end reads and writes
  // (the last row), so that its cache miss overlaps the others of an Add.
  // Only a hint: changes nothing.
  // And the first live row (what Expire reads and drops).
  void PrefetchFront() const {
    if (end_ > head_) __builtin_prefetch(rows_ + head_ * stride_, 1);
  }
  void PrefetchTail() const {
    if (end_ > 0) __builtin_prefetch(rows_ + (end_ - 1) * stride_, 1);
  }

 private:
  struct Column {
    TypeId type{};
    uint16_t lane = 0;           // 0: none (lists)
    std::vector<uint8_t> valid;  // empty: all valid; else one entry per row
    std::string arena;           // string and bytes values
  };
  int64_t Lane(size_t row, size_t lane) const {
    return static_cast<int64_t>(rows_[row * stride_ + lane]);
  }
  uint64_t* Row(size_t row) { return rows_ + row * stride_; }
  // Moves the live rows into a buffer of `capacity` rows of `stride` lanes
  // (new lanes beyond the old stride are zero), dropping the dead ones.
  void Relayout(size_t capacity, size_t stride);
  // Gives a new lane (created_ts or ingest_seq, filled with `fill`).
  uint16_t AddLane(uint64_t fill);
  void Compact();  // drops the dead events at the front
  // Rewrites a string column's arena to hold only the live rows' strings.
  void CompactArena(Column* col);

  // What an Add reads (bookkeeping, the rows, the first column's type,
  // lane and validity) first, in few cache lines.
  // Rows [0, head_) are expired, [head_, end_) live, capacity_ rows held
  // (32 bits, like the string offsets and the tile arenas' offsets: 2^32
  // events of one key would be 100 GB of rows; a decoded state has fewer
  // events than its encoding has bytes).
  uint32_t head_ = 0;
  uint32_t end_ = 0;
  uint32_t capacity_ = 0;
  // Lanes per row: event_ts (lane 0), the columns' lanes, then created_ts
  // and ingest_seq in the order they started.
  uint16_t stride_ = 1;
  uint16_t created_lane_ = 0;  // 0: every created_ts is null
  uint16_t seq_lane_ = 0;      // 0: every ingest_seq is 0
  // The bytes of rows_'s block (StateAlloc; its rows are capacity_ rows
  // of stride_ lanes, which may be fewer bytes once the optional lanes
  // are gone).
  uint32_t block_bytes_ = 0;
  int64_t front_ts_ = std::numeric_limits<int64_t>::max();
  uint64_t* rows_ = nullptr;  // owned: StateFree(rows_, block_bytes_)
  // One column (the usual plan: sum, count, max of one input) lives inside
  // the object, not in an array of its own.
  std::span<Column> columns_;
  std::array<Column, 1> inline_column_;
  std::vector<Column> more_columns_;  // only for two or more columns
};

}  // namespace tessera::agg
