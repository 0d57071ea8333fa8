// RedisOptions: how the Redis backend reaches its server, from tessera.yaml
// (`online_store: {type: redis, url: "redis://[[user]:password@]host[:port][/db]",
// pool_size: 8, connect_timeout_ms: 1000, timeout_ms: 1000}`).
//
// The URL follows the redis:// scheme of redis-cli and the Redis clients:
// the user and password are percent-decoded; the port defaults to 6379 and
// the database to 0. Messages never show the password.
//
// Thread-safety: plain data and pure functions.
#pragma once

#include <cstdint>
#include <string>

#include "tessera/core/result.h"
#include "tessera/registry/definitions.h"

namespace tessera::online::redis {

struct RedisOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  int64_t db = 0;
  std::string user;      // empty: AUTH with the password alone (Redis < 6 style)
  std::string password;  // empty: no AUTH
  int pool_size = 8;     // connections open at most at once
  int64_t connect_timeout_ms = 1000;
  int64_t timeout_ms = 1000;  // each send and each reply wait

  // "127.0.0.1:6379", plus "/db" when db != 0: how messages name the server.
  std::string Address() const;
};

// Parses `url` into the host, port, db, user and password of *options
// (other fields untouched). InvalidArgument "online_store url '...': reason"
// with the password masked.
Status ParseRedisUrl(const std::string& url, RedisOptions* options);

// The options tessera.yaml's online_store section gives.
Result<RedisOptions> RedisOptionsFromConfig(const registry::OnlineStoreConfig& config);

}  // namespace tessera::online::redis
