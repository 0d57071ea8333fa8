// tessera_stream_load: the stream ingestion benchmark's producer, lag
// sampler and probes (issue 11; bench/stream_bench.sh runs it,
// docs/PERFORMANCE.md "Stream ingestion").
//
// Against a redis-server and a running `tessera serve --stream` whose repo
// has a push source streamed from --key through consumer group --group,
// feeding an aggregated view with a `count_<window>` feature (the script
// writes it). Every entry is
//   XADD <key> * user_id U ts T amount A event_id E
// with T an RFC 3339 time (the intended send time, or the generation time)
// and E = --id-prefix (default unique per run) + the entry's number. One
// mode per run:
//
// - max: generates --events entries (keys uniform in [0, --keys)), waits
//   until the group has caught up with the stream, then XADDs them as fast
//   as one connection can (pipelines of --pipeline) and polls XINFO GROUPS
//   every millisecond on another connection until the group has delivered
//   the last entry and nothing is pending (every entry read, committed to
//   the source log, applied online and acknowledged). events/s = events /
//   (that moment - the first XADD). /metrics'
//   tessera_stream_events_applied_total (and _commits_total, _rejected_total,
//   _duplicates_total) before and after cross-check it.
// - steady: an open-loop producer sends --rate events/s for --warmup +
//   --duration seconds, in ticks of --tick-us (each tick's entries one
//   pipeline, sent at the tick's intended time; event time = that time).
//   While the measured --duration runs:
//     * consumer lag, sampled every --sample-ms: XINFO GROUPS gives the
//       group's last-delivered-id; the oldest undelivered entry is the next
//       one (XRANGE key (id + COUNT 1); lag = now - its id's milliseconds,
//       0 when there is none (Redis stamps ids with its clock, the same
//       machine's);
//     * stream-to-served freshness: every round(rate / --probe-rate)-th
//       event is a probe to a probe key in [--keys, --keys + --probe-keys)
//       (round robin: probe j is the (j / probe_keys + 1)-th event of its
//       key, and only probes touch these keys); a probe is open from its
//       intended send time until its key's count in /get-online-features
//       reaches the expected one: a poller (--pollers threads, probe j on
//       poller j % pollers) asks for the counts of its open probes in one
//       request, each probe every --poll-interval-us (or every
//       1/--poll-precision of its age when longer); freshness = first visible -
//       intended send time (no coordinated omission; a probe not seen
//       within --probe-timeout counts as infinitely late);
//     * events applied per second (/metrics at the start and the end).
//   Then it waits for the group to drain and checks the applied count.
// - anchor: the machine's raw stream speed: the same entries as max, XADDed
//   the same way into --anchor-key (no consumer group), then the key is
//   deleted.
//
// Prints one JSON line per measurement. Exit 1 when something failed: a
// Redis or HTTP error, a drain or probe timeout, entries not sent in time.
#include <hiredis/hiredis.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <limits>
#include <memory>
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
  std::string mode;
  std::string label;  // copied into each line as "backend"
  std::string redis_host = "127.0.0.1";
  int redis_port = 6379;
  std::string key = "tx_events";
  std::string group = "tessera";
  std::string anchor_key;  // "" means <key>:anchor
  std::string host = "127.0.0.1";
  int port = 6566;  // tessera serve
  std::string view = "user_txn";
  std::string count_feature = "count_1h";
  std::string key_name = "user_id";
  std::string id_prefix;  // "" means "<mode>-<wall clock ms>-"
  int64_t keys = 100000;
  int64_t events = 200000;
  int pipeline = 1000;
  double rate = 10000;
  int tick_us = 1000;
  double probe_rate = 100;
  int64_t probe_keys = 1000;
  int pollers = 1;
  int poll_interval_us = 500;
  int poll_precision = 20;  // a probe is polled at least every 1/20 of its age
  int sample_ms = 10;
  double probe_timeout = 10;
  double drain_timeout = 120;
  double duration = 30;
  double warmup = 5;
};

[[noreturn]] void Usage(const std::string& error) {
  std::fprintf(stderr,
               "error: %s\nusage: tessera_stream_load --mode max|steady|anchor --redis-port P "
               "[--port P] [--label L] [--redis-host H] [--key K] [--group G] [--anchor-key K] "
               "[--host H] [--view V] [--count-feature F] [--key-name K] [--id-prefix S] "
               "[--keys N] [--events N] [--pipeline N] [--rate EV/S] [--tick-us US] "
               "[--probe-rate N] [--probe-keys N] [--pollers N] [--poll-interval-us US] "
               "[--poll-precision N] "
               "[--sample-ms MS] [--probe-timeout S] [--drain-timeout S] [--duration S] "
               "[--warmup S]\n",
               error.c_str());
  std::exit(2);
}

int64_t WallMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") Usage("help");
    if (i + 1 >= argc) Usage("missing value of " + a);
    std::string v = argv[++i];
    auto num = [&] { return std::atof(v.c_str()); };
    if (a == "--mode")
      o.mode = v;
    else if (a == "--label")
      o.label = v;
    else if (a == "--redis-host")
      o.redis_host = v;
    else if (a == "--redis-port")
      o.redis_port = static_cast<int>(num());
    else if (a == "--key")
      o.key = v;
    else if (a == "--group")
      o.group = v;
    else if (a == "--anchor-key")
      o.anchor_key = v;
    else if (a == "--host")
      o.host = v;
    else if (a == "--port")
      o.port = static_cast<int>(num());
    else if (a == "--view")
      o.view = v;
    else if (a == "--count-feature")
      o.count_feature = v;
    else if (a == "--key-name")
      o.key_name = v;
    else if (a == "--id-prefix")
      o.id_prefix = v;
    else if (a == "--keys")
      o.keys = std::atoll(v.c_str());
    else if (a == "--events")
      o.events = std::atoll(v.c_str());
    else if (a == "--pipeline")
      o.pipeline = static_cast<int>(num());
    else if (a == "--rate")
      o.rate = num();
    else if (a == "--tick-us")
      o.tick_us = static_cast<int>(num());
    else if (a == "--probe-rate")
      o.probe_rate = num();
    else if (a == "--probe-keys")
      o.probe_keys = std::atoll(v.c_str());
    else if (a == "--pollers")
      o.pollers = static_cast<int>(num());
    else if (a == "--poll-interval-us")
      o.poll_interval_us = static_cast<int>(num());
    else if (a == "--poll-precision")
      o.poll_precision = static_cast<int>(num());
    else if (a == "--sample-ms")
      o.sample_ms = static_cast<int>(num());
    else if (a == "--probe-timeout")
      o.probe_timeout = num();
    else if (a == "--drain-timeout")
      o.drain_timeout = num();
    else if (a == "--duration")
      o.duration = num();
    else if (a == "--warmup")
      o.warmup = num();
    else
      Usage("unknown argument " + a);
  }
  if (o.mode != "max" && o.mode != "steady" && o.mode != "anchor") {
    Usage("--mode must be max, steady or anchor");
  }
  if (o.keys <= 0 || o.events <= 0 || o.pipeline <= 0 || o.rate <= 0 || o.tick_us <= 0 ||
      o.probe_rate <= 0 || o.probe_rate > o.rate || o.probe_keys <= 0 || o.pollers <= 0 ||
      o.poll_interval_us < 0 || o.poll_precision <= 0 || o.sample_ms <= 0 || o.probe_timeout <= 0 ||
      o.drain_timeout <= 0 || o.duration <= 0 || o.warmup < 0) {
    Usage("counts, rates and durations must be positive (and --probe-rate at most --rate)");
  }
  if (o.anchor_key.empty()) o.anchor_key = o.key + ":anchor";
  // Unique per run: a rerun against the same server must not send ids it
  // has seen (they would be dropped as duplicates, rightly).
  if (o.id_prefix.empty()) o.id_prefix = o.mode + "-" + std::to_string(WallMillis()) + "-";
  return o;
}

double SecondsOf(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

[[noreturn]] void Fail(const std::string& message) {
  std::fprintf(stderr, "tessera_stream_load: %s\n", message.c_str());
  std::exit(1);
}

// ---------------------------------------------------------------- Redis

struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

// One hiredis connection; any error ends the run (a benchmark has no
// recovery to measure).
class Redis {
 public:
  Redis(const std::string& host, int port) {
    timeval timeout{10, 0};
    context_ = redisConnectWithTimeout(host.c_str(), port, timeout);
    if (context_ == nullptr || context_->err != 0) {
      Fail("redis " + host + ":" + std::to_string(port) + ": " +
           (context_ != nullptr ? context_->errstr : "cannot allocate a context"));
    }
    redisSetTimeout(context_, timeout);
  }
  ~Redis() { redisFree(context_); }
  Redis(const Redis&) = delete;
  Redis& operator=(const Redis&) = delete;

  void Append(const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<size_t> lengths;
    for (const std::string& a : args) {
      argv.push_back(a.data());
      lengths.push_back(a.size());
    }
    if (redisAppendCommandArgv(context_, static_cast<int>(args.size()), argv.data(),
                               lengths.data()) != REDIS_OK) {
      Fail(std::string("redis append: ") + context_->errstr);
    }
  }

  // The next reply; a connection error ends the run, an error reply is
  // returned (the caller decides).
  Reply Next() {
    void* r = nullptr;
    if (redisGetReply(context_, &r) != REDIS_OK || r == nullptr) {
      Fail(std::string("redis: ") + context_->errstr);
    }
    return Reply(static_cast<redisReply*>(r));
  }

  Reply Command(const std::vector<std::string>& args) {
    Append(args);
    return Next();
  }

 private:
  redisContext* context_ = nullptr;
};

std::string Text(const redisReply* r) {
  if (r == nullptr) return "";
  if (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS ||
      r->type == REDIS_REPLY_ERROR) {
    return std::string(r->str, r->len);
  }
  if (r->type == REDIS_REPLY_INTEGER) return std::to_string(r->integer);
  return "";
}

// The group's line of XINFO GROUPS.
struct GroupInfo {
  bool found = false;
  std::string last_delivered_id;
  int64_t pending = 0;
  int64_t lag = -1;  // entries; -1 when Redis cannot tell (nil)
};

GroupInfo ReadGroup(Redis* redis, const Options& o) {
  GroupInfo info;
  Reply r = redis->Command({"XINFO", "GROUPS", o.key});
  if (r->type != REDIS_REPLY_ARRAY) return info;  // no stream yet
  for (size_t g = 0; g < r->elements; ++g) {
    const redisReply* fields = r->element[g];
    if (fields->type != REDIS_REPLY_ARRAY) continue;
    GroupInfo candidate;
    std::string name;
    for (size_t f = 0; f + 1 < fields->elements; f += 2) {
      const std::string field = Text(fields->element[f]);
      const redisReply* value = fields->element[f + 1];
      if (field == "name") name = Text(value);
      if (field == "last-delivered-id") candidate.last_delivered_id = Text(value);
      if (field == "pending") candidate.pending = value->integer;
      if (field == "lag" && value->type == REDIS_REPLY_INTEGER) candidate.lag = value->integer;
    }
    if (name == o.group) {
      candidate.found = true;
      return candidate;
    }
  }
  return info;
}

// The id of the stream's last entry, "" when it is empty or missing.
std::string LastEntryId(Redis* redis, const std::string& key) {
  Reply r = redis->Command({"XREVRANGE", key, "+", "-", "COUNT", "1"});
  if (r->type != REDIS_REPLY_ARRAY || r->elements == 0) return "";
  const redisReply* entry = r->element[0];
  return entry->type == REDIS_REPLY_ARRAY && entry->elements > 0 ? Text(entry->element[0]) : "";
}

// Milliseconds of an entry id ("1709294400000-3"), -1 when it has none.
int64_t IdMillis(const std::string& id) {
  size_t dash = id.find('-');
  if (dash == std::string::npos || dash == 0) return -1;
  return std::atoll(id.substr(0, dash).c_str());
}

// Waits until the group exists and has delivered every entry of the stream
// with nothing pending (the consumer is idle and caught up).
void WaitCaughtUp(Redis* redis, const Options& o, double timeout) {
  const Clock::time_point give_up = Clock::now() + Seconds(timeout);
  for (;;) {
    GroupInfo g = ReadGroup(redis, o);
    if (g.found && g.pending == 0) {
      const std::string last = LastEntryId(redis, o.key);
      if (last.empty() || last == g.last_delivered_id) return;
    }
    if (Clock::now() > give_up) {
      Fail(g.found ? "the group '" + o.group + "' of '" + o.key + "' did not catch up within " +
                         std::to_string(timeout) + " s (last delivered " + g.last_delivered_id +
                         ", pending " + std::to_string(g.pending) + ")"
                   : "no consumer group '" + o.group + "' on '" + o.key + "' after " +
                         std::to_string(timeout) + " s: is `tessera serve --stream` running?");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

// ---------------------------------------------------------------- entries

// One XADD's arguments.
std::vector<std::string> Xadd(const std::string& key, int64_t user, const std::string& ts,
                              uint64_t amount, const std::string& event_id) {
  return {"XADD",
          key,
          "*",
          "user_id",
          std::to_string(user),
          "ts",
          ts,
          "amount",
          std::to_string(amount) + ".25",
          "event_id",
          event_id};
}

// --events entries for the max and anchor modes (event time: now).
std::vector<std::vector<std::string>> Generate(const Options& o, const std::string& key) {
  std::mt19937_64 rng(0x5eed);
  const std::string ts = Rfc3339(std::chrono::system_clock::now());
  std::vector<std::vector<std::string>> out;
  out.reserve(static_cast<size_t>(o.events));
  for (int64_t n = 0; n < o.events; ++n) {
    int64_t user = static_cast<int64_t>(rng() % static_cast<uint64_t>(o.keys));
    out.push_back(Xadd(key, user, ts, 1 + rng() % 100, o.id_prefix + std::to_string(n)));
  }
  return out;
}

// XADDs `entries` in pipelines of o.pipeline; returns the last entry id.
std::string SendAll(Redis* redis, const Options& o,
                    const std::vector<std::vector<std::string>>& entries) {
  std::string last;
  for (size_t first = 0; first < entries.size(); first += static_cast<size_t>(o.pipeline)) {
    const size_t end = std::min(entries.size(), first + static_cast<size_t>(o.pipeline));
    for (size_t i = first; i < end; ++i) redis->Append(entries[i]);
    for (size_t i = first; i < end; ++i) {
      Reply r = redis->Next();
      if (r->type != REDIS_REPLY_STRING) Fail("XADD: " + Text(r.get()));
      if (i + 1 == end) last = Text(r.get());
    }
  }
  return last;
}

// ---------------------------------------------------------------- /metrics

// The stream counters of /metrics, summed over their label sets.
struct StreamCounters {
  double applied = 0, commits = 0, rejected = 0, duplicates = 0, too_old = 0;
};

double Sum(const std::string& text, const std::string& name) {
  double sum = 0;
  for (size_t pos = 0; pos < text.size();) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    if (text.compare(pos, name.size(), name) == 0 && pos + name.size() < eol &&
        (text[pos + name.size()] == '{' || text[pos + name.size()] == ' ')) {
      size_t space = text.rfind(' ', eol);
      if (space != std::string::npos && space > pos) sum += std::atof(text.c_str() + space + 1);
    }
    pos = eol + 1;
  }
  return sum;
}

StreamCounters Scrape(HttpConnection* http) {
  int status = 0;
  std::string body;
  if (!http->Get("/metrics", &status, &body) || status != 200) {
    Fail("GET /metrics failed (status " + std::to_string(status) + ")");
  }
  StreamCounters c;
  c.applied = Sum(body, "tessera_stream_events_applied_total");
  c.commits = Sum(body, "tessera_stream_commits_total");
  c.rejected = Sum(body, "tessera_stream_rejected_total");
  c.duplicates = Sum(body, "tessera_stream_duplicates_total");
  c.too_old = Sum(body, "tessera_stream_too_old_total");
  return c;
}

// Scrapes until `applied` grew by `expected` since `before` (the counters
// are published a little after the acknowledgement, at most `timeout`).
StreamCounters ScrapeUntil(HttpConnection* http, const StreamCounters& before, double expected,
                           double timeout) {
  const Clock::time_point give_up = Clock::now() + Seconds(timeout);
  for (;;) {
    StreamCounters now = Scrape(http);
    if (now.applied - before.applied >= expected || Clock::now() > give_up) return now;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// ---------------------------------------------------------------- statistics

// The latency of a probe never seen (--probe-timeout): it sorts last, so
// the percentiles count it as infinitely late; printed as null.
constexpr int64_t kNeverVisible = std::numeric_limits<int64_t>::max();

std::string Ms(const std::vector<int64_t>& sorted_us, double p) {
  double us = Pct(sorted_us, p);
  if (us >= static_cast<double>(kNeverVisible)) return "null";
  char out[32];
  std::snprintf(out, sizeof(out), "%.2f", us / 1000.0);
  return out;
}

std::string Head(const Options& o, const char* measurement) {
  return "{\"backend\":\"" + o.label + "\",\"measurement\":\"" + measurement + "\",";
}

// ---------------------------------------------------------------- max

int RunMax(const Options& o) {
  Redis producer(o.redis_host, o.redis_port);
  Redis watcher(o.redis_host, o.redis_port);
  HttpConnection http(o.host, o.port);
  WaitCaughtUp(&watcher, o, 30);
  const std::vector<std::vector<std::string>> entries = Generate(o, o.key);
  const StreamCounters before = Scrape(&http);

  std::atomic<bool> sent{false};
  std::string last_id;
  Clock::time_point sent_at;
  const Clock::time_point start = Clock::now();
  std::thread send([&] {
    last_id = SendAll(&producer, o, entries);
    sent_at = Clock::now();
    sent.store(true, std::memory_order_release);
  });
  // Polls every millisecond; done when the producer has finished, the
  // group has delivered its last entry and none is pending.
  Clock::time_point done{};
  GroupInfo g;
  const Clock::time_point give_up = start + Seconds(o.drain_timeout);
  for (;;) {
    g = ReadGroup(&watcher, o);
    const Clock::time_point now = Clock::now();
    if (sent.load(std::memory_order_acquire) && g.pending == 0 && g.last_delivered_id == last_id) {
      done = now;
      break;
    }
    if (now > give_up) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  send.join();
  const bool drained = done != Clock::time_point{};
  const StreamCounters after =
      ScrapeUntil(&http, before, static_cast<double>(o.events), drained ? 5 : 0);
  const double applied = after.applied - before.applied;
  const double commits = after.commits - before.commits;
  const double elapsed = SecondsOf(done - start);
  const double producer_s = SecondsOf(sent_at - start);
  std::printf(
      "%s\"events\":%lld,\"pipeline\":%d,\"producer_s\":%.3f,\"producer_events_per_s\":%.0f,"
      "\"end_to_end_s\":%s,\"events_per_s\":%s,\"applied_metric\":%.0f,\"commits\":%.0f,"
      "\"events_per_commit\":%.0f,\"rejected\":%.0f,\"duplicates\":%.0f,\"too_old\":%.0f,"
      "\"pending_left\":%lld}\n",
      Head(o, "max_throughput").c_str(), static_cast<long long>(o.events), o.pipeline, producer_s,
      static_cast<double>(o.events) / producer_s,
      drained ? std::to_string(elapsed).c_str() : "null",
      drained ? std::to_string(std::lround(static_cast<double>(o.events) / elapsed)).c_str()
              : "null",
      applied, commits, commits > 0 ? applied / commits : 0, after.rejected - before.rejected,
      after.duplicates - before.duplicates, after.too_old - before.too_old,
      static_cast<long long>(g.pending));
  if (!drained) {
    std::fprintf(stderr,
                 "tessera_stream_load: the group did not drain within %.0f s: last delivered %s "
                 "(the last XADD: %s), pending %lld, lag %lld\n",
                 o.drain_timeout, g.last_delivered_id.c_str(), last_id.c_str(),
                 static_cast<long long>(g.pending), static_cast<long long>(g.lag));
  }
  if (applied != static_cast<double>(o.events)) {
    std::fprintf(stderr, "tessera_stream_load: /metrics counts %.0f events applied, not %lld\n",
                 applied, static_cast<long long>(o.events));
  }
  return drained && applied == static_cast<double>(o.events) ? 0 : 1;
}

// ---------------------------------------------------------------- anchor

int RunAnchor(const Options& o) {
  Redis redis(o.redis_host, o.redis_port);
  redis.Command({"DEL", o.anchor_key});
  const std::vector<std::vector<std::string>> entries = Generate(o, o.anchor_key);
  const Clock::time_point start = Clock::now();
  SendAll(&redis, o, entries);
  const double elapsed = SecondsOf(Clock::now() - start);
  redis.Command({"DEL", o.anchor_key});
  std::printf("%s\"events\":%lld,\"pipeline\":%d,\"seconds\":%.3f,\"events_per_s\":%.0f}\n",
              Head(o, "anchor_xadd").c_str(), static_cast<long long>(o.events), o.pipeline, elapsed,
              static_cast<double>(o.events) / elapsed);
  return 0;
}

// ---------------------------------------------------------------- steady

// The open-loop schedule: tick k sends events [first[k], first[k + 1]) at
// start + k * tick; event n is a probe when n % probe_every == 0.
struct Schedule {
  Clock::time_point start;
  std::chrono::system_clock::time_point wall_start;
  Clock::time_point measure_from;
  Clock::time_point end;
  Clock::duration tick;
  std::vector<int64_t> first;       // per tick, and one past the last
  std::vector<int64_t> probe_tick;  // per probe j
  int64_t probe_every = 1;
  // The probe keys' counts before the run (a server that served an earlier
  // run has counted its probes): probe j expects base[key] + j / keys + 1.
  std::vector<int64_t> probe_base;

  int64_t Ticks() const { return static_cast<int64_t>(first.size()) - 1; }
  Clock::time_point TickTime(int64_t k) const { return start + tick * k; }
  bool Measured(Clock::time_point t) const { return t >= measure_from && t < end; }
  bool TooLate(Clock::duration grace) const { return Clock::now() > end + grace; }
};

Schedule MakeSchedule(const Options& o) {
  Schedule s;
  s.start = Clock::now() + std::chrono::milliseconds(100);
  s.wall_start = std::chrono::system_clock::now() + std::chrono::milliseconds(100);
  s.measure_from = s.start + Seconds(o.warmup);
  s.end = s.measure_from + Seconds(o.duration);
  s.tick = std::chrono::microseconds(o.tick_us);
  s.probe_every = std::max<int64_t>(1, std::llround(o.rate / o.probe_rate));
  const int64_t ticks = (s.end - s.start) / s.tick;
  const double per_tick = o.rate * o.tick_us / 1e6;
  for (int64_t k = 0; k <= ticks; ++k) {
    s.first.push_back(static_cast<int64_t>(std::floor(static_cast<double>(k) * per_tick)));
  }
  for (int64_t k = 0; k < ticks; ++k) {
    int64_t n = (s.first[k] + s.probe_every - 1) / s.probe_every * s.probe_every;
    for (; n < s.first[k + 1]; n += s.probe_every) s.probe_tick.push_back(k);
  }
  return s;
}

int64_t ProbeKey(const Options& o, int64_t probe) { return o.keys + probe % o.probe_keys; }

struct ProducerTally {
  int64_t events = 0;             // sent in the measured span
  int64_t total = 0;              // sent in all
  int64_t unsent = 0;             // dropped: due more than --probe-timeout after the end
  std::vector<int64_t> delay_us;  // per measured tick: replies done - intended
};

void RunProducer(const Options& o, const Schedule& s, ProducerTally* tally) {
  Redis redis(o.redis_host, o.redis_port);
  std::mt19937_64 rng(0xacce55);
  for (int64_t k = 0; k < s.Ticks(); ++k) {
    const Clock::time_point intended = s.TickTime(k);
    const int64_t count = s.first[k + 1] - s.first[k];
    if (count == 0) continue;
    if (s.TooLate(Seconds(o.probe_timeout))) {
      if (s.Measured(intended)) tally->unsent += count;
      continue;
    }
    std::this_thread::sleep_until(intended);
    const std::string ts = Rfc3339(s.wall_start + (intended - s.start));
    for (int64_t n = s.first[k]; n < s.first[k + 1]; ++n) {
      const bool probe = n % s.probe_every == 0;
      const int64_t user = probe ? ProbeKey(o, n / s.probe_every)
                                 : static_cast<int64_t>(rng() % static_cast<uint64_t>(o.keys));
      redis.Append(Xadd(o.key, user, ts, 1 + rng() % 100, o.id_prefix + std::to_string(n)));
    }
    for (int64_t i = 0; i < count; ++i) {
      Reply r = redis.Next();
      if (r->type != REDIS_REPLY_STRING) Fail("XADD: " + Text(r.get()));
    }
    tally->total += count;
    if (!s.Measured(intended)) continue;
    tally->events += count;
    tally->delay_us.push_back(Micros(Clock::now() - intended));
  }
}

struct LagTally {
  std::vector<int64_t> lag_ms;
  std::vector<int64_t> pending;
  std::vector<int64_t> lag_entries;
};

// Every --sample-ms over the measured span: the oldest undelivered entry's
// age, and the group's pending and lag counts.
void RunLagSampler(const Options& o, const Schedule& s, LagTally* tally) {
  Redis redis(o.redis_host, o.redis_port);
  const Clock::duration every = std::chrono::milliseconds(o.sample_ms);
  for (Clock::time_point next = s.measure_from; next < s.end; next += every) {
    if (Clock::now() > next + every) continue;  // a late sample is skipped, not bunched
    std::this_thread::sleep_until(next);
    GroupInfo g = ReadGroup(&redis, o);
    if (!g.found) Fail("the consumer group '" + o.group + "' disappeared");
    Reply r = redis.Command({"XRANGE", o.key, "(" + g.last_delivered_id, "+", "COUNT", "1"});
    int64_t lag = 0;
    if (r->type == REDIS_REPLY_ARRAY && r->elements > 0 &&
        r->element[0]->type == REDIS_REPLY_ARRAY && r->element[0]->elements > 0) {
      lag = std::max<int64_t>(0, WallMillis() - IdMillis(Text(r->element[0]->element[0])));
    }
    tally->lag_ms.push_back(lag);
    tally->pending.push_back(g.pending);
    tally->lag_entries.push_back(g.lag);
  }
}

int64_t Expected(const Options& o, const Schedule& s, int64_t j) {
  return s.probe_base[static_cast<size_t>(j % o.probe_keys)] + j / o.probe_keys + 1;
}

// The current counts of the probe keys (null: 0), 100 keys a request.
std::vector<int64_t> ProbeCounts(const Options& o, HttpConnection* http) {
  std::vector<int64_t> out;
  for (int64_t first = 0; first < o.probe_keys; first += 100) {
    std::string keys;
    const int64_t end = std::min(o.probe_keys, first + 100);
    for (int64_t j = first; j < end; ++j) {
      if (!keys.empty()) keys += ',';
      keys += std::to_string(ProbeKey(o, j));
    }
    const std::string body = "{\"features\":[\"" + o.view + ":" + o.count_feature +
                             "\"],\"entities\":{\"" + o.key_name + "\":[" + keys + "]}}";
    int status = 0;
    std::string response;
    if (!http->Post("/get-online-features", body, &status, &response) || status != 200) {
      Fail("reading the probe keys' counts: " + std::to_string(status) + " " + response);
    }
    std::vector<int64_t> counts = CountsIn(response);
    if (static_cast<int64_t>(counts.size()) != end - first) {
      Fail("reading the probe keys' counts: unexpected answer " + response);
    }
    for (int64_t c : counts) out.push_back(std::max<int64_t>(c, 0));
  }
  return out;
}

struct ProbeTally {
  std::vector<int64_t> latency_us;
  int64_t not_visible = 0;
  int64_t polls = 0;
};

// Probes j = poller, poller + pollers, ...: each is open from its intended
// send time until its key's count reaches the expected one (or
// --probe-timeout). A probe is due for a poll every --poll-interval-us, or
// every 1/--poll-precision of its age when that is longer (so its latency
// is known to 0.5 ms or 5%, and a server far behind is not buried under
// polls: the polls are reads served on the same cores); due times are on
// a grid of --poll-interval-us, and each poll is one request for the
// counts of all the due probes' keys (at most one request per interval per
// poller), so a slow probe delays no other.
void RunPoller(const Options& o, const Schedule& s, int poller, ProbeTally* tally) {
  HttpConnection http(o.host, o.port);
  struct Open {
    int64_t j;
    Clock::time_point intended;
    Clock::time_point due;
  };
  const int64_t probes = static_cast<int64_t>(s.probe_tick.size());
  auto intended_of = [&](int64_t j) { return s.TickTime(s.probe_tick[static_cast<size_t>(j)]); };
  auto settle = [&](const Open& p, int64_t latency) {
    if (!s.Measured(p.intended)) return;
    tally->latency_us.push_back(latency);
    if (latency == kNeverVisible && tally->not_visible++ == 0) {
      std::fprintf(stderr, "probe %lld (key %lld, count %lld expected) not visible within %.0f s\n",
                   static_cast<long long>(p.j), static_cast<long long>(ProbeKey(o, p.j)),
                   static_cast<long long>(Expected(o, s, p.j)), o.probe_timeout);
    }
  };
  const Clock::duration interval = std::chrono::microseconds(o.poll_interval_us);
  std::vector<Open> open;
  int64_t next_j = poller;
  std::string response;
  while (next_j < probes || !open.empty()) {
    // Sleep until the first due probe or the next probe's send time.
    Clock::time_point wake = Clock::time_point::max();
    for (const Open& p : open) wake = std::min(wake, p.due);
    if (next_j < probes) wake = std::min(wake, intended_of(next_j));
    std::this_thread::sleep_until(wake);
    Clock::time_point now = Clock::now();
    for (; next_j < probes && intended_of(next_j) <= now; next_j += o.pollers) {
      open.push_back({next_j, intended_of(next_j), intended_of(next_j)});
    }
    std::vector<size_t> due;
    std::string keys;
    for (size_t m = 0; m < open.size(); ++m) {
      if (open[m].due > now) continue;
      due.push_back(m);
      if (!keys.empty()) keys += ',';
      keys += std::to_string(ProbeKey(o, open[m].j));
    }
    if (due.empty()) continue;
    const std::string body = "{\"features\":[\"" + o.view + ":" + o.count_feature +
                             "\"],\"entities\":{\"" + o.key_name + "\":[" + keys + "]}}";
    int status = 0;
    tally->polls++;
    const bool ok = http.Post("/get-online-features", body, &status, &response) && status == 200;
    now = Clock::now();
    if (!ok) {
      std::fprintf(stderr, "poll failed: %d %s\n", status, response.c_str());
      for (const Open& p : open) settle(p, kNeverVisible);
      open.clear();
      continue;
    }
    const std::vector<int64_t> counts = CountsIn(response);
    std::vector<uint8_t> done(open.size(), 0);
    for (size_t d = 0; d < due.size(); ++d) {
      Open& p = open[due[d]];
      if (d < counts.size() && counts[d] >= Expected(o, s, p.j)) {
        settle(p, Micros(now - p.intended));
        done[due[d]] = 1;
      } else if (now - p.intended > Seconds(o.probe_timeout)) {
        settle(p, kNeverVisible);
        done[due[d]] = 1;
      } else {
        // On the poll grid (start + n intervals), so probes due together
        // share a request: at most one request per interval per poller.
        const Clock::duration wait = std::max(interval, (now - p.intended) / o.poll_precision);
        p.due =
            s.start + (now + wait - s.start + interval - Clock::duration(1)) / interval * interval;
      }
    }
    size_t kept = 0;
    for (size_t m = 0; m < open.size(); ++m) {
      if (!done[m]) open[kept++] = open[m];
    }
    open.resize(kept);
  }
}

int RunSteady(const Options& o) {
  {
    Redis redis(o.redis_host, o.redis_port);
    WaitCaughtUp(&redis, o, 30);
  }
  HttpConnection http(o.host, o.port);
  const StreamCounters at_begin = Scrape(&http);
  std::vector<int64_t> probe_base = ProbeCounts(o, &http);
  Schedule s = MakeSchedule(o);
  s.probe_base = std::move(probe_base);
  ProducerTally produced;
  LagTally lags;
  std::vector<ProbeTally> probes(static_cast<size_t>(o.pollers));
  std::thread producer([&] { RunProducer(o, s, &produced); });
  std::thread sampler([&] { RunLagSampler(o, s, &lags); });
  std::vector<std::thread> pollers;
  for (int p = 0; p < o.pollers; ++p) {
    pollers.emplace_back([&, p] { RunPoller(o, s, p, &probes[static_cast<size_t>(p)]); });
  }
  std::this_thread::sleep_until(s.measure_from);
  const StreamCounters at_start = Scrape(&http);
  std::this_thread::sleep_until(s.end);
  const StreamCounters at_end = Scrape(&http);
  producer.join();
  sampler.join();
  for (std::thread& t : pollers) t.join();
  // Everything sent must be applied once the group drains.
  {
    Redis redis(o.redis_host, o.redis_port);
    WaitCaughtUp(&redis, o, o.drain_timeout);
  }
  const StreamCounters drained =
      ScrapeUntil(&http, at_begin, static_cast<double>(produced.total), 5);

  ProbeTally fresh;
  for (const ProbeTally& t : probes) {
    fresh.latency_us.insert(fresh.latency_us.end(), t.latency_us.begin(), t.latency_us.end());
    fresh.not_visible += t.not_visible;
    fresh.polls += t.polls;
  }
  std::sort(fresh.latency_us.begin(), fresh.latency_us.end());
  std::sort(lags.lag_ms.begin(), lags.lag_ms.end());
  std::sort(lags.pending.begin(), lags.pending.end());
  std::sort(lags.lag_entries.begin(), lags.lag_entries.end());
  std::sort(produced.delay_us.begin(), produced.delay_us.end());

  const double applied = at_end.applied - at_start.applied;
  const double commits = at_end.commits - at_start.commits;
  std::printf(
      "%s\"rate\":%.0f,\"samples\":%zu,\"sample_ms\":%d,\"p50_ms\":%.0f,\"p99_ms\":%.0f,"
      "\"max_ms\":%.0f,\"pending_p50\":%.0f,\"pending_p99\":%.0f,\"pending_max\":%.0f,"
      "\"lag_entries_p99\":%.0f,\"lag_entries_max\":%.0f}\n",
      Head(o, "consumer_lag").c_str(), o.rate, lags.lag_ms.size(), o.sample_ms,
      Pct(lags.lag_ms, 50), Pct(lags.lag_ms, 99), Pct(lags.lag_ms, 100), Pct(lags.pending, 50),
      Pct(lags.pending, 99), Pct(lags.pending, 100), Pct(lags.lag_entries, 99),
      Pct(lags.lag_entries, 100));
  std::printf(
      "%s\"rate\":%.0f,\"probes\":%zu,\"not_visible\":%lld,\"p50_ms\":%s,\"p90_ms\":%s,"
      "\"p99_ms\":%s,\"max_ms\":%s,\"polls\":%lld,\"poll_interval_us\":%d,\"poll_precision\":%d}\n",
      Head(o, "freshness").c_str(), o.rate, fresh.latency_us.size(),
      static_cast<long long>(fresh.not_visible), Ms(fresh.latency_us, 50).c_str(),
      Ms(fresh.latency_us, 90).c_str(), Ms(fresh.latency_us, 99).c_str(),
      Ms(fresh.latency_us, 100).c_str(), static_cast<long long>(fresh.polls), o.poll_interval_us,
      o.poll_precision);
  std::printf(
      "%s\"target_events_per_s\":%.0f,\"sent_events_per_s\":%.0f,\"applied_events_per_s\":%.0f,"
      "\"commits_per_s\":%.0f,\"events_per_commit\":%.0f,\"unsent_events\":%lld,"
      "\"send_delay_p99_ms\":%.2f,\"send_delay_max_ms\":%.2f,\"rejected\":%.0f,"
      "\"duplicates\":%.0f,\"too_old\":%.0f,\"sent_total\":%lld,\"applied_total\":%.0f}\n",
      Head(o, "steady").c_str(), o.rate, static_cast<double>(produced.events) / o.duration,
      applied / o.duration, commits / o.duration, commits > 0 ? applied / commits : 0,
      static_cast<long long>(produced.unsent), Pct(produced.delay_us, 99) / 1000.0,
      Pct(produced.delay_us, 100) / 1000.0, drained.rejected - at_begin.rejected,
      drained.duplicates - at_begin.duplicates, drained.too_old - at_begin.too_old,
      static_cast<long long>(produced.total), drained.applied - at_begin.applied);
  const bool all_applied =
      drained.applied - at_begin.applied == static_cast<double>(produced.total);
  if (!all_applied) {
    std::fprintf(stderr, "tessera_stream_load: /metrics counts %.0f events applied, not %lld\n",
                 drained.applied - at_begin.applied, static_cast<long long>(produced.total));
  }
  return fresh.not_visible + produced.unsent > 0 || !all_applied ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = Parse(argc, argv);
  if (o.mode == "max") return RunMax(o);
  if (o.mode == "anchor") return RunAnchor(o);
  return RunSteady(o);
}
