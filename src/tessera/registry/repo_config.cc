// tessera.yaml: the repo's project name and where its stores live.
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

void ReadOnlineStore(MapReader& parent, OnlineStoreConfig* online) {
  const YamlNode& node = parent.Get("online_store");
  if (node.IsNull() || !ExpectMap(node, "online_store", parent.ctx())) return;
  MapReader r(node, "online_store", &parent.ctx());
  r.String("type", /*required=*/false, &online->type);
  r.String("path", /*required=*/false, &online->path);
  r.String("url", /*required=*/false, &online->url);
  r.StringList("nodes", /*required=*/false, &online->nodes);
  r.ReportUnknownKeys();
  if (online->type == "redis" && online->url.empty()) {
    r.ctx().ErrorAt(r.location(), "online_store: type redis needs a url (redis://host:port)");
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
