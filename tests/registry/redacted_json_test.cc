#include "tessera/registry/redacted_json.h"

#include <gtest/gtest.h>

namespace tessera::registry {
namespace {

TEST(RedactUrlCredentials, MasksEveryUrlMemberAtAnyDepth) {
  EXPECT_EQ(RedactUrlCredentials(
                R"({"name":"tx","stream":{"type":"redis","url":"redis://u:pw@h:1","key":"k"},)"
                R"("list":[{"url":"redis://:x@y"}]})"),
            R"({"name":"tx","stream":{"type":"redis","url":"redis://***@h:1","key":"k"},)"
            R"("list":[{"url":"redis://***@y"}]})");
}

TEST(RedactUrlCredentials, KeepsTextByteForByteWhenNothingIsMasked) {
  // Spacing a re-serialization would drop shows the input is returned as is.
  const std::string plain = R"({ "url" : "redis://h:1", "x" : "redis://u:pw@h" })";
  EXPECT_EQ(RedactUrlCredentials(plain), plain);  // only "url" members are masked
  const std::string no_url = R"({ "path" : "a@b" })";
  EXPECT_EQ(RedactUrlCredentials(no_url), no_url);
  const std::string broken = R"({"url":"redis://u:pw@h")";
  EXPECT_EQ(RedactUrlCredentials(broken), broken);
}

}  // namespace
}  // namespace tessera::registry
