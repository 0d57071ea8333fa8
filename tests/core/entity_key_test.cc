#include "tessera/core/entity_key.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "tessera/core/builder.h"
#include "test_seed.h"

namespace tessera {
namespace {

EntityKey Key(std::vector<Value> v) { return *EntityKey::FromValues(v); }

TEST(EntityKeyTest, Int32AndInt64OfSameValueAreTheSameKey) {
  EXPECT_EQ(Key({Value::Int32(7)}), Key({Value::Int64(7)}));
  Int32Builder b32(DataType::Int32());
  ASSERT_TRUE(b32.Append(7).ok());
  auto arr = *b32.Finish();
  EntityKey::Builder kb;
  ASSERT_TRUE(kb.AppendFromArray(*arr, 0).ok());
  EXPECT_EQ(kb.Build(), Key({Value::Int64(7)}));
}

TEST(EntityKeyTest, StringNeverMatchesNumberOrBytes) {
  EXPECT_NE(Key({Value::String("7")}), Key({Value::Int64(7)}));
  EXPECT_NE(Key({Value::String("ab")}), Key({Value::Bytes("ab")}));
}

TEST(EntityKeyTest, RejectsNonKeyTypes) {
  EXPECT_FALSE(EntityKey::FromValues({Value::Double(1.0)}).ok());
  EXPECT_FALSE(EntityKey::FromValues({Value::Bool(true)}).ok());
}

TEST(EntityKeyTest, DecodeRoundTrips) {
  std::vector<Value> parts = {Value::String(std::string("m\0x", 3)), Value::Int64(-42),
                              Value::Bytes(""), Value::Null(DataType::Int64())};
  auto decoded = Key(parts).Decode();
  ASSERT_TRUE(decoded.ok());
  ASSERT_EQ(decoded->size(), 4u);
  EXPECT_EQ((*decoded)[0], parts[0]);
  EXPECT_EQ((*decoded)[1], parts[1]);
  EXPECT_EQ((*decoded)[2], parts[2]);
  EXPECT_TRUE((*decoded)[3].is_null());
}

TEST(EntityKeyTest, DecodeRejectsGarbage) {
  EXPECT_FALSE(EntityKey::FromBytes("\x02\x01").Decode().ok());  // truncated int
  EXPECT_FALSE(EntityKey::FromBytes("\x03"
                                    "abc")
                   .Decode()
                   .ok());                                   // unterminated
  EXPECT_FALSE(EntityKey::FromBytes("\x09").Decode().ok());  // bad tag
}

// Byte order of encodings must agree with value order, part by part.
TEST(EntityKeyTest, ByteOrderAgreesWithValueOrder) {
  const testing::RandomTestParams params(3, 2000);
  SCOPED_TRACE(params.Trace());
  std::mt19937_64 rng(params.seed);
  std::vector<std::pair<int64_t, std::string>> values;
  const char alphabet[] = {'\0', 'a', 'b', '\xff'};
  for (int i = 0; i < params.iterations; ++i) {
    int64_t n = static_cast<int64_t>(rng() % 20) - 10;
    if (i % 17 == 0) n = static_cast<int64_t>(rng());  // extremes too
    std::string s;
    for (size_t k = rng() % 4; k > 0; --k) s.push_back(alphabet[rng() % 4]);
    values.push_back({n, s});
  }
  auto by_value = values;
  std::sort(by_value.begin(), by_value.end(), [](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    return std::lexicographical_compare(a.second.begin(), a.second.end(), b.second.begin(),
                                        b.second.end(),
                                        [](char x, char y) { return uint8_t(x) < uint8_t(y); });
  });
  auto by_key = values;
  std::sort(by_key.begin(), by_key.end(), [](const auto& a, const auto& b) {
    return Key({Value::Int64(a.first), Value::String(a.second)}) <
           Key({Value::Int64(b.first), Value::String(b.second)});
  });
  EXPECT_EQ(by_key, by_value);
}

TEST(EntityKeyTest, ToStringForMessages) {
  EXPECT_EQ(Key({Value::Int64(7)}).ToString(), "7");
  EXPECT_EQ(Key({Value::String("m1"), Value::Int64(7)}).ToString(), "(\"m1\", 7)");
}

}  // namespace
}  // namespace tessera
