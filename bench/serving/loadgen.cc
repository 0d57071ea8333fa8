// tessera_loadgen: an open-loop HTTP load generator for the serving
// benchmark (bench/serving/serving_bench.sh, docs/PERFORMANCE.md).
//
// Debian's wrk has no fixed-rate mode, and a closed-loop client hides a
// slow server: it simply sends less (coordinated omission). Here every
// request has an intended send time on a fixed schedule (rate / connections
// per connection, start times staggered), and its latency is measured from
// that intended time, not from when it was actually sent. A server that
// stalls for 10 ms therefore shows every request it delayed, as wrk2 does.
//
// Each connection is one keep-alive socket with one request in flight
// (HTTP/1.1 without pipelining, like Feast's clients). The connections are
// driven by --threads event loops (default 1; epoll, non-blocking sockets,
// timeouts to the nanosecond with epoll_pwait2), not a thread each: on a
// small machine that shares its cores with the server, a thread per
// connection costs a sleep and a wake-up per request, which the server
// then does not get. Bodies ask for random keys in [0, --keys) so reads
// spread over the whole store.
//
// --max: closed loop, as fast as each connection can go (the maximum
// throughput; latencies then are service times).
//
//   tessera_loadgen --port 6566 --rate 10000 --duration 20 --connections 32
//     --features user_stats:f0,user_stats:f1 --key-name user_id --keys 1000000
//     --entities 1
//
// Prints one line of key=value pairs (rate, sent, errors, p50/p90/p99/
// p99.9/max in microseconds, achieved throughput, and the generator's own
// CPU time per request).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <memory>
#include <queue>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string host = "127.0.0.1";
  int port = 6566;
  double rate = 1000;  // requests per second over all connections
  double duration = 10;
  double warmup = 2;  // seconds run before measuring
  int connections = 32;
  int threads = 1;  // event loops the connections are spread over
  bool max = false;
  std::string path = "/get-online-features";
  std::string features;  // comma-separated view:feature
  std::string key_name = "user_id";
  int64_t keys = 1000000;
  int entities = 1;
  std::string slow_log;  // --slow-log FILE: one line per measured request slower than
  double slow_ms = 20;   // --slow-ms (when it was meant to go out, its connection, latency)
};

[[noreturn]] void Usage(const char* error) {
  std::fprintf(
      stderr,
      "error: %s\nusage: tessera_loadgen [--host H] [--port P] (--rate R | --max) "
      "[--duration S] [--warmup S] [--connections C] [--threads T] --features v:f,... "
      "[--key-name K] [--keys N] [--entities E] [--path P] [--slow-log FILE [--slow-ms MS]]\n",
      error);
  std::exit(2);
}

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Usage(("missing value of " + a).c_str());
      return argv[++i];
    };
    if (a == "--host")
      o.host = value();
    else if (a == "--port")
      o.port = std::atoi(value().c_str());
    else if (a == "--rate")
      o.rate = std::atof(value().c_str());
    else if (a == "--duration")
      o.duration = std::atof(value().c_str());
    else if (a == "--warmup")
      o.warmup = std::atof(value().c_str());
    else if (a == "--connections")
      o.connections = std::atoi(value().c_str());
    else if (a == "--threads")
      o.threads = std::atoi(value().c_str());
    else if (a == "--max")
      o.max = true;
    else if (a == "--path")
      o.path = value();
    else if (a == "--features")
      o.features = value();
    else if (a == "--key-name")
      o.key_name = value();
    else if (a == "--keys")
      o.keys = std::atoll(value().c_str());
    else if (a == "--entities")
      o.entities = std::atoi(value().c_str());
    else if (a == "--slow-log")
      o.slow_log = value();
    else if (a == "--slow-ms")
      o.slow_ms = std::atof(value().c_str());
    else if (a == "--help" || a == "-h")
      Usage("help");
    else
      Usage(("unknown argument " + a).c_str());
  }
  if (o.features.empty()) Usage("--features is required");
  if (o.rate <= 0 || o.duration <= 0 || o.connections <= 0 || o.keys <= 0 || o.entities <= 0 ||
      o.threads <= 0)
    Usage("--rate, --duration, --connections, --threads, --keys and --entities must be positive");
  o.threads = std::min(o.threads, o.connections);
  return o;
}

std::string FeatureList(const std::string& csv) {
  std::string out;
  size_t start = 0;
  while (start <= csv.size()) {
    size_t end = csv.find(',', start);
    if (end == std::string::npos) end = csv.size();
    if (!out.empty()) out.push_back(',');
    out.push_back('"');
    out.append(csv, start, end - start);
    out.push_back('"');
    start = end + 1;
  }
  return out;
}

int Connect(const Options& o) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(o.port));
  if (::inet_pton(AF_INET, o.host.c_str(), &addr.sin_addr) != 1 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

// Where a response ends in `buffer` (header and Content-Length bytes of
// body): 0 while incomplete. Sets *ok to whether the status is 200.
size_t ResponseEnd(const std::string& buffer, bool* ok) {
  size_t header_end = buffer.find("\r\n\r\n");
  if (header_end == std::string::npos) return 0;
  *ok = buffer.compare(0, 12, "HTTP/1.1 200") == 0;
  size_t length = 0;
  size_t pos = 0;
  while (pos < header_end) {
    size_t eol = buffer.find("\r\n", pos);
    if (eol == std::string::npos || eol > header_end) eol = header_end;
    if (eol - pos > 15 && strncasecmp(buffer.data() + pos, "content-length:", 15) == 0) {
      length = std::strtoull(buffer.c_str() + pos + 15, nullptr, 10);
    }
    pos = eol + 2;
  }
  size_t total = header_end + 4 + length;
  return buffer.size() >= total ? total : 0;
}

struct ConnectionResult {
  std::vector<int64_t> latencies_us;              // measured requests only
  std::vector<std::pair<int64_t, int64_t>> slow;  // (intended - start, latency) in us
  int64_t errors = 0;
  int64_t sent = 0;
};

// One connection of an event loop.
struct Connection {
  int index = 0;  // over all connections (the schedule's stagger, the slow log)
  int fd = -1;
  std::mt19937_64 rng;
  Clock::time_point intended;  // of the request in flight, or of the next one
  bool in_flight = false;
  bool dead = false;     // could not (re)connect: sends no more
  std::string request;   // built in place per request
  size_t written = 0;    // of `request`
  std::string received;  // bytes of the response so far
  ConnectionResult* result = nullptr;
};

// Drives its connections: sends each request at its intended time (now,
// in --max), reads the answers as they come, and records the latencies.
// Single-threaded; each loop has its own connections and epoll set.
class EventLoop {
 public:
  EventLoop(const Options& o, Clock::time_point start, Clock::time_point measure_from,
            Clock::time_point end)
      : o_(o), start_(start), measure_from_(measure_from), end_(end) {
    interval_ = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(o.connections / o.rate));
    std::string features = FeatureList(o.features);
    body_prefix_ = "{\"features\":[" + features + "],\"entities\":{\"" + o.key_name + "\":[";
    head_prefix_ = "POST " + o.path + " HTTP/1.1\r\nHost: " + o.host +
                   "\r\nContent-Type: application/json\r\nContent-Length: ";
  }

  void Add(int index, ConnectionResult* result) {
    Connection c;
    c.index = index;
    c.rng.seed(0x7e55e7a + static_cast<uint64_t>(index));
    // Connections start staggered across one interval.
    c.intended = start_ + interval_ * index / o_.connections;
    c.result = result;
    connections_.push_back(std::move(c));
  }

  void Run() {
    epoll_ = ::epoll_create1(0);
    for (size_t i = 0; i < connections_.size(); ++i) {
      Connection& c = connections_[i];
      if (!Open(&c, i)) continue;
      if (o_.max) c.intended = start_;
      due_.push({c.intended, i});
    }
    std::vector<epoll_event> events(connections_.size() + 1);
    const Clock::time_point give_up = end_ + std::chrono::seconds(10);
    while (true) {
      Clock::time_point now = Clock::now();
      while (!due_.empty() && due_.top().first <= now) {
        size_t i = due_.top().second;
        due_.pop();
        Send(&connections_[i], now);
      }
      if (due_.empty() && in_flight_ == 0) break;
      if (now >= give_up) break;  // answers that never came: errors below
      Clock::time_point wake = due_.empty() ? give_up : std::min(due_.top().first, give_up);
      timespec timeout{};
      auto wait_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(wake - now).count();
      timeout.tv_sec = static_cast<time_t>(wait_ns / 1000000000);
      timeout.tv_nsec = static_cast<long>(wait_ns % 1000000000);
      int n =
          ::epoll_pwait2(epoll_, events.data(), static_cast<int>(events.size()), &timeout, nullptr);
      if (n <= 0) continue;
      now = Clock::now();
      for (int e = 0; e < n; ++e) {
        Connection& c = connections_[events[e].data.u64];
        if (events[e].events & EPOLLOUT) Flush(&c);
        if (events[e].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
          Receive(&c, events[e].data.u64, now);
      }
    }
    for (Connection& c : connections_) {
      if (c.in_flight) c.result->errors++;  // no answer within 10 s of the end
      if (c.fd >= 0) ::close(c.fd);
    }
    ::close(epoll_);
  }

 private:
  using Due = std::pair<Clock::time_point, size_t>;

  bool Open(Connection* c, size_t i) {
    c->fd = Connect(o_);
    if (c->fd < 0) {
      c->result->errors++;
      c->dead = true;
      return false;
    }
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = i;
    ::epoll_ctl(epoll_, EPOLL_CTL_ADD, c->fd, &ev);
    return true;
  }

  // Closes the connection and opens a new one; false when that fails
  // (the connection then sends no more).
  bool Reopen(Connection* c, size_t i) {
    ::epoll_ctl(epoll_, EPOLL_CTL_DEL, c->fd, nullptr);
    watched_.erase(c->fd);
    ::close(c->fd);
    c->fd = -1;
    c->received.clear();
    return Open(c, i);
  }

  void Send(Connection* c, Clock::time_point now) {
    if (o_.max) c->intended = now;
    // The run is over for this connection, or it could not reconnect.
    if (c->intended >= end_ || c->dead) return;
    std::string& body = body_;
    body.assign(body_prefix_);
    char digits[24];
    for (int e = 0; e < o_.entities; ++e) {
      if (e > 0) body.push_back(',');
      auto key = static_cast<int64_t>(c->rng() % static_cast<uint64_t>(o_.keys));
      body.append(digits, static_cast<size_t>(std::snprintf(digits, sizeof(digits), "%lld",
                                                            static_cast<long long>(key))));
    }
    body.append("]}}");
    c->request.assign(head_prefix_);
    c->request.append(std::to_string(body.size()));
    c->request.append("\r\n\r\n");
    c->request.append(body);
    c->written = 0;
    c->in_flight = true;
    ++in_flight_;
    c->result->sent++;
    Flush(c);
  }

  // Writes what is left of the request; waits for EPOLLOUT when the socket
  // is full (never with one small request in flight, but possible).
  void Flush(Connection* c) {
    while (c->written < c->request.size()) {
      ssize_t n = ::send(c->fd, c->request.data() + c->written, c->request.size() - c->written,
                         MSG_NOSIGNAL);
      if (n > 0) {
        c->written += static_cast<size_t>(n);
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        Watch(c, EPOLLIN | EPOLLOUT);
        return;
      }
      return;  // broken: the read side reports it
    }
    Watch(c, EPOLLIN);
  }

  void Watch(Connection* c, uint32_t events) {
    uint32_t& watched = watched_[c->fd];
    if (watched == events) return;
    watched = events;
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = static_cast<uint64_t>(c - connections_.data());
    ::epoll_ctl(epoll_, EPOLL_CTL_MOD, c->fd, &ev);
  }

  void Receive(Connection* c, size_t i, Clock::time_point now) {
    bool alive = true;
    while (true) {
      char chunk[65536];
      ssize_t n = ::recv(c->fd, chunk, sizeof(chunk), 0);
      if (n > 0) {
        c->received.append(chunk, static_cast<size_t>(n));
        if (static_cast<size_t>(n) < sizeof(chunk)) break;
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      alive = false;  // closed or broken
      break;
    }
    if (!c->in_flight) {
      // Nothing was asked (the server closed an idle connection, or sent
      // what it should not): the connection keeps its place in the
      // schedule, reconnected if need be.
      c->received.clear();
      if (!alive) Reopen(c, i);
      return;
    }
    bool ok = false;
    size_t end = ResponseEnd(c->received, &ok);
    if (end == 0 && alive) return;  // more to come
    c->in_flight = false;
    --in_flight_;
    if (c->intended >= measure_from_) {
      if (end == 0 || !ok) {
        c->result->errors++;
      } else {
        const int64_t us =
            std::chrono::duration_cast<std::chrono::microseconds>(now - c->intended).count();
        c->result->latencies_us.push_back(us);
        if (!o_.slow_log.empty() && static_cast<double>(us) >= o_.slow_ms * 1000) {
          c->result->slow.emplace_back(
              std::chrono::duration_cast<std::chrono::microseconds>(c->intended - start_).count(),
              us);
        }
      }
    }
    c->received.erase(0, end);
    if ((!alive || end == 0) && !Reopen(c, i)) return;
    c->intended += interval_;
    if (o_.max) {
      Send(c, now);
    } else {
      due_.push({c->intended, i});
    }
  }

  const Options& o_;
  const Clock::time_point start_, measure_from_, end_;
  Clock::duration interval_{};
  std::string head_prefix_, body_prefix_, body_;
  std::vector<Connection> connections_;
  std::priority_queue<Due, std::vector<Due>, std::greater<Due>> due_;  // idle, by send time
  std::unordered_map<int, uint32_t> watched_;                          // epoll events per fd
  int epoll_ = -1;
  int64_t in_flight_ = 0;
};

int64_t Percentile(const std::vector<int64_t>& sorted, double p) {
  if (sorted.empty()) return -1;
  size_t i = static_cast<size_t>(p / 100.0 * static_cast<double>(sorted.size()));
  return sorted[std::min(i, sorted.size() - 1)];
}

// The slow requests of every connection, by intended send time: when
// stalls happened and how many connections each one caught.
void WriteSlowLog(const std::string& path, Clock::time_point start,
                  const std::vector<ConnectionResult>& results) {
  std::vector<std::tuple<int64_t, int64_t, size_t>> rows;
  for (size_t c = 0; c < results.size(); ++c) {
    for (auto [at, us] : results[c].slow) rows.emplace_back(at, us, c);
  }
  std::sort(rows.begin(), rows.end());
  FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) return;
  // The start on the steady clock (CLOCK_MONOTONIC), to line the stalls
  // up with other tools' timestamps.
  std::fprintf(f, "# start_monotonic_s %.6f\nintended_ms latency_ms connection\n",
               std::chrono::duration<double>(start.time_since_epoch()).count());
  for (auto [at, us, c] : rows) {
    std::fprintf(f, "%.3f %.3f %zu\n", static_cast<double>(at) / 1000,
                 static_cast<double>(us) / 1000, c);
  }
  std::fclose(f);
}

}  // namespace

int main(int argc, char** argv) {
  Options o = Parse(argc, argv);
  Clock::time_point start = Clock::now() + std::chrono::milliseconds(50);
  auto seconds = [](double s) {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
  };
  Clock::time_point measure_from = start + seconds(o.warmup);
  Clock::time_point end = measure_from + seconds(o.duration);
  std::vector<ConnectionResult> results(static_cast<size_t>(o.connections));
  std::vector<std::unique_ptr<EventLoop>> loops;
  for (int t = 0; t < o.threads; ++t) {
    loops.push_back(std::make_unique<EventLoop>(o, start, measure_from, end));
  }
  for (int c = 0; c < o.connections; ++c) {
    loops[static_cast<size_t>(c % o.threads)]->Add(c, &results[static_cast<size_t>(c)]);
  }
  std::vector<std::thread> threads;
  for (auto& loop : loops) threads.emplace_back([&loop] { loop->Run(); });
  for (std::thread& t : threads) t.join();
  std::vector<int64_t> all;
  int64_t errors = 0;
  int64_t sent = 0;  // warm-up included (for CPU per request)
  for (const ConnectionResult& r : results) {
    all.insert(all.end(), r.latencies_us.begin(), r.latencies_us.end());
    errors += r.errors;
    sent += r.sent;
  }
  std::sort(all.begin(), all.end());
  if (!o.slow_log.empty()) WriteSlowLog(o.slow_log, start, results);
  // The load generator's own CPU time (user+sys, whole process) per request
  // sent: on a machine it shares with the server, what it takes from it.
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const double cpu_us = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e6 +
                        static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
  std::printf(
      "mode=%s rate=%.0f connections=%d entities=%d measured=%zu errors=%lld "
      "throughput=%.0f p50_us=%lld p90_us=%lld p99_us=%lld p999_us=%lld max_us=%lld sent=%lld "
      "cpu_us_per_request=%.1f\n",
      o.max ? "max" : "fixed", o.max ? 0.0 : o.rate, o.connections, o.entities, all.size(),
      static_cast<long long>(errors), static_cast<double>(all.size()) / o.duration,
      static_cast<long long>(Percentile(all, 50)), static_cast<long long>(Percentile(all, 90)),
      static_cast<long long>(Percentile(all, 99)), static_cast<long long>(Percentile(all, 99.9)),
      static_cast<long long>(all.empty() ? -1 : all.back()), static_cast<long long>(sent),
      sent > 0 ? cpu_us / static_cast<double>(sent) : 0.0);
  return errors > 0 ? 1 : 0;
}
