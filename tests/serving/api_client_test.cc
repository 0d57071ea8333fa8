// The client's half of the API (api_client.h) against the server's half:
// every body it builds is parsed by the server's own parser
// (api_requests.h) back into what was asked, every answer the server
// writes (api_responses.h) reads back into the same value, and error
// answers become the exact Status the CLI prints.
#include "tessera/serving/api_client.h"

#include <gtest/gtest.h>

#include "tessera/core/time.h"
#include "tessera/serving/api_requests.h"
#include "tessera/serving/api_responses.h"
#include "tessera/serving/json_conform.h"

namespace tessera::serving {
namespace {

RecordBatchPtr Batch(const std::vector<Field>& fields,
                     const std::vector<std::vector<Value>>& rows) {
  auto schema = Schema::Make(fields);
  EXPECT_TRUE(schema.ok());
  RecordBatchBuilder builder(*schema);
  for (const auto& row : rows) EXPECT_TRUE(builder.AppendRow(row).ok());
  auto batch = builder.Finish();
  EXPECT_TRUE(batch.ok());
  return *batch;
}

TEST(ApiClientTest, OnlineFeaturesBodyParsesBackToTheSameRequest) {
  RecordBatchPtr entities = Batch(
      {{"user_id", DataType::String()}, {"amount", DataType::String()}},
      {{Value::String("1"), Value::String("2.5")}, {Value::String("\"x\"\n"), Value::String("")}});
  OnlineRequest request;
  request.features = {"user_profile:age", "v@2:f"};
  request.full_feature_names = true;
  OnlineFeaturesCall call;
  auto err = ParseOnlineFeaturesBody(OnlineFeaturesBody(*entities, request), &call);
  ASSERT_FALSE(err) << err->reason;
  EXPECT_EQ(call.request.features, request.features);
  EXPECT_TRUE(call.request.feature_service.empty());
  EXPECT_TRUE(call.request.full_feature_names);
  EXPECT_EQ(call.entities->schema()->ToString(), entities->schema()->ToString());
  for (int c = 0; c < 2; ++c) {
    for (int64_t r = 0; r < 2; ++r) {
      EXPECT_EQ(call.entities->column(c)->GetValue(r), entities->column(c)->GetValue(r));
    }
  }
  request.features.clear();
  request.feature_service = "fraud";
  request.full_feature_names = false;
  call = OnlineFeaturesCall();
  err = ParseOnlineFeaturesBody(OnlineFeaturesBody(*entities, request), &call);
  ASSERT_FALSE(err) << err->reason;
  EXPECT_EQ(call.request.feature_service, "fraud");
  EXPECT_TRUE(call.request.features.empty());
  EXPECT_FALSE(call.request.full_feature_names);
}

// Every column type survives the JSON and the server's conversion to the
// source's types (float, timestamp, bytes have no JSON type of their own).
TEST(ApiClientTest, PushBodyRoundTripsEveryTypeThroughTheServersConversion) {
  const std::vector<Field> fields = {{"i", DataType::Int64()},  {"i32", DataType::Int32()},
                                     {"d", DataType::Double()}, {"f", DataType::Float()},
                                     {"s", DataType::String()}, {"by", DataType::Bytes()},
                                     {"b", DataType::Bool()},   {"ts", DataType::Timestamp()}};
  RecordBatchPtr rows = Batch(
      fields,
      {{Value::Int64(-9007199254740993), Value::Int32(7), Value::Double(0.1), Value::Float(0.1f),
        Value::String("Zürich"), Value::Bytes(std::string("\0\xff\x01", 3)), Value::Bool(true),
        Value::Timestamp(1709294400000001)},
       {Value::Null(DataType::Int64()), Value::Null(DataType::Int32()), Value::Double(-2.5e-300),
        Value::Null(DataType::Float()), Value::String(""), Value::Null(DataType::Bytes()),
        Value::Bool(false), Value::Null(DataType::Timestamp())}});
  PushCall call;
  auto err = ParsePushBody(PushBody("src", *rows, PushTarget::kOnlineAndOffline), &call);
  ASSERT_FALSE(err) << err->field << ": " << err->reason;
  EXPECT_EQ(call.source, "src");
  EXPECT_EQ(call.to, PushTarget::kOnlineAndOffline);
  auto schema = Schema::Make(fields);
  ASSERT_TRUE(schema.ok());
  err = ConformJsonColumns(**schema, "df", &call.df);
  ASSERT_FALSE(err) << err->field << ": " << err->reason;
  RecordBatchPtr back;
  err = JsonColumnsToBatch(std::move(call.df), "df", &back);
  ASSERT_FALSE(err) << err->field << ": " << err->reason;
  ASSERT_EQ(back->schema()->ToString(), rows->schema()->ToString());
  for (int c = 0; c < rows->num_columns(); ++c) {
    for (int64_t r = 0; r < 2; ++r) {
      EXPECT_EQ(back->column(c)->GetValue(r), rows->column(c)->GetValue(r))
          << fields[c].name << "[" << r << "]";
    }
  }
}

TEST(ApiClientTest, MaterializeBodiesParseBack) {
  MaterializeRequest request;
  request.start_micros = 1709251200000000;
  request.end_micros = 1709337600000001;
  request.views = {"a", "b"};
  MaterializeRequest back;
  auto err = ParseMaterializeBody(MaterializeBody(request), false, &back);
  ASSERT_FALSE(err) << err->reason;
  EXPECT_EQ(MaterializePath(request), std::string("/materialize"));
  EXPECT_EQ(back.start_micros, request.start_micros);
  EXPECT_EQ(back.end_micros, request.end_micros);
  EXPECT_EQ(back.views, request.views);
  request.incremental = true;
  request.views.clear();
  EXPECT_EQ(MaterializeBody(request), R"({"end_ts":"2024-03-02T00:00:00.000001Z"})");
  EXPECT_EQ(MaterializePath(request), std::string("/materialize-incremental"));
  back = MaterializeRequest();
  err = ParseMaterializeBody(MaterializeBody(request), true, &back);
  ASSERT_FALSE(err) << err->reason;
  EXPECT_EQ(back.end_micros, request.end_micros);
  EXPECT_TRUE(back.views.empty());
}

TEST(ApiClientTest, SummariesReadBackWhatTheServerWrote) {
  PushSummary push{"p", 3, 2, true, 10, 12};
  auto p = ParsePushSummary(PushSummaryJson(push));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->source, "p");
  EXPECT_EQ(p->rows, 3);
  EXPECT_EQ(p->online_rows_written, 2);
  EXPECT_TRUE(p->logged);
  EXPECT_EQ(p->first_seq, 10);
  EXPECT_EQ(p->last_seq, 12);

  MaterializeSummary m;
  m.views.push_back({"v", 2, -1, 1709337600000000, 120000, 4000});
  m.views.push_back({"w", 1, 5, 5, 0, 0});
  auto back = ParseMaterializeSummary(MaterializeSummaryJson(m));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->views.size(), 2u);
  EXPECT_EQ(back->views[0].view, "v");
  EXPECT_EQ(back->views[0].version, 2);
  EXPECT_EQ(back->views[0].start_micros, -1);
  EXPECT_EQ(back->views[0].end_micros, 1709337600000000);
  EXPECT_EQ(back->views[0].rows_scanned, 120000);
  EXPECT_EQ(back->views[0].rows_written, 4000);
  EXPECT_EQ(back->views[1].start_micros, 5);

  EXPECT_EQ(ParsePushSummary(R"({"rows": 1})").status().ToString(),
            Status::Corruption("the server's answer is not what was expected: no "
                               "\"push_source_name\"")
                .ToString());
  EXPECT_FALSE(ParseMaterializeSummary("[]").ok());
}

TEST(ApiClientTest, ErrorAnswersBecomeTheServersReason) {
  Status s = StatusOfErrorAnswer(404, ErrorBody({404, "features", "unknown feature view 'x'"}));
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "unknown feature view 'x'");
  s = StatusOfErrorAnswer(400, ErrorBody({400, "df.age[3]", "'x' is not an int64"}));
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "df.age[3]: 'x' is not an int64");
  s = StatusOfErrorAnswer(400, ErrorBody({400, "entities", "entities.u[0]: bad"}));
  EXPECT_EQ(s.message(), "entities.u[0]: bad");
  EXPECT_EQ(StatusOfErrorAnswer(503, ErrorBody({503, "", "redis down"})).code(),
            StatusCode::kUnavailable);
  EXPECT_EQ(StatusOfErrorAnswer(409, "{}").code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(StatusOfErrorAnswer(501, "{}").code(), StatusCode::kUnsupported);
  EXPECT_EQ(StatusOfErrorAnswer(413, "{}").code(), StatusCode::kInvalidArgument);
  s = StatusOfErrorAnswer(502, std::string("<html>\x01\xff", 8));
  EXPECT_EQ(s.code(), StatusCode::kIOError);
  EXPECT_EQ(s.message(), "the server answered HTTP 502: \"<html>\\u0001\xEF\xBF\xBD\"");
}

}  // namespace
}  // namespace tessera::serving
