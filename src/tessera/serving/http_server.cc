#include "tessera/serving/http_server.h"

#include <signal.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "tessera/serving/http_session.h"

namespace tessera::serving {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

struct HttpServer::Impl final : public SessionOwner {
  Impl(const HttpServerOptions& o, HttpHandler* h)
      : options(o),
        handler(h),
        acceptor(net::make_strand(ioc)),
        sweep_strand(net::make_strand(ioc)),
        sweep_timer(sweep_strand) {}

  // SessionOwner
  const HttpServerOptions& Options() const override { return options; }
  HttpHandler* Handler() const override { return handler; }
  bool Stopping() const override { return stopping.load(std::memory_order_seq_cst); }
  void Forget(HttpSession* session) override {
    bool last;
    {
      std::lock_guard lock(sessions_mu);
      sessions.erase(session);
      last = sessions.empty();
    }
    // The sweep keeps Run() going while connections live; the last one
    // gone after a stop ends it.
    if (last && Stopping()) net::post(sweep_strand, [this] { sweep_timer.cancel(); });
  }
  void RunLong(std::function<void()> job) override {
    // The guard keeps ioc.run() from returning while the job waits or runs;
    // the job posts its answer to the session before the guard goes.
    net::post(long_jobs, [job = std::move(job), guard = net::make_work_guard(ioc)]() mutable {
      job();
      guard.reset();
    });
  }

  void DoAccept();
  void OnAccept(beast::error_code ec, HttpSession::Socket socket);
  void Stop();
  std::vector<std::shared_ptr<HttpSession>> LiveSessions();
  // The idle and slow-client timeouts: every kSweepPeriod, connections past
  // their deadline are shut down (HttpSession::CloseIfExpired), so that no
  // request arms a timer of its own. Runs on sweep_strand until the server
  // stops and the last connection is gone.
  void ArmSweep();
  void OnSweep();

  HttpServerOptions options;
  HttpHandler* handler;
  net::io_context ioc;
  // Long requests (HttpHandler::RunsLong), one at a time. Declared after
  // ioc, so it is joined before ioc goes; idle by then, since Run() returns
  // only after every job has answered.
  net::thread_pool long_jobs{1};
  tcp::acceptor acceptor;  // on a strand of its own
  // After a failed accept (EMFILE), on the acceptor's strand.
  std::optional<net::steady_timer> retry_timer;
  net::strand<net::io_context::executor_type> sweep_strand;
  net::steady_timer sweep_timer;
  std::optional<net::signal_set> signals;
  std::atomic<bool> stopping{false};  // sequentially consistent (SessionOwner::Stopping)
  int port = 0;
  std::mutex sessions_mu;
  std::unordered_map<HttpSession*, std::weak_ptr<HttpSession>> sessions;
};

constexpr auto kSweepPeriod = std::chrono::seconds(1);

void HttpServer::Impl::DoAccept() {
  // Sessions' sockets get the io_context's own executor (no strand:
  // http_session.h says why none is needed).
  acceptor.async_accept(ioc, [this](beast::error_code ec, HttpSession::Socket socket) {
    OnAccept(ec, std::move(socket));
  });
}

void HttpServer::Impl::OnAccept(beast::error_code ec, HttpSession::Socket socket) {
  if (Stopping() || !acceptor.is_open()) return;
  if (ec) {
    // Out of descriptors and the like: try again shortly instead of spinning.
    retry_timer.emplace(acceptor.get_executor(), std::chrono::milliseconds(50));
    retry_timer->async_wait([this](beast::error_code) {
      if (!Stopping()) DoAccept();
    });
    return;
  }
  beast::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  auto session = std::make_shared<HttpSession>(std::move(socket), this);
  {
    std::lock_guard lock(sessions_mu);
    sessions.emplace(session.get(), session);
  }
  session->Start();
  DoAccept();
}

std::vector<std::shared_ptr<HttpSession>> HttpServer::Impl::LiveSessions() {
  std::vector<std::shared_ptr<HttpSession>> live;
  std::lock_guard lock(sessions_mu);
  live.reserve(sessions.size());
  for (auto& [raw, weak] : sessions) {
    if (auto s = weak.lock()) live.push_back(std::move(s));
  }
  return live;
}

void HttpServer::Impl::ArmSweep() {
  sweep_timer.expires_after(kSweepPeriod);
  sweep_timer.async_wait([this](beast::error_code) { OnSweep(); });
}

void HttpServer::Impl::OnSweep() {
  std::vector<std::shared_ptr<HttpSession>> live = LiveSessions();
  if (Stopping() && live.empty()) return;
  const int64_t now = HttpSession::NowNs();
  for (auto& s : live) s->CloseIfExpired(now);
  ArmSweep();
}

void HttpServer::Impl::Stop() {
  if (stopping.exchange(true, std::memory_order_seq_cst)) return;
  net::post(acceptor.get_executor(), [this] {
    beast::error_code ignored;
    acceptor.close(ignored);
    if (retry_timer) retry_timer->cancel();
  });
  net::post(ioc, [this] {
    beast::error_code ignored;
    if (signals) signals->cancel(ignored);
  });
  // Ends the sweep at once when no connection is left (OnSweep).
  net::post(sweep_strand, [this] { sweep_timer.cancel(); });
  for (auto& s : LiveSessions()) s->StopIfIdle();
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpServer::~HttpServer() = default;

Result<std::unique_ptr<HttpServer>> HttpServer::Open(const HttpServerOptions& options,
                                                     HttpHandler* handler) {
  if (options.port < 0 || options.port > 65535) {
    return Status::Invalid("--port " + std::to_string(options.port) + " is not a port (0-65535)");
  }
  auto impl = std::make_unique<Impl>(options, handler);
  impl->options.threads = std::max(1, options.threads);
  std::string where = options.host + ":" + std::to_string(options.port);
  beast::error_code ec;
  tcp::resolver resolver(impl->ioc);
  auto endpoints = resolver.resolve(options.host, std::to_string(options.port),
                                    tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || endpoints.empty()) {
    return Status::Invalid("--host " + options.host + " is not an address: " + ec.message());
  }
  tcp::endpoint endpoint = endpoints.begin()->endpoint();
  tcp::acceptor& a = impl->acceptor;
  a.open(endpoint.protocol(), ec);
  if (!ec) a.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(endpoint, ec);
  if (!ec) a.listen(net::socket_base::max_listen_connections, ec);
  if (!ec) impl->port = a.local_endpoint(ec).port();
  if (ec) return Status::IOError("cannot listen on " + where + ": " + ec.message());
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

int HttpServer::port() const { return impl_->port; }

std::string HttpServer::address() const {
  const std::string& host = impl_->options.host;
  bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(impl_->port);
}

void HttpServer::Run() {
  net::post(impl_->acceptor.get_executor(), [this] {
    if (!impl_->Stopping()) impl_->DoAccept();
  });
  net::post(impl_->sweep_strand, [this] {
    if (!impl_->Stopping()) impl_->ArmSweep();
  });
  std::vector<std::thread> threads;
  for (int i = 1; i < impl_->options.threads; ++i) {
    threads.emplace_back([this] { impl_->ioc.run(); });
  }
  impl_->ioc.run();
  for (std::thread& t : threads) t.join();
}

void HttpServer::RunUntilSignal() {
  struct sigaction old_int {
  }, old_term{};
  sigaction(SIGINT, nullptr, &old_int);
  sigaction(SIGTERM, nullptr, &old_term);
  impl_->signals.emplace(impl_->ioc, SIGINT, SIGTERM);
  impl_->signals->async_wait([this](beast::error_code ec, int) {
    if (!ec) impl_->Stop();
  });
  // A caller may have blocked the signals until now (serve.cc does, so
  // that one arriving before this point is not lost); they reach the
  // handler just installed from here on.
  sigset_t signals, old_mask;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_UNBLOCK, &signals, &old_mask);
  Run();
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  impl_->signals.reset();
  // Asio resets the signals to SIG_DFL; give back what was there before.
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
}

void HttpServer::Stop() { impl_->Stop(); }

}  // namespace tessera::serving
