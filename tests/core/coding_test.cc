// Fixed-width little-endian coding: exact bytes against hand-written
// expectations, and FloorDiv against a brute-force floor.
#include "tessera/core/coding.h"

#include <gtest/gtest.h>

#include <cmath>

#include "tessera/core/time.h"

namespace tessera {
namespace {

TEST(CodingTest, Fixed32And64AreLittleEndian) {
  std::string s;
  PutFixed32(&s, 0x04030201u);
  PutFixed64(&s, 0x0807060504030201ull);
  EXPECT_EQ(s, std::string("\x01\x02\x03\x04\x01\x02\x03\x04\x05\x06\x07\x08", 12));
  EXPECT_EQ(DecodeFixed32(s.data()), 0x04030201u);
  EXPECT_EQ(DecodeFixed64(s.data() + 4), 0x0807060504030201ull);
  EXPECT_EQ(DecodeFixed16(s.data()), 0x0201u);
  // Unaligned access is fine.
  EXPECT_EQ(DecodeFixed32(s.data() + 1), 0x01040302u);
}

TEST(CodingTest, TypedValuesRoundTrip) {
  char buf[8];
  EncodeFixed(buf, -2.5);
  EXPECT_EQ(std::string(buf, 8), std::string("\x00\x00\x00\x00\x00\x00\x04\xc0", 8));
  EXPECT_EQ(DecodeFixed<double>(buf), -2.5);
  EncodeFixed(buf, int32_t{-2});
  EXPECT_EQ(std::string(buf, 4), "\xfe\xff\xff\xff");
  EXPECT_EQ(DecodeFixed<int32_t>(buf), -2);
  EncodeFixed(buf, 1.0f);
  EXPECT_EQ(std::string(buf, 4), std::string("\x00\x00\x80\x3f", 4));
  EXPECT_EQ(DecodeFixed<float>(buf), 1.0f);
}

TEST(TimeFloorDivTest, MatchesFloorOfTheQuotient) {
  for (int64_t a = -2001; a <= 2001; ++a) {
    for (int64_t b : {int64_t{-1000}, int64_t{-7}, int64_t{1}, int64_t{3}, int64_t{1000}}) {
      const int64_t want = static_cast<int64_t>(std::floor(static_cast<double>(a) / b));
      ASSERT_EQ(FloorDiv(a, b), want) << a << " / " << b;
    }
  }
  EXPECT_EQ(FloorDiv(INT64_MIN, 1000), INT64_MIN / 1000 - 1);
  EXPECT_EQ(kMicrosPerDay, int64_t{86400} * 1000 * 1000);
}

}  // namespace
}  // namespace tessera
