#include "tessera/core/masked_url.h"

#include <gtest/gtest.h>

namespace tessera {
namespace {

TEST(MaskUrlCredentials, MasksUserAndPassword) {
  EXPECT_EQ(MaskUrlCredentials("redis://alice:s3cret@db.local:6380/2"),
            "redis://***@db.local:6380/2");
  EXPECT_EQ(MaskUrlCredentials("redis://:s3cret@127.0.0.1"), "redis://***@127.0.0.1");
  EXPECT_EQ(MaskUrlCredentials("rediss://u@h"), "rediss://***@h");
}

TEST(MaskUrlCredentials, MasksUpToTheLastAt) {
  // An unescaped '@' or '/' in the password must not leave part of it shown.
  EXPECT_EQ(MaskUrlCredentials("redis://:p@ss/w@rd@h:1"), "redis://***@h:1");
}

TEST(MaskUrlCredentials, LeavesUrlsWithoutCredentialsAlone) {
  EXPECT_EQ(MaskUrlCredentials("redis://127.0.0.1:6379"), "redis://127.0.0.1:6379");
  EXPECT_EQ(MaskUrlCredentials("not a url @ all"), "not a url @ all");
  EXPECT_EQ(MaskUrlCredentials("1x://a@b"), "1x://a@b");  // not a scheme
  EXPECT_EQ(MaskUrlCredentials(""), "");
}

}  // namespace
}  // namespace tessera
