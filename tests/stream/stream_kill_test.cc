// `tessera stream` as processes against a real redis-server (issue 11):
//  - killed with SIGKILL at random points and restarted (20+ times in the
//    slow run, stream.kill_loop_slow; a few in the ordinary suite): no
//    acknowledged event is lost and none is counted twice;
//  - two consumers of one group share the stream; one is killed and the
//    other claims its pending entries.
// The online store is Redis (several processes write it). At the end the
// served windows, `historical` at the same time and a brute-force count and
// sum over the distinct events agree, and the log holds each event once
// (a training row's count equals the number of distinct events).
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "redis_server.h"
#include "require_oracle.h"
#include "tessera/core/record_batch.h"
#include "tessera/core/time.h"
#include "tessera/feature_store.h"
#include "tessera/stream/stream_status.h"
#include "test_seed.h"
#include "tests/online/redis_test_util.h"

extern char** environ;

namespace tessera {
namespace {

namespace fs = std::filesystem;
constexpr int64_t kSec = 1000000;
constexpr int64_t kHour = 3600 * kSec;

// A `tessera stream` process; SIGKILLed by the destructor if still running.
class StreamProcess {
 public:
  StreamProcess(const std::string& repo, const std::string& consumer, const std::string& log)
      : log_(log) {
    std::vector<std::string> args = {
        TESSERA_BINARY, "-r", repo,         "stream", "--consumer",      consumer,
        "--batch-size", "40", "--block-ms", "10",     "--claim-idle-ms", "300"};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    if (posix_spawn(&pid_, TESSERA_BINARY, &actions, nullptr, argv.data(), environ) != 0) {
      pid_ = -1;
    }
    posix_spawn_file_actions_destroy(&actions);
  }
  ~StreamProcess() { Kill(SIGKILL); }
  StreamProcess(const StreamProcess&) = delete;
  StreamProcess& operator=(const StreamProcess&) = delete;

  bool started() const { return pid_ > 0; }
  // Sends `signal` and waits; the exit status (-1 when not running).
  int Kill(int signal) {
    if (pid_ <= 0) return -1;
    kill(pid_, signal);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }

 private:
  std::string log_;
  pid_t pid_ = -1;
};

using online::redis::RawRedis;
using online::redis::ReplyPtr;

// XINFO GROUPS' pending and lag of `group` (-1 each when absent; lag -1
// when Redis reports nil).
std::pair<int64_t, int64_t> PendingAndLag(RawRedis& redis, const std::string& key,
                                          const std::string& group) {
  ReplyPtr r = redis.Reply({"XINFO", "GROUPS", key});
  std::pair<int64_t, int64_t> out{-1, -1};
  if (r == nullptr || r->type != REDIS_REPLY_ARRAY) return out;
  for (size_t g = 0; g < r->elements; ++g) {
    const redisReply* info = r->element[g];
    std::map<std::string, const redisReply*> fields;
    for (size_t i = 0; i + 1 < info->elements; i += 2) {
      fields[std::string(info->element[i]->str, info->element[i]->len)] = info->element[i + 1];
    }
    if (fields.count("name") == 0 || std::string(fields["name"]->str) != group) continue;
    out.first = fields["pending"]->integer;
    out.second = fields["lag"]->type == REDIS_REPLY_INTEGER ? fields["lag"]->integer : -1;
  }
  return out;
}

struct Sent {
  int64_t user;
  int64_t ts;
  int64_t amount;  // whole numbers: sums are exact
  std::string id;
};

class StreamKillTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!::tessera::testing::RedisServerBinary()) {
      TESSERA_MISSING_ORACLE("redis-server: not installed (scripts/setup.sh installs it)");
    }
    std::string why;
    server_ = ::tessera::testing::SharedRedisServer(&why);
    ASSERT_NE(server_, nullptr) << why;
    static std::atomic<int> runs{0};
    const std::string run = std::to_string(::getpid()) + "_" + std::to_string(runs++);
    dir_ = fs::temp_directory_path() / ("tessera_stream_kill_" + run);
    key_ = "kill_" + run;
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "features");
    const std::string url = "redis://127.0.0.1:" + std::to_string(server_->port());
    std::ofstream(dir_ / "tessera.yaml")
        << "project: k" << run << "\nonline_store: {type: redis, url: \"" << url << "\"}\n";
    std::ofstream(dir_ / "features/defs.yaml") << R"(entities:
  - name: user
    join_keys: [{name: user_id, type: int64}]
sources:
  - {name: pays, kind: batch, path: pays.csv, timestamp_field: event_timestamp}
  - name: pays_push
    kind: push
    batch_source: pays
    stream: {type: redis, url: ")" + url + R"(", key: )" +
                                                      key_ + R"(, group: g}
feature_views:
  - name: spend
    entities: [user]
    source: pays_push
    aggregations:
      - {column: amount, function: sum, windows: [7d]}
      - {function: count, windows: [7d]}
)";
    std::ofstream(dir_ / "pays.csv") << "user_id,event_timestamp,amount,event_id\n"
                                        "99,2024-01-01T00:00:00Z,1,h0\n";
    auto store = FeatureStore::Open(dir_.string());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto applied = (*store)->Apply("test");
    ASSERT_TRUE(applied.ok()) << applied.status().ToString();
    redis_ = std::make_unique<RawRedis>(server_->port());
    now_ = NowMicros();
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Log() const { return (dir_ / "stream.log").string(); }

  // XADDs `n` entries: new events, and at random a retry of a sent one.
  void Produce(int n, std::mt19937_64& rng) {
    for (int i = 0; i < n; ++i) {
      Sent e;
      if (!distinct_.empty() && rng() % 10 == 0) {
        e = distinct_[rng() % distinct_.size()];
      } else {
        e.user = 1 + static_cast<int64_t>(rng() % 6);
        e.ts = now_ - static_cast<int64_t>(rng() % (6 * 3600)) * kSec;
        e.amount = static_cast<int64_t>(rng() % 1000) - 300;
        e.id = "ev" + std::to_string(distinct_.size());
        distinct_.push_back(e);
      }
      const std::string reply = redis_->Run({"XADD", key_, "*", "user_id", std::to_string(e.user),
                                             "event_timestamp", FormatTimestamp(e.ts), "amount",
                                             std::to_string(e.amount), "event_id", e.id});
      ASSERT_TRUE(reply.find('-') != std::string::npos && reply[0] != '(') << reply;
    }
  }

  // Waits (60 s at most) until the group has delivered and acknowledged
  // every entry.
  bool Drained() {
    for (int i = 0; i < 6000; ++i) {
      auto [pending, lag] = PendingAndLag(*redis_, key_, "g");
      if (pending == 0 && lag == 0) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  // Served values, historical values at now and the reference agree.
  void ExpectConsistent() {
    std::map<int64_t, std::pair<int64_t, int64_t>> expected;  // user -> (sum, count)
    for (const Sent& e : distinct_) {
      expected[e.user].first += e.amount;
      expected[e.user].second += 1;
    }
    auto store = FeatureStore::Open(dir_.string());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto keys = Schema::Make({{"user_id", DataType::Int64()}});
    RecordBatchBuilder ids(*keys);
    auto spine_schema =
        Schema::Make({{"user_id", DataType::Int64()}, {"event_timestamp", DataType::Timestamp()}});
    RecordBatchBuilder spine(*spine_schema);
    const int64_t at = NowMicros();
    for (int64_t u = 1; u <= 6; ++u) {
      ASSERT_TRUE(ids.AppendRow({Value::Int64(u)}).ok());
      ASSERT_TRUE(spine.AppendRow({Value::Int64(u), Value::Timestamp(at)}).ok());
    }
    OnlineRequest request;
    request.features = {"spend"};
    auto served = (*store)->GetOnlineFeatures(**ids.Finish(), request);
    ASSERT_TRUE(served.ok()) << served.status().ToString();
    RecordBatchPtr spine_batch = *spine.Finish();
    HistoricalRequest historical;
    historical.features = {"spend"};
    auto reader = (*store)->GetHistoricalFeatures(
        std::make_unique<VectorBatchReader>(spine_batch->schema(),
                                            std::vector<RecordBatchPtr>{spine_batch}),
        historical);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    auto batch = (*reader)->Next();
    ASSERT_TRUE(batch.ok() && *batch != nullptr);
    for (int64_t u = 1; u <= 6; ++u) {
      const auto r = static_cast<int64_t>(u - 1);
      auto [sum, count] = expected[u];
      const std::string want =
          (count == 0 ? std::string("null") : std::to_string(sum)) + " " + std::to_string(count);
      // Columns: user_id, amount_sum_7d, count_7d (served); spine, then the
      // features (historical).
      EXPECT_EQ(served->values[1]->GetValue(r).ToString() + " " +
                    served->values[2]->GetValue(r).ToString(),
                want)
          << "served, user " << u;
      EXPECT_EQ((*batch)->column(2)->GetValue(r).ToString() + " " +
                    (*batch)->column(3)->GetValue(r).ToString(),
                want)
          << "historical, user " << u;
    }
  }

  // Entries pending at consumer `name` (XPENDING's summary).
  int64_t PendingOf(const std::string& name) {
    const std::string reply = redis_->Run({"XPENDING", key_, "g", "-", "+", "100000", name});
    if (reply.empty()) return 0;
    return static_cast<int64_t>(std::count(reply.begin(), reply.end(), '|') / 4 + 1);
  }

  stream::StatusFile ReadStatus(const std::string& consumer) {
    const std::string path = stream::StatusDir(dir_.string()) + "/" + consumer + ".json";
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    auto file = stream::ParseStatusFile(text.str(), path);
    EXPECT_TRUE(file.ok()) << file.status().ToString();
    return file.ok() ? *file : stream::StatusFile{};
  }

  ::tessera::testing::RedisServer* server_ = nullptr;
  fs::path dir_;
  std::string key_;
  std::unique_ptr<RawRedis> redis_;
  int64_t now_ = 0;
  std::vector<Sent> distinct_;
};

TEST_F(StreamKillTest, KilledAndRestartedLosesNothingAndCountsNothingTwice) {
  ::tessera::testing::RandomTestParams params(5, 3);
  SCOPED_TRACE(params.Trace());
  std::mt19937_64 rng(params.seed);
  Produce(400, rng);
  for (int kill = 0; kill < params.iterations; ++kill) {
    StreamProcess consumer(dir_.string(), "c1", Log());
    ASSERT_TRUE(consumer.started());
    std::this_thread::sleep_for(std::chrono::milliseconds(100 + rng() % 400));
    consumer.Kill(SIGKILL);
    Produce(100 + static_cast<int>(rng() % 200), rng);
  }
  StreamProcess last(dir_.string(), "c1", Log());
  ASSERT_TRUE(Drained()) << "the consumer did not drain the stream; its log:\n" << Log();
  EXPECT_EQ(last.Kill(SIGTERM), 0);
  ExpectConsistent();
}

TEST_F(StreamKillTest, TwoConsumersShareTheStreamAndTheSurvivorClaimsTheDeadOnesEntries) {
  std::mt19937_64 rng(17);
  // Both consumers run while the stream grows: each gets a share.
  {
    StreamProcess a(dir_.string(), "a", Log());
    StreamProcess b(dir_.string(), "b", Log());
    ASSERT_TRUE(a.started() && b.started());
    for (int burst = 0; burst < 8; ++burst) {
      Produce(100, rng);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_TRUE(Drained());
    EXPECT_EQ(a.Kill(SIGTERM), 0);
    EXPECT_EQ(b.Kill(SIGTERM), 0);
    for (const char* name : {"a", "b"}) {
      auto file = ReadStatus(name);
      ASSERT_EQ(file.streams.size(), 1u) << name;
      EXPECT_GT(file.streams[0].entries_read, 0) << name << " got no share of the stream";
    }
  }
  // `b` dies holding pending entries; `a`, started after, claims them.
  int64_t orphaned = 0;
  for (int attempt = 0; attempt < 50 && orphaned == 0; ++attempt) {
    Produce(300, rng);
    StreamProcess b(dir_.string(), "b", Log());
    for (int i = 0; i < 2000 && PendingOf("b") == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    b.Kill(SIGKILL);
    orphaned = PendingOf("b");
  }
  ASSERT_GT(orphaned, 0) << "b never died holding pending entries";
  StreamProcess a(dir_.string(), "a", Log());
  ASSERT_TRUE(Drained());
  EXPECT_EQ(a.Kill(SIGTERM), 0);
  auto file = ReadStatus("a");
  ASSERT_EQ(file.streams.size(), 1u);
  EXPECT_GE(file.streams[0].entries_claimed, orphaned);
  ExpectConsistent();
}

}  // namespace
}  // namespace tessera
