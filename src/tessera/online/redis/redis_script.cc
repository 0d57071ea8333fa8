#include "tessera/online/redis/redis_script.h"

namespace tessera::online::redis {

// KEYS[1..n] (one hash slot), ARGV[1] the field, ARGV[1 + i] the value for
// KEYS[i]: each value is stored where it wins the tie-break (rank bytes
// compared as unsigned bytes; a stored value shorter than the rank, not
// written by Tessera, loses; an equal rank replaces), in order, so rows of
// one key compete in call order; returns how many were stored. With one
// key and a third argument, compare-and-set instead: stored only where the
// field holds exactly ARGV[3] ('' for none); returns 1 or 0. HGET gives
// false for a missing field.
const std::string_view kWriteScript = R"lua(
local field = ARGV[1]
if #ARGV == 3 and #KEYS == 1 then
  if (redis.call('HGET', KEYS[1], field) or '') ~= ARGV[3] then return 0 end
  redis.call('HSET', KEYS[1], field, ARGV[2])
  return 1
end
local stored = 0
for k = 1, #KEYS do
  local new = ARGV[k + 1]
  local old = redis.call('HGET', KEYS[k], field)
  local wins = true
  if old and #old >= 24 then
    for i = 1, 24 do
      local a, b = string.byte(old, i), string.byte(new, i)
      if a ~= b then
        wins = a < b
        break
      end
    end
  end
  if wins then
    redis.call('HSET', KEYS[k], field, new)
    stored = stored + 1
  end
end
return stored
)lua";

Status LoadWriteScript(RedisConnection* connection) {
  const std::string_view load[] = {"SCRIPT", "LOAD", kWriteScript};
  TS_ASSIGN_OR_RETURN(ReplyPtr reply, connection->Command(load));
  TS_RETURN_NOT_OK(connection->ReplyStatus(*reply, "SCRIPT LOAD"));
  if (reply->type != REDIS_REPLY_STRING) {
    return Status::IOError("redis " + connection->address() + ": unexpected reply to SCRIPT LOAD");
  }
  connection->set_script_sha(std::string(reply->str, reply->len));
  return Status::OK();
}

}  // namespace tessera::online::redis
