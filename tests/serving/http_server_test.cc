// HttpServer through real sockets on a free loopback port: keep-alive, the
// body limit, 100-continue, malformed HTTP, and graceful stops (Stop() and
// SIGTERM) with requests in flight.
#include "tessera/serving/http_server.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "http_test_client.h"

namespace tessera::serving {
namespace {

using testing::ClientResponse;
using testing::HttpTestClient;

// Echoes "METHOD TARGET BODY"; /slow waits until Release(); /throw throws;
// /long says it runs long and waits like /slow.
class TestHandler : public HttpHandler {
 public:
  bool RunsLong(const HttpRequest& request) const override { return request.target == "/long"; }
  HttpResponse Handle(HttpRequest& request) override {
    calls_.fetch_add(1);
    if (request.target == "/throw") throw std::runtime_error("boom");
    if (request.target == "/slow" || request.target == "/long") {
      std::unique_lock lock(mu_);
      slow_entered_ = true;
      cv_.notify_all();
      cv_.wait(lock, [&] { return released_; });
    }
    HttpResponse r;
    r.content_type = "text/plain";
    if (request.target == "/spare") {
      // Builds the body in the buffer the server lends (it must come empty).
      r.body = std::move(request.spare);
      if (!r.body.empty()) r.body = "spare not empty: ";
    }
    r.body += request.method + " " + request.target + " " + request.body;
    return r;
  }
  void Refused(std::string_view target, int status) override {
    std::lock_guard lock(mu_);
    refused_ += std::string(target) + " " + std::to_string(status) + ";";
  }
  void WaitSlowEntered() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return slow_entered_; });
  }
  void Release() {
    std::lock_guard lock(mu_);
    released_ = true;
    cv_.notify_all();
  }
  std::string refused() {
    std::lock_guard lock(mu_);
    return refused_;
  }
  int calls() const { return calls_.load(); }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool slow_entered_ = false;
  bool released_ = false;
  std::string refused_;
  std::atomic<int> calls_{0};
};

class HttpServerTest : public ::testing::Test {
 protected:
  void Start(HttpServerOptions options = {}, bool signals = false) {
    options.port = 0;
    if (options.threads < 2 && !exact_threads_) options.threads = 2;
    auto server = HttpServer::Open(options, &handler_);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(*server);
    runner_ = std::thread([this, signals] {
      if (signals) {
        server_->RunUntilSignal();
      } else {
        server_->Run();
      }
    });
  }
  void TearDown() override {
    if (server_) server_->Stop();
    handler_.Release();
    if (runner_.joinable()) runner_.join();
  }
  int port() const { return server_->port(); }

  bool exact_threads_ = false;
  TestHandler handler_;
  std::unique_ptr<HttpServer> server_;
  std::thread runner_;
};

TEST_F(HttpServerTest, KeepAliveServesManyRequestsOnOneConnection) {
  Start();
  HttpTestClient client(port());
  ASSERT_TRUE(client.Connect()) << client.error();
  for (int i = 0; i < 3; ++i) {
    ClientResponse r = client.Request("POST", "/echo?i=" + std::to_string(i), "body");
    ASSERT_EQ(r.status, 200) << r.error;
    EXPECT_EQ(r.body, "POST /echo?i=" + std::to_string(i) + " body");
    EXPECT_TRUE(r.keep_alive);
    EXPECT_EQ(r.content_type, "text/plain");
  }
  ClientResponse last = client.Request("GET", "/bye", "", /*keep_alive=*/false);
  EXPECT_EQ(last.status, 200);
  EXPECT_FALSE(last.keep_alive);
  EXPECT_TRUE(client.ServerClosed());
}

// The server keeps a connection's response and request body buffers
// between requests: a long exchange followed by short ones must leave
// nothing of the long one behind.
TEST_F(HttpServerTest, KeptBuffersCarryNothingBetweenRequests) {
  Start();
  HttpTestClient client(port());
  ASSERT_TRUE(client.Connect()) << client.error();
  const std::vector<std::string> bodies = {std::string(70000, 'L'), "short", "", "x",
                                           std::string(3000, 'm'),  "tail"};
  for (const std::string& path : {"/spare", "/echo"}) {
    for (const std::string& body : bodies) {
      ClientResponse r = client.Request("POST", path, body);
      ASSERT_EQ(r.status, 200) << r.error;
      EXPECT_EQ(r.body, "POST " + path + " " + body);
      EXPECT_TRUE(r.keep_alive);
    }
  }
}

// Several requests sent at once (pipelined) are answered one by one, in
// order, whatever the mix of bodies: none, Content-Length, chunked.
TEST_F(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  Start();
  HttpTestClient client(port());
  ASSERT_TRUE(client.Connect());
  ASSERT_TRUE(
      client.Send("GET /one HTTP/1.1\r\nHost: x\r\n\r\n"
                  "POST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                  "POST /three HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
                  "GET /four HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  const std::vector<std::string> expected = {"GET /one ", "POST /two hello", "POST /three abcde",
                                             "GET /four "};
  for (size_t i = 0; i < expected.size(); ++i) {
    ClientResponse r = client.Read();
    ASSERT_EQ(r.status, 200) << i << ": " << r.error;
    EXPECT_EQ(r.body, expected[i]);
    EXPECT_EQ(r.keep_alive, i + 1 < expected.size()) << i;
  }
  EXPECT_TRUE(client.ServerClosed());
}

// A request that arrives in pieces (the header cut mid-line, a chunked
// body in several sends) is read whole before the handler sees it.
TEST_F(HttpServerTest, RequestsArrivingInPiecesAreReadWhole) {
  Start();
  HttpTestClient client(port());
  ASSERT_TRUE(client.Connect());
  const std::vector<std::string> pieces = {"PO",
                                           "ST /pieces HT",
                                           "TP/1.1\r\nHo",
                                           "st: x\r\nTransfer-Enc",
                                           "oding: chunked\r\n",
                                           "\r\n4\r",
                                           "\nwxyz\r\n",
                                           "1\r\n!\r\n0\r\n",
                                           "\r\n"};
  for (const std::string& piece : pieces) {
    ASSERT_TRUE(client.Send(piece));
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ClientResponse r = client.Read();
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.body, "POST /pieces wxyz!");
  EXPECT_TRUE(r.keep_alive);
  EXPECT_EQ(client.Request("GET", "/next").body, "GET /next ");
}

// Header fields live in a per-connection buffer of 4 KiB with the heap
// beyond it: headers far larger than that (many fields, one long value)
// are read whole, the requests after them too, and a header over the
// 64 KiB limit gets 431.
TEST_F(HttpServerTest, LargeHeadersAreReadAndOversizedOnesGet431) {
  Start();
  HttpTestClient client(port());
  ASSERT_TRUE(client.Connect());
  for (int round = 0; round < 3; ++round) {
    std::string fields;
    for (int i = 0; i < 200; ++i) fields += "X-Field-" + std::to_string(i) + ": value\r\n";
    fields += "X-Long: " + std::string(20000, 'v') + "\r\n";
    ASSERT_TRUE(client.Send("POST /big-header HTTP/1.1\r\nHost: x\r\n" + fields +
                            "Content-Length: 4\r\n\r\nbody"));
    ClientResponse big = client.Read();
    ASSERT_EQ(big.status, 200) << big.error;
    EXPECT_EQ(big.body, "POST /big-header body");
    ClientResponse small = client.Request("GET", "/small?" + std::to_string(round));
    ASSERT_EQ(small.status, 200) << small.error;
    EXPECT_EQ(small.body, "GET /small?" + std::to_string(round) + " ");
  }
  ASSERT_TRUE(client.Send("GET /huge HTTP/1.1\r\nHost: x\r\nX-Huge: " + std::string(70000, 'h') +
                          "\r\n\r\n"));
  ClientResponse huge = client.Read();
  EXPECT_EQ(huge.status, 431) << huge.error;
  EXPECT_EQ(huge.body,
            R"({"error":"the request's header is larger than 65536 bytes","field":"headers"})");
  EXPECT_FALSE(huge.keep_alive);
}

// HTTP/1.0 is answered in HTTP/1.0; it closes after the answer unless it
// asks for keep-alive.
TEST_F(HttpServerTest, Http10IsAnsweredInKindAndClosedUnlessKeptAlive) {
  Start();
  {
    HttpTestClient client(port());
    ASSERT_TRUE(client.Connect());
    ASSERT_TRUE(client.Send("GET /old HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    ClientResponse kept = client.Read();
    ASSERT_EQ(kept.status, 200) << kept.error;
    EXPECT_EQ(kept.version, 10u);
    EXPECT_EQ(kept.body, "GET /old ");
    EXPECT_TRUE(kept.keep_alive);
    ASSERT_TRUE(client.Send("GET /older HTTP/1.0\r\n\r\n"));
    ClientResponse last = client.Read();
    ASSERT_EQ(last.status, 200) << last.error;
    EXPECT_EQ(last.version, 10u);
    EXPECT_EQ(last.body, "GET /older ");
    EXPECT_FALSE(last.keep_alive);
    EXPECT_TRUE(client.ServerClosed());
  }
}

// A connection idle (or sending a request too slowly) for longer than the
// idle timeout is closed by the server; one that keeps talking is not.
TEST_F(HttpServerTest, IdleAndStalledConnectionsAreClosedAfterTheTimeout) {
  HttpServerOptions options;
  options.idle_timeout_seconds = 1;
  Start(options);
  HttpTestClient idle(port());
  ASSERT_TRUE(idle.Connect());
  ASSERT_EQ(idle.Request("GET", "/before").status, 200);
  HttpTestClient stalled(port());
  ASSERT_TRUE(stalled.Connect());
  ASSERT_TRUE(stalled.Send("POST /stalled HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc"));
  HttpTestClient busy(port());
  ASSERT_TRUE(busy.Connect());
  // Requests every 100 ms for 2.5 s: never idle for a whole second.
  for (int i = 0; i < 25; ++i) {
    ASSERT_EQ(busy.Request("GET", "/busy").status, 200) << i;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  // Both closed by now (the sweep runs every second), so these see the
  // end of the stream at once instead of waiting for their read timeout.
  EXPECT_TRUE(idle.ServerClosed());
  EXPECT_TRUE(stalled.ServerClosed());
  EXPECT_EQ(busy.Request("GET", "/still").body, "GET /still ");
  EXPECT_EQ(handler_.calls(), 27);  // the stalled request never reached the handler
}

TEST_F(HttpServerTest, BodyOverTheLimitGets413WithAJsonBody) {
  HttpServerOptions options;
  options.body_limit = 1000;
  Start(options);
  {
    HttpTestClient client(port());
    ASSERT_TRUE(client.Connect());
    ClientResponse ok = client.Request("POST", "/p", std::string(1000, 'x'));
    EXPECT_EQ(ok.status, 200);
    ClientResponse r = client.Request("POST", "/push", std::string(1001, 'x'));
    EXPECT_EQ(r.status, 413) << r.error;
    EXPECT_EQ(
        r.body,
        R"({"error":"the request body is larger than the limit of 1000 bytes","field":"body"})");
    EXPECT_EQ(r.content_type, "application/json");
    EXPECT_FALSE(r.keep_alive);
    EXPECT_TRUE(client.ServerClosed());
  }
  {
    // A chunked body has no length up front; the limit stops it mid-way.
    HttpTestClient client(port());
    ASSERT_TRUE(client.Connect());
    std::string chunk = "320\r\n" + std::string(800, 'y') + "\r\n";
    ASSERT_TRUE(
        client.Send("POST /chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
                    chunk + chunk + "0\r\n\r\n"));
    ClientResponse r = client.Read();
    EXPECT_EQ(r.status, 413) << r.error;
  }
  EXPECT_EQ(handler_.calls(), 1);
  EXPECT_EQ(handler_.refused(), "/push 413;/chunked 413;");
}

TEST_F(HttpServerTest, Expect100ContinueIsAnsweredBeforeTheBody) {
  Start();
  HttpTestClient client(port());
  ASSERT_TRUE(client.Connect());
  ASSERT_TRUE(client.Send(
      "POST /e HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
  ClientResponse interim = client.Read();
  EXPECT_EQ(interim.status, 100) << interim.error;
  ASSERT_TRUE(client.Send("hello"));
  ClientResponse r = client.Read();
  EXPECT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.body, "POST /e hello");
}

TEST_F(HttpServerTest, MalformedHttpGets400AndHandlerExceptionsGet500) {
  Start();
  {
    HttpTestClient client(port());
    ASSERT_TRUE(client.Connect());
    ASSERT_TRUE(client.Send("NOT HTTP AT ALL\r\n\r\n"));
    ClientResponse r = client.Read();
    EXPECT_EQ(r.status, 400) << r.error;
    EXPECT_EQ(r.body.substr(0, 36), R"({"error":"malformed HTTP request: ba)");
    EXPECT_TRUE(client.ServerClosed());
  }
  HttpTestClient client(port());
  ASSERT_TRUE(client.Connect());
  ClientResponse r = client.Request("GET", "/throw");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, R"({"error":"internal error: boom"})");
  EXPECT_EQ(client.Request("GET", "/after").status, 200);  // the server lives on
}

// A long request (a materialization) runs off the connection threads: with
// one thread, other requests are answered while it runs, and it is
// answered (kept alive) when it is done, also when the server stops
// meanwhile (then with Connection: close).
TEST_F(HttpServerTest, LongRequestsDoNotHoldTheConnectionThreads) {
  exact_threads_ = true;
  HttpServerOptions options;
  options.threads = 1;
  Start(options);
  ClientResponse long_answer;
  std::thread in_flight([&] {
    HttpTestClient c(port());
    if (c.Connect()) long_answer = c.Request("POST", "/long", "job");
  });
  handler_.WaitSlowEntered();
  HttpTestClient client(port(), std::chrono::seconds(5));
  ASSERT_TRUE(client.Connect());
  for (int i = 0; i < 3; ++i) {
    ClientResponse r = client.Request("GET", "/health");
    EXPECT_EQ(r.status, 200) << r.error;  // a timeout (status 0) before the fix
  }
  server_->Stop();
  handler_.Release();
  in_flight.join();
  EXPECT_EQ(long_answer.status, 200) << long_answer.error;
  EXPECT_EQ(long_answer.body, "POST /long job");
  EXPECT_FALSE(long_answer.keep_alive);
  runner_.join();  // Run() returned: nothing left behind
}

TEST_F(HttpServerTest, StopFinishesInFlightRequestsAndClosesIdleConnections) {
  Start();
  HttpTestClient idle(port());
  ASSERT_TRUE(idle.Connect());
  ASSERT_EQ(idle.Request("GET", "/warm").status, 200);  // now idle, kept alive

  ClientResponse slow;
  std::thread in_flight([&] {
    HttpTestClient c(port());
    if (c.Connect()) slow = c.Request("GET", "/slow");
  });
  handler_.WaitSlowEntered();
  server_->Stop();

  EXPECT_TRUE(idle.ServerClosed());
  // New connections are refused once the listening socket is closed.
  bool refused = false;
  for (int i = 0; i < 200 && !refused; ++i) {
    HttpTestClient c(port(), std::chrono::milliseconds(500));
    refused = !c.Connect();
    if (!refused) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(refused);

  handler_.Release();
  in_flight.join();
  EXPECT_EQ(slow.status, 200) << slow.error;
  EXPECT_EQ(slow.body, "GET /slow ");
  EXPECT_FALSE(slow.keep_alive);
  runner_.join();  // Run() returned: no connection is left
}

bool g_old_handler_ran = false;
void OldHandler(int) { g_old_handler_ran = true; }

TEST_F(HttpServerTest, SigtermStopsGracefullyAndGivesTheSignalBack) {
  struct sigaction sa {
  }, saved{};
  sa.sa_handler = OldHandler;
  sigaction(SIGTERM, &sa, &saved);
  Start(HttpServerOptions{}, /*signals=*/true);
  {
    HttpTestClient c(port());
    ASSERT_TRUE(c.Connect());
    ASSERT_EQ(c.Request("GET", "/up").status, 200);  // running, signals taken
  }
  ClientResponse slow;
  std::thread in_flight([&] {
    HttpTestClient c(port());
    if (c.Connect()) slow = c.Request("GET", "/slow");
  });
  handler_.WaitSlowEntered();
  kill(getpid(), SIGTERM);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  handler_.Release();
  in_flight.join();
  runner_.join();
  EXPECT_EQ(slow.status, 200) << slow.error;
  EXPECT_FALSE(g_old_handler_ran);
  raise(SIGTERM);  // the handler from before RunUntilSignal is back
  EXPECT_TRUE(g_old_handler_ran);
  sigaction(SIGTERM, &saved, nullptr);
}

TEST(HttpServerOpenTest, RefusesBadAddresses) {
  TestHandler handler;
  HttpServerOptions options;
  options.host = "not a host";
  options.port = 0;
  auto server = HttpServer::Open(options, &handler);
  ASSERT_FALSE(server.ok());
  EXPECT_TRUE(server.status().IsInvalid()) << server.status().ToString();

  options.host = "127.0.0.1";
  auto first = HttpServer::Open(options, &handler);
  ASSERT_TRUE(first.ok());
  options.port = (*first)->port();
  auto second = HttpServer::Open(options, &handler);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(
      second.status().message(),
      "cannot listen on 127.0.0.1:" + std::to_string(options.port) + ": Address already in use");
}

}  // namespace
}  // namespace tessera::serving
