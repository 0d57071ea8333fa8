// FeatureStore::GetOnlineFeatures (placeholder until issue 9 builds it).
#include "tessera/facade/feature_store_impl.h"

namespace tessera {

const char* FeatureStatusName(FeatureStatus status) {
  switch (status) {
    case FeatureStatus::kPresent: return "PRESENT";
    case FeatureStatus::kNotFound: return "NOT_FOUND";
    case FeatureStatus::kNullValue: return "NULL_VALUE";
    case FeatureStatus::kOutsideMaxAge: return "OUTSIDE_MAX_AGE";
  }
  return "UNKNOWN";
}

Result<OnlineResponse> FeatureStore::GetOnlineFeatures(const RecordBatch&, const OnlineRequest&) {
  return Status::Unsupported("online reads are not built yet");
}

}  // namespace tessera
