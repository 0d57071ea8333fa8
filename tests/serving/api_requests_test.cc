#include "tessera/serving/api_requests.h"

#include <gtest/gtest.h>

#include <cmath>

namespace tessera::serving {
namespace {

// The error of parsing `body` as a /get-online-features request, as
// "status field: reason"; "ok" when it parses.
std::string OnlineError(std::string_view body) {
  OnlineFeaturesCall call;
  std::optional<ApiError> err = ParseOnlineFeaturesBody(body, &call);
  if (!err) return "ok";
  return std::to_string(err->http_status) + " " + err->field + ": " + err->reason;
}

OnlineFeaturesCall ParseOnline(std::string_view body) {
  OnlineFeaturesCall call;
  std::optional<ApiError> err = ParseOnlineFeaturesBody(body, &call);
  EXPECT_FALSE(err) << err->field << ": " << err->reason;
  return call;
}

TEST(ParseOnlineFeaturesTest, FeastShapedRequest) {
  OnlineFeaturesCall call = ParseOnline(R"({
    "features": ["user_profile:age", "merchant_profile:risk_score"],
    "entities": {"user_id": [1, 2, 3], "merchant_id": ["m1", "m2", null]},
    "full_feature_names": true})");
  EXPECT_EQ(call.request.features,
            (std::vector<std::string>{"user_profile:age", "merchant_profile:risk_score"}));
  EXPECT_TRUE(call.request.feature_service.empty());
  EXPECT_TRUE(call.request.full_feature_names);
  const RecordBatch& b = *call.entities;
  ASSERT_EQ(b.num_rows(), 3);
  EXPECT_EQ(b.schema()->ToString(), "user_id: int64, merchant_id: string");
  EXPECT_EQ(b.column(0)->GetInt64(2), 3);
  EXPECT_EQ(b.column(1)->GetView(1), "m2");
  EXPECT_TRUE(b.column(1)->IsNull(2));
}

TEST(ParseOnlineFeaturesTest, FeatureServiceAndRequestContextColumnsFollowEntities) {
  OnlineFeaturesCall call = ParseOnline(R"({"feature_service": "fraud_v1",
    "entities": {"user_id": ["1001"]}, "request_context": {"amount": [12.5]}})");
  EXPECT_EQ(call.request.feature_service, "fraud_v1");
  EXPECT_FALSE(call.request.full_feature_names);
  EXPECT_EQ(call.entities->schema()->ToString(), "user_id: string, amount: double");
}

TEST(ParseOnlineFeaturesTest, ColumnTypesFollowTheValues) {
  OnlineFeaturesCall call = ParseOnline(R"({"features": ["v:f"], "entities": {
    "i": [1, null], "d": [1, 2.5], "nan": [1.5, "NaN"], "b": [true, false],
    "s": ["NaN", "x"], "n": [null, null], "li": [[1, 2], null], "ld": [[1], [2.5, null]],
    "ls": [["a"], []]}})");
  EXPECT_EQ(call.entities->schema()->ToString(),
            "i: int64, d: double, nan: double, b: bool, s: string, n: int64, li: list<int64>, "
            "ld: list<double>, ls: list<string>");
  EXPECT_TRUE(std::isnan(call.entities->column(2)->GetDouble(1)));
  EXPECT_EQ(call.entities->column(6)->child().GetInt64(1), 2);
  EXPECT_TRUE(call.entities->column(7)->child().IsNull(2));
  EXPECT_EQ(call.entities->column(5)->null_count(), 2);
}

TEST(ParseOnlineFeaturesTest, RefusesClientMistakesNamingTheField) {
  EXPECT_EQ(OnlineError(""), "400 body: the body is empty: expected a JSON object");
  EXPECT_EQ(OnlineError("{\"features\": [\"a:b\"],"),
            "400 body: malformed JSON at byte 21: Missing a name for object member.");
  EXPECT_EQ(OnlineError("[1]"), "400 body: expected a JSON object");
  EXPECT_EQ(OnlineError("{} x"),
            "400 body: malformed JSON at byte 3: The document root must not be followed by "
            "other values.");
  EXPECT_EQ(OnlineError("{\"entities\": {\"u\": [1]}}"),
            "400 features: give features (a list of \"view:feature\") or feature_service");
  EXPECT_EQ(OnlineError(R"({"features": ["a:b"], "feature_service": "s", "entities": {}})"),
            "400 feature_service: give either features or feature_service, not both");
  EXPECT_EQ(OnlineError(R"({"features": "a:b", "entities": {}})"),
            "400 features: expected an array of strings");
  EXPECT_EQ(OnlineError(R"({"features": ["a:b", 3], "entities": {}})"),
            "400 features[1]: expected a string");
  EXPECT_EQ(OnlineError(R"({"features": ["a:b"]})"),
            "400 entities: missing: expected {\"join_key\": [values], ...}");
  EXPECT_EQ(OnlineError(R"({"features": ["a:b"], "entities": {}})"),
            "400 entities: has no columns");
  EXPECT_EQ(OnlineError(R"({"features": ["a:b"], "entities": {"u": 1}})"),
            "400 entities.u: expected an array of values, one per row");
  EXPECT_EQ(OnlineError(R"({"features": ["a:b"], "entities": {"u": [1, 2], "m": ["x"]}})"),
            "400 entities.m: has 1 values, u has 2");
  EXPECT_EQ(OnlineError(R"({"features": ["a:b"], "entities": {"u": [1, "2"]}})"),
            "400 entities.u: mixed value types: row 0 is a number and row 1 is a string");
  EXPECT_EQ(OnlineError(R"({"features": ["a:b"], "entities": {"u": [true, 1.5]}})"),
            "400 entities.u: mixed value types: row 0 is a boolean and row 1 is a number");
  EXPECT_EQ(OnlineError(R"({"features": ["a:b"], "entities": {"u": [[1], ["x"]]}})"),
            "400 entities.u: mixed value types: list element 0 is a number and list element 1 "
            "is a string");
  EXPECT_EQ(OnlineError(R"({"features": ["a:b"], "entities": {"u": [1, {"a": 1}]}})"),
            "400 entities.u[1]: an object is not a value");
  EXPECT_EQ(OnlineError(R"({"features": ["a:b"], "entities": {"u": [[[1]]]}})"),
            "400 entities.u[0]: a list may hold numbers or strings, not a list");
  EXPECT_EQ(OnlineError(R"({"features": ["a:b"], "entities": {"u": [18446744073709551615]}})"),
            "400 entities.u[0]: 18446744073709551615 is outside the int64 range");
  EXPECT_EQ(OnlineError(R"({"features": ["a:b"], "entities": {"u": [1]},
                            "request_context": {"u": [2]}})"),
            "400 request_context.u: the column u is given twice");
  EXPECT_EQ(OnlineError(R"({"features": ["a:b"], "entities": {"u": [1]},
                            "request_context": {"amount": [2, 3]}})"),
            "400 request_context.amount: has 2 values, u has 1");
  EXPECT_EQ(OnlineError(R"({"features": ["a:b"], "entities": {"u": [1]},
                            "full_feature_names": "yes"})"),
            "400 full_feature_names: expected true or false");
  EXPECT_EQ(OnlineError("{\"features\": [\"a\xff\"], \"entities\": {\"u\": [1]}}"),
            "400 body: malformed JSON at byte 16: Invalid encoding in string.");
}

// A body is parsed in place when it is ASCII, has no NUL byte and is at
// most 64 KiB, and by the copying parser otherwise: both read the same.
TEST(ParseOnlineFeaturesTest, EveryParsePathReadsTheSame) {
  const std::string body =
      R"({"features": ["v:f\u0031", "v:g"], "entities": {"k": ["a\"b", "c"]}})";
  auto check = [](const OnlineFeaturesCall& call) {
    EXPECT_EQ(call.request.features, (std::vector<std::string>{"v:f1", "v:g"}));
    ASSERT_EQ(call.entities->num_rows(), 2);
    EXPECT_EQ(call.entities->column(0)->GetView(0), "a\"b");
    EXPECT_EQ(call.entities->column(0)->GetView(1), "c");
  };
  check(ParseOnline(body));                                // in place
  check(ParseOnline(body + std::string(70 * 1024, ' ')));  // too large: copied
  check(ParseOnline(R"({"x": "é", )" + body.substr(1)));   // not ASCII
  // The same thread parses again: the in-place copy of the last body is
  // not what the next one reads.
  check(ParseOnline(body));
  // A NUL byte is a byte of the body like any other, wherever it is.
  std::string nul = body;
  nul.insert(body.size() - 1, 1, '\0');
  EXPECT_EQ(OnlineError(nul), "400 body: malformed JSON at byte " +
                                  std::to_string(body.size() - 1) +
                                  ": Missing a comma or '}' after an object member.");
  EXPECT_EQ(OnlineError("{\"features\": [\"a\xff\"]}"),
            "400 body: malformed JSON at byte 16: Invalid encoding in string.");
}

TEST(ParseOnlineFeaturesTest, DeepNestingIsAnErrorNotACrash) {
  std::string deep = R"({"features": ["a:b"], "entities": {"u": )" + std::string(100000, '[') +
                     std::string(100000, ']') + "}}";
  EXPECT_EQ(OnlineError(deep), "400 entities.u[0]: a list may hold numbers or strings, not a list");
  std::string unbalanced(200000, '[');
  EXPECT_EQ(OnlineError(unbalanced).substr(0, 29), "400 body: malformed JSON at b");
}

TEST(ParsePushTest, DefaultsToOnlineAndBuildsTheRows) {
  PushCall call;
  ASSERT_FALSE(ParsePushBody(R"({"push_source_name": "txn_push",
      "df": {"user_id": [1, 2], "amount": [1.5, null], "ts": ["2024-03-01T00:00:00Z", "x"]}})",
                             &call));
  EXPECT_EQ(call.source, "txn_push");
  EXPECT_EQ(call.to, PushTarget::kOnline);
  EXPECT_EQ((*Schema::Make(call.df.fields))->ToString(),
            "user_id: int64, amount: double, ts: string");
  EXPECT_EQ(call.df.num_rows, 2);
}

TEST(ParsePushTest, Targets) {
  for (auto [text, target] :
       {std::pair{"online", PushTarget::kOnline}, std::pair{"offline", PushTarget::kOffline},
        std::pair{"online_and_offline", PushTarget::kOnlineAndOffline}}) {
    PushCall call;
    std::string body =
        std::string(R"({"push_source_name": "p", "df": {"a": [1]}, "to": ")") + text + "\"}";
    ASSERT_FALSE(ParsePushBody(body, &call)) << text;
    EXPECT_EQ(call.to, target) << text;
  }
  PushCall call;
  std::optional<ApiError> err =
      ParsePushBody(R"({"push_source_name": "p", "df": {"a": [1]}, "to": "both"})", &call);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->field, "to");
  EXPECT_EQ(err->reason, "expected \"online\", \"offline\" or \"online_and_offline\"");
  err = ParsePushBody(R"({"df": {"a": [1]}})", &call);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->field + ": " + err->reason, "push_source_name: missing: expected a string");
  err = ParsePushBody(R"({"push_source_name": "p"})", &call);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->field + ": " + err->reason, "df: missing: expected {\"column\": [values]}");
}

TEST(ParseMaterializeTest, TimestampsAndViews) {
  MaterializeRequest request;
  ASSERT_FALSE(ParseMaterializeBody(
      R"({"start_ts": "2024-03-01T00:00:00Z", "end_ts": "2024-03-02", "feature_views": ["a"]})",
      false, &request));
  EXPECT_EQ(request.start_micros, 1709251200000000);
  EXPECT_EQ(request.end_micros, 1709337600000000);
  EXPECT_FALSE(request.incremental);
  EXPECT_EQ(request.views, std::vector<std::string>{"a"});

  MaterializeRequest incremental;
  ASSERT_FALSE(
      ParseMaterializeBody(R"({"end_ts": "2024-03-02T00:00:00+01:00"})", true, &incremental));
  EXPECT_TRUE(incremental.incremental);
  EXPECT_EQ(incremental.end_micros, 1709334000000000);
  EXPECT_TRUE(incremental.views.empty());
}

TEST(ParseMaterializeTest, Errors) {
  MaterializeRequest r;
  auto error = [&](std::string_view body, bool incremental) {
    std::optional<ApiError> err = ParseMaterializeBody(body, incremental, &r);
    return err ? err->field + ": " + err->reason : "ok";
  };
  EXPECT_EQ(error(R"({"end_ts": "2024-03-02"})", false), "start_ts: missing: expected a string");
  EXPECT_EQ(error(R"({"start_ts": "2024-03-02", "end_ts": "2024-03-01"})", false),
            "end_ts: must be after start_ts");
  EXPECT_EQ(error(R"({"end_ts": 5})", true), "end_ts: expected a string");
  EXPECT_EQ(error(R"({"end_ts": "2024-03-02", "feature_views": "a"})", true),
            "feature_views: expected an array of strings");
  EXPECT_EQ(error(R"({"end_ts": "yesterday"})", true).substr(0, 8), "end_ts: ");
}

}  // namespace
}  // namespace tessera::serving
