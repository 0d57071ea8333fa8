// The Redis backend when its server fails: down from the start, killed and
// restarted (Unavailable naming the address, then recovery, no SIGPIPE
// death), stopped (bounded by the timeout, and no stale reply afterwards).
// Each test starts its own server: they kill or stop it.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include "redis_test_util.h"

namespace tessera::online::redis {
namespace {

using testing::RedisServer;

class RedisFailureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TESSERA_REQUIRE_REDIS_SERVER();
    std::string why;
    server_ = RedisServer::Start(&why);
    ASSERT_NE(server_, nullptr) << why;
    address_ = "redis 127.0.0.1:" + std::to_string(server_->port());
  }

  std::unique_ptr<RedisServer> server_;
  std::string address_;
};

std::string ReadOne(OnlineStore& store, const ViewId& view, std::string_view key, Status* st) {
  const OnlineLookup lookup[] = {{&view, key}};
  std::vector<std::optional<OnlineRow>> out;
  *st = store.Read(lookup, &out);
  if (!st->ok()) return "error";
  return out[0] ? out[0]->values : "none";
}

TEST(RedisDownTest, NothingListeningGivesUnavailableNamingTheAddress) {
  const int port = testing::FreeLoopbackPort();
  auto store = OpenTestStore(port, "p", TestOptions(port));
  const std::string refused =
      "redis 127.0.0.1:" + std::to_string(port) + ": cannot connect: Connection refused";
  Status ping = store->Ping();
  EXPECT_EQ(ping.code(), StatusCode::kUnavailable);
  EXPECT_EQ(ping.message(), refused);
  const ViewId v{"v", 1};
  const OnlineWrite row[] = {{"k", {1, 1, 1}, "x"}};
  Result<int64_t> written = store->Write(v, row);
  EXPECT_EQ(written.status().message(), refused);
  Status read;
  ReadOne(*store, v, "k", &read);
  EXPECT_EQ(read.message(), refused);
  EXPECT_EQ(store->DeleteView(v).message(), refused);
}

// A listener whose accept queue is full drops new SYNs: connecting hangs
// until connect_timeout_ms.
TEST(RedisDownTest, ConnectGivesUpAfterTheConnectTimeout) {
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::listen(listener, 0), 0);
  ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  std::vector<int> fillers;
  for (int i = 0; i < 3; ++i) {
    fillers.push_back(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
    (void)::connect(fillers.back(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  }
  const int port = ntohs(addr.sin_port);
  RedisOptions options = TestOptions(port);
  options.connect_timeout_ms = 200;
  auto store = OpenTestStore(port, "p", options);
  const auto start = std::chrono::steady_clock::now();
  Status ping = store->Ping();
  EXPECT_EQ(ping.code(), StatusCode::kUnavailable);
  EXPECT_EQ(ping.message(), "redis 127.0.0.1:" + std::to_string(port) +
                                ": cannot connect: no answer within 200 ms");
  // Not a performance bound: without the timeout the connect would hang.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
  for (int fd : fillers) ::close(fd);
  ::close(listener);
}

TEST_F(RedisFailureTest, KilledServerGivesUnavailableThenRecoversAfterRestart) {
  auto store = OpenTestStore(server_->port(), "p", TestOptions(server_->port()));
  const ViewId v{"v", 1};
  const OnlineWrite row[] = {{"k", {1, 1, 1}, "before"}};
  ASSERT_EQ(*store->Write(v, row), 1);
  server_->Kill();
  // Big writes on a connection the server closed: sends hit EPIPE, which
  // must not raise a process-killing SIGPIPE.
  const std::string big(64 * 1024, 'x');
  std::vector<OnlineWrite> rows(200, OnlineWrite{"k", {2, 2, 2}, big});
  Result<int64_t> written = store->Write(v, rows);
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(written.status().message(), address_ + ": cannot connect: Connection refused");
  Status st;
  EXPECT_EQ(ReadOne(*store, v, "k", &st), "error");
  EXPECT_EQ(st.code(), StatusCode::kUnavailable);
  EXPECT_EQ(st.message(), address_ + ": cannot connect: Connection refused");
  EXPECT_EQ(store->Ping().message(), address_ + ": cannot connect: Connection refused");

  std::string why;
  ASSERT_TRUE(server_->Restart(&why)) << why;
  EXPECT_TRUE(store->Ping().ok());
  EXPECT_EQ(ReadOne(*store, v, "k", &st), "none") << st.ToString();  // no persistence
  const OnlineWrite after[] = {{"k", {1, 1, 1}, "after"}};
  ASSERT_EQ(*store->Write(v, after), 1);
  EXPECT_EQ(ReadOne(*store, v, "k", &st), "after");
}

// A restart between two calls leaves every pooled connection stale; the
// first call after it already succeeds (one retry on a fresh connection).
TEST_F(RedisFailureTest, FirstCallAfterAQuietRestartSucceeds) {
  auto store = OpenTestStore(server_->port(), "p", TestOptions(server_->port()));
  const ViewId v{"v", 1};
  const OnlineWrite row[] = {{"k", {1, 1, 1}, "x"}};
  ASSERT_EQ(*store->Write(v, row), 1);  // pools a connection with the script loaded
  std::string why;
  ASSERT_TRUE(server_->Restart(&why)) << why;
  Result<int64_t> written = store->Write(v, row);
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  EXPECT_EQ(*written, 1);
  ASSERT_TRUE(server_->Restart(&why)) << why;
  Status st;
  EXPECT_EQ(ReadOne(*store, v, "k", &st), "none") << st.ToString();
  ASSERT_TRUE(server_->Restart(&why)) << why;
  EXPECT_TRUE(store->Ping().ok());
}

// A stopped server accepts connections (the kernel does) and never answers:
// each call gives up after timeout_ms, and once it runs again a new
// connection gets its own replies, not the late ones of the timed-out call.
TEST_F(RedisFailureTest, StoppedServerTimesOutAndLateRepliesAreNotMixedIn) {
  RedisOptions options = TestOptions(server_->port());
  options.timeout_ms = 200;
  auto store = OpenTestStore(server_->port(), "p", options);
  const ViewId v{"v", 1};
  const OnlineWrite row[] = {{"k", {1, 1, 1}, "stored"}};
  ASSERT_EQ(*store->Write(v, row), 1);
  server_->Pause();
  const auto start = std::chrono::steady_clock::now();
  Status st;
  EXPECT_EQ(ReadOne(*store, v, "k", &st), "error");
  EXPECT_EQ(st.code(), StatusCode::kUnavailable);
  EXPECT_EQ(st.message(), address_ + ": no answer within 200 ms");
  Status ping = store->Ping();
  EXPECT_EQ(ping.message(), address_ + ": no answer within 200 ms");
  // Not a performance bound: a hang (no timeout at all) would take forever.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
  server_->Resume();
  EXPECT_TRUE(store->Ping().ok());
  EXPECT_EQ(ReadOne(*store, v, "k", &st), "stored") << st.ToString();
  const ViewId other{"other", 1};
  EXPECT_EQ(ReadOne(*store, other, "k", &st), "none") << st.ToString();
}

TEST_F(RedisFailureTest, WrongPasswordIsReportedWithoutEchoingIt) {
  RawRedis raw(server_->port());
  ASSERT_EQ(raw.Run({"CONFIG", "SET", "requirepass", "s3cret"}), "OK");
  RedisOptions options = TestOptions(server_->port());
  ASSERT_TRUE(
      ParseRedisUrl("redis://:wrong@127.0.0.1:" + std::to_string(server_->port()), &options).ok());
  auto store = OpenTestStore(server_->port(), "p", options);
  Status st = store->Ping();
  EXPECT_TRUE(st.IsInvalid()) << st.ToString();
  EXPECT_EQ(st.message().find("wrong"), std::string::npos) << st.message();
  EXPECT_EQ(st.message().rfind(address_ + ": AUTH rejected: ", 0), 0u) << st.message();
  ASSERT_TRUE(
      ParseRedisUrl("redis://:s3cret@127.0.0.1:" + std::to_string(server_->port()) + "/3", &options)
          .ok());
  auto good = OpenTestStore(server_->port(), "p", options);
  EXPECT_TRUE(good->Ping().ok());
  EXPECT_EQ(good->Describe(), address_ + "/3");
  const ViewId v{"v", 1};
  const OnlineWrite row[] = {{"k", {1, 1, 1}, "in db 3"}};
  ASSERT_EQ(*good->Write(v, row), 1);
  ASSERT_EQ(raw.Run({"AUTH", "s3cret"}), "OK");
  ASSERT_EQ(raw.Run({"SELECT", "3"}), "OK");
  EXPECT_EQ(raw.Run({"DBSIZE"}), "(integer) 1");
}

}  // namespace
}  // namespace tessera::online::redis
