// Shared pieces of the Redis backend tests: a store on a test server, raw
// hiredis access to inspect what it stored, and the skip-or-fail rule for a
// missing redis-server (require_oracle.h).
#pragma once

#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <memory>
#include <string>
#include <vector>

#include "redis_server.h"
#include "require_oracle.h"
#include "tessera/online/redis/redis_connection.h"
#include "tessera/online/redis/redis_online_store.h"

namespace tessera::online::redis {

// In a test body or SetUp: skips (outside CI) when redis-server is not
// installed; any other failure to start it fails the test.
#define TESSERA_REQUIRE_REDIS_SERVER()                            \
  do {                                                            \
    if (!::tessera::testing::RedisServerBinary()) {               \
      TESSERA_MISSING_ORACLE(                                     \
          "redis-server: not installed (TESSERA_REDIS_SERVER or " \
          "PATH; scripts/setup.sh installs it)");                 \
    }                                                             \
  } while (0)

inline RedisOptions TestOptions(int port) {
  RedisOptions options;
  options.host = "127.0.0.1";
  options.port = port;
  options.pool_size = 4;
  options.connect_timeout_ms = 1000;
  options.timeout_ms = 2000;
  return options;
}

inline std::unique_ptr<RedisOnlineStore> OpenTestStore(int port, const std::string& project,
                                                       RedisOptions options) {
  options.port = port;
  auto store = RedisOnlineStore::Open(std::move(options), project);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(*store) : nullptr;
}

// One raw connection for checks of the stored layout.
class RawRedis {
 public:
  explicit RawRedis(int port) : c_(redisConnect("127.0.0.1", port)) {}
  ~RawRedis() { redisFree(c_); }
  RawRedis(const RawRedis&) = delete;
  RawRedis& operator=(const RawRedis&) = delete;

  // The reply to `args`, as a string ("(nil)", "(error) ...", "(integer) N",
  // or the text); arrays as their elements joined by '|'.
  std::string Run(const std::vector<std::string>& args) {
    ReplyPtr reply = Reply(args);
    return reply == nullptr ? "(connection error)" : Text(*reply);
  }

  // The reply to `args` itself, for checks of its structure; null on a
  // connection error.
  ReplyPtr Reply(const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    for (const std::string& a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    return ReplyPtr(static_cast<redisReply*>(
        redisCommandArgv(c_, static_cast<int>(args.size()), argv.data(), lens.data())));
  }

 private:
  static std::string Text(const redisReply& r) {
    switch (r.type) {
      case REDIS_REPLY_NIL: return "(nil)";
      case REDIS_REPLY_ERROR: return "(error) " + std::string(r.str, r.len);
      case REDIS_REPLY_INTEGER: return "(integer) " + std::to_string(r.integer);
      case REDIS_REPLY_ARRAY: {
        std::string out;
        for (size_t i = 0; i < r.elements; ++i) out += (i ? "|" : "") + Text(*r.element[i]);
        return out;
      }
      default: return std::string(r.str, r.len);
    }
  }
  redisContext* c_;
};

}  // namespace tessera::online::redis
