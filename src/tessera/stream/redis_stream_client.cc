#include "tessera/stream/redis_stream_client.h"

#include <functional>
#include <utility>

#include "tessera/online/redis/redis_connection.h"
#include "tessera/stream/stream_replies.h"

namespace tessera::stream {

using online::redis::RedisConnection;
using online::redis::ReplyPtr;

namespace {

// One command on `connection` (connected); the reply may be an error reply.
// A connection that broke is dropped, so the next call connects again.
Result<ReplyPtr> Run(std::unique_ptr<RedisConnection>& connection,
                     std::span<const std::string_view> args) {
  Result<ReplyPtr> reply = connection->Command(args);
  if (!reply.ok() || connection->broken()) connection.reset();
  return reply;
}

Status UnexpectedReply(const std::string& address, std::string_view command) {
  return Status::IOError("redis " + address + ": unexpected " + std::string(command) + " reply");
}

// Runs `args` on `connection` (connected); when the group is gone (its
// stream was deleted, FLUSHALL), `recreate` makes it again and `args` runs
// once more. An error reply becomes a Status naming `command`.
Result<ReplyPtr> RunKeepingGroup(std::unique_ptr<RedisConnection>& connection,
                                 std::span<const std::string_view> args, std::string_view command,
                                 const std::function<Status()>& recreate) {
  TS_ASSIGN_OR_RETURN(ReplyPtr reply, Run(connection, args));
  if (IsLostGroupError(*reply)) {
    TS_RETURN_NOT_OK(recreate());
    TS_ASSIGN_OR_RETURN(reply, Run(connection, args));
  }
  TS_RETURN_NOT_OK(connection->ReplyStatus(*reply, command));
  return reply;
}

}  // namespace

RedisStreamClient::RedisStreamClient(StreamAddress address, int64_t block_ms)
    : address_(std::move(address)), block_ms_(block_ms) {}

RedisStreamClient::~RedisStreamClient() = default;

Result<std::unique_ptr<RedisStreamClient>> RedisStreamClient::Open(const StreamAddress& address,
                                                                   int64_t block_ms) {
  std::unique_ptr<RedisStreamClient> client(new RedisStreamClient(address, block_ms));
  TS_RETURN_NOT_OK(client->Connect());
  return client;
}

// Connects when there is no usable connection (none yet, or the last one
// broke); a no-op otherwise.
Status RedisStreamClient::Connect() {
  if (connection_ != nullptr && !connection_->broken() && connection_->pending() == 0) {
    return Status::OK();
  }
  connection_.reset();
  online::redis::RedisOptions options = address_.redis;
  options.timeout_ms += block_ms_;  // a blocking read answers after block_ms
  TS_ASSIGN_OR_RETURN(connection_, RedisConnection::Open(options));
  return Status::OK();
}

std::string RedisStreamClient::Describe() const {
  return "redis " + address_.redis.Address() + " stream " + address_.key + " group " +
         address_.group;
}

Status RedisStreamClient::EnsureGroup() {
  TS_RETURN_NOT_OK(Connect());
  const std::string_view args[] = {"XGROUP", "CREATE", address_.key, address_.group, "0",
                                   "MKSTREAM"};
  TS_ASSIGN_OR_RETURN(ReplyPtr reply, Run(connection_, args));
  if (reply->type == REDIS_REPLY_ERROR &&
      std::string_view(reply->str, reply->len).starts_with("BUSYGROUP")) {
    return Status::OK();
  }
  return connection_->ReplyStatus(*reply, "XGROUP CREATE");
}

Result<std::vector<StreamEntry>> RedisStreamClient::ReadNew(int count) {
  const std::string count_text = std::to_string(count);
  const std::string block_text = std::to_string(block_ms_);
  const std::string_view args[] = {
      "XREADGROUP", "GROUP", address_.group, address_.consumer, "COUNT", count_text,
      "BLOCK",      block_text, "STREAMS",   address_.key,      ">"};
  TS_RETURN_NOT_OK(Connect());
  TS_ASSIGN_OR_RETURN(ReplyPtr reply, RunKeepingGroup(connection_, args, "XREADGROUP", [this] { return EnsureGroup(); }));
  std::vector<StreamEntry> entries;
  std::vector<std::string> deleted;  // none: new entries exist
  if (!ParseReadReply(*reply, &entries, &deleted)) {
    return UnexpectedReply(address_.redis.Address(), "XREADGROUP");
  }
  return entries;
}

Result<std::vector<StreamEntry>> RedisStreamClient::ReadPending(const std::string& after_id,
                                                                int count,
                                                                std::vector<std::string>* deleted) {
  const std::string count_text = std::to_string(count);
  const std::string_view args[] = {"XREADGROUP", "GROUP",   address_.group, address_.consumer,
                                   "COUNT",      count_text, "STREAMS",     address_.key,
                                   after_id};
  TS_RETURN_NOT_OK(Connect());
  TS_ASSIGN_OR_RETURN(ReplyPtr reply, RunKeepingGroup(connection_, args, "XREADGROUP", [this] { return EnsureGroup(); }));
  std::vector<StreamEntry> entries;
  if (!ParseReadReply(*reply, &entries, deleted)) {
    return UnexpectedReply(address_.redis.Address(), "XREADGROUP");
  }
  return entries;
}

Result<ClaimResult> RedisStreamClient::AutoClaim(int64_t min_idle_ms, const std::string& start,
                                                 int count) {
  const std::string idle_text = std::to_string(min_idle_ms);
  const std::string count_text = std::to_string(count);
  const std::string_view args[] = {"XAUTOCLAIM", address_.key, address_.group, address_.consumer,
                                   idle_text,    start,        "COUNT",        count_text};
  TS_RETURN_NOT_OK(Connect());
  TS_ASSIGN_OR_RETURN(ReplyPtr reply, RunKeepingGroup(connection_, args, "XAUTOCLAIM", [this] { return EnsureGroup(); }));
  ClaimResult result;
  if (!ParseClaimReply(*reply, &result)) {
    return UnexpectedReply(address_.redis.Address(), "XAUTOCLAIM");
  }
  return result;
}

Status RedisStreamClient::Ack(std::span<const std::string> ids) {
  if (ids.empty()) return Status::OK();
  std::vector<std::string_view> args = {"XACK", address_.key, address_.group};
  args.insert(args.end(), ids.begin(), ids.end());
  TS_RETURN_NOT_OK(Connect());
  TS_ASSIGN_OR_RETURN(ReplyPtr reply, RunKeepingGroup(connection_, args, "XACK", [this] { return EnsureGroup(); }));
  if (reply->type != REDIS_REPLY_INTEGER) return UnexpectedReply(address_.redis.Address(), "XACK");
  return Status::OK();
}

Status RedisStreamClient::DeadLetter(std::span<const RejectedEntry> rejected,
                                     const std::string& source) {
  if (rejected.empty()) return Status::OK();
  TS_RETURN_NOT_OK(Connect());
  const std::string dead_key = address_.key + ":dead";
  std::vector<std::string_view> args;
  for (const RejectedEntry& r : rejected) {
    args = {"XADD", dead_key, "*"};
    for (const auto& [field, value] : r.entry.fields) {
      args.push_back(field);
      args.push_back(value);
    }
    args.insert(args.end(), {"_entry_id", r.entry.id, "_reason", r.reason, "_source", source,
                             "_consumer", address_.consumer});
    connection_->Append(args);
  }
  // Every reply is read, so the connection stays usable after an error reply.
  Status first_error;
  for (size_t i = 0; i < rejected.size(); ++i) {
    Result<ReplyPtr> reply = connection_->Next();
    if (!reply.ok()) {
      connection_.reset();
      return reply.status();
    }
    if (first_error.ok()) first_error = connection_->ReplyStatus(**reply, "XADD " + dead_key);
  }
  return first_error;
}

Result<GroupInfo> RedisStreamClient::Info() {
  TS_RETURN_NOT_OK(Connect());
  const std::string_view groups[] = {"XINFO", "GROUPS", address_.key};
  GroupInfo info;
  bool found = false;
  for (int attempt = 0; attempt < 2 && !found; ++attempt) {
    if (attempt == 1) TS_RETURN_NOT_OK(EnsureGroup());  // the stream or group is gone
    TS_ASSIGN_OR_RETURN(ReplyPtr reply, Run(connection_, groups));
    if (reply->type == REDIS_REPLY_ERROR) {
      if (std::string_view(reply->str, reply->len).find("no such key") != std::string_view::npos) {
        continue;
      }
      return connection_->ReplyStatus(*reply, "XINFO GROUPS");
    }
    if (!ParseGroupInfo(*reply, address_.group, &info, &found)) {
      return UnexpectedReply(address_.redis.Address(), "XINFO GROUPS");
    }
  }
  if (!found) {
    return Status::IOError("redis " + address_.redis.Address() + ": group " + address_.group +
                           " of stream " + address_.key + " missing just after creating it");
  }
  if (info.lag == 0) return info;
  // The first entry after the last delivered one: the oldest undelivered.
  const std::string after = "(" + info.last_delivered_id;
  const std::string_view range[] = {"XRANGE", address_.key, after, "+", "COUNT", "1"};
  TS_ASSIGN_OR_RETURN(ReplyPtr reply, Run(connection_, range));
  TS_RETURN_NOT_OK(connection_->ReplyStatus(*reply, "XRANGE"));
  if (reply->type != REDIS_REPLY_ARRAY) return UnexpectedReply(address_.redis.Address(), "XRANGE");
  if (reply->elements > 0) {
    const redisReply& entry = *reply->element[0];
    if (entry.type != REDIS_REPLY_ARRAY || entry.elements < 1 ||
        entry.element[0]->type != REDIS_REPLY_STRING ||
        !EntryIdMillis(std::string_view(entry.element[0]->str, entry.element[0]->len),
                       &info.oldest_undelivered_millis)) {
      return UnexpectedReply(address_.redis.Address(), "XRANGE");
    }
  }
  return info;
}

}  // namespace tessera::stream
