// hash_bucket(x, n): the bucket is XXH64 (seed 0) of the byte encoding
// documented in docs/EXPRESSIONS.md, modulo n. The expectations come from
// an XXH64 written here from the specification (xxhash's doc/
// xxhash_spec.md), itself checked against published test vectors, over
// encodings built here byte by byte: so a change of the encoding, of the
// seed or of the library fails these tests.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "function_test_util.h"

namespace tessera::expr {
namespace {

using namespace fn_test;  // NOLINT

// XXH64 from the specification, for reference only (slow, simple).
constexpr uint64_t kP1 = 0x9E3779B185EBCA87ULL, kP2 = 0xC2B2AE3D27D4EB4FULL,
                   kP3 = 0x165667B19E3779F9ULL, kP4 = 0x85EBCA77C2B2AE63ULL,
                   kP5 = 0x27D4EB2F165667C5ULL;
uint64_t Rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }
uint64_t Read64(const uint8_t* p) {
  uint64_t v = 0;
  for (int k = 7; k >= 0; --k) v = (v << 8) | p[k];
  return v;
}
uint64_t Read32(const uint8_t* p) {
  uint64_t v = 0;
  for (int k = 3; k >= 0; --k) v = (v << 8) | p[k];
  return v;
}
uint64_t Round(uint64_t acc, uint64_t in) { return Rotl(acc + in * kP2, 31) * kP1; }
uint64_t Merge(uint64_t h, uint64_t v) { return (h ^ Round(0, v)) * kP1 + kP4; }

uint64_t RefXXH64(const std::string& s) {
  const uint8_t* p = reinterpret_cast<const uint8_t*>(s.data());
  size_t len = s.size(), i = 0;
  uint64_t h;
  if (len >= 32) {
    uint64_t v1 = kP1 + kP2, v2 = kP2, v3 = 0, v4 = 0 - kP1;
    for (; i + 32 <= len; i += 32) {
      v1 = Round(v1, Read64(p + i));
      v2 = Round(v2, Read64(p + i + 8));
      v3 = Round(v3, Read64(p + i + 16));
      v4 = Round(v4, Read64(p + i + 24));
    }
    h = Rotl(v1, 1) + Rotl(v2, 7) + Rotl(v3, 12) + Rotl(v4, 18);
    h = Merge(Merge(Merge(Merge(h, v1), v2), v3), v4);
  } else {
    h = kP5;
  }
  h += len;
  for (; i + 8 <= len; i += 8) h = Rotl(h ^ Round(0, Read64(p + i)), 27) * kP1 + kP4;
  if (i + 4 <= len) {
    h = Rotl(h ^ (Read32(p + i) * kP1), 23) * kP2 + kP3;
    i += 4;
  }
  for (; i < len; ++i) h = Rotl(h ^ (p[i] * kP5), 11) * kP1;
  h ^= h >> 33;
  h *= kP2;
  h ^= h >> 29;
  h *= kP3;
  h ^= h >> 32;
  return h;
}

// Published XXH64 vectors (seed 0): the empty input (xxhash's
// documentation), "a", "abc", and the python-xxhash README's sentence.
TEST(HashBucket, ReferenceXXH64MatchesPublishedVectors) {
  EXPECT_EQ(RefXXH64(""), 0xEF46DB3751D8E999ULL);
  EXPECT_EQ(RefXXH64("a"), 0xD24EC4F1A98C6E5BULL);
  EXPECT_EQ(RefXXH64("abc"), 0x44BC2CF5AD770999ULL);
  EXPECT_EQ(RefXXH64("Nobody inspects the spammish repetition"), 0xFBCEA83C8A378BF1ULL);
}

std::string LE64(uint64_t v) {
  std::string s(8, '\0');
  for (int k = 0; k < 8; ++k) s[k] = static_cast<char>(v >> (8 * k));
  return s;
}
std::string DoubleLE(double d) {
  uint64_t b;
  std::memcpy(&b, &d, 8);
  return LE64(b);
}

int64_t Bucket(const Value& x, int64_t n, Call* call = nullptr) {
  const Value v = One("hash_bucket", {x, I64(n)}, call);
  return v.is_null() ? -1 : v.int_value();
}
int64_t Expect(const std::string& bytes, int64_t n) {
  return static_cast<int64_t>(RefXXH64(bytes) % static_cast<uint64_t>(n));
}

// Hand-computed: 0xEF46DB3751D8E999 = 17241709254077376921, mod 1000 = 921,
// mod 7 = 6; XXH64("abc") = 4952883123889572249, mod 1000 = 249. These pin
// the bucket of a string forever.
TEST(HashBucket, StringsHashTheirUtf8Bytes) {
  EXPECT_EQ(Bucket(S(""), 1000), 921);
  EXPECT_EQ(Bucket(S(""), 7), 6);
  EXPECT_EQ(Bucket(S("abc"), 1000), 249);
  EXPECT_EQ(Bucket(S(""), 1), 0);
  EXPECT_EQ(Bucket(S("héllo"), 1 << 20), Expect("h\xc3\xa9llo", 1 << 20));
  const std::string long_text(100000, 'x');
  EXPECT_EQ(Bucket(S(long_text), 1000003), Expect(long_text, 1000003));
  EXPECT_EQ(Bucket(Value::Bytes(std::string("\0\xff", 2)), 1000),
            Expect(std::string("\0\xff", 2), 1000));
  EXPECT_EQ(Bucket(S(""), std::numeric_limits<int64_t>::max()), 8018337217222601114);
}

TEST(HashBucket, IntegersHashAsEightByteLittleEndianInt64) {
  for (int64_t v : {int64_t{0}, int64_t{7}, int64_t{-1}, std::numeric_limits<int64_t>::min()}) {
    EXPECT_EQ(Bucket(I64(v), 1000003), Expect(LE64(static_cast<uint64_t>(v)), 1000003)) << v;
  }
  // int32 7 and int64 7 share a bucket; -1 sign-extends.
  EXPECT_EQ(Bucket(I32(7), 1000003), Bucket(I64(7), 1000003));
  EXPECT_EQ(Bucket(I32(-1), 1000003), Bucket(I64(-1), 1000003));
  EXPECT_EQ(Bucket(Ts("2024-03-01T12:00:00Z"), 97), Expect(LE64(1709294400000000), 97));
  EXPECT_EQ(Bucket(B(true), 1000), Expect("\x01", 1000));
  EXPECT_EQ(Bucket(B(false), 1000), Expect(std::string(1, '\0'), 1000));
}

TEST(HashBucket, FloatingPointNormalizesZeroAndNaN) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(Bucket(D(1.5), 1000003), Expect(DoubleLE(1.5), 1000003));
  EXPECT_EQ(Bucket(F(1.5f), 1000003), Bucket(D(1.5), 1000003));
  EXPECT_EQ(Bucket(F(0.1f), 1000003), Expect(DoubleLE(static_cast<double>(0.1f)), 1000003));
  EXPECT_EQ(Bucket(D(-0.0), 1000003), Expect(LE64(0), 1000003));
  EXPECT_EQ(Bucket(D(nan), 1000003), Expect(LE64(0x7FF8000000000000ULL), 1000003));
  EXPECT_EQ(Bucket(D(-nan), 1000003), Bucket(D(nan), 1000003));
  double payload_nan;
  const uint64_t bits = 0x7FF0000000000123ULL;
  std::memcpy(&payload_nan, &bits, 8);
  EXPECT_EQ(Bucket(D(payload_nan), 1000003), Bucket(D(nan), 1000003));
  EXPECT_EQ(Bucket(D(std::numeric_limits<double>::infinity()), 1000003),
            Expect(LE64(0x7FF0000000000000ULL), 1000003));
}

TEST(HashBucket, ListsUseACountPrefixAndTaggedElements) {
  const Value l = List(TypeId::kInt64, {I64(1), Null(DataType::Int64()), I64(-2)});
  const std::string enc =
      LE64(3) + "\x01" + LE64(1) + std::string(1, '\0') + "\x01" + LE64(static_cast<uint64_t>(-2));
  EXPECT_EQ(Bucket(l, 1000003), Expect(enc, 1000003));
  EXPECT_EQ(Bucket(List(TypeId::kInt64, {}), 1000003), Expect(LE64(0), 1000003));
  const Value ls = List(TypeId::kString, {S("ab"), S("")});
  EXPECT_EQ(Bucket(ls, 1000003),
            Expect(LE64(2) + "\x01" + LE64(2) + "ab" + "\x01" + LE64(0), 1000003));
  // Prefix-free: ["ab", ""] and ["a", "b"] differ in their encodings.
  EXPECT_NE(Bucket(ls, std::numeric_limits<int64_t>::max()),
            Bucket(List(TypeId::kString, {S("a"), S("b")}), std::numeric_limits<int64_t>::max()));
  const Value lf = List(TypeId::kFloat, {F(1.5f), F(-0.0f)});
  EXPECT_EQ(Bucket(lf, 1000003),
            Expect(LE64(2) + "\x01" + DoubleLE(1.5) + "\x01" + LE64(0), 1000003));
  EXPECT_EQ(Bucket(lf, 1000003), Bucket(List(TypeId::kDouble, {D(1.5), D(0.0)}), 1000003));
}

TEST(HashBucket, NullsAndBadBucketCounts) {
  const DataType i64 = DataType::Int64();
  Call c =
      Invoke("hash_bucket",
             {Col(DataType::String(), {S("a"), Null(DataType::String()), S("a"), S("a"), S("a")}),
              Col(i64, {I64(10), I64(10), Null(i64), I64(0), I64(-5)})});
  EXPECT_EQ(c.at(0), I64(Expect("a", 10)));
  EXPECT_TRUE(c.at(1).is_null());
  EXPECT_TRUE(c.at(2).is_null());
  EXPECT_TRUE(c.at(3).is_null());
  EXPECT_TRUE(c.at(4).is_null());
  EXPECT_EQ(c.stats.error_rows, 2);
  EXPECT_EQ(c.stats.first_error_row, 3);
  EXPECT_EQ(c.stats.first_error, "hash_bucket with a bucket count below 1");
  EXPECT_EQ(Invoke("hash_bucket", {Col(i64, {}), Col(i64, {})}).out->length(), 0);
}

}  // namespace
}  // namespace tessera::expr
