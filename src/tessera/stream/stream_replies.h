// Reading the replies of the Redis Streams commands (RESP2, as Redis 6.2
// and 7 give them) into the stream module's types. Each parser returns
// false for a reply of another shape; the caller names the command.
//
// Thread-safety: pure functions.
#pragma once

#include <hiredis/hiredis.h>

#include <string>
#include <string_view>
#include <vector>

#include "tessera/stream/redis_stream_client.h"
#include "tessera/stream/stream_entry.h"

namespace tessera::stream {

// XREADGROUP: nil (nothing within BLOCK) or [[key, [[id, fields] ...]]].
// An entry whose fields are nil (a pending entry that was deleted) goes to
// *deleted by its id; the others to *entries, in the reply's order.
bool ParseReadReply(const redisReply& reply, std::vector<StreamEntry>* entries,
                    std::vector<std::string>* deleted);

// XAUTOCLAIM: [next_start, [[id, fields] ...], [deleted id ...]] (Redis 7;
// 6.2 has no third element and gives nil fields for a deleted entry).
bool ParseClaimReply(const redisReply& reply, ClaimResult* result);

// XINFO GROUPS: the entry of `group`; *found false when there is none.
// oldest_undelivered_millis is left as it is (XINFO does not give it).
bool ParseGroupInfo(const redisReply& reply, std::string_view group, GroupInfo* info, bool* found);

// An error reply saying the group (or its stream) is gone: NOGROUP, or
// UNBLOCKED for a blocked read whose stream was deleted.
bool IsLostGroupError(const redisReply& reply);

}  // namespace tessera::stream
