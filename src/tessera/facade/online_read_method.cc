// FeatureStore::GetOnlineFeatures: the facade's thin layer over
// online/online_reader.h (plans cached per request shape in the catalog's
// snapshot; the store opened on first use).
#include "tessera/facade/feature_store_impl.h"
#include "tessera/online/online_reader.h"
#include "tessera/online/read_plan.h"

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

online::ServingCatalog* FeatureStore::Impl::Catalog() {
  std::call_once(catalog_once, [this] {
    online::ServingCatalogOptions options;
    options.config = config;
    options.registry_path = RegistryPath();
    options.registry_options = Options(true);
    catalog = std::make_unique<online::ServingCatalog>(std::move(options));
  });
  return catalog.get();
}

namespace {

FeatureStatus ToFeatureStatus(online::ValueStatus status) {
  switch (status) {
    case online::ValueStatus::kPresent: return FeatureStatus::kPresent;
    case online::ValueStatus::kNotFound: return FeatureStatus::kNotFound;
    case online::ValueStatus::kNullValue: return FeatureStatus::kNullValue;
    case online::ValueStatus::kOutsideMaxAge: return FeatureStatus::kOutsideMaxAge;
  }
  return FeatureStatus::kNotFound;
}

}  // namespace

Result<OnlineResponse> FeatureStore::GetOnlineFeatures(const RecordBatch& entities,
                                                       const OnlineRequest& request) {
  TS_ASSIGN_OR_RETURN(std::shared_ptr<const online::CatalogSnapshot> snapshot,
                      impl_->Catalog()->Current());
  TS_ASSIGN_OR_RETURN(std::shared_ptr<const online::ReadPlan> plan,
                      online::GetReadPlan(*snapshot, request.features, request.feature_service,
                                          request.full_feature_names));
  TS_ASSIGN_OR_RETURN(online::OnlineStore * store, impl_->Online());
  TS_ASSIGN_OR_RETURN(online::OnlineValues values,
                      online::ReadOnlineFeatures(*plan, entities, store, impl_->env->NowMicros()));
  OnlineResponse out;
  out.names = std::move(values.names);
  out.values = std::move(values.values);
  out.event_timestamps = std::move(values.event_timestamps);
  out.statuses.resize(values.statuses.size());
  for (size_t i = 0; i < values.statuses.size(); ++i) {
    out.statuses[i].reserve(values.statuses[i].size());
    for (online::ValueStatus s : values.statuses[i]) out.statuses[i].push_back(ToFeatureStatus(s));
  }
  return out;
}

}  // namespace tessera
