// RocksDbOnlineStore: the embedded, default OnlineStore, one RocksDB folder
// (tessera.yaml `online_store: {type: rocksdb, path: data/online}`).
//
// Layout: rocksdb_layout.h (one entity's views adjacent; whole-key bloom
// filters; a hash index inside data blocks). Reads are one MultiGet.
// Writes are one WriteBatch per call with the WAL on (a row Write returned
// for survives a process crash; not a power loss: no fsync per write).
//
// Tie-break atomicity: Write reads the stored ranks, picks the winners and
// writes them while holding the stripe mutexes (by key hash) of every key
// it touches, taken in stripe order (no deadlock), so two Writes in this
// process racing on a key leave the winner; CompareAndWrite compares and
// puts under the same stripes. Other processes cannot open the
// folder at all: RocksDB locks it, and Open reports "online store <path> is
// in use by another process" (DESIGN.md 3b: a running server owns it).
//
// DeleteView scans the whole store and deletes the version's keys (keys
// start with the entity key, so a view's rows are not contiguous: the price
// of cheap multi-view reads, paid only when a version is dropped). It holds
// every stripe, so Writes wait for it.
//
// Thread-safety: as OnlineStore.
#pragma once

#include <array>
#include <memory>
#include <mutex>
#include <string>

#include "tessera/core/result.h"
#include "tessera/online/online_store.h"

namespace rocksdb {
class DB;
}

namespace tessera::online {

struct RocksDbOnlineStoreOptions {
  std::string path;          // the folder; created (with its parents) when missing
  std::string display_path;  // how messages name it (tessera.yaml's path); empty: `path`
  int64_t block_cache_mb = 64;
  int bloom_bits_per_key = 10;
};

class RocksDbOnlineStore final : public OnlineStore {
 public:
  // IOError naming the folder when it cannot be created or opened, or is
  // held by another process (or another open store in this one).
  static Result<std::unique_ptr<RocksDbOnlineStore>> Open(const RocksDbOnlineStoreOptions& options);
  ~RocksDbOnlineStore() override;

  Result<int64_t> Write(const ViewId& view, std::span<const OnlineWrite> rows) override;
  Status CompareAndWrite(const ViewId& view, std::span<const OnlineCompareWrite> rows,
                         std::vector<uint8_t>* stored) override;
  Status Read(std::span<const OnlineLookup> lookups,
              std::vector<std::optional<OnlineRow>>* out) override;
  Status DeleteView(const ViewId& view) override;
  Status Ping() override { return Status::OK(); }
  std::string Describe() const override { return "rocksdb " + display_path_; }

 private:
  static constexpr size_t kStripes = 64;
  RocksDbOnlineStore(std::unique_ptr<rocksdb::DB> db, std::string display_path);

  std::unique_ptr<rocksdb::DB> db_;
  std::string display_path_;
  std::array<std::mutex, kStripes> stripes_;
};

}  // namespace tessera::online
