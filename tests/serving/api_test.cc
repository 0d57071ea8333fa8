// The HTTP API's handlers without sockets: routes, response shapes, and the
// mapping of every failure to a status and a JSON error body.
#include "tessera/serving/api.h"

#include <gtest/gtest.h>

#include "fake_backend.h"
#include "tessera/core/time.h"

namespace tessera::serving {
namespace {

class ApiTest : public ::testing::Test {
 protected:
  HttpResponse Call(std::string method, std::string target, std::string body = "") {
    HttpRequest r{std::move(method), std::move(target), std::move(body), ""};
    return api_.Handle(r);
  }
  static std::string StatusAndBody(const HttpResponse& r) {
    return std::to_string(r.status) + " " + r.body;
  }

  testing::FakeBackend backend_;
  Metrics metrics_;
  Api api_{&backend_, &metrics_};
};

TEST_F(ApiTest, GetOnlineFeaturesAnswersFeastsColumnarShape) {
  HttpResponse r = Call("POST", "/get-online-features",
                        R"({"features": ["v:f"], "entities": {"user_id": [3, 0, 5]}})");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(
      r.body,
      R"({"metadata":{"feature_names":["user_id","v:f"]},"results":[)"
      R"({"values":[3,0,5],"statuses":["PRESENT","PRESENT","PRESENT"],"event_timestamps":)"
      R"(["1970-01-01T00:00:00.000000Z","1970-01-01T00:00:00.000000Z","1970-01-01T00:00:00.000000Z"]},)"
      R"({"values":[30,null,50],"statuses":["PRESENT","NOT_FOUND","PRESENT"],"event_timestamps":)"
      R"(["2024-03-01T12:00:00.000003Z","1970-01-01T00:00:00.000000Z","2024-03-01T12:00:00.000005Z"]}]})");
  EXPECT_EQ(backend_.last_request().features, std::vector<std::string>{"v:f"});
  EXPECT_EQ(backend_.last_entities(), "user_id=3\nuser_id=0\nuser_id=5\n");
}

TEST_F(ApiTest, FacadeFailuresMapToStatusesWithTheField) {
  std::string body = R"({"features": ["v:nope"], "entities": {"user_id": [1]}})";
  backend_.online_status = Status::NotFound("feature-view 'v' has no feature 'nope'");
  EXPECT_EQ(StatusAndBody(Call("POST", "/get-online-features", body)),
            R"(404 {"error":"feature-view 'v' has no feature 'nope'","field":"features"})");
  backend_.online_status = Status::NotFound("no feature service 's'");
  EXPECT_EQ(StatusAndBody(Call("POST", "/get-online-features",
                               R"({"feature_service": "s", "entities": {"user_id": [1]}})")),
            R"(404 {"error":"no feature service 's'","field":"feature_service"})");
  backend_.online_status = Status::Invalid("entities: missing join key user_id");
  EXPECT_EQ(StatusAndBody(Call("POST", "/get-online-features", body)),
            R"(400 {"error":"entities: missing join key user_id","field":"entities"})");
  backend_.online_status = Status::Unavailable("redis 127.0.0.1:1: connection refused");
  EXPECT_EQ(StatusAndBody(Call("POST", "/get-online-features", body)),
            R"(503 {"error":"redis 127.0.0.1:1: connection refused"})");
  backend_.online_status = Status::Unsupported("online reads are not built yet");
  EXPECT_EQ(StatusAndBody(Call("POST", "/get-online-features", body)),
            R"(501 {"error":"online reads are not built yet"})");
  backend_.online_status = Status::IOError("read 'x': Input/output error");
  EXPECT_EQ(Call("POST", "/get-online-features", body).status, 500);
}

TEST_F(ApiTest, MalformedBodiesNeverReachTheBackend) {
  EXPECT_EQ(
      StatusAndBody(Call("POST", "/get-online-features", "{")),
      R"(400 {"error":"malformed JSON at byte 1: Missing a name for object member.","field":"body"})");
  EXPECT_EQ(backend_.online_calls(), 0);
}

TEST_F(ApiTest, PushAnswersItsSummary) {
  HttpResponse r = Call("POST", "/push", R"({"push_source_name": "txn_push",
      "df": {"user_id": [1, 2]}, "to": "online_and_offline"})");
  EXPECT_EQ(StatusAndBody(r),
            R"(200 {"push_source_name":"txn_push","rows":2,"online_rows_written":2,)"
            R"("logged":true,"first_seq":7,"last_seq":8})");
  backend_.push_status = Status::NotFound("no push source 'x'");
  EXPECT_EQ(StatusAndBody(Call("POST", "/push", R"({"push_source_name": "x", "df": {"a": [1]}})")),
            R"(404 {"error":"no push source 'x'","field":"push_source_name"})");
  backend_.push_status = Status::Invalid("df.amount: expected double, got string");
  EXPECT_EQ(StatusAndBody(Call("POST", "/push", R"({"push_source_name": "x", "df": {"a": [1]}})")),
            R"(400 {"error":"df.amount: expected double, got string","field":"df"})");
}

TEST_F(ApiTest, PushReportsAndCountsWindowEventsAndRetries) {
  backend_.push_window_applied = 5;
  backend_.push_window_too_old = 2;
  backend_.push_duplicates = 1;
  const std::string body = R"({"push_source_name": "p", "df": {"a": [1]}})";
  EXPECT_EQ(StatusAndBody(Call("POST", "/push", body)),
            R"(200 {"push_source_name":"p","rows":1,"online_rows_written":1,"logged":false,)"
            R"("duplicates_dropped":1,"window_events_applied":5,"window_events_too_old":2})");
  Call("POST", "/push", body);
  const std::string m = Call("GET", "/metrics").body;
  auto has = [&](const std::string& line) { return m.find(line + "\n") != std::string::npos; };
  EXPECT_TRUE(has("tessera_window_events_applied_total 10")) << m;
  EXPECT_TRUE(has("tessera_window_events_too_old_total 4")) << m;
  EXPECT_TRUE(has("tessera_push_duplicates_dropped_total 2")) << m;
}

TEST_F(ApiTest, PushConvertsJsonToTheSourcesTypes) {
  HttpResponse r = Call("POST", "/push", R"({"push_source_name": "p", "df": {
      "user_id": [1, 2], "amount": [1, 2.5], "ts": ["2024-03-01T12:00:00Z", null],
      "blob": ["Zm9v", null], "n": [5, null], "emb": [[1, 2.5], null], "extra": ["x", "y"]}})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(backend_.last_push_rows(),
            "user_id: int64, amount: float, ts: timestamp, blob: bytes, n: int32, "
            "emb: list<float>, extra: string\n"
            "user_id=1, amount=1, ts=2024-03-01T12:00:00.000000Z, blob=\"foo\", n=5, "
            "emb=[1, 2.5], extra=\"x\"\n"
            "user_id=2, amount=2.5, ts=null, blob=null, n=null, emb=null, extra=\"y\"\n");
  // A null-only column takes the declared type.
  EXPECT_EQ(Call("POST", "/push", R"({"push_source_name": "p", "df": {"ts": [null]}})").status,
            200);
  EXPECT_EQ(backend_.last_push_rows(), "ts: timestamp\nts=null\n");
}

TEST_F(ApiTest, PushValuesThatDoNotConvertAre400NamingTheRow) {
  auto push = [&](const std::string& df) {
    return StatusAndBody(Call("POST", "/push", R"({"push_source_name": "p", "df": )" + df + "}"));
  };
  EXPECT_EQ(push(R"({"ts": ["2024-03-01", "soon"]})"),
            R"(400 {"error":"'soon' is not a timestamp: )" +
                ParseTimestamp("soon").status().message() + R"(","field":"df.ts[1]"})");
  EXPECT_EQ(push(R"({"blob": ["Zm9"]})"),
            R"(400 {"error":"'Zm9' is not base64","field":"df.blob[0]"})");
  EXPECT_EQ(push(R"({"n": [1, 3000000000]})"),
            R"(400 {"error":"3000000000 is outside the int32 range","field":"df.n[1]"})");
  EXPECT_EQ(push(R"({"user_id": ["12x"]})"),
            R"(400 {"error":"'12x' is not an integer","field":"df.user_id[0]"})");
  backend_.push_schema_status = Status::NotFound("no source 'p' (did you mean 'p2'?)");
  EXPECT_EQ(push(R"({"a": [1]})"),
            R"j(404 {"error":"no source 'p' (did you mean 'p2'?)","field":"push_source_name"})j");
}

TEST_F(ApiTest, MaterializeAnswersItsSummary) {
  HttpResponse r = Call("POST", "/materialize",
                        R"({"start_ts": "2024-03-01", "end_ts": "2024-03-02T00:00:00Z"})");
  EXPECT_EQ(StatusAndBody(r),
            R"(200 {"views":[{"view":"user_profile","version":2,)"
            R"("start_ts":"2024-03-01T00:00:00.000000Z","end_ts":"2024-03-02T00:00:00.000000Z",)"
            R"("rows_scanned":10,"rows_written":4}]})");
  EXPECT_FALSE(backend_.last_materialize().incremental);
  r = Call("POST", "/materialize-incremental",
           R"({"end_ts": "2024-03-02", "feature_views": ["a"]})");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(backend_.last_materialize().incremental);
  EXPECT_EQ(backend_.last_materialize().views, std::vector<std::string>{"a"});
  backend_.materialize_status = Status::Unsupported("view 'user_spend' is aggregated");
  EXPECT_EQ(StatusAndBody(Call("POST", "/materialize-incremental", R"({"end_ts": "2024-03-02"})")),
            R"(501 {"error":"view 'user_spend' is aggregated"})");
}

// Materializations run off the connection threads (HttpServer); nothing
// else does, not even a materialization path asked for with another method.
TEST_F(ApiTest, OnlyMaterializationsRunLong) {
  auto runs_long = [&](std::string method, std::string target) {
    HttpRequest r{std::move(method), std::move(target), "", ""};
    return api_.RunsLong(r);
  };
  EXPECT_TRUE(runs_long("POST", "/materialize"));
  EXPECT_TRUE(runs_long("POST", "/materialize-incremental?x=1"));
  EXPECT_FALSE(runs_long("GET", "/materialize"));
  EXPECT_FALSE(runs_long("POST", "/push"));
  EXPECT_FALSE(runs_long("POST", "/get-online-features"));
  EXPECT_FALSE(runs_long("POST", "/materialize/x"));
  EXPECT_FALSE(runs_long("POST", "%zz"));
}

TEST_F(ApiTest, HealthIs503WhenTheStoreDoesNotAnswer) {
  EXPECT_EQ(StatusAndBody(Call("GET", "/health")),
            R"(200 {"status":"ok","online_store":"memory"})");
  backend_.health_status = Status::Unavailable("redis 127.0.0.1:1: connection refused");
  EXPECT_EQ(StatusAndBody(Call("GET", "/health")),
            R"(503 {"status":"unavailable","error":"redis 127.0.0.1:1: connection refused"})");
  backend_.health_status = Status::Unsupported("online_store type 'rocksdb' is not built yet");
  EXPECT_EQ(Call("GET", "/health").status, 503);
}

TEST_F(ApiTest, UnknownPathsAndWrongMethods) {
  EXPECT_EQ(StatusAndBody(Call("GET", "/nope")),
            R"j(404 {"error":"no endpoint /nope (see docs/HTTP.md)","field":"path"})j");
  HttpResponse r = Call("GET", "/get-online-features");
  EXPECT_EQ(StatusAndBody(r),
            R"(405 {"error":"GET is not allowed here; use POST","field":"method"})");
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0], (std::pair<std::string, std::string>{"Allow", "POST"}));
  EXPECT_EQ(Call("POST", "/health").status, 405);
  EXPECT_EQ(Call("GET", "/bad%zz").status, 400);
}

TEST_F(ApiTest, RegistryQueries) {
  EXPECT_EQ(StatusAndBody(Call("GET", "/registry/objects?kind=view")), R"(200 {"fake":true})");
  EXPECT_EQ(backend_.last_query().what, DiscoveryQuery::Kind::kList);
  EXPECT_EQ(backend_.last_query().kind, "view");

  EXPECT_EQ(Call("GET", "/registry/objects/user%20profile?version=3").status, 200);
  EXPECT_EQ(backend_.last_query().what, DiscoveryQuery::Kind::kDescribe);
  EXPECT_EQ(backend_.last_query().name, "user profile");
  EXPECT_EQ(backend_.last_query().version, 3);

  EXPECT_EQ(Call("GET", "/registry/search?q=spend+24h").status, 200);
  EXPECT_EQ(backend_.last_query().text, "spend 24h");

  EXPECT_EQ(
      Call("GET", "/registry/lineage/user_profile?direction=upstream&transitive=false").status,
      200);
  DiscoveryQuery q = backend_.last_query();
  EXPECT_EQ(q.what, DiscoveryQuery::Kind::kLineage);
  EXPECT_TRUE(q.upstream);
  EXPECT_FALSE(q.downstream);
  EXPECT_FALSE(q.transitive);

  EXPECT_EQ(
      StatusAndBody(Call("GET", "/registry/objects?color=red")),
      R"j(400 {"error":"unknown query parameter (this endpoint takes kind)","field":"color"})j");
  EXPECT_EQ(StatusAndBody(Call("GET", "/registry/objects/x?version=0")),
            R"j(400 {"error":"expected a version number (1, 2, ...)","field":"version"})j");
  EXPECT_EQ(StatusAndBody(Call("GET", "/registry/search")),
            R"(400 {"error":"missing: give the text to search for","field":"q"})");
  EXPECT_EQ(StatusAndBody(Call("GET", "/registry/lineage/x?direction=sideways")),
            R"(400 {"error":"expected upstream, downstream or both","field":"direction"})");
  EXPECT_EQ(Call("GET", "/registry/things").status, 404);
  EXPECT_EQ(Call("POST", "/registry/objects").status, 405);

  backend_.discover_status = Status::NotFound("no object named 'x'");
  EXPECT_EQ(StatusAndBody(Call("GET", "/registry/objects/x")),
            R"(404 {"error":"no object named 'x'","field":"name"})");
}

TEST_F(ApiTest, MetricsCountRequestsErrorsAndKeys) {
  Call("POST", "/get-online-features", R"({"features": ["v:f"], "entities": {"u": [1, 2, 3]}})");
  Call("POST", "/get-online-features", "{");
  Call("GET", "/nope");
  backend_.health_status = Status::Unavailable("down");
  Call("GET", "/health");
  api_.Refused("/push", 413);
  HttpResponse r = Call("GET", "/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
  const std::string& m = r.body;
  auto has = [&](const std::string& line) { return m.find(line + "\n") != std::string::npos; };
  EXPECT_TRUE(has(R"(tessera_http_requests_total{endpoint="get-online-features"} 2)")) << m;
  EXPECT_TRUE(has(R"(tessera_http_errors_total{endpoint="get-online-features",class="4xx"} 1)"));
  EXPECT_TRUE(has(R"(tessera_http_errors_total{endpoint="get-online-features",class="5xx"} 0)"));
  EXPECT_TRUE(has(R"(tessera_http_requests_total{endpoint="other"} 1)"));
  EXPECT_TRUE(has(R"(tessera_http_errors_total{endpoint="health",class="5xx"} 1)"));
  EXPECT_TRUE(has(R"(tessera_http_errors_total{endpoint="push",class="4xx"} 1)"));
  EXPECT_TRUE(has(R"(tessera_online_keys_read_total 3)"));
  EXPECT_TRUE(has(R"(tessera_online_read_duration_seconds_count 1)"));
  EXPECT_TRUE(has(
      R"(tessera_http_request_duration_seconds_bucket{endpoint="get-online-features",le="+Inf"} 2)"));
  EXPECT_TRUE(
      has(R"(tessera_http_request_duration_seconds_count{endpoint="get-online-features"} 2)"));
  // The /metrics request itself is counted after it answers.
  EXPECT_TRUE(has(R"(tessera_http_requests_total{endpoint="metrics"} 0)"));
}

TEST_F(ApiTest, MetricsShowEachViewsFreshness) {
  backend_.freshness = {{"user_profile", 3, 2, 1709337600000000, 90500000},
                        {"new_view", 1, 0, 0, 0}};
  std::string m = Call("GET", "/metrics").body;
  std::string tail = m.substr(m.find("# HELP tessera_feature_view_version"));
  EXPECT_EQ(tail,
            "# HELP tessera_feature_view_version Applied (current) and newest materialized "
            "version.\n"
            "# TYPE tessera_feature_view_version gauge\n"
            "tessera_feature_view_version{view=\"user_profile\",state=\"current\"} 3\n"
            "tessera_feature_view_version{view=\"user_profile\",state=\"materialized\"} 2\n"
            "tessera_feature_view_version{view=\"new_view\",state=\"current\"} 1\n"
            "tessera_feature_view_version{view=\"new_view\",state=\"materialized\"} 0\n"
            "# HELP tessera_materialized_end_seconds End of the last materialized interval.\n"
            "# TYPE tessera_materialized_end_seconds gauge\n"
            "tessera_materialized_end_seconds{view=\"user_profile\",version=\"2\"} "
            "1709337600.000000\n"
            "# HELP tessera_materialization_staleness_seconds Now minus the materialized end.\n"
            "# TYPE tessera_materialization_staleness_seconds gauge\n"
            "tessera_materialization_staleness_seconds{view=\"user_profile\",version=\"2\"} "
            "90.500000\n");
  backend_.freshness_status = Status::NotFound("run tessera apply first");
  m = Call("GET", "/metrics").body;
  EXPECT_EQ(m.find("tessera_feature_view_version"), std::string::npos);
  EXPECT_NE(m.find("tessera_http_requests_total"), std::string::npos);
}

TEST(StreamMetricsTest, EachConsumerGetsItsCountersGaugesAndCumulativeFreshnessBuckets) {
  stream::StreamStatus s;
  s.source = "tx_push";
  s.stream = "tx\"events";  // a quote in a label value is escaped
  s.group = "g";
  s.consumer = "c1";
  s.connected = true;
  s.lag_entries = 12;
  s.lag_seconds = 0.25;
  s.events_applied = 900;
  s.rejected = 3;
  s.batches = 40;
  s.freshness_counts.assign(stream::kFreshnessBuckets, 0);
  s.freshness_counts[0] = 5;                              // <= 1 ms
  s.freshness_counts[3] = 2;                              // <= 10 ms
  s.freshness_counts[stream::kFreshnessBuckets - 1] = 1;  // above 60 s
  s.freshness_sum_seconds = 61.5;
  std::string out;
  Metrics::RenderStreams({s}, &out);
  const std::string l = R"(source="tx_push",stream="tx\"events",group="g",consumer="c1")";
  for (const std::string& line :
       {"tessera_stream_connected{" + l + "} 1\n", "tessera_stream_lag_entries{" + l + "} 12\n",
        "tessera_stream_lag_seconds{" + l + "} 0.250000\n",
        "tessera_stream_events_applied_total{" + l + "} 900\n",
        "tessera_stream_rejected_total{" + l + "} 3\n",
        "tessera_stream_commits_total{" + l + "} 40\n",
        "tessera_stream_freshness_seconds_bucket{" + l + ",le=\"0.001\"} 5\n",
        "tessera_stream_freshness_seconds_bucket{" + l + ",le=\"0.005\"} 5\n",
        "tessera_stream_freshness_seconds_bucket{" + l + ",le=\"0.01\"} 7\n",
        "tessera_stream_freshness_seconds_bucket{" + l + ",le=\"60\"} 7\n",
        "tessera_stream_freshness_seconds_bucket{" + l + ",le=\"+Inf\"} 8\n",
        "tessera_stream_freshness_seconds_sum{" + l + "} 61.500000\n",
        "tessera_stream_freshness_seconds_count{" + l + "} 8\n"}) {
    EXPECT_NE(out.find(line), std::string::npos) << line << " in\n" << out;
  }
  std::string none;
  Metrics::RenderStreams({}, &none);
  EXPECT_EQ(none, "");
}

TEST(LatencyHistogramTest, BucketsAreCumulativeWithInclusiveBounds) {
  LatencyHistogram h;
  h.Record(50);        // le 0.00005
  h.Record(51);        // le 0.0001
  h.Record(1000);      // le 0.001
  h.Record(2000000);   // le 2.5
  h.Record(99000000);  // +Inf
  std::string out;
  h.Render("x", "", &out);
  EXPECT_NE(out.find("x_bucket{le=\"5e-05\"} 1\n"), std::string::npos) << out;
  EXPECT_NE(out.find("x_bucket{le=\"0.0001\"} 2\n"), std::string::npos);
  EXPECT_NE(out.find("x_bucket{le=\"0.001\"} 3\n"), std::string::npos);
  EXPECT_NE(out.find("x_bucket{le=\"1\"} 3\n"), std::string::npos);
  EXPECT_NE(out.find("x_bucket{le=\"2.5\"} 4\n"), std::string::npos);
  EXPECT_NE(out.find("x_bucket{le=\"+Inf\"} 5\n"), std::string::npos);
  EXPECT_NE(out.find("x_sum 101.001101\n"), std::string::npos);
  EXPECT_NE(out.find("x_count 5\n"), std::string::npos);
}

}  // namespace
}  // namespace tessera::serving
