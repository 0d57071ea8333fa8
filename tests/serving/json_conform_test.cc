#include "tessera/serving/json_conform.h"

#include <gtest/gtest.h>

#include <random>

#include "tessera/serving/json_writer.h"

namespace tessera::serving {
namespace {

TEST(Base64Test, DecodesWhatEncodeBase64Writes) {
  std::mt19937_64 rng(11);
  for (int n = 0; n < 40; ++n) {
    std::string bytes(n, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    std::string back;
    ASSERT_TRUE(DecodeBase64(EncodeBase64(bytes), &back)) << n;
    EXPECT_EQ(back, bytes);
  }
}

TEST(Base64Test, RefusesWhatIsNotPaddedBase64) {
  std::string out;
  EXPECT_FALSE(DecodeBase64("Zm9", &out));     // not a multiple of 4
  EXPECT_FALSE(DecodeBase64("Zm=v", &out));    // padding inside
  EXPECT_FALSE(DecodeBase64("Zm9v\n", &out));  // whitespace
  EXPECT_FALSE(DecodeBase64("Z===", &out));
  EXPECT_FALSE(DecodeBase64("Zm-_", &out));  // the URL alphabet
  EXPECT_TRUE(DecodeBase64("Zm8=", &out));
  EXPECT_EQ(out, "fo");
  EXPECT_TRUE(DecodeBase64("", &out));
  EXPECT_EQ(out, "");
}

}  // namespace
}  // namespace tessera::serving
