// tessera_loadgen: an open-loop HTTP load generator for `tessera serve`
// (issue 9's benchmark; Debian's wrk has no fixed-rate mode).
//
//   tessera_loadgen --port 6566 --rate 10000 --duration 30 --connections 32
//       --path /get-online-features --body-file one.json   (bench/serving/README.md)
//
// Open loop: request i is due at start + i / rate, whatever happened to the
// requests before it, and its latency is measured from that intended send
// time, not from when it was actually sent, so a server that stalls is
// charged for the requests that queued behind the stall (no coordinated
// omission). Requests are spread round-robin over `connections` keep-alive
// connections (HTTP/1.1, one request in flight per connection); a
// connection that falls behind sends its next due request at once. With
// --rate 0 each connection sends as soon as its previous answer arrived
// (closed loop): the maximum throughput.
//
// Prints one line: rate asked and achieved, requests, errors (non-2xx or
// broken connections), and latency p50/p90/p99/p99.9/max in milliseconds.
// The first --warmup seconds are not counted.
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange in C++20

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  std::string host = "127.0.0.1";
  int port = 6566;
  std::string method = "POST";
  std::string path = "/get-online-features";
  std::string body;
  double rate = 1000;  // requests per second over all connections; 0: closed loop
  double duration = 10;
  double warmup = 1;
  int connections = 32;
  int threads = 1;
};

void Usage() {
  std::fprintf(stderr,
               "usage: tessera_loadgen [--host H] [--port P] [--method M] [--path PATH]\n"
               "         [--body JSON | --body-file FILE] [--rate R (0: closed loop)]\n"
               "         [--duration S] [--warmup S] [--connections C] [--threads T]\n");
}

bool ParseArgs(int argc, char** argv, Options* o) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (i + 1 >= argc) {
      Usage();
      return false;
    }
    std::string v = argv[++i];
    if (a == "--host") o->host = v;
    else if (a == "--port") o->port = std::atoi(v.c_str());
    else if (a == "--method") o->method = v;
    else if (a == "--path") o->path = v;
    else if (a == "--body") o->body = v;
    else if (a == "--body-file") {
      std::ifstream in(v);
      if (!in) {
        std::fprintf(stderr, "loadgen: cannot read %s\n", v.c_str());
        return false;
      }
      std::stringstream s;
      s << in.rdbuf();
      o->body = s.str();
    } else if (a == "--rate") o->rate = std::atof(v.c_str());
    else if (a == "--duration") o->duration = std::atof(v.c_str());
    else if (a == "--warmup") o->warmup = std::atof(v.c_str());
    else if (a == "--connections") o->connections = std::max(1, std::atoi(v.c_str()));
    else if (a == "--threads") o->threads = std::max(1, std::atoi(v.c_str()));
    else {
      Usage();
      return false;
    }
  }
  return true;
}

struct Shared {
  Options options;
  Clock::time_point start;
  Clock::time_point measure_from;
  Clock::time_point end;
  std::string request;  // the serialized request, sent as is every time
  std::mutex mu;
  std::vector<int64_t> latencies_us;  // of counted requests
  std::atomic<int64_t> errors{0};
  std::atomic<int64_t> counted{0};
};

// One keep-alive connection sending its share of the schedule.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(net::io_context& ioc, Shared* shared, int index)
      : stream_(net::make_strand(ioc)), timer_(stream_.get_executor()), shared_(shared),
        index_(index) {}

  void Start(const tcp::endpoint& endpoint) {
    stream_.async_connect(endpoint, [self = shared_from_this()](beast::error_code ec) {
      if (ec) {
        std::fprintf(stderr, "loadgen: connect: %s\n", ec.message().c_str());
        self->shared_->errors.fetch_add(1);
        return;
      }
      beast::error_code ignored;
      self->stream_.socket().set_option(tcp::no_delay(true), ignored);
      self->Next();
    });
  }

 private:
  // The intended send time of this connection's k-th request.
  Clock::time_point Due(int64_t k) const {
    const Options& o = shared_->options;
    double i = static_cast<double>(k) * o.connections + index_;
    return shared_->start + std::chrono::nanoseconds(static_cast<int64_t>(i * 1e9 / o.rate));
  }

  void Next() {
    Clock::time_point now = Clock::now();
    due_ = shared_->options.rate > 0 ? Due(k_++) : now;
    if (due_ >= shared_->end) return;
    if (due_ > now) {
      timer_.expires_at(due_);
      timer_.async_wait([self = shared_from_this()](beast::error_code) { self->Send(); });
    } else {
      Send();
    }
  }

  void Send() {
    net::async_write(stream_, net::buffer(shared_->request),
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (ec) return self->Fail(ec);
                       self->Receive();
                     });
  }

  void Receive() {
    parser_.emplace();
    parser_->body_limit(1ull << 30);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (ec) return self->Fail(ec);
                       self->Done();
                     });
  }

  void Done() {
    Clock::time_point now = Clock::now();
    bool ok = parser_->get().result_int() / 100 == 2;
    if (due_ >= shared_->measure_from) {
      if (!ok) shared_->errors.fetch_add(1);
      latencies_.push_back(
          std::chrono::duration_cast<std::chrono::microseconds>(now - due_).count());
    }
    if (!parser_->get().keep_alive()) return Fail(beast::error_code());
    Next();
  }

  void Fail(beast::error_code ec) {
    if (ec) shared_->errors.fetch_add(1);
    Flush();
  }

  void Flush() {
    std::lock_guard lock(shared_->mu);
    shared_->latencies_us.insert(shared_->latencies_us.end(), latencies_.begin(),
                                 latencies_.end());
    latencies_.clear();
  }

 public:
  ~Connection() { Flush(); }

 private:
  beast::tcp_stream stream_;
  net::steady_timer timer_;
  beast::flat_buffer buffer_;
  std::optional<http::response_parser<http::string_body>> parser_;
  Shared* shared_;
  int index_;
  int64_t k_ = 0;
  Clock::time_point due_;
  std::vector<int64_t> latencies_;
};

double Percentile(const std::vector<int64_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t i = static_cast<size_t>(p / 100.0 * static_cast<double>(sorted.size() - 1) + 0.5);
  return static_cast<double>(sorted[std::min(i, sorted.size() - 1)]) / 1000.0;
}

}  // namespace

int main(int argc, char** argv) {
  Shared shared;
  if (!ParseArgs(argc, argv, &shared.options)) return 2;
  const Options& o = shared.options;
  std::ostringstream req;
  req << o.method << " " << o.path << " HTTP/1.1\r\nHost: " << o.host << "\r\n";
  if (!o.body.empty()) {
    req << "Content-Type: application/json\r\nContent-Length: " << o.body.size() << "\r\n";
  }
  req << "\r\n" << o.body;
  shared.request = req.str();

  net::io_context ioc;
  beast::error_code ec;
  tcp::resolver resolver(ioc);
  auto endpoints = resolver.resolve(o.host, std::to_string(o.port), ec);
  if (ec || endpoints.empty()) {
    std::fprintf(stderr, "loadgen: cannot resolve %s: %s\n", o.host.c_str(), ec.message().c_str());
    return 1;
  }
  shared.start = Clock::now() + std::chrono::milliseconds(100);  // connect first
  auto seconds = [](double s) {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
  };
  shared.measure_from = shared.start + seconds(o.warmup);
  shared.end = shared.measure_from + seconds(o.duration);
  for (int c = 0; c < o.connections; ++c) {
    std::make_shared<Connection>(ioc, &shared, c)->Start(endpoints.begin()->endpoint());
  }
  std::vector<std::thread> threads;
  for (int t = 1; t < o.threads; ++t) threads.emplace_back([&] { ioc.run(); });
  ioc.run();
  for (std::thread& t : threads) t.join();

  std::vector<int64_t>& l = shared.latencies_us;
  std::sort(l.begin(), l.end());
  double achieved = static_cast<double>(l.size()) / o.duration;
  std::printf(
      "rate %.0f/s achieved %.0f/s requests %zu errors %lld connections %d | latency ms "
      "p50 %.3f p90 %.3f p99 %.3f p99.9 %.3f max %.3f\n",
      o.rate, achieved, l.size(), static_cast<long long>(shared.errors.load()), o.connections,
      Percentile(l, 50), Percentile(l, 90), Percentile(l, 99), Percentile(l, 99.9),
      l.empty() ? 0.0 : static_cast<double>(l.back()) / 1000.0);
  return shared.errors.load() == 0 ? 0 : 1;
}
