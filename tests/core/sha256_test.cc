#include "tessera/core/sha256.h"

#include <gtest/gtest.h>

#include <string>

namespace tessera {
namespace {

// FIPS 180-4 examples (NIST CSRC "SHA256.pdf") and the empty message.
TEST(Sha256Test, FipsVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256Test, MillionAs) {
  EXPECT_EQ(Sha256Hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// Padding crosses a block boundary at 56..63 buffered bytes.
TEST(Sha256Test, IncrementalEqualsOneShot) {
  std::string data(200, 'x');
  for (size_t split = 0; split <= data.size(); split += 7) {
    Sha256 h;
    h.Update(std::string_view(data).substr(0, split));
    h.Update(std::string_view(data).substr(split));
    std::array<uint8_t, 32> a = h.Finish();
    Sha256 g;
    g.Update(data);
    EXPECT_EQ(a, g.Finish()) << split;
  }
  EXPECT_EQ(Sha256Hex(std::string(55, 'a')).size(), 64u);
  EXPECT_NE(Sha256Hex(std::string(55, 'a')), Sha256Hex(std::string(56, 'a')));
}

}  // namespace
}  // namespace tessera
