// RowCache: a bounded map from a row's cache key (a view version and an
// entity key, built by the caller) to what an OnlineStore read returned for
// it: the row, or that there was none. CachedOnlineStore
// (cached_online_store.h) puts one in front of a store so that serving
// reads of hot keys skip the store's lookups (RocksDB: a bloom filter, an
// index search and a block-cache lookup per table file, ~4 us a key here;
// a hit here is one hash lookup).
//
// Coherence protocol: a read racing a write never leaves the row from
// before the write cached.
// - A Lookup that misses hands out a Ticket: its shard's generation and the
//   cache's epoch at that moment.
// - The caller reads the store, then Insert(key, row, ticket) caches the
//   row only when neither has moved since.
// - A writer writes the store FIRST, then calls Erase(key) (which bumps the
//   key's shard generation) or EraseAll() (which bumps the epoch: entries
//   of an older epoch are misses from then on).
// A read that saw the store before a write then either fails its Insert
// (the write's Erase came first) or inserted an entry the Erase removes.
//
// Memory: each of kShards shards has capacity / kShards bytes: its hash
// table (open addressing, 16 bytes a slot, one slot per 256 bytes of
// capacity: 1/16 of it, allocated up front and never resized, since a
// rehash stalls the shard's readers) and its entries, each charged its
// block (bookkeeping, key and values). A shard evicts its least recently
// used entries past its bytes, or past 3/4 of its slots (entries smaller
// than ~190 bytes on average then leave bytes unused). Entries of an old
// epoch stay charged until evicted or replaced. Entries and the table live
// in huge-page regions (agg/state_memory.h): a lookup in a cache of
// gigabytes is bound by TLB misses as much as by cache misses.
//
// Thread-safety: every method may be called from many threads at once
// (one mutex per shard; the epoch is atomic).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "tessera/online/online_store.h"

namespace tessera::online {

class RowCache {
 public:
  // What Insert needs of the Lookup that missed (see the protocol above).
  struct Ticket {
    uint32_t shard = 0;
    uint64_t hash = 0;  // of the key
    uint64_t generation = 0;
    uint64_t epoch = 0;
  };

  static constexpr size_t kShards = 64;

  explicit RowCache(size_t capacity_bytes);
  ~RowCache();
  RowCache(const RowCache&) = delete;
  RowCache& operator=(const RowCache&) = delete;

  // On a hit, sets *row to the cached row (reusing its buffers) or to
  // nullopt when "no row" is cached, and returns true. On a miss, fills
  // *ticket and returns false (*row untouched).
  bool Lookup(std::string_view key, std::optional<OnlineRow>* row, Ticket* ticket);

  // Caches `row` (nullopt: "no row") under `key` unless a write erased in
  // the key's shard, or everything, since `ticket`'s Lookup (of `key`). An entry
  // larger than a shard's capacity is not cached.
  void Insert(std::string_view key, const std::optional<OnlineRow>& row, const Ticket& ticket);

  // After the store wrote `key`: drops its entry, and fails the Inserts of
  // reads that started before (the whole shard's, to keep tickets small).
  void Erase(std::string_view key);

  // After the store wrote many keys (a bulk load, a deleted view): every
  // entry is a miss from now on, and no read started before inserts.
  void EraseAll();

  // Bytes charged now (stale entries included), and the bound.
  size_t charge() const;
  size_t capacity() const { return capacity_; }

 private:
  struct Node;
  struct Slot;
  struct Shard;

  // REQUIRES: shard.mu held (all four).
  static Slot* Find(Shard& shard, uint64_t hash, std::string_view key);  // null: absent
  static void Unlink(Node* node);
  static void LinkFront(Shard& shard, Node* node);
  static void Drop(Shard& shard, Node* node);  // out of the table and the list; freed

  const size_t capacity_;
  const size_t shard_capacity_;
  std::unique_ptr<Shard[]> shards_;
  void* table_ = nullptr;  // the mapping holding every shard's slots
  size_t table_bytes_ = 0;
  std::atomic<uint64_t> epoch_{0};
};

}  // namespace tessera::online
