#include "tessera/serving/json_writer.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

namespace tessera::serving {
namespace {

TEST(JsonWriterTest, PlacesCommasInNestedContainers) {
  std::string out;
  JsonWriter w(&out);
  w.StartObject();
  w.Key("a");
  w.StartArray();
  w.Int(1);
  w.StartArray();
  w.EndArray();
  w.StartObject();
  w.Key("x");
  w.Null();
  w.Key("y");
  w.Bool(false);
  w.EndObject();
  w.Bool(true);
  w.EndArray();
  w.Key("b");
  w.String("s");
  w.EndObject();
  EXPECT_EQ(out, R"({"a":[1,[],{"x":null,"y":false},true],"b":"s"})");
}

TEST(JsonWriterTest, Int64KeepsAllDigits) {
  std::string out;
  JsonWriter w(&out);
  w.StartArray();
  w.Int(std::numeric_limits<int64_t>::max());
  w.Int(std::numeric_limits<int64_t>::min());
  w.Int(0);
  w.EndArray();
  EXPECT_EQ(out, "[9223372036854775807,-9223372036854775808,0]");
}

TEST(JsonWriterTest, NonFiniteNumbersAreStrings) {
  std::string out;
  JsonWriter w(&out);
  w.StartArray();
  w.Double(std::numeric_limits<double>::quiet_NaN());
  w.Double(std::numeric_limits<double>::infinity());
  w.Double(-std::numeric_limits<double>::infinity());
  w.Float(std::numeric_limits<float>::quiet_NaN());
  w.Double(0.1);
  w.Float(0.1f);
  w.Double(-0.0);
  w.Double(1e300);
  w.EndArray();
  EXPECT_EQ(out, R"(["NaN","Infinity","-Infinity","NaN",0.1,0.1,-0.0,1e+300])");
}

// Every finite double comes back bit for bit through a JSON parser.
TEST(JsonWriterTest, DoublesRoundTripExactly) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 2000; ++i) {
    uint64_t bits = rng();
    double v;
    std::memcpy(&v, &bits, sizeof(v));
    if (!std::isfinite(v)) continue;
    std::string out;
    JsonWriter w(&out);
    w.Double(v);
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseFullPrecisionFlag>(out.c_str());
    ASSERT_FALSE(doc.HasParseError()) << out;
    EXPECT_EQ(doc.GetDouble(), v) << out;
  }
}

TEST(JsonWriterTest, EscapesControlCharactersQuotesAndBackslashes) {
  std::string out;
  JsonWriter w(&out);
  w.String(std::string("a\"b\\c\n\t\r\b\f\x01\x1f") + std::string(1, '\0') + "\x7f");
  EXPECT_EQ(out, R"("a\"b\\c\n\t\r\b\f\u0001\u001f\u0000)"
                 "\x7f\"");
}

TEST(JsonWriterTest, InvalidUtf8BecomesReplacementCharacters) {
  std::string out;
  JsonWriter w(&out);
  // A stray continuation byte, a valid "é", an overlong "/" (2 bytes), a
  // truncated 3-byte sequence at the end.
  w.String(
      "a\x80"
      "\xC3\xA9"
      "\xC0\xAF"
      "z\xE2\x82");
  EXPECT_EQ(out, "\"a\xEF\xBF\xBD\xC3\xA9\xEF\xBF\xBD\xEF\xBF\xBDz\xEF\xBF\xBD\xEF\xBF\xBD\"");
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(out.c_str());
  EXPECT_FALSE(doc.HasParseError());
}

TEST(JsonWriterTest, TimestampsAreRfc3339WithMicros) {
  std::string out;
  JsonWriter w(&out);
  w.StartArray();
  w.Timestamp(0);
  w.Timestamp(1709294400123456);
  w.EndArray();
  EXPECT_EQ(out, R"(["1970-01-01T00:00:00.000000Z","2024-03-01T12:00:00.123456Z"])");
}

// The writer reuses the text of the last timestamp it wrote: repeats, a
// change and a change back (0 first, as a fresh writer's default) must all
// come out right.
TEST(JsonWriterTest, RepeatedAndAlternatingTimestamps) {
  std::string out;
  JsonWriter w(&out);
  w.StartArray();
  for (int64_t ts : {int64_t{0}, int64_t{0}, int64_t{1709294400123456}, int64_t{1709294400123456},
                     int64_t{0}, int64_t{-1}, int64_t{1709294400123456}}) {
    w.Timestamp(ts);
  }
  w.EndArray();
  EXPECT_EQ(out, R"(["1970-01-01T00:00:00.000000Z","1970-01-01T00:00:00.000000Z",)"
                 R"("2024-03-01T12:00:00.123456Z","2024-03-01T12:00:00.123456Z",)"
                 R"("1970-01-01T00:00:00.000000Z","1969-12-31T23:59:59.999999Z",)"
                 R"("2024-03-01T12:00:00.123456Z"])");
}

TEST(JsonWriterTest, Base64MatchesRfc4648Vectors) {
  EXPECT_EQ(EncodeBase64(""), "");
  EXPECT_EQ(EncodeBase64("f"), "Zg==");
  EXPECT_EQ(EncodeBase64("fo"), "Zm8=");
  EXPECT_EQ(EncodeBase64("foo"), "Zm9v");
  EXPECT_EQ(EncodeBase64("foob"), "Zm9vYg==");
  EXPECT_EQ(EncodeBase64("fooba"), "Zm9vYmE=");
  EXPECT_EQ(EncodeBase64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(EncodeBase64(std::string("\xff\xfe\x00", 3)), "//4A");
}

}  // namespace
}  // namespace tessera::serving
