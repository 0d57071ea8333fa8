// `get`, `push`, `materialize` and `materialize-incremental` while a real
// `tessera serve` runs for the repo (DESIGN.md section 3b): the server owns
// the RocksDB folder, so the CLI sends it the request and prints what it
// would print without a server. Checked against a twin repo with the same
// files and no server (output byte for byte), through the server's own
// HTTP API (a CLI push is read back by a POST), and with the serve.lock of
// a dead server (ignored: the CLI opens the store itself) or of a live
// holder that does not answer (a clear error naming the address).
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "scratch_cli_test.h"
#include "tessera/serving/http_client.h"
#include "tessera/serving/serve_lock.h"

namespace tessera::cli_test {
namespace {

namespace fs = std::filesystem;

// A `tessera serve --port 0` on a repo, killed (SIGKILL) when it goes out
// of scope unless stopped.
class ServeProcess {
 public:
  ServeProcess(const std::string& repo, const std::string& log,
               const std::vector<std::string>& extra)
      : repo_(repo) {
    std::vector<std::string> args = {TESSERA_BINARY, "-r", repo,        "serve",
                                     "--port",       "0",  "--threads", "2"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (posix_spawn(&pid_, TESSERA_BINARY, &actions, nullptr, argv.data(), environ) != 0) {
      pid_ = -1;
    }
    posix_spawn_file_actions_destroy(&actions);
  }
  ~ServeProcess() { Kill(SIGKILL); }

  // The port once the server holds the repo's lock; -1 after 30 s.
  int WaitUntilServing() {
    for (int i = 0; i < 3000 && pid_ > 0; ++i) {
      auto running = serving::FindRunningServer(repo_);
      if (running.ok() && running->has_value() && (*running)->pid == pid_) {
        return (*running)->port;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
  }
  // Sends `signal` and waits for the exit; its exit code (128 + signal
  // when killed by it).
  int Kill(int signal) {
    if (pid_ <= 0) return -1;
    kill(pid_, signal);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  pid_t pid() const { return pid_; }

 private:
  std::string repo_;
  pid_t pid_ = -1;
};

// A loopback port nothing listens on (bound, then closed).
int ClosedPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

class ServeForwardCliTest : public ScratchCliTest {
 protected:
  void SetUp() override {
    ScratchCliTest::SetUp();
    for (const char* repo : {"served", "plain"}) MakeRepo(repo);
    Write("push.csv",
          "user_id,event_timestamp,age,score,ratio,city,vip\n"
          "1,2024-03-05T00:00:00Z,41,0.1,0.1,\"Zürich \"\"Nord\"\"\",true\n"
          "3,2024-03-05T00:00:00Z,,-2.5e-300,,,false\n");
  }
  void TearDown() override {
    server_.reset();
    ScratchCliTest::TearDown();
  }

  // A repo with the default online store (RocksDB in data/online, which one
  // process at a time may open) and one online view of several types.
  void MakeRepo(const std::string& repo) {
    fs::create_directories(Path(repo + "/features"));
    Write(repo + "/tessera.yaml", "project: fwd\n");
    Write(repo + "/features/defs.yaml", R"(entities:
  - name: user
    join_keys: [{name: user_id, type: int64}]
sources:
  - {name: users, kind: batch, path: users.csv, timestamp_field: event_timestamp}
  - {name: users_push, kind: push, batch_source: users}
feature_views:
  - name: user_profile
    entities: [user]
    source: users_push
    features:
      - {name: age, type: int64}
      - {name: score, type: double}
      - {name: ratio, type: float}
      - {name: city, type: string}
      - {name: vip, type: bool}
)");
    Write(repo + "/users.csv",
          "user_id,event_timestamp,age,score,ratio,city,vip\n"
          "1,2024-03-01T00:00:00Z,20,5,1.25,Bern,false\n"
          "2,2024-03-02T00:00:00Z,30,0.3,,Basel,true\n"
          "1,2024-03-03T00:00:00Z,21,1e20,3.5,,true\n");
    CliResult applied = Run({"-r", repo, "apply"});
    ASSERT_EQ(applied.exit_code, 0) << applied.err;
  }

  // Starts the server of repo "served"; its port.
  int StartServer(const std::vector<std::string>& extra = {}) {
    server_ = std::make_unique<ServeProcess>(Path("served"), Path("serve.log"), extra);
    int port = server_->WaitUntilServing();
    EXPECT_GT(port, 0) << Slurp("serve.log");
    return port;
  }
  std::string Note(int port) const {
    return "sent to the running server at http://127.0.0.1:" + std::to_string(port) + " (pid " +
           std::to_string(server_->pid()) + ")\n";
  }
  // Runs `args` on repo "plain" (no server) and on "served" (through the
  // server): the same exit code and stdout; stderr the same after the note
  // the served run begins with (when `note`).
  CliResult RunTwice(const std::vector<std::string>& args, int port, bool note = true) {
    std::vector<std::string> plain = {"-r", "plain"};
    std::vector<std::string> served = {"-r", "served"};
    plain.insert(plain.end(), args.begin(), args.end());
    served.insert(served.end(), args.begin(), args.end());
    CliResult a = Run(plain);
    CliResult b = Run(served);
    EXPECT_EQ(a.exit_code, b.exit_code) << a.err << b.err;
    EXPECT_EQ(a.out, b.out);
    EXPECT_EQ((note ? Note(port) : "") + a.err, b.err);
    return b;
  }

  std::unique_ptr<ServeProcess> server_;
};

TEST_F(ServeForwardCliTest, EveryOnlineCommandPrintsWhatItPrintsWithoutAServer) {
  int port = StartServer();
  ASSERT_GT(port, 0);
  CliResult r = RunTwice({"materialize", "2024-02-01", "2024-03-02T12:00:00Z"}, port);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "user_profile v1: (2024-02-01T00:00:00.000000Z, 2024-03-02T12:00:00.000000Z], 3 rows "
            "scanned, 2 online rows written\n");
  r = RunTwice({"materialize-incremental", "2024-03-04", "--views", "user_profile"}, port);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "user_profile v1: (2024-03-02T12:00:00.000000Z, 2024-03-04T00:00:00.000000Z], 3 rows "
            "scanned, 1 online row written\n");
  r = RunTwice({"materialize-incremental", "2024-03-05", "--quiet"}, port, /*note=*/false);
  EXPECT_EQ(r.exit_code, 0) << r.err;

  r = RunTwice({"push", "users_push", Path("push.csv"), "--to", "online_and_offline"}, port);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "pushed 2 rows to push source 'users_push': logged, _ingest_seq 1..2; 2 online rows "
            "written\n");
  r = RunTwice({"push", "users_push", Path("push.csv"), "--to", "offline"}, port);
  EXPECT_EQ(r.out, "pushed 2 rows to push source 'users_push': logged, _ingest_seq 3..4\n");

  const std::vector<std::string> get = {"get",       "--entity",   "user_id=1",   "--entity",
                                        "user_id=2", "--entity",   "user_id=3",   "--entity",
                                        "user_id=4", "--features", "user_profile"};
  std::vector<std::string> get_json = get;
  get_json.push_back("--json");
  r = RunTwice(get_json, port, /*note=*/false);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"values\":[\"Zürich \\\"Nord\\\"\",\"Basel\",null,null]"),
            std::string::npos)
      << r.out;
  r = RunTwice(get, port);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "entity  feature  value              status      event_timestamp\n"
            "0       user_id  1                  PRESENT     -\n"
            "0       age      41                 PRESENT     2024-03-05T00:00:00.000000Z\n"
            "0       score    0.1                PRESENT     2024-03-05T00:00:00.000000Z\n"
            "0       ratio    0.1                PRESENT     2024-03-05T00:00:00.000000Z\n"
            "0       city     \"Zürich \\\"Nord\\\"\"  PRESENT     2024-03-05T00:00:00.000000Z\n"
            "0       vip      true               PRESENT     2024-03-05T00:00:00.000000Z\n"
            "1       user_id  2                  PRESENT     -\n"
            "1       age      30                 PRESENT     2024-03-02T00:00:00.000000Z\n"
            "1       score    0.3                PRESENT     2024-03-02T00:00:00.000000Z\n"
            "1       ratio    null               NULL_VALUE  2024-03-02T00:00:00.000000Z\n"
            "1       city     \"Basel\"            PRESENT     2024-03-02T00:00:00.000000Z\n"
            "1       vip      true               PRESENT     2024-03-02T00:00:00.000000Z\n"
            "2       user_id  3                  PRESENT     -\n"
            "2       age      null               NULL_VALUE  2024-03-05T00:00:00.000000Z\n"
            "2       score    -2.5e-300          PRESENT     2024-03-05T00:00:00.000000Z\n"
            "2       ratio    null               NULL_VALUE  2024-03-05T00:00:00.000000Z\n"
            "2       city     null               NULL_VALUE  2024-03-05T00:00:00.000000Z\n"
            "2       vip      false              PRESENT     2024-03-05T00:00:00.000000Z\n"
            "3       user_id  4                  PRESENT     -\n"
            "3       age      null               NOT_FOUND   -\n"
            "3       score    null               NOT_FOUND   -\n"
            "3       ratio    null               NOT_FOUND   -\n"
            "3       city     null               NOT_FOUND   -\n"
            "3       vip      null               NOT_FOUND   -\n");
  r = RunTwice(
      {"get", "--entity", "user_id=2", "--features", "user_profile:age", "--full-feature-names"},
      port);
  EXPECT_EQ(r.out,
            "feature            value  status   event_timestamp\n"
            "user_id            2      PRESENT  -\n"
            "user_profile__age  30     PRESENT  2024-03-02T00:00:00.000000Z\n");
  // The rows went into the served repo's own store: with the server
  // stopped, the CLI opens it and reads the same.
  EXPECT_EQ(server_->Kill(SIGTERM), 0) << Slurp("serve.log");
  CliResult after = Run({"-r", "served", "get", "--entity", "user_id=2", "--features",
                         "user_profile:age", "--full-feature-names"});
  EXPECT_EQ(after.exit_code, 0) << after.err;
  EXPECT_EQ(after.out, r.out);
  EXPECT_EQ(after.err, "");
}

TEST_F(ServeForwardCliTest, ErrorsAreTheOnesWithoutAServer) {
  int port = StartServer();
  ASSERT_GT(port, 0);
  CliResult r = RunTwice({"get", "--entity", "user_id=x", "--features", "user_profile:age"}, port);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, Note(port) +
                       "error: entities.user_id[0]: 'x' is not an int64 (join key of entity 'user' "
                       "of feature view 'user_profile')\n");
  r = RunTwice({"get", "--entity", "user_id=1", "--features", "user_profil:age", "--json"}, port,
               /*note=*/false);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "error: unknown feature view 'user_profil' in 'user_profil:age' (did you mean "
            "'user_profile'?)\n");
  r = RunTwice({"get", "--entity", "user_id=1", "--service", "nope"}, port);
  EXPECT_EQ(r.exit_code, 1);
  Write("bad.csv",
        "user_id,event_timestamp,age\n1,2024-02-01T00:00:00Z,21\n,2024-02-01T00:00:00Z,5\n");
  r = RunTwice({"push", "users_push", "bad.csv"}, port);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, Note(port) +
                       "error: bad.csv: rows.user_id[1]: null, but it is a join key of view "
                       "'user_profile' and may not be null\n");
  // An unknown source is found reading the CSV's types, before any request.
  r = RunTwice({"push", "nope", "bad.csv"}, port, /*note=*/false);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "error: no source 'nope' in the definitions\n");
  r = RunTwice({"materialize", "2024-02-01", "2024-03-02", "--views", "nope"}, port);
  EXPECT_EQ(r.exit_code, 1);
  // Usage errors are found before anything is sent.
  r = RunTwice({"materialize", "2024-03-02", "2024-02-01"}, port, /*note=*/false);
  EXPECT_EQ(r.exit_code, 2);
}

// A push through the CLI is what the server's next HTTP read returns.
TEST_F(ServeForwardCliTest, APushIsVisibleToTheServersNextRead) {
  int port = StartServer();
  ASSERT_GT(port, 0);
  CliResult r = Run({"-r", "served", "push", "users_push", Path("push.csv")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, Note(port));
  auto answer = serving::HttpPost(
      "127.0.0.1", port, "/get-online-features",
      R"({"features": ["user_profile:age", "user_profile:city"], "entities": {"user_id": [1]}})");
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(answer->status, 200);
  EXPECT_EQ(answer->body,
            "{\"metadata\":{\"feature_names\":[\"user_id\",\"age\",\"city\"]},\"results\":["
            "{\"values\":[1],\"statuses\":[\"PRESENT\"],\"event_timestamps\":["
            "\"1970-01-01T00:00:00.000000Z\"]},"
            "{\"values\":[41],\"statuses\":[\"PRESENT\"],\"event_timestamps\":["
            "\"2024-03-05T00:00:00.000000Z\"]},"
            "{\"values\":[\"Zürich \\\"Nord\\\"\"],\"statuses\":[\"PRESENT\"],"
            "\"event_timestamps\":[\"2024-03-05T00:00:00.000000Z\"]}]}");
}

// A push larger than the server's body limit: the server's 413, and whose
// limit it is.
TEST_F(ServeForwardCliTest, APushOverTheServersBodyLimitSaysSo) {
  int port = StartServer({"--body-limit", "100"});
  ASSERT_GT(port, 0);
  CliResult r = Run({"-r", "served", "push", "users_push", "push.csv"});
  EXPECT_EQ(r.exit_code, 1);
  const std::string head = Note(port) +
                           "error: push.csv: the request body is larger than the limit of 100 "
                           "bytes (this request: ";
  EXPECT_EQ(r.err.substr(0, head.size()), head) << r.err;
  const std::string tail = " bytes of JSON; the server's --body-limit)\n";
  ASSERT_GT(r.err.size(), head.size() + tail.size()) << r.err;
  EXPECT_EQ(r.err.substr(r.err.size() - tail.size()), tail) << r.err;
}

// The lock of a killed server is stale: the CLI ignores it and opens the
// store itself (no note), as it does when there is no lock at all.
TEST_F(ServeForwardCliTest, AStaleLockIsIgnored) {
  int port = StartServer();
  ASSERT_GT(port, 0);
  EXPECT_EQ(server_->Kill(SIGKILL), 128 + SIGKILL);
  ASSERT_TRUE(fs::exists(Path("served/data/serve.lock")));
  CliResult r = Run({"-r", "served", "push", "users_push", Path("push.csv")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, "pushed 2 rows to push source 'users_push': 2 online rows written\n");
  r = Run({"-r", "served", "get", "--entity", "user_id=1", "--features", "user_profile:age"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out,
            "feature  value  status   event_timestamp\n"
            "user_id  1      PRESENT  -\n"
            "age      41     PRESENT  2024-03-05T00:00:00.000000Z\n");
}

// A live holder of the lock that does not answer: an error naming the
// server and its address, and the store is left alone.
TEST_F(ServeForwardCliTest, ALiveLockWhoseServerDoesNotAnswerIsAnError) {
  serving::ServeLockInfo info;
  info.host = "127.0.0.1";
  info.port = ClosedPort();
  info.address = "127.0.0.1:" + std::to_string(info.port);
  auto lock = serving::ServeLock::Acquire(Path("served"), info);
  ASSERT_TRUE(lock.ok()) << lock.status().ToString();
  CliResult r = Run(
      {"-r", "served", "get", "--entity", "user_id=1", "--features", "user_profile:age", "--json"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "error: the tessera server of this repo (pid " + std::to_string(getpid()) +
                       ", data/serve.lock) does not answer: cannot connect to http://" +
                       info.address + ": Connection refused\n");
  EXPECT_FALSE(fs::exists(Path("served/data/online")));
  ASSERT_TRUE((*lock)->Release().ok());
}

}  // namespace
}  // namespace tessera::cli_test
