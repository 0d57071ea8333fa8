// FeatureStore's serving support: the online store's health and the
// registry's discovery documents for the HTTP server's /health and
// /registry/... endpoints (the same documents the CLI prints with --json),
// and the columns a push source takes. The discovery methods open their
// own read-only Registry, so calls from many threads never share one (a
// Registry is not thread-safe); PushSchema reads the serving catalog.
#include <algorithm>
#include <optional>

#include "tessera/facade/feature_store_impl.h"
#include "tessera/offline/ingest_contract.h"
#include "tessera/online/serving_catalog.h"
#include "tessera/registry/json_documents.h"
#include "tessera/registry/object_kinds.h"

namespace tessera {
namespace {

// An empty `kind` means any kind.
Result<std::optional<registry::ObjectKind>> OptionalKind(const std::string& kind) {
  if (kind.empty()) return std::optional<registry::ObjectKind>();
  TS_ASSIGN_OR_RETURN(registry::ObjectKind parsed, registry::ParseKindName(kind));
  return std::optional<registry::ObjectKind>(parsed);
}

}  // namespace

Result<std::string> FeatureStore::PingOnlineStore() {
  TS_ASSIGN_OR_RETURN(online::OnlineStore * store, impl_->Online());
  TS_RETURN_NOT_OK(store->Ping());
  return store->Describe();
}

Result<std::string> FeatureStore::ListJson(const std::string& kind) {
  TS_ASSIGN_OR_RETURN(std::optional<registry::ObjectKind> k, OptionalKind(kind));
  TS_ASSIGN_OR_RETURN(auto reg, impl_->OpenRegistry());
  TS_ASSIGN_OR_RETURN(std::vector<registry::ObjectSummary> objects, reg->List(k));
  return registry::ListDocument(objects);
}

Result<std::string> FeatureStore::DescribeJson(const std::string& name, const std::string& kind,
                                               int64_t version) {
  TS_ASSIGN_OR_RETURN(std::optional<registry::ObjectKind> k, OptionalKind(kind));
  TS_ASSIGN_OR_RETURN(auto reg, impl_->OpenRegistry());
  std::optional<int64_t> v;
  if (version > 0) v = version;
  TS_ASSIGN_OR_RETURN(registry::ObjectDescription d, reg->Describe(name, k, v));
  return registry::DescribeDocument(d);
}

Result<std::string> FeatureStore::SearchJson(const std::string& text) {
  TS_ASSIGN_OR_RETURN(auto reg, impl_->OpenRegistry());
  TS_ASSIGN_OR_RETURN(std::vector<registry::SearchResult> results, reg->Search(text));
  return registry::SearchDocument(results);
}

Result<std::string> FeatureStore::LineageJson(const std::string& name, const std::string& kind,
                                              bool upstream, bool downstream, bool transitive) {
  TS_ASSIGN_OR_RETURN(std::optional<registry::ObjectKind> k, OptionalKind(kind));
  TS_ASSIGN_OR_RETURN(auto reg, impl_->OpenRegistry());
  std::vector<registry::LineageGraph> graphs;
  if (upstream || !downstream) {
    TS_ASSIGN_OR_RETURN(registry::LineageGraph g,
                        reg->Lineage(name, registry::LineageDirection::kUpstream, transitive, k));
    graphs.push_back(std::move(g));
  }
  if (downstream || !upstream) {
    TS_ASSIGN_OR_RETURN(registry::LineageGraph g,
                        reg->Lineage(name, registry::LineageDirection::kDownstream, transitive, k));
    graphs.push_back(std::move(g));
  }
  return registry::LineageDocument(graphs);
}

Result<std::shared_ptr<const Schema>> FeatureStore::PushSchema(const std::string& source) {
  TS_ASSIGN_OR_RETURN(std::shared_ptr<const online::CatalogSnapshot> snapshot,
                      impl_->Catalog()->Current());
  const online::CatalogSnapshot* s = snapshot.get();
  return s->Cached<Schema>("serving_support/push_schema/" + source,
                           [s, &source]() -> Result<std::shared_ptr<const Schema>> {
                             TS_ASSIGN_OR_RETURN(offline::IngestContract contract,
                                                 offline::ResolveIngestContract(s->repo, source));
                             return contract.ToSchema();
                           });
}

Result<PushContract> FeatureStore::GetPushContract(const std::string& source) {
  TS_ASSIGN_OR_RETURN(std::shared_ptr<const online::CatalogSnapshot> snapshot,
                      impl_->Catalog()->Current());
  TS_ASSIGN_OR_RETURN(offline::IngestContract contract,
                      offline::ResolveIngestContract(snapshot->repo, source));
  PushContract out;
  TS_ASSIGN_OR_RETURN(out.schema, contract.ToSchema());
  out.timestamp_column = contract.timestamp_column;
  for (const offline::ContractColumn& column : contract.columns) {
    if (column.required()) out.required.push_back(column.name);
  }
  return out;
}

Result<std::vector<StreamedSource>> FeatureStore::StreamedSources() {
  TS_ASSIGN_OR_RETURN(std::shared_ptr<const online::CatalogSnapshot> snapshot,
                      impl_->Catalog()->Current());
  std::vector<StreamedSource> out;
  for (const registry::Source& source : snapshot->repo.definitions.sources) {
    if (source.kind != registry::SourceKind::kPush || !source.stream) continue;
    out.push_back({source.name, source.stream->type, source.stream->url, source.stream->key,
                   source.stream->group});
  }
  std::sort(out.begin(), out.end(),
            [](const StreamedSource& a, const StreamedSource& b) { return a.source < b.source; });
  return out;
}

Result<std::vector<ViewFreshness>> FeatureStore::Freshness() {
  TS_ASSIGN_OR_RETURN(std::shared_ptr<const online::CatalogSnapshot> snapshot,
                      impl_->Catalog()->Current());
  int64_t now = impl_->env->NowMicros();
  std::vector<ViewFreshness> out;
  for (const registry::FeatureView& v : snapshot->repo.definitions.feature_views) {
    if (!v.online) continue;
    ViewFreshness f;
    f.view = v.name;
    f.current_version = snapshot->CurrentVersion(v.name);
    for (const registry::MaterializedView& m : snapshot->materialized) {
      if (m.view != v.name || m.version < f.materialized_version || m.intervals.empty()) continue;
      f.materialized_version = m.version;
      f.last_end_micros = m.intervals.back().second;
      f.staleness_micros = now - f.last_end_micros;
    }
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace tessera
