// FeatureStore::Materialize: the online store loaded from the offline store
// (online/materializer.h), with the definitions applied to the registry.
#include <algorithm>
#include <thread>

#include "tessera/facade/feature_store_impl.h"
#include "tessera/offline/ingest.h"
#include "tessera/online/materializer.h"

namespace tessera {

Result<MaterializeSummary> FeatureStore::Materialize(const MaterializeRequest& request) {
  // The friendly "run tessera apply first" before anything else.
  TS_RETURN_NOT_OK(impl_->OpenRegistry().status());
  online::MaterializeSpec spec;
  spec.repo_root = impl_->config.root;
  spec.offline_root = offline::OfflineRoot(impl_->config);
  spec.project = impl_->config.config.project;
  spec.registry_path = impl_->RegistryPath();
  spec.registry_options = impl_->Options(false);
  Impl* impl = impl_.get();
  spec.open_store = [impl] { return impl->Online(); };
  spec.windows = &impl->window_writer;
  spec.start_micros = request.start_micros;
  spec.end_micros = request.end_micros;
  spec.incremental = request.incremental;
  spec.views = request.views;
  spec.num_threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  spec.env = impl_->env;
  if (request.progress) {
    auto progress = request.progress;
    spec.progress = [progress](const online::MaterializeProgress& p) {
      progress(HistoricalProgress{p.stage, p.done, p.total});
    };
  }
  TS_ASSIGN_OR_RETURN(std::vector<online::ViewMaterialized> views, online::Materialize(spec));
  impl_->Catalog()->Invalidate();  // reads move to the versions just materialized
  MaterializeSummary summary;
  for (const online::ViewMaterialized& v : views) {
    summary.views.push_back(MaterializedViewSummary{v.view, v.version, v.start_micros, v.end_micros,
                                                    v.rows_scanned, v.rows_written});
  }
  return summary;
}

}  // namespace tessera
