// tessera.yaml: the repo's project name and where its stores live.
#include <charconv>

#include "tessera/core/suggest.h"
#include "tessera/registry/loader_internal.h"
#include "tessera/registry/yaml_reader.h"

namespace tessera::registry::internal {

namespace {

void ReadOfflineStore(MapReader& parent, RepoConfig* config) {
  const YamlNode& node = parent.Get("offline_store");
  if (node.IsNull() || !ExpectMap(node, "offline_store", parent.ctx())) return;
  MapReader r(node, "offline_store", &parent.ctx());
  r.String("path", /*required=*/false, &config->offline_path);
  r.ReportUnknownKeys();
}

// A whole number in [min, max] of `unit` (Redis pool size and timeouts,
// RocksDB cache sizes in MiB); `out` is left unchanged when the key is
// absent.
template <typename Int>
void ReadBoundedInt(MapReader& r, std::string_view key, int64_t min, int64_t max, Int* out,
                    std::string_view unit = {}) {
  const YamlNode& node = r.Get(key);
  if (node.IsNull()) return;
  int64_t value = 0;
  const std::string text = node.IsScalar() ? node.Scalar() : std::string();
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (!node.IsScalar() || text.empty() || ec != std::errc() || end != text.data() + text.size() ||
      value < min || value > max) {
    r.ctx().Error(node, "online_store: " + std::string(key) + ": expected a whole number " +
                            (unit.empty() ? std::string() : "of " + std::string(unit) + " ") +
                            "from " + std::to_string(min) + " to " + std::to_string(max) +
                            (node.IsScalar() ? ", got " + Quoted(text) : std::string()));
    return;
  }
  *out = static_cast<Int>(value);
}

// The Redis connection options; refused for other types (they would be
// silently ignored there).
void ReadRedisOptions(MapReader& r, OnlineStoreConfig* online) {
  ReadBoundedInt(r, "pool_size", 1, 1024, &online->pool_size);
  ReadBoundedInt(r, "connect_timeout_ms", 1, 600'000, &online->connect_timeout_ms);
  ReadBoundedInt(r, "timeout_ms", 1, 600'000, &online->timeout_ms);
  if (online->type == "redis" || online->type == "redis-cluster") return;
  for (std::string_view key : {"pool_size", "connect_timeout_ms", "timeout_ms"}) {
    const YamlNode& node = r.Get(key);
    if (node.IsNull()) continue;
    r.ctx().Error(node, "online_store: " + std::string(key) +
                            " applies to types redis and redis-cluster only, not " +
                            Quoted(online->type));
  }
}

// The RocksDB caches' sizes in whole MiB (up to 1 TiB); refused for other
// types (they would be silently ignored there).
void ReadRocksDbOptions(MapReader& r, OnlineStoreConfig* online) {
  constexpr int64_t kMaxMb = int64_t{1} << 20;
  ReadBoundedInt(r, "block_cache_mb", 1, kMaxMb, &online->block_cache_mb, "MiB");
  ReadBoundedInt(r, "row_cache_mb", 0, kMaxMb, &online->row_cache_mb, "MiB");
  if (online->type == "rocksdb") return;
  for (std::string_view key : {"block_cache_mb", "row_cache_mb"}) {
    const YamlNode& node = r.Get(key);
    if (node.IsNull()) continue;
    r.ctx().Error(node, "online_store: " + std::string(key) +
                            " applies to type rocksdb only, not " + Quoted(online->type));
  }
}

void ReadOnlineStore(MapReader& parent, OnlineStoreConfig* online) {
  const YamlNode& node = parent.Get("online_store");
  if (node.IsNull() || !ExpectMap(node, "online_store", parent.ctx())) return;
  MapReader r(node, "online_store", &parent.ctx());
  r.String("type", /*required=*/false, &online->type);
  r.String("path", /*required=*/false, &online->path);
  r.String("url", /*required=*/false, &online->url);
  r.StringList("nodes", /*required=*/false, &online->nodes);
  ReadRedisOptions(r, online);
  ReadRocksDbOptions(r, online);
  r.ReportUnknownKeys();
  if (online->type == "redis" && online->url.empty()) {
    r.ctx().ErrorAt(r.location(), "online_store: type redis needs a url (redis://host:port)");
  } else if (online->type == "redis" && online->url.rfind("redis://", 0) != 0) {
    // The url is not echoed: it may hold a password.
    r.ctx().Error(r.Get("url"),
                  "online_store: url must start with redis:// "
                  "(redis://[[user]:password@]host[:port][/db])");
  } else if (online->type == "redis-cluster" && online->nodes.empty()) {
    r.ctx().ErrorAt(r.location(), "online_store: type redis-cluster needs nodes (host:port list)");
  } else if (online->type != "rocksdb" && online->type != "redis" &&
             online->type != "redis-cluster" && online->type != "memory") {
    r.ctx().Error(r.Get("type"), "online_store: unknown type '" + online->type +
                                     "' (expected rocksdb, redis or redis-cluster)");
  }
}

void ReadConfigDocument(const YamlNode& doc, const FileContext& ctx, RepoConfig* config) {
  if (!doc.IsMap()) {
    ctx.ErrorAt(SourceLocation{ctx.file(), doc.line() == 0 ? 1 : doc.line()},
                "tessera.yaml must be a mapping with at least 'project'");
    return;
  }
  MapReader r(doc, "tessera.yaml", &ctx);
  r.Name("project", "project", &config->project);
  r.String("registry", /*required=*/false, &config->registry_path);
  ReadOfflineStore(r, config);
  ReadOnlineStore(r, &config->online);
  r.ReportUnknownKeys();
}

}  // namespace

void ReadRepoConfigText(const std::string& rel_path, std::string_view text, RepoConfig* config,
                        std::vector<LoadError>* errors) {
  FileContext ctx(rel_path, errors);
  std::vector<YamlNode> docs;
  YamlError error;
  if (!ParseYaml(text, &docs, &error)) {
    ctx.ErrorAt(SourceLocation{rel_path, error.line, error.column}, std::move(error.message));
    return;
  }
  // One document: a second one would be settings silently ignored.
  if (docs.size() > 1) {
    ctx.Error(docs[1], "tessera.yaml must hold one YAML document, found a second one");
  }
  ReadConfigDocument(docs.empty() ? YamlNode::Absent() : docs[0], ctx, config);
}

}  // namespace tessera::registry::internal
