// RocksDbOnlineStore: the embedded, default OnlineStore, one RocksDB folder
// (tessera.yaml `online_store: {type: rocksdb, path: data/online}`).
//
// Layout: rocksdb_layout.h (one entity's views adjacent; whole-key bloom
// filters; a hash index inside data blocks). Reads are one MultiGet.
// Writes are one WriteBatch per call with the WAL on (a row Write returned
// for survives a process crash; not a power loss: no fsync per write).
// WriteBulk (materialization) of at least `bulk_min_rows` rows takes
// RocksDB's bulk-load path instead: the winning rows go into one sorted
// table file (SstFileWriter, synced), ingested with IngestExternalFile: no
// WAL and no memtable (parts of the keys on `bulk_threads` threads, one
// file each, ingested together), atomic (all of the call's rows or none,
// also across a crash), durable once it returns, and, when the calls come in key order,
// files that do not overlap land in the last level with no compaction. The
// file is written in the store's folder as `tessera-bulk-<n>.sst` and
// moved into the database; one a crash left behind is removed by Open.
//
// Bulk loads into keys the store cannot hold skip the read: the store
// keeps marks (rocksdb_layout.h) saying, per view version, whether Write
// or CompareAndWrite ever stored a row of it and the largest key a
// WriteBulk stored. A WriteBulk whose smallest key is above that, of a
// version no Write touched, in a store that kept marks since it was
// created, cannot meet a stored row of its keys (and holds their stripes,
// so none lands meanwhile): it decides the winners among its own rows
// only. Each write updates the marks (in memory, under marks_mu_, while it
// holds its stripes) before its rows can be read, and stores them no later
// than its rows: in the same WriteBatch, or synced before the ingest. A
// store that held rows before marks existed never skips the read.
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
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "tessera/core/result.h"
#include "tessera/online/online_store.h"

namespace rocksdb {
class DB;
class Slice;
}  // namespace rocksdb

namespace tessera::online {

struct RocksDbOnlineStoreOptions {
  std::string path;          // the folder; created (with its parents) when missing
  std::string display_path;  // how messages name it (tessera.yaml's path); empty: `path`
  int64_t block_cache_mb = 64;
  int bloom_bits_per_key = 10;
  // WriteBulk calls with fewer rows take Write's path (a table file per
  // small call would leave many small files to compact).
  size_t bulk_min_rows = 65536;
  // Threads of one WriteBulk (each reads and writes a table file for a
  // part of the keys); 0: the machine's hardware threads.
  size_t bulk_threads = 0;
  // ... and parts of at least this many keys (fewer threads for fewer keys).
  size_t bulk_min_part_keys = 32768;
};

class RocksDbOnlineStore final : public OnlineStore {
 public:
  // IOError naming the folder when it cannot be created or opened, or is
  // held by another process (or another open store in this one).
  static Result<std::unique_ptr<RocksDbOnlineStore>> Open(const RocksDbOnlineStoreOptions& options);
  ~RocksDbOnlineStore() override;

  Result<int64_t> Write(const ViewId& view, std::span<const OnlineWrite> rows) override;
  Result<int64_t> WriteBulk(const ViewId& view, std::span<const OnlineWrite> rows) override;
  Status CompareAndWrite(const ViewId& view, std::span<const OnlineCompareWrite> rows,
                         std::vector<uint8_t>* stored) override;
  Status Read(std::span<const OnlineLookup> lookups,
              std::vector<std::optional<OnlineRow>>* out) override;
  Status DeleteView(const ViewId& view) override;
  Status Ping() override { return Status::OK(); }
  std::string Describe() const override { return "rocksdb " + display_path_; }

  // WriteBulk calls that took the bulk-load path without reading the
  // stored rows (for tests and benchmarks).
  int64_t bulk_loads_unread() const { return bulk_loads_unread_.load(); }

 private:
  // What the marks say of one view version (kept in memory, loaded at Open).
  struct ViewMarks {
    bool point = false;     // Write or CompareAndWrite stored a row of it
    std::string bulk_high;  // the largest key WriteBulk stored (empty: none)
  };
  // Reads the marks; marks a store that holds nothing yet as keeping them.
  Status LoadMarks();
  // A Write or CompareAndWrite of the version with key suffix `suffix`
  // (the caller holds its stripes): true when the point mark must be put
  // into its batch.
  bool NotePointWrite(const std::string& suffix);
  // A WriteBulk of keys [low, high] (sorted storage keys; the caller holds
  // their stripes): whether it may skip reading the stored rows, and the
  // bulk mark's new value to store (empty: unchanged).
  bool NoteBulkWrite(const std::string& suffix, std::string_view low, std::string_view high,
                     std::string* new_high);
  // Write's body; `bulk`: a small WriteBulk (its keys count as bulk rows).
  Result<int64_t> WriteRows(const ViewId& view, std::span<const OnlineWrite> rows, bool bulk);

  static constexpr size_t kStripes = 64;
  // Writes winners [begin, end) (in key order; nullptr: none) into the
  // new table file `file`, synced.
  Status WriteTableFile(const std::string& file, const std::vector<rocksdb::Slice>& keys,
                        const std::vector<const OnlineWrite*>& winners, size_t begin, size_t end);
  RocksDbOnlineStore(std::unique_ptr<rocksdb::DB> db, std::string path, std::string display_path,
                     const RocksDbOnlineStoreOptions& options);

  std::unique_ptr<rocksdb::DB> db_;
  const std::string path_;
  const std::string display_path_;
  const size_t bulk_min_rows_;
  const size_t bulk_threads_;
  const size_t bulk_min_part_keys_;
  std::atomic<uint64_t> bulk_files_{0};  // names this process's table files
  std::array<std::mutex, kStripes> stripes_;
  std::mutex marks_mu_;      // guards marks_kept_ and marks_
  bool marks_kept_ = false;  // the marks are complete (the store kept them since it was made)
  std::map<std::string, ViewMarks> marks_;  // by view key suffix
  std::atomic<int64_t> bulk_loads_unread_{0};
};

}  // namespace tessera::online
