// CachedOnlineStore: an OnlineStore that answers reads from a RowCache
// (row_cache.h) of what it read from another store before, for a store
// that only this object writes: RocksDB, which one process holds (DESIGN.md
// section 3b), with tessera.yaml's `online_store.row_cache_mb` above 0.
// Serving reads of hot keys then skip the store's lookups.
//
// Coherence: every write goes through this object, which erases what it
// wrote from the cache after the inner store applied it (the RowCache
// protocol), so a read that starts after a write returned sees it. Reads
// racing a write see the row from before or after it, as with the inner
// store alone. A store that other processes also write (Redis) must not be
// wrapped: their writes would never be seen (the factory wraps RocksDB
// only).
//
// Both present rows and "no row" are cached, so serving an unknown entity
// again is a hit too.
//
// Thread-safety: as OnlineStore.
#pragma once

#include <memory>

#include "tessera/online/online_store.h"
#include "tessera/online/row_cache.h"

namespace tessera::online {

class CachedOnlineStore final : public OnlineStore {
 public:
  CachedOnlineStore(std::unique_ptr<OnlineStore> inner, size_t capacity_bytes);

  Result<int64_t> Write(const ViewId& view, std::span<const OnlineWrite> rows) override;
  Result<int64_t> WriteBulk(const ViewId& view, std::span<const OnlineWrite> rows) override;
  Status CompareAndWrite(const ViewId& view, std::span<const OnlineCompareWrite> rows,
                         std::vector<uint8_t>* stored) override;
  Status Read(std::span<const OnlineLookup> lookups,
              std::vector<std::optional<OnlineRow>>* out) override;
  Status DeleteView(const ViewId& view) override;
  Status Ping() override { return inner_->Ping(); }
  std::string Describe() const override { return inner_->Describe(); }

  const RowCache& cache() const { return cache_; }

  // WriteBulk calls of at most this many rows erase their keys one by one;
  // larger ones erase everything (one epoch step, not a million erases).
  static constexpr size_t kEraseEachMax = 4096;

 private:
  template <typename Row>
  void EraseKeys(const ViewId& view, std::span<const Row> rows);

  std::unique_ptr<OnlineStore> inner_;
  RowCache cache_;
};

// Appends the cache key of (view, entity_key) to *out: the name's length
// (4 bytes), the name, the version (8 bytes), the entity key; unambiguous.
void AppendRowCacheKey(const ViewId& view, std::string_view entity_key, std::string* out);

}  // namespace tessera::online
