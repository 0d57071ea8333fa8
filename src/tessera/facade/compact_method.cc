// FeatureStore::Compact: source logs compacted, then the derived view files
// of the views reading them rebuilt (offline/compaction.h, view_files.h).
#include <algorithm>
#include <thread>

#include "tessera/core/suggest.h"
#include "tessera/facade/feature_store_impl.h"
#include "tessera/offline/compaction.h"
#include "tessera/offline/ingest.h"
#include "tessera/offline/ingest_contract.h"
#include "tessera/offline/source_log.h"
#include "tessera/offline/training_set.h"
#include "tessera/online/serving_catalog.h"

namespace tessera {

Result<CompactSummary> FeatureStore::Compact(const std::string& source) {
  TS_ASSIGN_OR_RETURN(std::unique_ptr<registry::Registry> reg, impl_->OpenRegistry());
  TS_ASSIGN_OR_RETURN(registry::LiveDefinitions live, reg->LiveDefinitionsNow());
  registry::LoadedRepo repo = impl_->config;
  repo.definitions = live.definitions;
  std::vector<std::string> sources;
  if (!source.empty()) {
    TS_ASSIGN_OR_RETURN(std::string log_source, offline::LogSourceOf(repo, source));
    sources.push_back(log_source);
  } else {
    for (const registry::Source& s : repo.definitions.sources) {
      if (s.kind == registry::SourceKind::kBatch) sources.push_back(s.name);
    }
  }
  offline::TrainingSetRequest context;
  context.repo_root = impl_->config.root;
  context.offline_root = offline::OfflineRoot(repo);
  context.project = impl_->config.config.project;
  context.definitions = std::move(live.definitions);
  context.num_threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  context.env = impl_->env;
  CompactSummary summary;
  for (const std::string& name : sources) {
    offline::CompactSpec spec;
    spec.log_dir = offline::SourceLogDir(context.offline_root, context.project, name);
    spec.env = impl_->env;
    TS_ASSIGN_OR_RETURN(offline::CompactResult r, offline::CompactLog(spec));
    summary.logs.push_back(
        CompactedLog{name, r.parts_before, r.parts_after, r.parts_removed, r.committed});
    for (const registry::FeatureView& v : context.definitions.feature_views) {
      // Aggregated views read their events through the aggregation issue's
      // tiles, not through the join's input.
      if (!v.aggregations.empty()) continue;
      TS_ASSIGN_OR_RETURN(std::string view_source, offline::LogSourceOf(repo, v.source));
      if (view_source != name) continue;
      int64_t version =
          live.versions[registry::ObjectRef{registry::ObjectKind::kFeatureView, v.name}];
      TS_ASSIGN_OR_RETURN(offline::ViewFilesBuild built,
                          offline::BuildViewFilesOf(context, v, version));
      summary.views.push_back(CompactedView{v.name, version, built.rows, built.rebuilt});
    }
  }
  return summary;
}

Result<CompactedLog> FeatureStore::CompactLogIfNeeded(const std::string& source) {
  TS_ASSIGN_OR_RETURN(std::shared_ptr<const online::CatalogSnapshot> snapshot,
                      impl_->Catalog()->Current());
  TS_ASSIGN_OR_RETURN(std::string log_source, offline::LogSourceOf(snapshot->repo, source));
  const std::string log_dir = offline::SourceLogDir(offline::OfflineRoot(snapshot->repo),
                                                    snapshot->repo.config.project, log_source);
  CompactedLog out{log_source, 0, 0, 0, false};
  offline::CompactionPolicy policy;
  TS_ASSIGN_OR_RETURN(offline::Manifest manifest, offline::ReadManifest(impl_->env, log_dir));
  if (!offline::NeedsCompaction(manifest, policy, impl_->env->NowMicros())) return out;
  offline::CompactSpec spec;
  spec.log_dir = log_dir;
  spec.env = impl_->env;
  spec.fanout = policy.fanout;
  spec.target_rows = policy.target_rows;
  spec.retention_micros = policy.retention_micros;
  TS_ASSIGN_OR_RETURN(offline::CompactResult r, offline::CompactLog(spec));
  out.parts_before = r.parts_before;
  out.parts_after = r.parts_after;
  out.parts_removed = r.parts_removed;
  out.committed = r.committed;
  return out;
}

}  // namespace tessera
