// The server over the real FeatureStore (memory online store, a clock the
// test sets), through a real socket: push rows, read them back in Feast's
// shape with every status (TTL expiry included), the client mistakes the
// store reports, health and discovery.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "http_test_client.h"
#include "tessera/core/env.h"
#include "tessera/core/time.h"
#include "tessera/feature_store.h"
#include "tessera/serving/api.h"
#include "tessera/serving/backend.h"
#include "tessera/serving/http_server.h"

namespace tessera::serving {
namespace {

namespace fs = std::filesystem;
using testing::ClientResponse;
using testing::HttpTestClient;

constexpr int64_t kSec = 1000000;

class ClockEnv : public EnvWrapper {
 public:
  ClockEnv() : EnvWrapper(Env::Default()) {}
  int64_t NowMicros() override { return now_.load(); }
  void Set(int64_t micros) { now_.store(micros); }

 private:
  std::atomic<int64_t> now_{0};
};

std::string Ts(int64_t seconds) { return FormatTimestamp(seconds * kSec); }

constexpr const char* kDefinitions = R"(entities:
  - name: user
    join_keys: [{name: user_id, type: int64}]
sources:
  - {name: users, kind: batch, path: users.csv, timestamp_field: event_timestamp}
  - {name: users_push, kind: push, batch_source: users}
feature_views:
  - name: user_profile
    entities: [user]
    source: users_push
    ttl: 1h
    features:
      - {name: age, type: int64}
      - {name: city, type: string}
feature_services:
  - name: profile
    features: [user_profile:age]
)";

class EndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("tessera_serving_e2e_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "features");
    std::ofstream(dir_ / "tessera.yaml") << "project: p\nonline_store: {type: memory}\n";
    std::ofstream(dir_ / "features/defs.yaml") << kDefinitions;
    std::ofstream(dir_ / "users.csv")
        << "user_id,event_timestamp,age,city\n9," << Ts(1) << ",50,x\n";
    clock_.Set(1000 * kSec);
    StoreOptions options;
    options.env = &clock_;
    auto store = FeatureStore::Open(dir_.string(), options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    auto applied = store_->Apply("test");
    ASSERT_TRUE(applied.ok()) << applied.status().ToString();

    backend_ = MakeFacadeBackend(store_.get());
    api_ = std::make_unique<Api>(backend_.get(), &metrics_);
    HttpServerOptions http;
    http.port = 0;
    http.threads = 2;
    auto server = HttpServer::Open(http, api_.get());
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(*server);
    runner_ = std::thread([this] { server_->Run(); });
    client_ = std::make_unique<HttpTestClient>(server_->port());
    ASSERT_TRUE(client_->Connect());
  }
  void TearDown() override {
    client_.reset();
    if (server_) server_->Stop();
    if (runner_.joinable()) runner_.join();
    store_.reset();
    fs::remove_all(dir_);
  }
  std::string Post(const std::string& path, const std::string& body) {
    ClientResponse r = client_->Request("POST", path, body);
    return std::to_string(r.status) + " " + r.body + r.error;
  }

  fs::path dir_;
  ClockEnv clock_;
  std::unique_ptr<FeatureStore> store_;
  std::unique_ptr<Backend> backend_;
  Metrics metrics_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<HttpServer> server_;
  std::thread runner_;
  std::unique_ptr<HttpTestClient> client_;
};

TEST_F(EndToEndTest, PushThenReadEveryStatusAndTheTtl) {
  EXPECT_EQ(
      Post("/push", R"({"push_source_name": "users_push", "df": {"user_id": [1, 2],
                 "event_timestamp": [")" +
                        Ts(900) + R"(", ")" + Ts(100) + R"("],
                 "age": [30, 40], "city": ["paris", null]}})"),
      R"(200 {"push_source_name":"users_push","rows":2,"online_rows_written":2,"logged":false})");
  std::string read = R"({"features": ["user_profile:age", "user_profile:city"],
                         "entities": {"user_id": ["1", "2", "3"]}})";  // int64 keys as strings
  std::string epoch = "\"1970-01-01T00:00:00.000000Z\"";
  std::string key_ts = "[" + epoch + "," + epoch + "," + epoch + "]";
  EXPECT_EQ(
      Post("/get-online-features", read),
      R"(200 {"metadata":{"feature_names":["user_id","age","city"]},"results":[)"
      R"({"values":[1,2,3],"statuses":["PRESENT","PRESENT","PRESENT"],"event_timestamps":)" +
          key_ts +
          R"(},{"values":[30,40,null],"statuses":["PRESENT","PRESENT","NOT_FOUND"],)"
          R"("event_timestamps":[")" +
          Ts(900) + R"(",")" + Ts(100) + R"(",)" + epoch +
          R"(]},{"values":["paris",null,null],"statuses":["PRESENT","NULL_VALUE","NOT_FOUND"],)"
          R"("event_timestamps":[")" +
          Ts(900) + R"(",")" + Ts(100) + R"(",)" + epoch + "]}]}");

  // One hour after user 2's row: event_ts <= now - ttl, so OUTSIDE_MAX_AGE.
  clock_.Set((100 + 3600) * kSec);
  EXPECT_EQ(Post("/get-online-features",
                 R"({"features": ["user_profile:age"], "entities": {"user_id": [1, 2]},
                     "full_feature_names": true})"),
            R"(200 {"metadata":{"feature_names":["user_id","user_profile__age"]},"results":[)"
            R"({"values":[1,2],"statuses":["PRESENT","PRESENT"],"event_timestamps":[)" +
                epoch + "," + epoch +
                R"(]},{"values":[30,null],"statuses":["PRESENT","OUTSIDE_MAX_AGE"],)"
                R"("event_timestamps":[")" +
                Ts(900) + R"(",")" + Ts(100) + R"("]}]})");

  // A feature service names the same features.
  EXPECT_EQ(Post("/get-online-features",
                 R"({"feature_service": "profile", "entities": {"user_id": [1]}})")
                .substr(0, 61),
            R"(200 {"metadata":{"feature_names":["user_id","age"]},"results")");
}

TEST_F(EndToEndTest, ClientMistakesTheStoreFindsAre4xxNamingTheField) {
  auto error_of = [&](const std::string& body) {
    std::string r = Post("/get-online-features", body);
    return r.substr(0, r.find(' ')) + " " +
           (r.find("\"field\":") == std::string::npos ? "" : r.substr(r.find("\"field\":")));
  };
  EXPECT_EQ(error_of(R"({"features": ["user_profile:nope"], "entities": {"user_id": [1]}})"),
            R"(404 "field":"features"})");
  EXPECT_EQ(error_of(R"({"feature_service": "nope", "entities": {"user_id": [1]}})"),
            R"(404 "field":"feature_service"})");
  EXPECT_EQ(error_of(R"({"features": ["user_profile:age"], "entities": {"user_id": ["x"]}})"),
            R"(400 "field":"entities"})");
  EXPECT_EQ(error_of(R"({"features": ["user_profile:age"], "entities": {"merchant": [1]}})"),
            R"(400 "field":"entities"})");
  std::string r = Post("/push", R"({"push_source_name": "users_push", "df": {"user_id": [1]}})");
  EXPECT_EQ(r.substr(0, 4), "400 ") << r;
  EXPECT_NE(r.find(R"("field":"df")"), std::string::npos) << r;
  r = Post("/push", R"({"push_source_name": "nope", "df": {"user_id": [1]}})");
  EXPECT_EQ(r.substr(0, 4), "404 ") << r;
  EXPECT_NE(r.find(R"("field":"push_source_name")"), std::string::npos) << r;
}

TEST_F(EndToEndTest, MaterializeThenReadAndSeeFreshnessInMetrics) {
  std::string r = Post("/materialize",
                       R"({"start_ts": "1970-01-01T00:00:00Z", "end_ts": ")" + Ts(500) + R"("})");
  std::string head =
      R"(200 {"views":[{"view":"user_profile","version":1,"start_ts":"1970-01-01T00:00:00.000000Z",)";
  EXPECT_EQ(r.substr(0, head.size()), head) << r;
  EXPECT_NE(r.find(R"("end_ts":")" + Ts(500) + R"(",)"), std::string::npos) << r;
  EXPECT_NE(r.find(R"("rows_written":1})"), std::string::npos) << r;
  EXPECT_EQ(
      Post("/get-online-features",
           R"({"features": ["user_profile:city"], "entities": {"user_id": [9]}})"),
      R"(200 {"metadata":{"feature_names":["user_id","city"]},"results":[)"
      R"({"values":[9],"statuses":["PRESENT"],"event_timestamps":["1970-01-01T00:00:00.000000Z"]},)"
      R"({"values":["x"],"statuses":["PRESENT"],"event_timestamps":[")" +
          Ts(1) + R"("]}]})");
  std::string metrics = client_->Request("GET", "/metrics").body;
  EXPECT_NE(metrics.find(
                "tessera_feature_view_version{view=\"user_profile\",state=\"materialized\"} 1\n"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("tessera_materialized_end_seconds{view=\"user_profile\",version=\"1\"} "
                         "500.000000\n"),
            std::string::npos);
  // now (1000 s) - end (500 s)
  EXPECT_NE(metrics.find("tessera_materialization_staleness_seconds{view=\"user_profile\","
                         "version=\"1\"} 500.000000\n"),
            std::string::npos);
  EXPECT_EQ(Post("/materialize-incremental", R"({"end_ts": ")" + Ts(400) + R"("})").substr(0, 4),
            "400 ");
}

TEST_F(EndToEndTest, HealthAndDiscovery) {
  ClientResponse health = client_->Request("GET", "/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, R"({"status":"ok","online_store":"memory"})");
  ClientResponse list = client_->Request("GET", "/registry/objects?kind=view");
  EXPECT_EQ(list.status, 200);
  auto expected = store_->ListJson("view");
  ASSERT_TRUE(expected.ok());
  EXPECT_EQ(list.body, *expected);
  EXPECT_NE(list.body.find("\"user_profile\""), std::string::npos);
  ClientResponse describe = client_->Request("GET", "/registry/objects/user_profile");
  EXPECT_EQ(describe.status, 200);
  EXPECT_NE(describe.body.find("\"history\""), std::string::npos);
  ClientResponse lineage = client_->Request("GET", "/registry/lineage/user_profile");
  EXPECT_EQ(lineage.status, 200);
  EXPECT_NE(lineage.body.find("\"upstream\""), std::string::npos);
  EXPECT_NE(lineage.body.find("\"downstream\""), std::string::npos);
  ClientResponse search = client_->Request("GET", "/registry/search?q=profile");
  EXPECT_EQ(search.status, 200);
  EXPECT_NE(search.body.find("user_profile"), std::string::npos);
  ClientResponse missing = client_->Request("GET", "/registry/objects/nope");
  EXPECT_EQ(missing.status, 404);
}

}  // namespace
}  // namespace tessera::serving
