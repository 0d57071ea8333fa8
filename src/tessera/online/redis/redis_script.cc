#include "tessera/online/redis/redis_script.h"

namespace tessera::online::redis {

// Tie-break: a stored value shorter than the rank (not written by Tessera)
// loses. HGET gives false for a missing field.
const std::string_view kWriteScript = R"lua(
local old = redis.call('HGET', KEYS[1], ARGV[1])
if #ARGV >= 3 then
  if (old or '') ~= ARGV[3] then return 0 end
elseif old and #old >= 24 then
  local new = ARGV[2]
  for i = 1, 24 do
    local a, b = string.byte(old, i), string.byte(new, i)
    if a ~= b then
      if a > b then return 0 end
      break
    end
  end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
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
