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
// Each connection is one thread with one keep-alive socket and one request
// in flight (HTTP/1.1 without pipelining, like Feast's clients). Bodies ask
// for random keys in [0, --keys) so reads spread over the whole store.
//
// --max: closed loop, as fast as each connection can go (the maximum
// throughput; latencies then are service times).
//
//   tessera_loadgen --port 6566 --rate 10000 --duration 20 --connections 32
//     --features user_stats:f0,user_stats:f1 --key-name user_id --keys 1000000
//     --entities 1
//
// Prints one line of key=value pairs (rate, sent, errors, p50/p90/p99/
// p99.9/max in microseconds, achieved throughput).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <tuple>
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
      "[--duration S] [--warmup S] [--connections C] --features v:f,... "
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
  if (o.rate <= 0 || o.duration <= 0 || o.connections <= 0 || o.keys <= 0 || o.entities <= 0)
    Usage("--rate, --duration, --connections, --keys and --entities must be positive");
  return o;
}

std::string FeatureList(const std::string& csv) {
  std::string out;
  size_t start = 0;
  while (start <= csv.size()) {
    size_t end = csv.find(',', start);
    if (end == std::string::npos) end = csv.size();
    if (!out.empty()) out += ",";
    out += "\"" + csv.substr(start, end - start) + "\"";
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
  return fd;
}

bool SendAll(int fd, const std::string& data) {
  size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

// Reads one response (headers, then Content-Length bytes); false on a
// closed or broken connection. Sets *ok to whether the status is 200.
bool ReadResponse(int fd, std::string* buffer, bool* ok) {
  size_t header_end;
  while ((header_end = buffer->find("\r\n\r\n")) == std::string::npos) {
    char chunk[65536];
    ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
    if (n <= 0) return false;
    buffer->append(chunk, static_cast<size_t>(n));
  }
  *ok = buffer->compare(0, 12, "HTTP/1.1 200") == 0;
  size_t length = 0;
  size_t pos = 0;
  while (pos < header_end) {
    size_t eol = buffer->find("\r\n", pos);
    if (eol == std::string::npos || eol > header_end) eol = header_end;
    if (eol - pos > 15 && strncasecmp(buffer->data() + pos, "content-length:", 15) == 0) {
      length = std::strtoull(buffer->c_str() + pos + 15, nullptr, 10);
    }
    pos = eol + 2;
  }
  size_t total = header_end + 4 + length;
  while (buffer->size() < total) {
    char chunk[65536];
    ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
    if (n <= 0) return false;
    buffer->append(chunk, static_cast<size_t>(n));
  }
  buffer->erase(0, total);
  return true;
}

struct ConnectionResult {
  std::vector<int64_t> latencies_us;              // measured requests only
  std::vector<std::pair<int64_t, int64_t>> slow;  // (intended - start, latency) in us
  int64_t errors = 0;
  int64_t sent = 0;
};

void RunConnection(const Options& o, int index, Clock::time_point start,
                   Clock::time_point measure_from, Clock::time_point end,
                   ConnectionResult* result) {
  std::mt19937_64 rng(0x7e55e7a + static_cast<uint64_t>(index));
  std::string features = FeatureList(o.features);
  int fd = Connect(o);
  if (fd < 0) {
    result->errors++;
    return;
  }
  std::string buffer;
  const double interval_s = o.connections / o.rate;
  const auto interval =
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(interval_s));
  // Connections start staggered across one interval.
  Clock::time_point intended = start + interval * index / o.connections;
  while (true) {
    if (o.max) intended = Clock::now();
    if (intended >= end) break;
    std::this_thread::sleep_until(intended);
    std::string body = "{\"features\":[" + features + "],\"entities\":{\"" + o.key_name + "\":[";
    for (int e = 0; e < o.entities; ++e) {
      if (e > 0) body += ",";
      body += std::to_string(static_cast<int64_t>(rng() % static_cast<uint64_t>(o.keys)));
    }
    body += "]}}";
    std::string request =
        "POST " + o.path + " HTTP/1.1\r\nHost: " + o.host +
        "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\n\r\n" + body;
    bool ok = false;
    bool alive = SendAll(fd, request) && ReadResponse(fd, &buffer, &ok);
    Clock::time_point done = Clock::now();
    result->sent++;
    if (intended >= measure_from) {
      if (!alive || !ok) {
        result->errors++;
      } else {
        const int64_t us =
            std::chrono::duration_cast<std::chrono::microseconds>(done - intended).count();
        result->latencies_us.push_back(us);
        if (!o.slow_log.empty() && static_cast<double>(us) >= o.slow_ms * 1000) {
          result->slow.emplace_back(
              std::chrono::duration_cast<std::chrono::microseconds>(intended - start).count(), us);
        }
      }
    }
    if (!alive) {
      ::close(fd);
      buffer.clear();
      fd = Connect(o);
      if (fd < 0) {
        result->errors++;
        return;
      }
    }
    intended += interval;
  }
  ::close(fd);
}

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
  std::vector<std::thread> threads;
  for (int c = 0; c < o.connections; ++c) {
    threads.emplace_back(RunConnection, std::cref(o), c, start, measure_from, end,
                         &results[static_cast<size_t>(c)]);
  }
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
  std::printf(
      "mode=%s rate=%.0f connections=%d entities=%d measured=%zu errors=%lld "
      "throughput=%.0f p50_us=%lld p90_us=%lld p99_us=%lld p999_us=%lld max_us=%lld sent=%lld\n",
      o.max ? "max" : "fixed", o.max ? 0.0 : o.rate, o.connections, o.entities, all.size(),
      static_cast<long long>(errors), static_cast<double>(all.size()) / o.duration,
      static_cast<long long>(Percentile(all, 50)), static_cast<long long>(Percentile(all, 90)),
      static_cast<long long>(Percentile(all, 99)), static_cast<long long>(Percentile(all, 99.9)),
      static_cast<long long>(all.empty() ? -1 : all.back()), static_cast<long long>(sent));
  return errors > 0 ? 1 : 0;
}
