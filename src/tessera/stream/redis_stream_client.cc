#include "tessera/stream/redis_stream_client.h"

#include <algorithm>
#include <utility>

#include "tessera/online/redis/redis_connection.h"
#include "tessera/stream/stream_replies.h"

namespace tessera::stream {

using online::redis::RedisConnection;
using online::redis::RedisOptions;
using online::redis::ReplyPtr;

namespace {

using Command = std::vector<std::string_view>;

bool Usable(const std::unique_ptr<RedisConnection>& connection) {
  return connection != nullptr && !connection->broken() && connection->pending() == 0;
}

// Opens a connection unless `connection` is usable.
Status EnsureConnected(std::unique_ptr<RedisConnection>& connection, const RedisOptions& options) {
  if (Usable(connection)) return Status::OK();
  connection.reset();
  TS_ASSIGN_OR_RETURN(connection, RedisConnection::Open(options));
  return Status::OK();
}

// Sends `commands` in one pipeline and reads their replies (error replies
// included). A connection that breaks is dropped, so the next call
// connects again. When a connection opened before this call breaks without
// any reply because the server closed it (it restarted meanwhile: nothing
// was run), the pipeline is sent once more on a new connection, so a
// restart between two calls is no error.
Result<std::vector<ReplyPtr>> Pipeline(std::unique_ptr<RedisConnection>& connection,
                                       const RedisOptions& options,
                                       const std::vector<Command>& commands) {
  for (int attempt = 0;; ++attempt) {
    const bool reused = Usable(connection);
    TS_RETURN_NOT_OK(EnsureConnected(connection, options));
    for (const Command& command : commands) connection->Append(command);
    std::vector<ReplyPtr> replies;
    Status failure;
    while (replies.size() < commands.size()) {
      Result<ReplyPtr> reply = connection->Next();
      if (!reply.ok()) {
        failure = reply.status();
        break;
      }
      replies.push_back(std::move(*reply));
    }
    if (failure.ok()) return replies;
    const bool stale = reused && attempt == 0 && replies.empty() && connection->closed_by_server();
    connection.reset();
    if (!stale) return failure;
  }
}

Result<ReplyPtr> RunOne(std::unique_ptr<RedisConnection>& connection, const RedisOptions& options,
                        Command command) {
  TS_ASSIGN_OR_RETURN(std::vector<ReplyPtr> replies,
                      Pipeline(connection, options, {std::move(command)}));
  return std::move(replies[0]);
}

Status UnexpectedReply(const RedisOptions& options, std::string_view command) {
  return Status::IOError("redis " + options.Address() + ": unexpected " + std::string(command) +
                         " reply");
}

}  // namespace

RedisStreamClient::RedisStreamClient(StreamAddress address, int64_t block_ms)
    : address_(std::move(address)), block_ms_(block_ms) {
  // A blocking read answers after block_ms: the reply wait covers it.
  address_.redis.timeout_ms += std::max<int64_t>(block_ms_, 0);
}

RedisStreamClient::~RedisStreamClient() = default;

Result<std::unique_ptr<RedisStreamClient>> RedisStreamClient::Open(const StreamAddress& address,
                                                                   int64_t block_ms) {
  std::unique_ptr<RedisStreamClient> client(new RedisStreamClient(address, block_ms));
  TS_RETURN_NOT_OK(client->Connect());
  return client;
}

Status RedisStreamClient::Connect() { return EnsureConnected(connection_, address_.redis); }

std::string RedisStreamClient::Describe() const {
  return "redis " + address_.redis.Address() + " stream " + address_.key + " group " +
         address_.group;
}

Status RedisStreamClient::EnsureGroup() {
  TS_ASSIGN_OR_RETURN(ReplyPtr reply,
                      RunOne(connection_, address_.redis,
                             {"XGROUP", "CREATE", address_.key, address_.group, "0", "MKSTREAM"}));
  if (reply->type == REDIS_REPLY_ERROR &&
      std::string_view(reply->str, reply->len).starts_with("BUSYGROUP")) {
    return Status::OK();
  }
  return connection_->ReplyStatus(*reply, "XGROUP CREATE");
}

namespace {

// Runs `command` through `client`'s connection; when the group is gone
// (its stream was deleted, FLUSHALL), re-creates it and runs `command` once
// more. An error reply becomes a Status naming `name`.
Result<ReplyPtr> RunKeepingGroup(RedisStreamClient* client,
                                 std::unique_ptr<RedisConnection>& connection,
                                 const RedisOptions& options, const Command& command,
                                 std::string_view name) {
  TS_ASSIGN_OR_RETURN(ReplyPtr reply, RunOne(connection, options, command));
  if (IsLostGroupError(*reply)) {
    TS_RETURN_NOT_OK(client->EnsureGroup());
    TS_ASSIGN_OR_RETURN(reply, RunOne(connection, options, command));
  }
  TS_RETURN_NOT_OK(connection->ReplyStatus(*reply, name));
  return reply;
}

}  // namespace

Result<std::vector<StreamEntry>> RedisStreamClient::ReadNew(int count) {
  const std::string count_text = std::to_string(count);
  const std::string block_text = std::to_string(block_ms_);
  Command command = {"XREADGROUP", "GROUP", address_.group, address_.consumer, "COUNT", count_text};
  // BLOCK 0 would wait for ever: no BLOCK at all then.
  if (block_ms_ > 0) command.insert(command.end(), {"BLOCK", block_text});
  command.insert(command.end(), {"STREAMS", address_.key, ">"});
  TS_ASSIGN_OR_RETURN(ReplyPtr reply,
                      RunKeepingGroup(this, connection_, address_.redis, command, "XREADGROUP"));
  std::vector<StreamEntry> entries;
  std::vector<std::string> deleted;  // none: new entries exist
  if (!ParseReadReply(*reply, &entries, &deleted)) {
    return UnexpectedReply(address_.redis, "XREADGROUP");
  }
  return entries;
}

Result<std::vector<StreamEntry>> RedisStreamClient::ReadPending(const std::string& after_id,
                                                                int count,
                                                                std::vector<std::string>* deleted) {
  const std::string count_text = std::to_string(count);
  const Command command = {"XREADGROUP", "GROUP",   address_.group, address_.consumer, "COUNT",
                           count_text,   "STREAMS", address_.key,   after_id};
  TS_ASSIGN_OR_RETURN(ReplyPtr reply,
                      RunKeepingGroup(this, connection_, address_.redis, command, "XREADGROUP"));
  std::vector<StreamEntry> entries;
  if (!ParseReadReply(*reply, &entries, deleted)) {
    return UnexpectedReply(address_.redis, "XREADGROUP");
  }
  return entries;
}

Result<ClaimResult> RedisStreamClient::AutoClaim(int64_t min_idle_ms, const std::string& start,
                                                 int count) {
  const std::string idle_text = std::to_string(min_idle_ms);
  const std::string count_text = std::to_string(count);
  const Command command = {"XAUTOCLAIM", address_.key, address_.group, address_.consumer,
                           idle_text,    start,        "COUNT",        count_text};
  TS_ASSIGN_OR_RETURN(ReplyPtr reply,
                      RunKeepingGroup(this, connection_, address_.redis, command, "XAUTOCLAIM"));
  ClaimResult result;
  if (!ParseClaimReply(*reply, &result)) return UnexpectedReply(address_.redis, "XAUTOCLAIM");
  return result;
}

Status RedisStreamClient::Ack(std::span<const std::string> ids) {
  if (ids.empty()) return Status::OK();
  Command command = {"XACK", address_.key, address_.group};
  command.insert(command.end(), ids.begin(), ids.end());
  TS_ASSIGN_OR_RETURN(ReplyPtr reply,
                      RunKeepingGroup(this, connection_, address_.redis, command, "XACK"));
  if (reply->type != REDIS_REPLY_INTEGER) return UnexpectedReply(address_.redis, "XACK");
  return Status::OK();
}

Status RedisStreamClient::DeadLetter(std::span<const RejectedEntry> rejected,
                                     const std::string& source) {
  if (rejected.empty()) return Status::OK();
  const std::string dead_key = address_.key + ":dead";
  std::vector<Command> commands;
  commands.reserve(rejected.size());
  for (const RejectedEntry& r : rejected) {
    Command& command = commands.emplace_back(Command{"XADD", dead_key, "*"});
    for (const auto& [field, value] : r.entry.fields) command.insert(command.end(), {field, value});
    command.insert(command.end(), {"_entry_id", r.entry.id, "_reason", r.reason, "_source", source,
                                   "_consumer", address_.consumer});
  }
  TS_ASSIGN_OR_RETURN(std::vector<ReplyPtr> replies,
                      Pipeline(connection_, address_.redis, commands));
  for (const ReplyPtr& reply : replies) {
    TS_RETURN_NOT_OK(connection_->ReplyStatus(*reply, "XADD " + dead_key));
  }
  return Status::OK();
}

Result<GroupInfo> RedisStreamClient::Info() {
  GroupInfo info;
  bool found = false;
  for (int attempt = 0; attempt < 2 && !found; ++attempt) {
    if (attempt == 1) TS_RETURN_NOT_OK(EnsureGroup());  // the stream or the group is gone
    TS_ASSIGN_OR_RETURN(ReplyPtr reply,
                        RunOne(connection_, address_.redis, {"XINFO", "GROUPS", address_.key}));
    if (reply->type == REDIS_REPLY_ERROR) {
      const std::string_view text(reply->str, reply->len);
      if (text.find("no such key") != std::string_view::npos) continue;
      return connection_->ReplyStatus(*reply, "XINFO GROUPS");
    }
    if (!ParseGroupInfo(*reply, address_.group, &info, &found)) {
      return UnexpectedReply(address_.redis, "XINFO GROUPS");
    }
  }
  if (!found) {
    return Status::IOError("redis " + address_.redis.Address() + ": group " + address_.group +
                           " of stream " + address_.key + " missing just after creating it");
  }
  if (info.lag == 0) return info;
  // The first entry after the last delivered one is the oldest undelivered.
  const std::string after = "(" + info.last_delivered_id;
  TS_ASSIGN_OR_RETURN(ReplyPtr reply, RunOne(connection_, address_.redis,
                                             {"XRANGE", address_.key, after, "+", "COUNT", "1"}));
  TS_RETURN_NOT_OK(connection_->ReplyStatus(*reply, "XRANGE"));
  if (reply->type != REDIS_REPLY_ARRAY) return UnexpectedReply(address_.redis, "XRANGE");
  if (reply->elements == 0) return info;
  const redisReply& entry = *reply->element[0];
  if (entry.type != REDIS_REPLY_ARRAY || entry.elements < 1 ||
      entry.element[0]->type != REDIS_REPLY_STRING ||
      !EntryIdMillis(std::string_view(entry.element[0]->str, entry.element[0]->len),
                     &info.oldest_undelivered_millis)) {
    return UnexpectedReply(address_.redis, "XRANGE");
  }
  return info;
}

}  // namespace tessera::stream
