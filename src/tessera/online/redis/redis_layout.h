// RedisLayout: where and how the Redis backend stores online rows
// (docs/FORMATS.md, "Online store in Redis").
//
//   key    tessera:{<project>:<hex of the entity key bytes>}   a hash
//   field  <view>@<version>                                     one per view version
//   value  24-byte rank + RowCodec bytes
//
// All views of one entity live in one hash whose name is a Redis Cluster
// hash tag ({...}), so a lookup of several views of an entity is one HMGET
// on one slot. The rank is event_ts, created_ts, ingest_seq, each 8 bytes
// big-endian with the sign bit flipped, so comparing two values' first 24
// bytes as unsigned bytes is comparing ranks (the tie-break script relies on
// it and never needs Lua numbers, which are doubles).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tessera/core/status.h"
#include "tessera/online/online_store.h"

namespace tessera::online::redis {

inline constexpr size_t kRankBytes = 24;

// "tessera:{<project>:<hex>}" for one entity key.
std::string EntityHashKey(std::string_view project, std::string_view entity_key);

// The Redis Cluster hash slot of `key` (CRC16/XMODEM of its hash tag, the
// text between the first '{' and the next '}' when not empty, else of the
// whole key; mod 16384): keys of one slot may go into one script call.
uint16_t HashSlot(std::string_view key);

// "tessera:{<project>:*": the SCAN pattern that matches every entity hash of
// `project` and of no other project (project names have no glob characters
// and ':' ends the name).
std::string ProjectKeyPattern(std::string_view project);

// "<view>@<version>".
std::string ViewField(const ViewId& view);

// The stored value: rank bytes followed by `values`.
std::string EncodeStoredRow(const RowRank& rank, std::string_view values);

// Splits a stored value; Corruption naming `where` when it is shorter than
// the rank.
Status DecodeStoredRow(std::string_view stored, std::string_view where, OnlineRow* row);

}  // namespace tessera::online::redis
