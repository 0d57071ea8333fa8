// FeatureStore::Compact: source logs compacted, then the derived view files
// of the views reading them rebuilt (offline/compaction.h, view_files.h).
#include <algorithm>
#include <thread>

#include "tessera/core/suggest.h"
#include "tessera/facade/feature_store_impl.h"
#include "tessera/offline/compaction.h"
#include "tessera/offline/ingest.h"
#include "tessera/offline/ingest_contract.h"
#include "tessera/offline/training_set.h"

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

}  // namespace tessera
