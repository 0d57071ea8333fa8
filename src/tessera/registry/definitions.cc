#include "tessera/registry/definitions.h"

namespace tessera::registry {

const char* ObjectKindName(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::kEntity: return "entity";
    case ObjectKind::kSource: return "source";
    case ObjectKind::kFeatureView: return "feature_view";
    case ObjectKind::kOnDemandFeatureView: return "on_demand_feature_view";
    case ObjectKind::kFeatureService: return "feature_service";
  }
  return "unknown";
}

const char* SourceKindName(SourceKind kind) {
  switch (kind) {
    case SourceKind::kBatch: return "batch";
    case SourceKind::kPush: return "push";
    case SourceKind::kRequest: return "request";
  }
  return "unknown";
}

std::vector<std::string> FeatureNames(const FeatureView& view) {
  std::vector<std::string> names;
  for (const FeatureDef& f : view.features) names.push_back(f.name);
  for (const Aggregation& agg : view.aggregations) {
    for (int64_t window : agg.windows) names.push_back(agg.FeatureName(window));
  }
  return names;
}

}  // namespace tessera::registry
