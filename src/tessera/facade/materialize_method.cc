// FeatureStore::Materialize (placeholder until issue 9 builds it).
#include "tessera/facade/feature_store_impl.h"

namespace tessera {

Result<MaterializeSummary> FeatureStore::Materialize(const MaterializeRequest&) {
  return Status::Unsupported("materialize is not built yet");
}

}  // namespace tessera
