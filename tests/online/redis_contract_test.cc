// The OnlineStore contract suite (online_store_contract.h) run against the
// Redis backend: each test gets a store of its own project on the binary's
// shared redis-server, so it starts empty.
//
// Without redis-server the factory records a skip (a failure under
// CI=true, require_oracle.h) and hands back a placeholder store, which
// GoogleTest never exercises: a test whose SetUp skipped or failed does not
// run its body.
#include <atomic>

#include "online_store_contract.h"
#include "redis_test_util.h"
#include "tessera/online/memory_online_store.h"

namespace tessera::online::redis {
namespace {

// GTEST_SKIP / GTEST_FAIL return from the function they are in: this one.
void RequireRedisServer(testing::RedisServer** server) {
  TESSERA_REQUIRE_REDIS_SERVER();
  std::string why;
  *server = testing::SharedRedisServer(&why);
  ASSERT_NE(*server, nullptr) << why;
}

std::unique_ptr<OnlineStore> MakeFreshRedisStore() {
  static std::atomic<int> counter{0};
  testing::RedisServer* server = nullptr;
  RequireRedisServer(&server);
  if (server == nullptr) return std::make_unique<MemoryOnlineStore>();  // never used, see above
  const int port = server->port();
  return OpenTestStore(port, "contract" + std::to_string(counter++), TestOptions(port));
}

std::unique_ptr<OnlineStore> MakeFreshBulkRedisStore() {
  // Every Write is a WriteBulk (rows grouped by hash slot, many per script
  // call), so the contract holds that path to Write's.
  return std::make_unique<contract::ForwardingStore>(MakeFreshRedisStore(), /*bulk=*/true);
}

}  // namespace
}  // namespace tessera::online::redis

TESSERA_ONLINE_STORE_CONTRACT(Redis, (tessera::online::contract::StoreFactory{
                                         "redis", &tessera::online::redis::MakeFreshRedisStore}))
TESSERA_ONLINE_STORE_CONTRACT(RedisBulk,
                              (tessera::online::contract::StoreFactory{
                                  "redis_bulk", &tessera::online::redis::MakeFreshBulkRedisStore}))
