// tessera_freshness: push-to-served freshness under load (issue 10's
// benchmark; bench/freshness_bench.sh runs it, docs/PERFORMANCE.md).
//
// Against a running `tessera serve` whose repo has a push source feeding an
// aggregated view with a `count_<window>` feature (the script writes it),
// three open-loop loads run at once, each on its own fixed schedule and each
// latency measured from the intended send time (no coordinated omission):
//
// - pushes: POST /push batches of --batch events every batch/rate seconds,
//   over --push-connections keep-alive connections (batch b on connection
//   b % P), keys uniform in [0, --keys), event time = the intended send time;
// - reads: --read-rate req/s of /get-online-features over random keys in
//   [0, --keys) (the view's --read-features), --read-connections connections;
// - probes: the first --probes-per-batch events of every --probe-every-th
//   batch (probe i in order) go to a probe key in
//   [--keys, --keys + --probe-keys) (round robin, so probe i is the
//   (i / probe_keys + 1)-th event of its key, and only probes touch these
//   keys). A poller (--pollers threads, the j-th batch with probes on poller
//   j % pollers) waits for the batch's intended send time, then polls
//   /get-online-features for the counts of the batch's probe keys (one
//   request) every --poll-interval-us until each reaches its expected
//   count: freshness = first visible - intended send time (a probe not
//   seen within --probe-timeout counts as infinitely late).
//
// Sends still due --probe-timeout after the end are dropped (counted
// unsent), so a server far behind does not keep the run going.
//
// Prints one JSON line per measurement (freshness, push, read). Exit 1 when
// a request failed or was not sent, or a probe never became visible
// (--probe-timeout).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <limits>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bench_util.h"
#include "http_client.h"

namespace {

using Clock = std::chrono::steady_clock;
using tessera_bench::CountsIn;
using tessera_bench::HttpConnection;
using tessera_bench::Micros;
using tessera_bench::Pct;
using tessera_bench::Rfc3339;
using tessera_bench::Seconds;

struct Options {
  std::string host = "127.0.0.1";
  int port = 6566;
  std::string label = "";  // copied into each line as "backend"
  std::string push_source = "txn_push";
  std::string view = "user_txn";
  std::string count_feature = "count_1h";
  std::string read_features = "amount_sum_1h,count_1h";
  std::string key_name = "user_id";
  int64_t keys = 100000;
  double push_rate = 5000;  // events per second
  int batch = 50;
  int push_connections = 2;
  double read_rate = 2000;
  int read_connections = 8;
  int probe_every = 1;       // probes in every n-th batch
  int probes_per_batch = 1;  // its first n events
  int64_t probe_keys = 1000;
  int pollers = 8;
  int poll_interval_us = 500;
  double probe_timeout = 10;
  double duration = 30;
  double warmup = 5;
};

[[noreturn]] void Usage(const std::string& error) {
  std::fprintf(stderr,
               "error: %s\nusage: tessera_freshness [--host H] --port P [--label L] "
               "[--push-source S] [--view V] [--count-feature F] [--read-features f,...] "
               "[--key-name K] [--keys N] [--push-rate EV/S] [--batch N] [--push-connections C] "
               "[--read-rate R] [--read-connections C] [--probe-every N] [--probes-per-batch N] "
               "[--probe-keys N] "
               "[--pollers N] [--poll-interval-us US] [--probe-timeout S] [--duration S] "
               "[--warmup S]\n",
               error.c_str());
  std::exit(2);
}

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") Usage("help");
    if (i + 1 >= argc) Usage("missing value of " + a);
    std::string v = argv[++i];
    if (a == "--host")
      o.host = v;
    else if (a == "--port")
      o.port = std::atoi(v.c_str());
    else if (a == "--label")
      o.label = v;
    else if (a == "--push-source")
      o.push_source = v;
    else if (a == "--view")
      o.view = v;
    else if (a == "--count-feature")
      o.count_feature = v;
    else if (a == "--read-features")
      o.read_features = v;
    else if (a == "--key-name")
      o.key_name = v;
    else if (a == "--keys")
      o.keys = std::atoll(v.c_str());
    else if (a == "--push-rate")
      o.push_rate = std::atof(v.c_str());
    else if (a == "--batch")
      o.batch = std::atoi(v.c_str());
    else if (a == "--push-connections")
      o.push_connections = std::atoi(v.c_str());
    else if (a == "--read-rate")
      o.read_rate = std::atof(v.c_str());
    else if (a == "--read-connections")
      o.read_connections = std::atoi(v.c_str());
    else if (a == "--probe-every")
      o.probe_every = std::atoi(v.c_str());
    else if (a == "--probes-per-batch")
      o.probes_per_batch = std::atoi(v.c_str());
    else if (a == "--probe-keys")
      o.probe_keys = std::atoll(v.c_str());
    else if (a == "--pollers")
      o.pollers = std::atoi(v.c_str());
    else if (a == "--poll-interval-us")
      o.poll_interval_us = std::atoi(v.c_str());
    else if (a == "--probe-timeout")
      o.probe_timeout = std::atof(v.c_str());
    else if (a == "--duration")
      o.duration = std::atof(v.c_str());
    else if (a == "--warmup")
      o.warmup = std::atof(v.c_str());
    else
      Usage("unknown argument " + a);
  }
  if (o.keys <= 0 || o.push_rate <= 0 || o.batch <= 0 || o.push_connections <= 0 ||
      o.read_rate <= 0 || o.read_connections <= 0 || o.probe_every <= 0 || o.probe_keys <= 0 ||
      o.probes_per_batch <= 0 || o.probes_per_batch > o.batch || o.pollers <= 0 ||
      o.poll_interval_us < 0 || o.probe_timeout <= 0 || o.duration <= 0 || o.warmup < 0) {
    Usage("counts, rates and durations must be positive");
  }
  return o;
}

// The shared schedule: a steady-clock origin and the wall time it stands
// for (event timestamps), the start of measurement and the end of sending.
struct Schedule {
  Clock::time_point start;
  std::chrono::system_clock::time_point wall_start;
  Clock::time_point measure_from;
  Clock::time_point end;
  Clock::duration batch_interval;

  Clock::time_point BatchTime(int64_t b) const { return start + batch_interval * b; }
  int64_t Batches() const {
    return static_cast<int64_t>((end - start) / batch_interval);  // batches with time < end
  }
  bool Measured(Clock::time_point t) const { return t >= measure_from && t < end; }
  // A server far behind would keep the run going for as long as its
  // backlog: sends due before `end` are dropped once it is `grace` past.
  bool TooLate(Clock::duration grace) const { return Clock::now() > end + grace; }
};

std::string Quoted(const std::string& view, const std::string& csv) {
  std::string out;
  for (size_t start = 0; start <= csv.size();) {
    size_t end = std::min(csv.find(',', start), csv.size());
    if (!out.empty()) out += ",";
    out += "\"" + view + ":" + csv.substr(start, end - start) + "\"";
    start = end + 1;
  }
  return out;
}

// Latencies of the measured requests, errors, and when the last measured
// one completed (for the achieved rate).
struct Tally {
  std::vector<int64_t> latencies_us;
  int64_t errors = 0;
  int64_t units = 0;  // events (pushes) or requests (reads) completed ok
  int64_t polls = 0;
  int64_t unsent = 0;  // events or requests not sent: too late (Schedule::TooLate)
  Clock::time_point last_done{};

  void Merge(const Tally& t) {
    latencies_us.insert(latencies_us.end(), t.latencies_us.begin(), t.latencies_us.end());
    errors += t.errors;
    units += t.units;
    polls += t.polls;
    unsent += t.unsent;
    last_done = std::max(last_done, t.last_done);
  }
};

// The latency of a probe never seen (--probe-timeout): it sorts last, so
// the percentiles count it as infinitely late; printed as null.
constexpr int64_t kNeverVisible = std::numeric_limits<int64_t>::max();

int64_t ProbeKey(const Options& o, int64_t probe) { return o.keys + probe % o.probe_keys; }

void RunPusher(const Options& o, const Schedule& s, int connection, Tally* tally) {
  HttpConnection http(o.host, o.port);
  std::mt19937_64 rng(0xf7e54 + static_cast<uint64_t>(connection));
  std::string response;
  for (int64_t b = connection; b < s.Batches(); b += o.push_connections) {
    Clock::time_point intended = s.BatchTime(b);
    if (s.TooLate(Seconds(o.probe_timeout))) {
      if (s.Measured(intended)) tally->unsent += o.batch;
      continue;
    }
    std::this_thread::sleep_until(intended);
    std::string ts = "\"";  // quoted; built in steps (g++ 12 warns on "x" + string&&)
    ts += Rfc3339(s.wall_start + (intended - s.start));
    ts += '"';
    std::string keys, amounts, stamps;
    for (int e = 0; e < o.batch; ++e) {
      bool probe = e < o.probes_per_batch && b % o.probe_every == 0;
      int64_t key = probe ? ProbeKey(o, b / o.probe_every * o.probes_per_batch + e)
                          : static_cast<int64_t>(rng() % static_cast<uint64_t>(o.keys));
      if (e > 0) {
        keys += ',';
        amounts += ',';
        stamps += ',';
      }
      keys += std::to_string(key);
      amounts += std::to_string(1 + rng() % 100);
      amounts += ".25";
      stamps += ts;
    }
    std::string body = "{\"push_source_name\":\"" + o.push_source + "\",\"df\":{\"" + o.key_name +
                       "\":[" + keys + "],\"amount\":[" + amounts + "],\"ts\":[" + stamps +
                       "]},\"to\":\"online\"}";
    int status = 0;
    bool ok = http.Post("/push", body, &status, &response) && status == 200;
    Clock::time_point done = Clock::now();
    if (!s.Measured(intended)) continue;
    if (!ok) {
      if (tally->errors++ == 0)
        std::fprintf(stderr, "push failed: %d %s\n", status, response.c_str());
      continue;
    }
    tally->latencies_us.push_back(Micros(done - intended));
    tally->units += o.batch;
    tally->last_done = std::max(tally->last_done, done);
  }
}

void RunReader(const Options& o, const Schedule& s, int connection, Tally* tally) {
  HttpConnection http(o.host, o.port);
  std::mt19937_64 rng(0x7ead + static_cast<uint64_t>(connection));
  const std::string features = Quoted(o.view, o.read_features);
  const Clock::duration interval = Seconds(o.read_connections / o.read_rate);
  std::string response;
  for (Clock::time_point intended = s.start + interval * connection / o.read_connections;
       intended < s.end; intended += interval) {
    if (s.TooLate(Seconds(o.probe_timeout))) {
      if (s.Measured(intended)) tally->unsent++;
      continue;
    }
    std::this_thread::sleep_until(intended);
    int64_t key = static_cast<int64_t>(rng() % static_cast<uint64_t>(o.keys));
    std::string body = "{\"features\":[" + features + "],\"entities\":{\"" + o.key_name + "\":[" +
                       std::to_string(key) + "]}}";
    int status = 0;
    bool ok = http.Post("/get-online-features", body, &status, &response) && status == 200;
    Clock::time_point done = Clock::now();
    if (!s.Measured(intended)) continue;
    if (!ok) {
      if (tally->errors++ == 0)
        std::fprintf(stderr, "read failed: %d %s\n", status, response.c_str());
      continue;
    }
    tally->latencies_us.push_back(Micros(done - intended));
    tally->units++;
    tally->last_done = std::max(tally->last_done, done);
  }
}

// The probes of one batch, polled together (one request for all their
// keys, so polling stays a small load whatever the probes per batch).
void PollBatch(const Options& o, const Schedule& s, int64_t batch, HttpConnection* http,
               Tally* tally) {
  const Clock::time_point intended = s.BatchTime(batch * o.probe_every);
  const int64_t first = batch * o.probes_per_batch;
  const size_t n = static_cast<size_t>(o.probes_per_batch);
  std::string keys;
  for (size_t m = 0; m < n; ++m) {
    if (m > 0) keys += ',';
    keys += std::to_string(ProbeKey(o, first + static_cast<int64_t>(m)));
  }
  const std::string body = "{\"features\":[" + Quoted(o.view, o.count_feature) +
                           "],\"entities\":{\"" + o.key_name + "\":[" + keys + "]}}";
  std::vector<int64_t> latency(n, kNeverVisible);
  size_t left = n;
  std::string response;
  std::this_thread::sleep_until(intended);
  for (Clock::time_point next = intended; left > 0;) {
    if (Clock::now() - intended > Seconds(o.probe_timeout)) break;
    int status = 0;
    tally->polls++;
    if (!http->Post("/get-online-features", body, &status, &response) || status != 200) break;
    const Clock::time_point now = Clock::now();
    std::vector<int64_t> counts = CountsIn(response);
    for (size_t m = 0; m < n && m < counts.size(); ++m) {
      const int64_t expected = (first + static_cast<int64_t>(m)) / o.probe_keys + 1;
      if (latency[m] == kNeverVisible && counts[m] >= expected) {
        latency[m] = Micros(now - intended);
        --left;
      }
    }
    next += std::chrono::microseconds(o.poll_interval_us);
    if (left > 0) std::this_thread::sleep_until(next);
  }
  if (!s.Measured(intended)) return;
  for (size_t m = 0; m < n; ++m) {
    tally->latencies_us.push_back(latency[m]);
    if (latency[m] != kNeverVisible) {
      tally->units++;
    } else if (tally->errors++ == 0) {
      std::fprintf(stderr, "probe %lld (key %lld) not visible within %.0f s: %s\n",
                   static_cast<long long>(first + static_cast<int64_t>(m)),
                   static_cast<long long>(ProbeKey(o, first + static_cast<int64_t>(m))),
                   o.probe_timeout, response.c_str());
    }
  }
}

// Probe batch j (a batch with probes) on poller j % pollers.
void RunPoller(const Options& o, const Schedule& s, int poller, Tally* tally) {
  HttpConnection http(o.host, o.port);
  const int64_t batches = (s.Batches() + o.probe_every - 1) / o.probe_every;
  for (int64_t j = poller; j < batches; j += o.pollers) PollBatch(o, s, j, &http, tally);
}

template <typename Fn>
Tally RunThreads(int n, Fn fn) {
  std::vector<Tally> tallies(static_cast<size_t>(n));
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) threads.emplace_back(fn, i, &tallies[static_cast<size_t>(i)]);
  for (std::thread& t : threads) t.join();
  Tally all;
  for (const Tally& t : tallies) all.Merge(t);
  std::sort(all.latencies_us.begin(), all.latencies_us.end());
  return all;
}

// A freshness percentile in milliseconds, null when it is a probe never seen.
std::string FreshMs(const std::vector<int64_t>& sorted, double p) {
  double us = Pct(sorted, p);
  if (us >= static_cast<double>(kNeverVisible)) return "null";
  char out[32];
  std::snprintf(out, sizeof(out), "%.2f", us / 1000.0);
  return out;
}

// Units per second over the measured span (at least --duration: a server
// that falls behind finishes later, so its achieved rate is lower).
double Achieved(const Tally& t, const Schedule& s, const Options& o) {
  double span = std::chrono::duration<double>(t.last_done - s.measure_from).count();
  return static_cast<double>(t.units) / std::max(span, o.duration);
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = Parse(argc, argv);
  Schedule s;
  s.start = Clock::now() + std::chrono::milliseconds(100);
  s.wall_start = std::chrono::system_clock::now() + std::chrono::milliseconds(100);
  s.measure_from = s.start + Seconds(o.warmup);
  s.end = s.measure_from + Seconds(o.duration);
  s.batch_interval = Seconds(o.batch / o.push_rate);

  Tally push, read, fresh;
  std::thread pushers([&] {
    push = RunThreads(o.push_connections, [&](int c, Tally* t) { RunPusher(o, s, c, t); });
  });
  std::thread readers([&] {
    read = RunThreads(o.read_connections, [&](int c, Tally* t) { RunReader(o, s, c, t); });
  });
  fresh = RunThreads(o.pollers, [&](int c, Tally* t) { RunPoller(o, s, c, t); });
  pushers.join();
  readers.join();

  const std::string label = "{\"backend\":\"" + o.label + "\",";
  const double ms = 1000.0;
  std::printf(
      "%s\"measurement\":\"freshness\",\"probes\":%zu,\"not_visible\":%lld,\"p50_ms\":%s,"
      "\"p90_ms\":%s,\"p99_ms\":%s,\"max_ms\":%s,\"polls\":%lld,\"poll_interval_us\":%d}\n",
      label.c_str(), fresh.latencies_us.size(), static_cast<long long>(fresh.errors),
      FreshMs(fresh.latencies_us, 50).c_str(), FreshMs(fresh.latencies_us, 90).c_str(),
      FreshMs(fresh.latencies_us, 99).c_str(), FreshMs(fresh.latencies_us, 100).c_str(),
      static_cast<long long>(fresh.polls), o.poll_interval_us);
  std::printf(
      "%s\"measurement\":\"push\",\"target_events_per_s\":%.0f,\"batch\":%d,\"connections\":%d,"
      "\"achieved_events_per_s\":%.0f,\"batches\":%zu,\"errors\":%lld,\"unsent_events\":%lld,\"p50_"
      "ms\":%.2f,"
      "\"p99_ms\":%.2f,\"max_ms\":%.2f}\n",
      label.c_str(), o.push_rate, o.batch, o.push_connections, Achieved(push, s, o),
      push.latencies_us.size(), static_cast<long long>(push.errors),
      static_cast<long long>(push.unsent), Pct(push.latencies_us, 50) / ms,
      Pct(push.latencies_us, 99) / ms, Pct(push.latencies_us, 100) / ms);
  std::printf(
      "%s\"measurement\":\"read\",\"target_req_per_s\":%.0f,\"connections\":%d,"
      "\"achieved_req_per_s\":%.0f,\"requests\":%zu,\"errors\":%lld,\"unsent\":%lld,\"p50_us\":%."
      "0f,"
      "\"p99_us\":%.0f,\"max_us\":%.0f}\n",
      label.c_str(), o.read_rate, o.read_connections, Achieved(read, s, o),
      read.latencies_us.size(), static_cast<long long>(read.errors),
      static_cast<long long>(read.unsent), Pct(read.latencies_us, 50), Pct(read.latencies_us, 99),
      Pct(read.latencies_us, 100));
  return push.errors + read.errors + fresh.errors + push.unsent + read.unsent > 0 ? 1 : 0;
}
