#include "tessera/online/redis/redis_connection.h"

#include <pthread.h>
#include <signal.h>
#include <sys/time.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "tessera/core/io_error.h"
#include "tessera/core/utf8.h"

namespace tessera::online::redis {

namespace {

// Blocks SIGPIPE in this thread for its lifetime; a SIGPIPE raised meanwhile
// (a send on a socket the server closed) is consumed before unblocking, so
// the send fails with EPIPE instead of killing the process. Touches only
// this thread's mask: the process's handlers stay the embedder's.
class SigpipeGuard {
 public:
  SigpipeGuard() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~SigpipeGuard() {
    if (!was_pending_) {
      sigset_t pending;
      sigpending(&pending);
      if (sigismember(&pending, SIGPIPE) == 1) {
        const timespec zero{0, 0};
        while (sigtimedwait(&pipe_, nullptr, &zero) == -1 && errno == EINTR) {
        }
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeGuard(const SigpipeGuard&) = delete;
  SigpipeGuard& operator=(const SigpipeGuard&) = delete;

 private:
  sigset_t pipe_;
  sigset_t old_;
  bool was_pending_ = false;
};

timeval Millis(int64_t ms) {
  return timeval{static_cast<time_t>(ms / 1000), static_cast<suseconds_t>((ms % 1000) * 1000)};
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

}  // namespace

std::string PrintableText(std::string_view text) {
  constexpr size_t kMax = 200;
  std::string out;
  for (size_t i = 0; i < text.size() && i < kMax; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f) {
      out.push_back(static_cast<char>(c));
    } else {
      out += ByteHex(c);
    }
  }
  if (text.size() > kMax) out += "...";
  return out;
}

Result<std::unique_ptr<RedisConnection>> RedisConnection::Open(const RedisOptions& options) {
  const std::string address = options.Address();
  redisContext* context = redisConnectWithTimeout(options.host.c_str(), options.port,
                                                  Millis(options.connect_timeout_ms));
  if (context == nullptr) {
    return Status::Unavailable("redis " + address + ": cannot connect: out of memory");
  }
  if (context->err != 0) {
    std::string reason = PrintableText(context->errstr);
    redisFree(context);
    if (reason == ErrnoText(EINPROGRESS) || reason == ErrnoText(ETIMEDOUT) ||
        reason == ErrnoText(EAGAIN)) {
      reason = "no answer within " + std::to_string(options.connect_timeout_ms) + " ms";
    }
    return Status::Unavailable("redis " + address + ": cannot connect: " + reason);
  }
  std::unique_ptr<RedisConnection> connection(
      new RedisConnection(context, address, options.timeout_ms));
  TS_RETURN_NOT_OK(connection->Setup(options));
  return connection;
}

Status RedisConnection::Setup(const RedisOptions& options) {
  if (redisSetTimeout(context_, Millis(timeout_ms_)) != REDIS_OK) return Broken();
  if (!options.password.empty()) {
    std::vector<std::string_view> auth = {"AUTH"};
    if (!options.user.empty()) auth.push_back(options.user);
    auth.push_back(options.password);
    TS_ASSIGN_OR_RETURN(ReplyPtr reply, Command(auth));
    if (reply->type == REDIS_REPLY_ERROR) {
      return Status::Invalid("redis " + address_ + ": AUTH rejected: " +
                             PrintableText(std::string_view(reply->str, reply->len)) +
                             " (check the user and password in tessera.yaml's online_store url)");
    }
  }
  if (options.db != 0) {
    const std::string db = std::to_string(options.db);
    const std::string_view select[] = {"SELECT", db};
    TS_ASSIGN_OR_RETURN(ReplyPtr reply, Command(select));
    if (reply->type == REDIS_REPLY_ERROR) {
      return Status::Invalid("redis " + address_ + ": SELECT " + db + " rejected: " +
                             PrintableText(std::string_view(reply->str, reply->len)) +
                             " (check the database in tessera.yaml's online_store url)");
    }
  }
  return Status::OK();
}

RedisConnection::~RedisConnection() { redisFree(context_); }

void RedisConnection::Append(std::span<const std::string_view> args) {
  constexpr size_t kInline = 8;
  const char* argv_inline[kInline];
  size_t len_inline[kInline];
  std::vector<const char*> argv_heap;
  std::vector<size_t> len_heap;
  const char** argv = argv_inline;
  size_t* lens = len_inline;
  if (args.size() > kInline) {
    argv_heap.resize(args.size());
    len_heap.resize(args.size());
    argv = argv_heap.data();
    lens = len_heap.data();
  }
  for (size_t i = 0; i < args.size(); ++i) {
    argv[i] = args[i].data();
    lens[i] = args[i].size();
  }
  // Fails only when out of memory; Next() then reports the context's error.
  if (redisAppendCommandArgv(context_, static_cast<int>(args.size()), argv, lens) == REDIS_OK) {
    ++pending_;
  }
}

Result<ReplyPtr> RedisConnection::Next() {
  if (broken_) return Status::Unavailable("redis " + address_ + ": connection already broken");
  if (pending_ == 0 && context_->err != 0) return Broken();
  void* raw = nullptr;
  int rc;
  {
    SigpipeGuard guard;
    rc = redisGetReply(context_, &raw);
  }
  if (rc != REDIS_OK || raw == nullptr) return Broken();
  --pending_;
  return ReplyPtr(static_cast<redisReply*>(raw));
}

Result<ReplyPtr> RedisConnection::Command(std::span<const std::string_view> args) {
  Append(args);
  return Next();
}

Status RedisConnection::ReplyStatus(const redisReply& reply, std::string_view command) const {
  if (reply.type != REDIS_REPLY_ERROR) return Status::OK();
  const std::string_view text(reply.str, reply.len);
  std::string message =
      "redis " + address_ + ": " + std::string(command) + " failed: " + PrintableText(text);
  for (std::string_view transient : {"LOADING", "BUSY", "MASTERDOWN", "TRYAGAIN", "CLUSTERDOWN"}) {
    if (StartsWith(text, transient)) return Status::Unavailable(std::move(message));
  }
  return Status::IOError(std::move(message));
}

Status RedisConnection::Broken() {
  broken_ = true;
  const std::string reason = context_->err != 0 ? context_->errstr : "no reply";
  std::string what;
  if (context_->err == REDIS_ERR_EOF || reason == ErrnoText(ECONNRESET) ||
      reason == ErrnoText(EPIPE)) {
    closed_by_server_ = true;
    what = "connection closed by the server";
  } else if (reason == ErrnoText(EAGAIN) || reason == ErrnoText(ETIMEDOUT)) {
    what = "no answer within " + std::to_string(timeout_ms_) + " ms";
  } else {
    what = PrintableText(reason);
  }
  return Status::Unavailable("redis " + address_ + ": " + what);
}

}  // namespace tessera::online::redis
