// EventColumns: the raw events of one window state, columnar and sorted by
// EventRank: one timestamp vector, created_ts and ingest_seq vectors only
// once some event needs them (empty while every created_ts is null, every
// ingest_seq 0), and per plan column one value vector (int64 for bool,
// int32, int64 and timestamp; double for float and double; for string and
// bytes an (offset, length) pair into one arena) with a validity vector
// only once a null arrived. Lists keep validity only (only `count` reads
// them). No object per event. Expired events leave from the front lazily:
// they stay (unreachable) until they reach a quarter of the live ones, so
// expiring one event does not move every array each time.
//
// Thread-safety: none. Ownership: owns its values (strings copied in).
#pragma once

#include <array>
#include <cstdint>
#include <limits>
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
  // Not copyable or movable: columns_ may point into the object itself.
  EventColumns(const EventColumns&) = delete;
  EventColumns& operator=(const EventColumns&) = delete;

  size_t size() const { return ts_.size() - head_; }
  int64_t ts(size_t i) const { return ts_[head_ + i]; }
  // ts(0), or the largest int64 when empty, kept in the object: Expire
  // asks it on every Add without touching the arrays' memory.
  int64_t front_ts() const { return front_ts_; }
  EventRank rank(size_t i) const {
    const size_t at = head_ + i;
    return {ts_[at], created_.empty() ? kNullCreatedTs : created_[at], seq_.empty() ? 0 : seq_[at]};
  }
  bool has_created() const { return !created_.empty(); }
  bool has_seq() const { return !seq_.empty(); }

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

  // Asks the CPU to fetch the lines an Insert at the end reads and writes
  // (each array's last event), so that their cache misses overlap instead
  // of following one another. Only a hint: changes nothing.
  void PrefetchTail() const;

 private:
  // What an Add of a number touches first (type, validity, values), so it
  // mostly lies in one cache line.
  struct Column {
    TypeId type{};
    std::vector<uint8_t> valid;  // empty: all valid
    std::vector<double> doubles;
    std::vector<int64_t> ints;
    std::vector<std::pair<uint32_t, uint32_t>> strings;  // offset, length in arena
    std::string arena;
  };
  static void InsertValue(Column* col, size_t pos, const std::optional<AggInput>& value,
                          size_t old_size);
  static void EraseFrontValues(Column* col, size_t count);
  void Compact();  // drops the dead events at the front
  void ShrinkToFit();

  // Events [0, head_) of every vector are expired; live event i is at
  // head_ + i.
  size_t head_ = 0;
  int64_t front_ts_ = std::numeric_limits<int64_t>::max();
  std::vector<int64_t> ts_;
  std::vector<int64_t> created_;  // empty: every created_ts is null
  std::vector<int64_t> seq_;      // empty: every ingest_seq is 0
  // One column (the usual plan: sum, count, max of one input) lives inside
  // the object, not in an array of its own: with a million states an Add
  // then reaches its value array's tail one dependent cache miss sooner.
  std::span<Column> columns_;
  std::array<Column, 1> inline_column_;
  std::vector<Column> more_columns_;  // only for two or more columns
};

}  // namespace tessera::agg
