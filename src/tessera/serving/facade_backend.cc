// FacadeBackend: the Backend of a running server, over the FeatureStore.
#include "tessera/serving/backend.h"

namespace tessera::serving {
namespace {

class FacadeBackend final : public Backend {
 public:
  explicit FacadeBackend(FeatureStore* store) : store_(store) {}

  Result<OnlineResponse> GetOnlineFeatures(const RecordBatch& entities,
                                           const OnlineRequest& request) override {
    return store_->GetOnlineFeatures(entities, request);
  }
  Status GetOnlineFeatures(const RecordBatch& entities, const OnlineRequest& request,
                           OnlineResponse* out) override {
    return store_->GetOnlineFeatures(entities, request, out);
  }
  Result<SchemaPtr> PushSchema(const std::string& source) override {
    return store_->PushSchema(source);
  }
  Result<PushSummary> Push(const std::string& source, RecordBatchPtr rows, PushTarget to) override {
    return store_->Push(source, std::move(rows), to);
  }
  Result<MaterializeSummary> Materialize(const MaterializeRequest& request) override {
    return store_->Materialize(request);
  }
  Result<std::string> Health() override { return store_->PingOnlineStore(); }
  Result<std::vector<ViewFreshness>> Freshness() override { return store_->Freshness(); }

  Result<std::string> Discover(const DiscoveryQuery& q) override {
    switch (q.what) {
      case DiscoveryQuery::Kind::kList: return store_->ListJson(q.kind);
      case DiscoveryQuery::Kind::kDescribe: return store_->DescribeJson(q.name, q.kind, q.version);
      case DiscoveryQuery::Kind::kSearch: return store_->SearchJson(q.text);
      case DiscoveryQuery::Kind::kLineage:
        return store_->LineageJson(q.name, q.kind, q.upstream, q.downstream, q.transitive);
    }
    return Status::Internal("unknown discovery query");
  }

 private:
  FeatureStore* store_;
};

}  // namespace

std::unique_ptr<Backend> MakeFacadeBackend(FeatureStore* store) {
  return std::make_unique<FacadeBackend>(store);
}

}  // namespace tessera::serving
