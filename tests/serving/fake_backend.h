// FakeBackend: a serving::Backend for tests of the HTTP layer. It records
// the calls it gets and answers with what the test set (a Status or a
// value); by default GetOnlineFeatures echoes the entity columns as join
// keys and adds one feature "v:f" (int64 = key * 10, PRESENT; null and
// NOT_FOUND for key 0). Thread-safe (a mutex), as the server needs.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "tessera/core/builder.h"
#include "tessera/serving/backend.h"

namespace tessera::serving::testing {

class FakeBackend : public Backend {
 public:
  Result<OnlineResponse> GetOnlineFeatures(const RecordBatch& entities,
                                           const OnlineRequest& request) override {
    {
      std::lock_guard lock(mu_);
      last_request_ = request;
      last_entities_ = entities.ToString();
      ++online_calls_;
    }
    if (before_online) before_online();
    if (!online_status.ok()) return online_status;
    return Echo(entities);
  }

  Result<SchemaPtr> PushSchema(const std::string& source) override {
    std::lock_guard lock(mu_);
    if (!push_schema_status.ok()) return push_schema_status;
    return *Schema::Make({{"user_id", DataType::Int64()},
                          {"amount", DataType::Float()},
                          {"ts", DataType::Timestamp()},
                          {"blob", DataType::Bytes()},
                          {"n", DataType::Int32()},
                          {"emb", DataType::List(TypeId::kFloat)}});
  }

  Result<PushSummary> Push(const std::string& source, RecordBatchPtr rows, PushTarget to) override {
    std::lock_guard lock(mu_);
    last_push_source_ = source;
    last_push_rows_ = rows->schema()->ToString() + "\n" + rows->ToString();
    last_push_to_ = to;
    if (!push_status.ok()) return push_status;
    PushSummary s;
    s.source = source;
    s.rows = rows->num_rows();
    s.online_rows_written = to == PushTarget::kOffline ? 0 : rows->num_rows();
    s.logged = to != PushTarget::kOnline;
    s.window_events_applied = push_window_applied;
    s.window_events_too_old = push_window_too_old;
    s.duplicates_dropped = push_duplicates;
    if (s.logged) {
      s.first_seq = 7;
      s.last_seq = 6 + rows->num_rows();
    }
    return s;
  }

  Result<MaterializeSummary> Materialize(const MaterializeRequest& request) override {
    std::lock_guard lock(mu_);
    last_materialize_ = request;
    if (!materialize_status.ok()) return materialize_status;
    MaterializeSummary summary;
    MaterializedViewSummary v;
    v.view = "user_profile";
    v.version = 2;
    v.start_micros = request.start_micros;
    v.end_micros = request.end_micros;
    v.rows_scanned = 10;
    v.rows_written = 4;
    summary.views.push_back(v);
    return summary;
  }

  Result<std::string> Health() override {
    std::lock_guard lock(mu_);
    if (!health_status.ok()) return health_status;
    return std::string("memory");
  }

  Result<std::string> Discover(const DiscoveryQuery& query) override {
    std::lock_guard lock(mu_);
    last_query_ = query;
    if (!discover_status.ok()) return discover_status;
    return std::string("{\"fake\":true}");
  }

  Result<std::vector<ViewFreshness>> Freshness() override {
    std::lock_guard lock(mu_);
    if (!freshness_status.ok()) return freshness_status;
    return freshness;
  }

  // The feature column of Echo: key * 10 for keys != 0.
  static Result<OnlineResponse> Echo(const RecordBatch& entities) {
    OnlineResponse r;
    for (int i = 0; i < entities.num_columns(); ++i) {
      r.names.push_back(entities.schema()->field(i).name);
      r.values.push_back(entities.column(i));
      r.statuses.emplace_back(entities.num_rows(), FeatureStatus::kPresent);
      r.event_timestamps.emplace_back(entities.num_rows(), 0);
    }
    Int64Builder b(DataType::Int64());
    std::vector<FeatureStatus> statuses;
    std::vector<int64_t> ts;
    const Array& key = *entities.column(0);
    for (int64_t row = 0; row < entities.num_rows(); ++row) {
      int64_t k = key.type() == DataType::Int64() && key.IsValid(row) ? key.GetInt64(row) : 0;
      if (k == 0) {
        TS_RETURN_NOT_OK(b.AppendNull());
        statuses.push_back(FeatureStatus::kNotFound);
        ts.push_back(0);
      } else {
        TS_RETURN_NOT_OK(b.Append(k * 10));
        statuses.push_back(FeatureStatus::kPresent);
        ts.push_back(1709294400000000 + k);
      }
    }
    r.names.push_back("v:f");
    TS_ASSIGN_OR_RETURN(ArrayPtr values, b.Finish());
    r.values.push_back(values);
    r.statuses.push_back(statuses);
    r.event_timestamps.push_back(ts);
    return r;
  }

  // Settable by tests before requests run.
  Status online_status;
  Status push_status;
  int64_t push_window_applied = 0;  // what Push reports for aggregated views
  int64_t push_window_too_old = 0;
  int64_t push_duplicates = 0;
  Status push_schema_status;
  Status materialize_status;
  Status health_status;
  Status discover_status;
  Status freshness_status;
  std::vector<ViewFreshness> freshness;
  std::function<void()> before_online;  // called in GetOnlineFeatures (unlocked)

  OnlineRequest last_request() {
    std::lock_guard lock(mu_);
    return last_request_;
  }
  std::string last_entities() {
    std::lock_guard lock(mu_);
    return last_entities_;
  }
  DiscoveryQuery last_query() {
    std::lock_guard lock(mu_);
    return last_query_;
  }
  MaterializeRequest last_materialize() {
    std::lock_guard lock(mu_);
    return last_materialize_;
  }
  std::string last_push_source() {
    std::lock_guard lock(mu_);
    return last_push_source_;
  }
  std::string last_push_rows() {
    std::lock_guard lock(mu_);
    return last_push_rows_;
  }
  int online_calls() {
    std::lock_guard lock(mu_);
    return online_calls_;
  }

 private:
  std::mutex mu_;
  OnlineRequest last_request_;
  std::string last_entities_;
  DiscoveryQuery last_query_;
  MaterializeRequest last_materialize_;
  std::string last_push_source_;
  std::string last_push_rows_;
  PushTarget last_push_to_ = PushTarget::kOnline;
  int online_calls_ = 0;
};

}  // namespace tessera::serving::testing
