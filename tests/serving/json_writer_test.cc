#include "tessera/serving/json_writer.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <charconv>
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

// The short-decimal fast path of Double writes exactly what the general
// path (std::to_chars' shortest round-trip text, ".0" added when it has
// no point or exponent) writes, on the values near its edges: short
// decimals with 0 to 12 fraction digits (it takes up to 8), around 2^49
// (its bound) and 2^53, where to_chars switches to scientific notation
// (1e+05, 0.0001), powers of two and ten and their neighbours, and random
// bit patterns.
TEST(JsonWriterTest, DoublesMatchToCharsShortestText) {
  auto reference = [](double v) {
    char buf[64];
    char* end = std::to_chars(buf, buf + sizeof(buf), v).ptr;
    std::string s(buf, end);
    if (s.find_first_of(".eE") == std::string::npos) s += ".0";
    return s;
  };
  auto check = [&](double v) {
    if (!std::isfinite(v)) return;
    for (double x : {v, -v}) {
      std::string out;
      JsonWriter w(&out);
      w.Double(x);
      ASSERT_EQ(out, reference(x)) << std::hexfloat << x;
    }
  };
  std::mt19937_64 rng(20261201);
  const double pow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12};
  for (int k = 0; k <= 12; ++k) {
    for (uint64_t limit : {uint64_t{10}, uint64_t{1000}, uint64_t{1} << 20, uint64_t{1} << 40,
                           uint64_t{1} << 53, uint64_t{1} << 60}) {
      for (int i = 0; i < 1000; ++i) {
        double v = static_cast<double>(rng() % limit) / pow10[k];
        check(v);
        check(std::nextafter(v, 0.0));
        check(std::nextafter(v, 1e300));
      }
    }
  }
  for (int e = -1074; e <= 1023; ++e) {
    const double p2 = std::ldexp(1.0, e);
    for (double v : {p2, std::nextafter(p2, 0.0), std::nextafter(p2, 1e300), p2 * 3, p2 * 5,
                     p2 * 10, p2 * 0.1}) {
      check(v);
    }
  }
  for (int e = -30; e <= 30; ++e) {
    const double p = std::pow(10.0, e);
    for (double m : {1.0, 1.5, 2.0, 9.0, 9.5, 9.99, 12.0, 99.0, 123.0}) {
      const double v = m * p;
      check(v);
      check(std::nextafter(v, 0.0));
      check(std::nextafter(v, 1e300));
    }
  }
  for (double v : {0.0,
                   0x1p49,
                   0x1p49 - 0.5,
                   0x1p49 - 0.125,
                   0x1p49 + 1,
                   0x1p53,
                   0x1p53 - 1,
                   562949953421311.5,
                   562949953421311.9,
                   1e5,
                   99999.0,
                   123456.0,
                   1e15,
                   1e16,
                   0.001,
                   0.0001,
                   0.00015,
                   0.1,
                   0.2,
                   0.3,
                   1.0 / 3,
                   2.0 / 3,
                   8160.59,
                   39.5,
                   1.58}) {
    check(v);
  }
  for (int i = 0; i < 100000; ++i) {
    uint64_t bits = rng();
    double v;
    std::memcpy(&v, &bits, sizeof(v));
    check(v);
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
