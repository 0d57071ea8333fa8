#include "tessera/serving/api_responses.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "tessera/core/builder.h"

namespace tessera::serving {
namespace {

// The online response as JsonWriter alone writes it: every value through
// WriteJsonValue, every name, status and timestamp through the writer's
// own methods (the spelling AppendOnlineResponseJson's cursor must repeat
// byte for byte).
std::string Reference(const OnlineResponse& r) {
  std::string out;
  JsonWriter w(&out);
  w.StartObject();
  w.Key("metadata");
  w.StartObject();
  w.Key("feature_names");
  w.StartArray();
  for (const std::string& name : r.names) w.String(name);
  w.EndArray();
  w.EndObject();
  w.Key("results");
  w.StartArray();
  for (size_t k = 0; k < r.names.size(); ++k) {
    w.StartObject();
    w.Key("values");
    w.StartArray();
    if (k < r.values.size() && r.values[k] != nullptr) {
      for (int64_t i = 0; i < r.values[k]->length(); ++i) WriteJsonValue(*r.values[k], i, &w);
    }
    w.EndArray();
    w.Key("statuses");
    w.StartArray();
    if (k < r.statuses.size()) {
      for (FeatureStatus s : r.statuses[k]) w.String(FeatureStatusName(s));
    }
    w.EndArray();
    w.Key("event_timestamps");
    w.StartArray();
    if (k < r.event_timestamps.size()) {
      for (int64_t ts : r.event_timestamps[k]) w.Timestamp(ts);
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return out;
}

ArrayPtr Column(DataType type, const std::vector<Value>& values) {
  std::unique_ptr<ArrayBuilder> b = ArrayBuilder::Make(type);
  for (const Value& v : values) EXPECT_TRUE(b->AppendValue(v).ok());
  Result<ArrayPtr> array = b->Finish();
  EXPECT_TRUE(array.ok());
  return *array;
}

// A response with a column of every type the wire spells, each with nulls
// and the values whose spelling has a special case.
OnlineResponse EveryType() {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<std::pair<std::string, ArrayPtr>> columns = {
      {"user_id", Column(DataType::Int64(), {Value::Int64(INT64_MIN), Value::Int64(0),
                                             Value::Int64(INT64_MAX), Value::Int64(-7)})},
      {"flag", Column(DataType::Bool(), {Value::Bool(true), Value::Null(DataType::Bool()),
                                         Value::Bool(false), Value::Bool(true)})},
      {"small", Column(DataType::Int32(), {Value::Int32(INT32_MIN), Value::Int32(INT32_MAX),
                                           Value::Null(DataType::Int32()), Value::Int32(5)})},
      {"ratio", Column(DataType::Float(), {Value::Float(0.1f), Value::Float(-0.0f),
                                           Value::Float(3.0f), Value::Float(1e30f)})},
      {"amount", Column(DataType::Double(), {Value::Double(39.5), Value::Double(8160.59),
                                             Value::Double(-0.0), Value::Double(2.0)})},
      {"odd", Column(DataType::Double(), {Value::Double(nan), Value::Double(inf),
                                          Value::Double(-inf), Value::Double(1e5)})},
      {"more", Column(DataType::Double(), {Value::Double(1.0 / 3), Value::Double(0.0001),
                                           Value::Null(DataType::Double()), Value::Double(1e300)})},
      {"country",
       Column(DataType::String(),
              {Value::String("GB"), Value::String("quote \" back \\ tab \t"),
               Value::String("caf\xc3\xa9 \xff bad"), Value::String(std::string(200, 'x'))})},
      {"empty", Column(DataType::String(), {Value::String(""), Value::Null(DataType::String()),
                                            Value::String("\x01"), Value::String("plain")})},
      {"blob",
       Column(DataType::Bytes(), {Value::Bytes(std::string("\x00\xff", 2)), Value::Bytes("abc"),
                                  Value::Null(DataType::Bytes()), Value::Bytes("")})},
      {"seen_at", Column(DataType::Timestamp(),
                         {Value::Timestamp(0), Value::Timestamp(-1), Value::Timestamp(INT64_MAX),
                          Value::Null(DataType::Timestamp())})},
      {"ids",
       Column(DataType::List(TypeId::kInt64),
              {Value::List(DataType::List(TypeId::kInt64), {Value::Int64(1), Value::Int64(2)}),
               Value::Null(DataType::List(TypeId::kInt64)),
               Value::List(DataType::List(TypeId::kInt64), {}),
               Value::List(DataType::List(TypeId::kInt64),
                           {Value::Null(DataType::Int64()), Value::Int64(3)})})},
      {"tags", Column(DataType::List(TypeId::kString),
                      {Value::List(DataType::List(TypeId::kString), {Value::String("a\"b")}),
                       Value::List(DataType::List(TypeId::kString), {}),
                       Value::Null(DataType::List(TypeId::kString)),
                       Value::List(DataType::List(TypeId::kString), {Value::String("x")})})},
  };
  OnlineResponse r;
  const FeatureStatus kStatuses[] = {FeatureStatus::kPresent, FeatureStatus::kNotFound,
                                     FeatureStatus::kNullValue, FeatureStatus::kOutsideMaxAge};
  int64_t c = 0;
  for (const auto& [name, values] : columns) {
    r.names.push_back(name);
    r.values.push_back(values);
    std::vector<FeatureStatus> statuses;
    std::vector<int64_t> times;
    for (int64_t row = 0; row < values->length(); ++row) {
      statuses.push_back(kStatuses[(row + c) % 4]);
      // Repeats and alternations (the writer keeps the last one's text).
      times.push_back(row % 2 == 0 ? 1709294400000000 + c : (c % 3) * -1000001);
    }
    r.statuses.push_back(statuses);
    r.event_timestamps.push_back(times);
    ++c;
  }
  return r;
}

TEST(OnlineResponseJsonTest, EveryTypeIsSpelledAsJsonWriterSpellsIt) {
  OnlineResponse r = EveryType();
  EXPECT_EQ(OnlineResponseJson(r), Reference(r));
}

TEST(OnlineResponseJsonTest, NamesToEscapeMissingColumnsAndNoRows) {
  OnlineResponse r = EveryType();
  r.names[1] = "na\"me\n";
  r.names.push_back("no_values");  // a name past values, statuses and times
  r.values[2] = nullptr;           // a column without values
  EXPECT_EQ(OnlineResponseJson(r), Reference(r));
  OnlineResponse empty;
  EXPECT_EQ(OnlineResponseJson(empty), Reference(empty));
  empty.names = {"user_id"};
  empty.values = {Column(DataType::Int64(), {})};
  empty.statuses = {{}};
  empty.event_timestamps = {{}};
  EXPECT_EQ(OnlineResponseJson(empty), Reference(empty));
}

// Appended after what the buffer holds, growing it past its first guess
// (long strings), and again into the same buffer.
TEST(OnlineResponseJsonTest, AppendsAfterTheBufferAndGrowsIt) {
  OnlineResponse r = EveryType();
  r.values[7] =
      Column(DataType::String(),
             {Value::String(std::string(5000, 'a')), Value::String(std::string(3000, 'b')),
              Value::String(std::string(4000, '"')), Value::String("z")});
  std::string out = "prefix";
  AppendOnlineResponseJson(r, &out);
  EXPECT_EQ(out, "prefix" + Reference(r));
  out.clear();
  AppendOnlineResponseJson(r, &out);
  EXPECT_EQ(out, Reference(r));
}

}  // namespace
}  // namespace tessera::serving
