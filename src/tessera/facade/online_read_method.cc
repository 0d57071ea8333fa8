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

// The plan of `request` against `snapshot`. A thread remembers its last
// request's plan: a server's requests mostly repeat one shape, which then
// costs comparing the references instead of building the plan cache's key
// (all the references spelled out) and looking it up under the snapshot's
// lock. The thread holds the snapshot of its last plan, so a snapshot that
// compares equal is that one (never a new one at a freed one's address).
Result<std::shared_ptr<const online::ReadPlan>> PlanFor(
    const std::shared_ptr<const online::CatalogSnapshot>& snapshot, const OnlineRequest& request) {
  struct LastPlan {
    std::shared_ptr<const online::CatalogSnapshot> snapshot;
    std::vector<std::string> features;
    std::string service;
    bool full_feature_names = false;
    std::shared_ptr<const online::ReadPlan> plan;
  };
  thread_local LastPlan last;
  if (last.snapshot == snapshot && last.full_feature_names == request.full_feature_names &&
      last.features == request.features && last.service == request.feature_service) {
    return last.plan;
  }
  TS_ASSIGN_OR_RETURN(std::shared_ptr<const online::ReadPlan> plan,
                      online::GetReadPlan(*snapshot, request.features, request.feature_service,
                                          request.full_feature_names));
  last.snapshot = snapshot;
  last.features = request.features;
  last.service = request.feature_service;
  last.full_feature_names = request.full_feature_names;
  last.plan = plan;
  return plan;
}

}  // namespace

Status FeatureStore::GetOnlineFeatures(const RecordBatch& entities, const OnlineRequest& request,
                                       OnlineResponse* out) {
  TS_ASSIGN_OR_RETURN(std::shared_ptr<const online::CatalogSnapshot> snapshot,
                      impl_->Catalog()->Current());
  TS_ASSIGN_OR_RETURN(std::shared_ptr<const online::ReadPlan> plan, PlanFor(snapshot, request));
  TS_ASSIGN_OR_RETURN(online::OnlineStore * store, impl_->Online());
  // The reader's output is per thread and reused, as is *out when the
  // caller reuses it: a request of a known shape copies into buffers that
  // are already there.
  thread_local online::OnlineValues values;
  TS_RETURN_NOT_OK(
      online::ReadOnlineFeatures(*plan, entities, store, impl_->env->NowMicros(), &values));
  // Names and event times are swapped, not copied: the reader assigns over
  // every one of them next time, so its vectors and *out's take turns
  // holding the buffers (none is allocated in the steady state).
  const size_t columns = values.names.size();
  out->names.swap(values.names);
  out->event_timestamps.swap(values.event_timestamps);
  out->values.resize(columns);
  out->statuses.resize(columns);
  for (size_t c = 0; c < columns; ++c) {
    out->values[c] = std::move(values.values[c]);
    const std::vector<online::ValueStatus>& from = values.statuses[c];
    std::vector<FeatureStatus>& to = out->statuses[c];
    to.resize(from.size());
    for (size_t r = 0; r < from.size(); ++r) to[r] = ToFeatureStatus(from[r]);
  }
  return Status::OK();
}

Result<OnlineResponse> FeatureStore::GetOnlineFeatures(const RecordBatch& entities,
                                                       const OnlineRequest& request) {
  OnlineResponse out;
  TS_RETURN_NOT_OK(GetOnlineFeatures(entities, request, &out));
  return out;
}

}  // namespace tessera
