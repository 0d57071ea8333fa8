#include "tessera/online/online_store_factory.h"

#include "tessera/core/suggest.h"
#include "tessera/online/cached_online_store.h"
#include "tessera/online/memory_online_store.h"
#include "tessera/online/redis/redis_online_store.h"
#include "tessera/online/rocksdb/rocksdb_online_store.h"

namespace tessera::online {

namespace {

Result<std::unique_ptr<OnlineStore>> OpenRocksDb(const registry::OnlineStoreConfig& config,
                                                 const std::string& repo_root) {
  if (config.path.empty()) {
    return Status::Invalid("tessera.yaml: online_store: type rocksdb needs a path");
  }
  RocksDbOnlineStoreOptions options;
  options.path =
      config.path.front() == '/' || repo_root.empty() ? config.path : repo_root + "/" + config.path;
  options.display_path = config.path;
  options.block_cache_mb = config.block_cache_mb;
  TS_ASSIGN_OR_RETURN(auto store, RocksDbOnlineStore::Open(options));
  if (config.row_cache_mb == 0) return std::unique_ptr<OnlineStore>(std::move(store));
  // Only this process writes the store while it holds it: the cache stays
  // coherent (cached_online_store.h).
  return std::unique_ptr<OnlineStore>(
      new CachedOnlineStore(std::move(store), static_cast<size_t>(config.row_cache_mb) << 20));
}

}  // namespace

Result<std::unique_ptr<OnlineStore>> OpenOnlineStore(const registry::OnlineStoreConfig& config,
                                                     const std::string& repo_root,
                                                     const std::string& project, Env* env) {
  if (config.type == "memory") return std::unique_ptr<OnlineStore>(new MemoryOnlineStore());
  if (config.type == "redis") {
    TS_ASSIGN_OR_RETURN(redis::RedisOptions options, redis::RedisOptionsFromConfig(config));
    TS_ASSIGN_OR_RETURN(auto store, redis::RedisOnlineStore::Open(std::move(options), project));
    return std::unique_ptr<OnlineStore>(std::move(store));
  }
  if (config.type == "rocksdb") return OpenRocksDb(config, repo_root);
  return Status::Unsupported("tessera.yaml: online_store type " + Quoted(config.type) +
                             " is not built yet");
}

}  // namespace tessera::online
