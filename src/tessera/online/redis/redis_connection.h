// RedisConnection: one blocking hiredis connection with bounded waits, the
// unit the pool hands out.
//
// Commands are pipelined: Append() queues any number of commands, Next()
// sends whatever is queued and returns the replies one by one in order.
// Connecting waits at most connect_timeout_ms; every send and every reply
// wait at most timeout_ms (socket timeouts), so no call hangs when the
// server is down or stopped. The first I/O error, timeout or protocol error
// marks the connection broken: it is never used again (the pool drops it).
// Writing to a socket the server closed raises no SIGPIPE: the signal is
// blocked in the calling thread around each send and a pending one is
// consumed.
//
// Thread-safety: none; one thread at a time (the pool leases it to one).
#pragma once

#include <hiredis/hiredis.h>

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "tessera/core/result.h"
#include "tessera/online/redis/redis_options.h"

namespace tessera::online::redis {

struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

class RedisConnection {
 public:
  // Connects, then AUTHs and SELECTs as `options` say. Unavailable
  // ("redis <address>: cannot connect: <reason>") when the server cannot be
  // reached in time; InvalidArgument when it rejects the password or db.
  static Result<std::unique_ptr<RedisConnection>> Open(const RedisOptions& options);

  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Queues one command; nothing is sent yet.
  void Append(std::span<const std::string_view> args);

  // Sends the queued commands (the first call after Append) and returns the
  // next reply, which may be an error reply (see ReplyStatus). Unavailable
  // naming the address on an I/O error or timeout; the connection is then
  // broken().
  Result<ReplyPtr> Next();

  // Append + Next for one command.
  Result<ReplyPtr> Command(std::span<const std::string_view> args);

  // OK for a reply that is not an error; otherwise the server's message,
  // escaped, as Unavailable for the transient errors (LOADING, BUSY,
  // MASTERDOWN, TRYAGAIN) and IOError for the rest.
  Status ReplyStatus(const redisReply& reply, std::string_view command) const;

  bool broken() const { return broken_; }
  // Commands sent or queued whose reply was not read: a connection with any
  // is not reusable (the next caller would read these replies).
  int pending() const { return pending_; }
  // True when the connection broke because the server closed it (EOF,
  // reset, broken pipe), not on a timeout: a retry on a new connection can
  // succeed at once (the server restarted since this one was opened).
  bool closed_by_server() const { return closed_by_server_; }

  // The SHA1 of the tie-break script loaded on this connection, or empty.
  const std::string& script_sha() const { return script_sha_; }
  void set_script_sha(std::string sha) { script_sha_ = std::move(sha); }

  const std::string& address() const { return address_; }

 private:
  RedisConnection(redisContext* context, std::string address, int64_t timeout_ms)
      : context_(context), address_(std::move(address)), timeout_ms_(timeout_ms) {}
  Status Setup(const RedisOptions& options);
  Status Broken();

  redisContext* context_;
  std::string address_;
  int64_t timeout_ms_;
  int pending_ = 0;  // commands appended whose reply is not read yet
  bool broken_ = false;
  bool closed_by_server_ = false;
  std::string script_sha_;
};

// A server's text (an error reply) as a message may show it: printable
// ASCII kept, every other byte as 0xNN, at most 200 bytes.
std::string PrintableText(std::string_view text);

}  // namespace tessera::online::redis
