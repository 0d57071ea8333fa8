// tessera.yaml's redis url and options as the Redis backend reads them, and
// the factory's "redis" type. No server needed.
#include "tessera/online/redis/redis_options.h"

#include <gtest/gtest.h>

#include "tessera/online/online_store_factory.h"
#include "tessera/online/redis/redis_online_store.h"

namespace tessera::online::redis {
namespace {

std::string Parsed(const std::string& url) {
  RedisOptions o;
  Status st = ParseRedisUrl(url, &o);
  if (!st.ok()) return st.message();
  return o.host + "|" + std::to_string(o.port) + "|" + std::to_string(o.db) + "|" + o.user + "|" +
         o.password + "|" + o.Address();
}

TEST(RedisUrlTest, ParsesHostPortDatabaseAndCredentials) {
  EXPECT_EQ(Parsed("redis://127.0.0.1:6379"), "127.0.0.1|6379|0|||127.0.0.1:6379");
  EXPECT_EQ(Parsed("redis://cache.internal"), "cache.internal|6379|0|||cache.internal:6379");
  EXPECT_EQ(Parsed("redis://h:7000/2"), "h|7000|2|||h:7000/2");
  EXPECT_EQ(Parsed("redis://h:7000/"), "h|7000|0|||h:7000");
  EXPECT_EQ(Parsed("redis://:pw@h"), "h|6379|0||pw|h:6379");
  EXPECT_EQ(Parsed("redis://pw@h"), "h|6379|0||pw|h:6379");
  EXPECT_EQ(Parsed("redis://alice:p%40ss%3Aw@h:1/15"), "h|1|15|alice|p@ss:w|h:1/15");
  EXPECT_EQ(Parsed("redis://[::1]:6380"), "::1|6380|0|||[::1]:6380");
}

TEST(RedisUrlTest, RejectsMalformedUrlsWithoutShowingThePassword) {
  const std::string prefix = "tessera.yaml: online_store url ";
  EXPECT_EQ(Parsed("http://h:1"),
            prefix + "'http://h:1': expected redis://[[user]:password@]host[:port][/db]");
  EXPECT_EQ(Parsed("redis://h:0"), prefix + "'redis://h:0': port must be a number from 1 to 65535");
  EXPECT_EQ(Parsed("redis://h:65536"),
            prefix + "'redis://h:65536': port must be a number from 1 to 65535");
  EXPECT_EQ(Parsed("redis://h:6x"),
            prefix + "'redis://h:6x': port must be a number from 1 to 65535");
  EXPECT_EQ(Parsed("redis://:secret@h:99999"),
            prefix + "'redis://***@h:99999': port must be a number from 1 to 65535");
  EXPECT_EQ(Parsed("redis://:secret@:1"), prefix + "'redis://***@:1': missing host");
  EXPECT_EQ(Parsed("redis://h/x"),
            prefix + "'redis://h/x': database must be a number from 0 up, after the '/'");
  EXPECT_EQ(Parsed("redis://h/-1"),
            prefix + "'redis://h/-1': database must be a number from 0 up, after the '/'");
  EXPECT_EQ(Parsed("redis://:bad%zz@h"),
            prefix + "'redis://***@h': bad percent-escape in the user or password");
  EXPECT_EQ(Parsed("redis://:bad%4@h"),
            prefix + "'redis://***@h': bad percent-escape in the user or password");
  EXPECT_EQ(Parsed("redis://[::1:6379"), prefix + "'redis://[::1:6379': unclosed '[' in the host");
}

TEST(RedisFactoryTest, OpensARedisStoreFromTheConfigWithoutConnecting) {
  registry::OnlineStoreConfig config;
  config.type = "redis";
  config.url = "redis://127.0.0.1:1/4";
  auto store = OpenOnlineStore(config, "/nonexistent", "proj", nullptr);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->Describe(), "redis 127.0.0.1:1/4");
  EXPECT_EQ((*store)->Ping().code(), StatusCode::kUnavailable);
  config.url = "redis://127.0.0.1:0";
  auto bad = OpenOnlineStore(config, "/nonexistent", "proj", nullptr);
  EXPECT_TRUE(bad.status().IsInvalid());
  EXPECT_EQ(bad.status().message(),
            "tessera.yaml: online_store url 'redis://127.0.0.1:0': port must be a number from 1 "
            "to 65535");
}

TEST(RedisFactoryTest, RejectsAProjectNameThatCannotBePartOfAKey) {
  auto store = RedisOnlineStore::Open(RedisOptions{}, "a}b");
  EXPECT_TRUE(store.status().IsInvalid());
  EXPECT_EQ(store.status().message(),
            "redis online store: project name 'a}b' must be letters, digits and '_' (it is part "
            "of every key)");
}

}  // namespace
}  // namespace tessera::online::redis
