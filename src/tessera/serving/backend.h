// Backend: what the HTTP handlers ask of the feature store. FacadeBackend
// forwards to a tessera::FeatureStore; tests give the handlers a fake, so
// the HTTP layer (parsing, shapes, status mapping) is tested on its own.
//
// Thread-safety: every method may be called from many threads at once (the
// server's threads share one Backend).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tessera/feature_store.h"

namespace tessera::serving {

// One GET /registry/... question.
struct DiscoveryQuery {
  enum class Kind { kList, kDescribe, kSearch, kLineage } what = Kind::kList;
  std::string name;       // describe, lineage
  std::string kind;       // object kind filter ("" any)
  int64_t version = 0;    // describe; 0 the current one
  std::string text;       // search
  bool upstream = false;  // lineage; neither means both
  bool downstream = false;
  bool transitive = true;
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual Result<OnlineResponse> GetOnlineFeatures(const RecordBatch& entities,
                                                   const OnlineRequest& request) = 0;
  // The same into *out, which the caller may reuse from request to request
  // (a backend that can, fills it in place; by default it is replaced).
  virtual Status GetOnlineFeatures(const RecordBatch& entities, const OnlineRequest& request,
                                   OnlineResponse* out) {
    TS_ASSIGN_OR_RETURN(*out, GetOnlineFeatures(entities, request));
    return Status::OK();
  }
  // The columns push source `source` takes (its JSON is converted to them).
  virtual Result<SchemaPtr> PushSchema(const std::string& source) = 0;
  virtual Result<PushSummary> Push(const std::string& source, RecordBatchPtr rows,
                                   PushTarget to) = 0;
  virtual Result<MaterializeSummary> Materialize(const MaterializeRequest& request) = 0;
  // The online store's description when it answers (GET /health).
  virtual Result<std::string> Health() = 0;
  // A discovery document (JSON).
  virtual Result<std::string> Discover(const DiscoveryQuery& query) = 0;
  // How fresh each online view is (GET /metrics).
  virtual Result<std::vector<ViewFreshness>> Freshness() = 0;
};

// Forwards to `store`, which must outlive it (not owned).
std::unique_ptr<Backend> MakeFacadeBackend(FeatureStore* store);

}  // namespace tessera::serving
