// UTF-8 validation against an independent reference: the set of all
// well-formed sequences, built by encoding every Unicode scalar value with a
// textbook encoder; every 1-, 2- and 3-byte string is checked exhaustively.
#include "tessera/core/utf8.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <unordered_set>
#include <vector>

#include "test_seed.h"

namespace tessera {
namespace {

std::string Encode(uint32_t cp) {
  std::string s;
  if (cp < 0x80) {
    s += static_cast<char>(cp);
  } else if (cp < 0x800) {
    s += static_cast<char>(0xC0 | (cp >> 6));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    s += static_cast<char>(0xE0 | (cp >> 12));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    s += static_cast<char>(0xF0 | (cp >> 18));
    s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return s;
}

// Every well-formed sequence of 1 to 4 bytes, as a big-endian integer
// key per length (a bitmap for 2 and 3 bytes, a set for 4).
struct ValidSequences {
  std::vector<bool> two = std::vector<bool>(1 << 16);
  std::vector<bool> three = std::vector<bool>(1 << 24);
  std::unordered_set<uint32_t> four;

  ValidSequences() {
    for (uint32_t cp = 0x80; cp <= 0x10FFFF; ++cp) {
      if (cp >= 0xD800 && cp <= 0xDFFF) continue;  // surrogates are not scalar values
      const std::string s = Encode(cp);
      uint32_t key = 0;
      for (char c : s) key = (key << 8) | static_cast<uint8_t>(c);
      if (s.size() == 2) two[key] = true;
      if (s.size() == 3) three[key] = true;
      if (s.size() == 4) four.insert(key);
    }
  }
  bool Has(const std::string& s, size_t from, size_t len) const {
    uint32_t key = 0;
    for (size_t k = 0; k < len; ++k) key = (key << 8) | static_cast<uint8_t>(s[from + k]);
    switch (len) {
      case 1: return key < 0x80;
      case 2: return two[key];
      case 3: return three[key];
      default: return four.count(key) > 0;
    }
  }
};

const ValidSequences& Valid() {
  static const ValidSequences* v = new ValidSequences();
  return *v;
}

// Reference: `s` is well formed when it splits into well-formed sequences.
bool ReferenceValid(const std::string& s, size_t from = 0) {
  if (from == s.size()) return true;
  for (size_t len = 1; len <= 4 && from + len <= s.size(); ++len) {
    if (Valid().Has(s, from, len) && ReferenceValid(s, from + len)) return true;
  }
  return false;
}

TEST(Utf8Test, EveryStringOfUpToThreeBytesAgreesWithTheReference) {
  const ValidSequences& valid = Valid();
  auto one = [](uint32_t x) { return x < 0x80; };
  auto two = [&](uint32_t x, uint32_t y) { return valid.two[(x << 8) | y]; };
  char buf[3];
  for (uint32_t a = 0; a < 256; ++a) {
    buf[0] = static_cast<char>(a);
    ASSERT_EQ(IsValidUtf8({buf, 1}), one(a)) << a;
    for (uint32_t b = 0; b < 256; ++b) {
      buf[1] = static_cast<char>(b);
      ASSERT_EQ(IsValidUtf8({buf, 2}), (one(a) && one(b)) || two(a, b)) << a << " " << b;
      // A 3-byte string is 1+1+1, 1+2, 2+1 or one 3-byte sequence.
      const bool head = one(a) && one(b), pair = two(a, b), lead = one(a);
      for (uint32_t c = 0; c < 256; ++c) {
        buf[2] = static_cast<char>(c);
        const bool want = ((head || pair) && one(c)) || (lead && two(b, c)) ||
                          valid.three[(a << 16) | (b << 8) | c];
        if (IsValidUtf8({buf, 3}) != want) {
          FAIL() << "bytes " << a << " " << b << " " << c << ": want " << want;
        }
      }
    }
  }
}

TEST(Utf8Test, RandomLongerStringsAgreeWithTheReference) {
  const testing::RandomTestParams params(11, 20000);
  SCOPED_TRACE(params.Trace());
  std::mt19937_64 rng(params.seed);
  // Biased toward lead and continuation bytes so valid strings occur.
  const uint8_t kBytes[] = {0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC2,
                            0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF, 0xC0};
  int valid = 0;
  for (int i = 0; i < params.iterations; ++i) {
    std::string s(1 + rng() % 9, '\0');
    for (char& c : s) c = static_cast<char>(kBytes[rng() % sizeof(kBytes)]);
    const bool want = ReferenceValid(s);
    valid += want;
    ASSERT_EQ(IsValidUtf8(s), want) << "case " << i;
  }
  EXPECT_GT(valid, 0);
}

TEST(Utf8Test, FirstBadOffsetAndKnownCases) {
  EXPECT_EQ(FindInvalidUtf8(""), std::string_view::npos);
  EXPECT_EQ(FindInvalidUtf8("ü€😀 日本"), std::string_view::npos);
  EXPECT_EQ(FindInvalidUtf8("ab\xC3"), 2u);            // truncated at the end
  EXPECT_EQ(FindInvalidUtf8("a\xC0\x80"), 1u);         // overlong NUL
  EXPECT_EQ(FindInvalidUtf8("ok\xED\xA0\x80"), 2u);    // surrogate U+D800
  EXPECT_EQ(FindInvalidUtf8("\xF4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(FindInvalidUtf8("\xE2\x82\xAC\xFF"), 3u);  // after a valid euro sign
  EXPECT_EQ(FindInvalidUtf8(std::string("a\0b", 3)), std::string_view::npos);  // NUL is UTF-8
  EXPECT_EQ(ByteHex(0x00), "0x00");
  EXPECT_EQ(ByteHex(0xC3), "0xC3");
  EXPECT_EQ(ByteHex(0x7F), "0x7F");
}

}  // namespace
}  // namespace tessera
