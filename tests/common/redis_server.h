// A throwaway redis-server for tests: started on a free loopback port
// (`--port N --bind 127.0.0.1 --save "" --appendonly no`, data and log in a
// temp dir), waited for until it answers PING, stopped by the destructor.
// Never touches a system Redis on 6379.
//
//   RedisServer* redis = SharedRedisServer(&why);  // one per test binary
//   if (redis == nullptr) TESSERA_MISSING_ORACLE("redis-server: " << why);
//
// Tests that kill, stop or restart the server start their own with
// RedisServer::Start. The binary is TESSERA_REDIS_SERVER, else
// `redis-server` on PATH; when there is none, callers skip by name (or fail
// under CI=true, require_oracle.h). The child gets SIGKILL if the thread
// that started it dies, so a crashed test leaves no server behind.
//
// Header-only; uses hiredis (the online module links it) for the PING.
#pragma once

#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace tessera::testing {

// The redis-server to run, or nullopt when none is installed.
inline std::optional<std::string> RedisServerBinary() {
  if (const char* env = std::getenv("TESSERA_REDIS_SERVER"); env != nullptr && *env != '\0') {
    if (::access(env, X_OK) == 0) return std::string(env);
    return std::nullopt;
  }
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path == nullptr ? "/usr/bin:/bin" : path);
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const std::string candidate = (dir.empty() ? "." : dir) + "/redis-server";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return std::nullopt;
}

// A loopback TCP port nothing listens on right now.
inline int FreeLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

// True when a server on 127.0.0.1:`port` answers PING within `timeout_ms`.
inline bool RedisAnswers(int port, int timeout_ms = 200) {
  const timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  redisContext* c = redisConnectWithTimeout("127.0.0.1", port, tv);
  if (c == nullptr) return false;
  bool ok = false;
  if (c->err == 0 && redisSetTimeout(c, tv) == REDIS_OK) {
    auto* reply = static_cast<redisReply*>(redisCommand(c, "PING"));
    ok = reply != nullptr && reply->type == REDIS_REPLY_STATUS &&
         std::strcmp(reply->str, "PONG") == 0;
    if (reply != nullptr) freeReplyObject(reply);
  }
  redisFree(c);
  return ok;
}

class RedisServer {
 public:
  // Starts a server on a free port; nullptr with *error set when none is
  // installed or it does not come up.
  static std::unique_ptr<RedisServer> Start(std::string* error) {
    std::optional<std::string> binary = RedisServerBinary();
    if (!binary) {
      *error =
          "redis-server not found (TESSERA_REDIS_SERVER or PATH; scripts/setup.sh installs it)";
      return nullptr;
    }
    char dir_template[] = "/tmp/tessera-redis-XXXXXX";
    if (::mkdtemp(dir_template) == nullptr) {
      *error = "cannot create a temp dir for redis-server";
      return nullptr;
    }
    std::unique_ptr<RedisServer> server(new RedisServer(*binary, dir_template));
    for (int attempt = 0; attempt < 5; ++attempt) {  // a port taken meanwhile: try another
      server->port_ = FreeLoopbackPort();
      if (server->port_ != 0 && server->Launch(error)) return server;
    }
    return nullptr;
  }

  ~RedisServer() {
    Stop();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  int port() const { return port_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

  // SIGKILL, as a crash would; the port stays reserved for Restart.
  void Kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  // Starts the server again on the same port (after Kill).
  bool Restart(std::string* error) {
    Kill();
    return Launch(error);
  }

  // SIGSTOP / SIGCONT: the kernel still accepts connections, nothing answers.
  void Pause() { ::kill(pid_, SIGSTOP); }
  void Resume() { ::kill(pid_, SIGCONT); }

 private:
  RedisServer(std::string binary, std::string dir)
      : binary_(std::move(binary)), dir_(std::move(dir)) {}

  bool Launch(std::string* error) {
    const std::string port = std::to_string(port_);
    const std::string log = dir_ + "/redis.log";
    std::vector<std::string> args = {
        binary_, "--port", port, "--bind",    "127.0.0.1", "--save",      "",  "--appendonly",
        "no",    "--dir",  dir_, "--logfile", log,         "--daemonize", "no"};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ < 0) {
      *error = "fork failed";
      return false;
    }
    if (pid_ == 0) {  // child: async-signal-safe calls only
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(127);
      const int null_fd = ::open("/dev/null", O_RDWR);
      if (null_fd >= 0) {
        ::dup2(null_fd, 0);
        ::dup2(null_fd, 1);
        ::dup2(null_fd, 2);
      }
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      if (RedisAnswers(port_)) return true;
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {  // exited: port taken or bad option
        pid_ = -1;
        std::ifstream in(log);
        std::stringstream text;
        text << in.rdbuf();
        *error = "redis-server exited at start on port " + port + ": " + text.str();
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    *error = "redis-server did not answer PING on port " + port + " within 10 s";
    Kill();
    return false;
  }

  void Stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGCONT);  // a paused server cannot handle SIGTERM
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 200; ++i) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    Kill();
  }

  std::string binary_;
  std::string dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

// One server shared by the tests of a binary that do not kill or stop it
// (started on first use, stopped at exit); nullptr with *error set as
// RedisServer::Start.
inline RedisServer* SharedRedisServer(std::string* error) {
  static std::string start_error;
  static std::unique_ptr<RedisServer> server = RedisServer::Start(&start_error);
  if (server == nullptr) *error = start_error;
  return server.get();
}

}  // namespace tessera::testing
