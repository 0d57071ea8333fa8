// FeatureStore::Push (placeholder until issue 9 builds it).
#include "tessera/facade/feature_store_impl.h"

namespace tessera {

Result<PushSummary> FeatureStore::Push(const std::string&, std::shared_ptr<const RecordBatch>,
                                       PushTarget) {
  return Status::Unsupported("push is not built yet");
}

}  // namespace tessera
