// LatestRows: per entity key, the row of one feature view that DESIGN.md
// section 3's tie-break picks among the rows offered so far: the largest
// event_ts, then the largest created_ts (null the smallest), then the row
// offered last (ingest order: files in path order, then the log). It is the
// reduction materialization runs over a view's scan: the row a spine row at
// END gets is the winner among the rows that qualify at END.
//
// Rows come in the point-in-time join's input layout (join_input.h): key
// parts, event_ts, created_ts, the view's carried columns, and (last) the
// log's _ingest_seq (null for rows of the source's own files). When a row
// becomes its key's winner, the view's row transformations are computed on
// it (offline::ViewFeatures, the code training sets use; batched per input
// batch) and the features are kept RowCodec-encoded, so memory grows with
// the number of distinct keys and never with the number of rows.
//
// Thread-safety: not thread-safe; one scan feeds one LatestRows.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tessera/core/record_batch.h"
#include "tessera/core/result.h"
#include "tessera/offline/view_features.h"
#include "tessera/online/online_store.h"
#include "tessera/online/row_codec.h"

namespace tessera::online {

// Which rows of a batch are offered: event_ts in (min_event_ts_exclusive,
// max_event_ts], and, when min_ingest_seq_exclusive >= 0, only log rows
// with _ingest_seq above it.
struct RowBounds {
  int64_t min_event_ts_exclusive = INT64_MIN;  // INT64_MIN: unbounded
  int64_t max_event_ts = INT64_MAX;
  int64_t min_ingest_seq_exclusive = -1;
};

class LatestRows {
 public:
  // `features` and `codec` are borrowed and must outlive this object;
  // codec.types() are the features' types, in order.
  LatestRows(const offline::ViewFeatures* features, const RowCodec* codec, int num_keys);

  // Offers the rows of `batch` within `bounds` (rows with a null key part
  // or a null event_ts are never picked, as in the join). Returns how many
  // rows were within bounds.
  Result<int64_t> Add(const RecordBatch& batch, const RowBounds& bounds);

  int64_t num_keys() const { return static_cast<int64_t>(winners_.size()); }
  // The smallest event_ts among the rows within bounds (INT64_MAX: none).
  int64_t min_event_ts() const { return min_event_ts_; }

  // Calls `fn` with every key's winner, in ascending key byte order (so a
  // store's bulk load writes ranges that do not overlap), as OnlineWrites
  // grouped in spans of at most `batch_rows`; stops at the first error.
  Status ForEachBatch(int64_t batch_rows,
                      const std::function<Status(std::span<const OnlineWrite>)>& fn) const;

 private:
  struct Winner {
    std::string key;  // EntityKey bytes
    int64_t event_ts = 0;
    int64_t created_ts = kNullCreatedTs;
    int64_t ingest_seq = 0;      // 0 for rows of the source's files
    int64_t pending_batch = -1;  // the Add call that picked it last
    int64_t pending_row = 0;     // index into that call's picks
    char* values = nullptr;      // RowCodec bytes, in the arena
    uint32_t values_size = 0;
    uint32_t values_room = 0;  // bytes at `values`, reused while a new winner's fit
  };
  // The key index: open addressing with linear probing over a power-of-two
  // table at most half full; a slot holds the key's hash and its winner's
  // index + 1 (0: empty). Flat arrays rather than a node-based map: the
  // lookup is the per-row cost of materialization, and cache misses are
  // most of it.
  // The slot is the hash's low bits, which it also keeps (8-byte slots:
  // the table is touched memory, and fresh pages cost); a table of 2^k
  // slots still tells keys apart by 32 - k bits before comparing them.
  struct Slot {
    uint32_t hash = 0;  // the low 32 bits
    uint32_t index_plus_one = 0;
  };

  // The index of `key`'s winner, adding a fresh one when absent (second:
  // true).
  std::pair<size_t, bool> FindOrInsert(std::string_view key, uint64_t hash);
  void Grow();

  // The winners' indexes in ascending key byte order.
  std::vector<uint32_t> KeyOrder() const;

  // Computes and encodes the features of the rows picked by one Add.
  Status EncodePicked(const RecordBatch& batch, const std::vector<int64_t>& rows,
                      const std::vector<size_t>& winners);

  // The winners, in blocks that never move once allocated: growing by
  // doubling would copy every winner and touch twice the memory (page
  // faults were a tenth of a write-heavy run).
  class WinnerTable {
   public:
    size_t size() const { return size_; }
    Winner& operator[](size_t i) { return blocks_[i >> kBlockBits][i & kBlockMask]; }
    const Winner& operator[](size_t i) const { return blocks_[i >> kBlockBits][i & kBlockMask]; }
    Winner& Add() {
      if ((size_ & kBlockMask) == 0) blocks_.push_back(std::make_unique<Winner[]>(kBlockMask + 1));
      return (*this)[size_++];
    }

   private:
    static constexpr size_t kBlockBits = 12;
    static constexpr size_t kBlockMask = (size_t{1} << kBlockBits) - 1;
    std::vector<std::unique_ptr<Winner[]>> blocks_;
    size_t size_ = 0;
  };

  // Stores `bytes` as w's values: in place when they fit its room, else in
  // fresh room of at least twice the old (so the room a key leaves behind
  // sums to less than its largest row's: memory grows with keys, not rows).
  Status PlaceValues(std::string_view bytes, Winner* w);
  // `n` bytes from the arena: chunks of kChunkBytes that never move (one
  // allocation per chunk, not per winner, and none freed before the end).
  char* Allocate(size_t n);
  static constexpr size_t kChunkBytes = size_t{1} << 20;

  const offline::ViewFeatures* features_;
  const RowCodec* codec_;
  int num_keys_;
  int64_t batches_ = 0;
  int64_t min_event_ts_ = INT64_MAX;
  WinnerTable winners_;
  std::vector<Slot> slots_;
  // Per Add call, reused: the offered rows, their keys (in one buffer) and
  // hashes.
  std::vector<int64_t> rows_;
  std::vector<size_t> key_ends_;
  std::vector<uint64_t> hashes_;
  std::string key_bytes_;
  std::vector<int64_t> picked_rows_;  // per Add call: rows whose features are encoded
  std::vector<size_t> picked_;        // ... and their winners
  std::string encoded_;               // one row's RowCodec bytes, copied into its winner once
  std::vector<std::unique_ptr<char[]>> chunks_;
  char* chunk_next_ = nullptr;  // the free part of the last chunk
  size_t chunk_left_ = 0;
};

}  // namespace tessera::online
