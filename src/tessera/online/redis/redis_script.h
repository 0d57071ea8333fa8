// The write script, run by the Redis server: Redis runs a script
// atomically, so the compare and the set cannot interleave with another
// writer's, of any process. Two modes:
//
//   tie-break (OnlineStore::Write: "two writers racing on one key leave the
//   winner"):
//     EVALSHA <sha> 1 <entity hash> <view field> <rank bytes + values>
//     -> 1 when stored, 0 when the stored row ranks higher
//   compare-and-set (OnlineStore::CompareAndWrite):
//     EVALSHA <sha> 1 <entity hash> <view field> <new value> <expected value>
//     -> 1 when stored, 0 when the field no longer holds <expected value>
//     (byte for byte; "" expects no field: a stored value is never empty)
//
// Ranks compare byte by byte (redis_layout.h): Lua's string comparison
// follows the server's locale (strcoll) and Lua numbers are doubles, so
// neither can compare int64 ranks.
//
// Thread-safety: as RedisConnection.
#pragma once

#include <string_view>

#include "tessera/core/status.h"
#include "tessera/online/redis/redis_connection.h"

namespace tessera::online::redis {

extern const std::string_view kWriteScript;

// SCRIPT LOAD kWriteScript on `connection`, remembering its SHA1 there.
Status LoadWriteScript(RedisConnection* connection);

}  // namespace tessera::online::redis
