// `tessera serve` as a process: the lock it writes and removes, a second
// server refused, a stale lock taken over, and SIGTERM under load (every
// request answered whole, exit 0).
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include "http_test_client.h"
#include "tessera/serving/serve_lock.h"

extern char** environ;

namespace tessera::serving {
namespace {

namespace fs = std::filesystem;
using testing::ClientResponse;
using testing::HttpTestClient;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A running `tessera serve` with its stderr in a file.
class ServeProcess {
 public:
  ServeProcess(const std::string& repo, std::vector<std::string> extra)
      : err_(repo + ".err" + std::to_string(++count_)) {
    std::vector<std::string> args = {TESSERA_BINARY, "-r", repo, "serve", "--port", "0"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 2, err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    if (posix_spawn(&pid_, TESSERA_BINARY, &actions, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
  }
  ~ServeProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  pid_t pid() const { return pid_; }
  // The exit code once it exits (128 + signal when killed), or -1 on timeout.
  int Wait(std::chrono::seconds timeout = std::chrono::seconds(30)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
  }
  std::string err() const { return ReadFile(err_); }

 private:
  static inline int count_ = 0;
  std::string err_;
  pid_t pid_ = -1;
};

class ServeCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/tessera-serve-cli-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    repo_ = tmpl;
    std::ofstream(repo_ + "/tessera.yaml") << "project: serve_test\n";
  }
  void TearDown() override {
    fs::remove_all(repo_);
    for (int i = 0; i < 100; ++i) fs::remove(repo_ + ".err" + std::to_string(i));
  }
  // The port of the server that holds the repo's lock, once it does.
  int WaitForServer(const ServeProcess& p) {
    for (int i = 0; i < 3000; ++i) {
      auto running = FindRunningServer(repo_);
      if (running.ok() && running->has_value() && (*running)->pid == p.pid()) {
        return (*running)->port;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
  }

  std::string repo_;
};

TEST_F(ServeCliTest, SecondServerIsRefusedAndSigtermRemovesTheLock) {
  ServeProcess server(repo_, {"--threads", "2"});
  int port = WaitForServer(server);
  ASSERT_GT(port, 0) << server.err();

  ServeProcess second(repo_, {});
  EXPECT_EQ(second.Wait(), 1);
  EXPECT_EQ(second.err(), "error: a tessera server already runs for this repo (pid " +
                              std::to_string(server.pid()) + ", http://127.0.0.1:" +
                              std::to_string(port) + "; data/serve.lock)\n");

  HttpTestClient client(port);
  ASSERT_TRUE(client.Connect());
  EXPECT_EQ(client.Request("GET", "/metrics").status, 200);

  pid_t server_pid = server.pid();
  kill(server.pid(), SIGTERM);
  EXPECT_EQ(server.Wait(), 0) << server.err();
  EXPECT_FALSE(fs::exists(repo_ + "/data/serve.lock"));
  std::string log = server.err();
  std::string listening = "tessera serve: listening on http://127.0.0.1:" + std::to_string(port) +
                          " (pid " + std::to_string(server_pid) + ", ";
  EXPECT_EQ(log.substr(0, listening.size()), listening) << log;
  EXPECT_EQ(log.substr(log.size() - 23), "tessera serve: stopped\n");
}

TEST_F(ServeCliTest, AStaleLockOfAKilledServerIsTakenOver) {
  int killed_pid = 0;
  {
    ServeProcess killed(repo_, {});
    ASSERT_GT(WaitForServer(killed), 0) << killed.err();
    killed_pid = killed.pid();
    kill(killed.pid(), SIGKILL);
    EXPECT_EQ(killed.Wait(), 128 + SIGKILL);
  }
  ASSERT_TRUE(fs::exists(repo_ + "/data/serve.lock"));  // left behind
  EXPECT_NE(ReadFile(repo_ + "/data/serve.lock").find(std::to_string(killed_pid)),
            std::string::npos);
  ServeProcess next(repo_, {});
  ASSERT_GT(WaitForServer(next), 0) << next.err();
  kill(next.pid(), SIGINT);
  EXPECT_EQ(next.Wait(), 0) << next.err();
  EXPECT_FALSE(fs::exists(repo_ + "/data/serve.lock"));
}

// Clients keep requests going on keep-alive connections while SIGTERM
// arrives: each request is answered whole or its connection is refused or
// closed before an answer began; none gets a partial answer or a 500, and
// the server exits 0.
TEST_F(ServeCliTest, SigtermUnderLoadAnswersEveryRequestWhole) {
  ServeProcess server(repo_, {"--threads", "2"});
  int port = WaitForServer(server);
  ASSERT_GT(port, 0) << server.err();
  std::atomic<bool> stop{false};
  std::atomic<int> answered{0};
  std::atomic<int> bad{0};
  std::vector<std::thread> clients;
  std::mutex mu;
  std::string bad_example;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&] {
      while (!stop.load()) {
        HttpTestClient client(port, std::chrono::seconds(5));
        if (!client.Connect()) continue;  // refused: the server is stopping or gone
        for (int i = 0; i < 50 && !stop.load(); ++i) {
          ClientResponse r = client.Request("POST", "/get-online-features",
                                            R"({"features": ["v:f"], "entities": {"u": [1]}})");
          bool partial = r.status == 0 && r.error == "partial message";
          if (r.status == 0 && !partial) break;  // closed before an answer: retry
          if (r.status > 0 && r.status != 500) {
            answered.fetch_add(1);
          } else {
            bad.fetch_add(1);
            std::lock_guard lock(mu);
            bad_example = std::to_string(r.status) + " " + r.error + " " + r.body;
          }
          if (!r.keep_alive) break;
        }
      }
    });
  }
  while (answered.load() < 200) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  kill(server.pid(), SIGTERM);
  int code = server.Wait();
  stop.store(true);
  for (std::thread& t : clients) t.join();
  EXPECT_EQ(code, 0) << server.err();
  EXPECT_EQ(bad.load(), 0) << bad_example;
  EXPECT_FALSE(fs::exists(repo_ + "/data/serve.lock"));
}

TEST_F(ServeCliTest, HelpAndBadOptions) {
  {
    ServeProcess help(repo_, {"--help"});
    EXPECT_EQ(help.Wait(), 0);
  }
  ServeProcess bad(repo_, {"--body-limit", "lots"});
  EXPECT_EQ(bad.Wait(), 2);
  EXPECT_EQ(bad.err(),
            "error: --body-limit lots: expected a size such as 16MB, 512KB or 1048576 (at most "
            "1TB)\n");
}

}  // namespace
}  // namespace tessera::serving
