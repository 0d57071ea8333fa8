// ServingCatalog: the definitions online reads and pushes work with, kept
// in memory and brought up to date with the registry, so the serving hot
// path never opens SQLite (issue 9: p99 < 1 ms).
//
// A CatalogSnapshot is one consistent view: the live definitions of one
// registry version, the materialized view versions (Registry::
// MaterializedViews) and the definitions of the newest materialized
// versions. Snapshots are immutable, shared as shared_ptr<const>, and carry
// a cache of what requests compile against them (read plans, push plans:
// resolved references, codecs, compiled expressions), built on first use.
// A new snapshot (after an apply or a materialization) starts with an empty
// cache; requests holding the old one finish on it.
//
// Freshness: Current() compares the registry file's and its -wal's stat
// (inode, size, mtime) with the last seen (two stat(2) calls), and asks the
// registry its version and materialized views when they changed;
// Invalidate() makes the next call ask. The stats are skipped while an
// inotify watch on the registry's folder has reported nothing since a stat
// last matched (one non-blocking read(2) instead): every write to the
// registry or its -wal, a create, delete or rename there, is an event, and
// the events are drained BEFORE the stat, so a write that returned before
// a call is seen by it. Without inotify (or once the watch is gone: the
// folder deleted or moved) every call stats. What stat misses (a
// write within one mtime tick that keeps the size) is caught by a
// background recheck every `recheck_interval`: a thread the catalog starts
// once a snapshot has been in use that long (a long-running server; a
// one-off command never starts it), so the request path never opens
// SQLite for the periodic check. The thread stops with the catalog.
//
// Thread-safety: every method may be called from many threads at once;
// one thread refreshes while the others keep using the snapshot they have.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "tessera/core/result.h"
#include "tessera/registry/loader.h"
#include "tessera/registry/registry.h"

namespace tessera::online {

class CatalogSnapshot {
 public:
  registry::LoadedRepo repo;  // root, tessera.yaml and the live definitions
  int64_t registry_version = 0;
  std::map<registry::ObjectRef, int64_t> versions;  // current version of each live object
  std::vector<registry::MaterializedView> materialized;
  // Per view name: its newest materialized version and that version's
  // definition (the current one when they are the same).
  std::map<std::string, std::pair<int64_t, registry::FeatureView>> newest_materialized;

  // The current version of live feature view `name` (0 when none).
  int64_t CurrentVersion(const std::string& name) const;

  // The cached object under `key`, or null when none is (yet). The hot
  // path asks this first, so a hit builds no std::function.
  template <typename T>
  std::shared_ptr<const T> Find(const std::string& key) const {
    std::shared_lock lock(cache_mu_);
    auto it = cache_.find(key);
    if (it == cache_.end()) return nullptr;
    return std::static_pointer_cast<const T>(it->second);
  }

  // The cached object under `key`, built by `build` on first use (two
  // threads may both build; one result is kept). T is any type; keys of
  // different types must not collide (callers prefix them).
  template <typename T>
  Result<std::shared_ptr<const T>> Cached(
      const std::string& key,
      const std::function<Result<std::shared_ptr<const T>>()>& build) const {
    {
      std::shared_lock lock(cache_mu_);
      if (auto it = cache_.find(key); it != cache_.end()) {
        return std::static_pointer_cast<const T>(it->second);
      }
    }
    TS_ASSIGN_OR_RETURN(std::shared_ptr<const T> built, build());
    std::unique_lock lock(cache_mu_);
    if (cache_.size() >= kMaxCached) cache_.clear();  // bounded: requests are few shapes
    auto [it, inserted] = cache_.emplace(key, built);
    return std::static_pointer_cast<const T>(it->second);
  }

  // Opens the registry (read-only) this snapshot came from, for what is
  // not preloaded (pinned versions); only plan builders call it.
  std::function<Result<std::unique_ptr<registry::Registry>>()> open_registry;

 private:
  static constexpr size_t kMaxCached = 4096;
  mutable std::shared_mutex cache_mu_;
  mutable std::map<std::string, std::shared_ptr<const void>> cache_;
};

struct ServingCatalogOptions {
  registry::LoadedRepo config;                       // root and tessera.yaml (definitions unused)
  std::string registry_path;                         // absolute
  registry::RegistryOptions registry_options;        // read_only is forced
  std::chrono::milliseconds recheck_interval{1000};  // <= 0: no background recheck
};

// What stat(2) says of a file that changes when SQLite writes it.
struct FileStamp {
  uint64_t ino = 0;
  int64_t size = -1;  // -1: absent
  int64_t mtime_ns = 0;
  friend bool operator==(const FileStamp&, const FileStamp&) = default;
};

class ServingCatalog {
 public:
  explicit ServingCatalog(ServingCatalogOptions options);
  ~ServingCatalog();
  ServingCatalog(const ServingCatalog&) = delete;
  ServingCatalog& operator=(const ServingCatalog&) = delete;

  // The snapshot of the registry as it is now (see Freshness). NotFound
  // "run tessera apply first" when nothing has been applied; the registry's
  // errors otherwise (the previous snapshot is then kept for later calls,
  // but this call fails).
  Result<std::shared_ptr<const CatalogSnapshot>> Current();

  // The next Current() asks the registry (after a materialization or an
  // apply through this process).
  void Invalidate();

  // How many times the registry has been read (tests: the background
  // recheck and the stat check are observable through it).
  uint64_t RegistryReads() const { return reads_.load(std::memory_order_relaxed); }

 private:
  std::pair<FileStamp, FileStamp> Stamp() const;
  // True when the watch has reported nothing since a stat last matched the
  // snapshot's stamp (drains what it reported; false without a watch).
  bool Quiet();
  // Records that a stat taken after drain `events` matched stamp_.
  void Checked(uint64_t events);
  void StartRecheck();
  void RecheckLoop(std::stop_token stop);
  void Recheck();
  Result<std::shared_ptr<const CatalogSnapshot>> Refresh(
      const std::shared_ptr<const CatalogSnapshot>& old);

  ServingCatalogOptions options_;
  const std::string wal_path_;  // the registry's -wal (Stamp)
  std::mutex refresh_mu_;       // one refresher at a time
  mutable std::shared_mutex mu_;
  std::shared_ptr<const CatalogSnapshot> snapshot_;
  std::pair<FileStamp, FileStamp> stamp_;
  std::chrono::steady_clock::time_point next_check_{};
  uint64_t invalidations_ = 1;  // Invalidate() calls (the first forces a read)
  uint64_t seen_invalidations_ = 0;
  std::atomic<uint64_t> reads_{0};
  std::atomic<bool> rechecking_{false};   // the background recheck holds refresh_mu_
  int notify_fd_ = -1;                    // inotify on the registry's folder; -1: none
  std::atomic<bool> notify_dead_{false};  // the watch is gone: stat every call
  std::atomic<uint64_t> events_{0};       // drains that found events
  std::atomic<uint64_t> checked_{0};      // the latest drain a matching stat followed
  std::once_flag recheck_once_;
  std::mutex wake_mu_;  // for wake_ only
  std::condition_variable_any wake_;
  // Last: destroyed (stopped and joined) before everything it uses.
  std::jthread recheck_;
};

}  // namespace tessera::online
