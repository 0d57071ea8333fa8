// Exactly-once in effect with several writers (issue 11): two FeatureStore
// instances over one repo and one Redis online store stand for two
// processes (two `tessera stream` consumers of one group): each has its own
// event-id memory and window writer, and they share only the source log
// and Redis, as processes do. Threads push batches through them at once;
// a batch one consumer pushed is often pushed again by the other (it
// claimed the entries of a consumer that died after the commit, before the
// ack, or even before its online apply: then the other's push, whose rows
// are all dropped as logged, applies them online under their logged
// ranks), and one consumer restarts midway (a fresh instance). Afterwards
// the log holds every event id exactly once, and the values served, and
// `historical`, equal the brute-force reference (tests/common/window_reference.h) over
// the distinct events, ranked by the seqs the log gave them.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <thread>

#include "redis_server.h"
#include "require_oracle.h"
#include "tessera/core/record_batch.h"
#include "tessera/feature_store.h"
#include "tessera/offline/source_log.h"
#include "tessera/offline/source_scan.h"
#include "test_seed.h"
#include "window_reference.h"

namespace tessera {
namespace {

namespace fs = std::filesystem;
using namespace ::tessera::testing::window;  // NOLINT: the shared reference

constexpr int kUsers = 4;

// The test clock, with syncs skipped: a commit then costs about what a
// window-state update does, so the two consumers' updates of one key
// overlap often (with real syncs the log's lock spaces them out).
class NoSyncClockEnv : public ClockEnv {
 public:
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path,
                                                        CreateMode mode) override {
    TS_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, ClockEnv::NewWritableFile(path, mode));
    return std::unique_ptr<WritableFile>(new NoSyncFile(std::move(file)));
  }
  Status SyncDir(const std::string&) override { return Status::OK(); }

 private:
  class NoSyncFile final : public WritableFile {
   public:
    explicit NoSyncFile(std::unique_ptr<WritableFile> file) : file_(std::move(file)) {}
    Status Append(std::string_view data) override { return file_->Append(data); }
    Status Flush() override { return file_->Flush(); }
    Status Sync() override { return file_->Flush(); }
    Status Close() override { return file_->Close(); }
    const std::string& path() const override { return file_->path(); }

   private:
    std::unique_ptr<WritableFile> file_;
  };
};

class MultiWriterPushTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!::tessera::testing::RedisServerBinary()) {
      TESSERA_MISSING_ORACLE("redis-server: not installed (scripts/setup.sh installs it)");
    }
    std::string why;
    ::tessera::testing::RedisServer* server = ::tessera::testing::SharedRedisServer(&why);
    ASSERT_NE(server, nullptr) << why;
    dir_ = fs::temp_directory_path() /
           ("tessera_multi_writer_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "features");
    static std::atomic<int> projects{0};
    project_ = "m" + std::to_string(::getpid()) + "_" + std::to_string(projects++);
    std::ofstream(dir_ / "tessera.yaml")
        << "project: " << project_
        << "\nonline_store: {type: redis, url: \"redis://127.0.0.1:" << server->port() << "\"}\n";
    std::ofstream(dir_ / "features/defs.yaml") << Definitions();
    std::ofstream(dir_ / "events.csv")
        << "user_id,event_timestamp,amount,qty,merchant,event_id,created\n"
           "99,2024-01-01T00:00:00Z,0.5,1,z,h0,2024-01-01T00:00:00Z\n";
    now_ = 1000 * kHour;
    clock_.Set(now_);
    auto a = Open();
    ASSERT_NE(a, nullptr);
    auto applied = a->Apply("test");
    ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<FeatureStore> Open() {
    StoreOptions options;
    options.env = &clock_;
    auto store = FeatureStore::Open(dir_.string(), options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(*store) : nullptr;
  }

  Event RandomEvent(std::mt19937_64& rng, int n) {
    auto pick = [&](int64_t m) { return static_cast<int64_t>(rng() % static_cast<uint64_t>(m)); };
    Event e;
    e.user = 1 + pick(kUsers);
    e.ts = pick(5) == 0 ? now_ - 10 * kMin : now_ - pick(3600) * kSec;  // some ties on ts
    if (pick(6) != 0) e.amount = (pick(4001) - 2000) / 64.0;
    if (pick(6) != 0) e.qty = pick(2001) - 1000;
    if (pick(6) != 0) e.merchant = std::string(1, static_cast<char>('a' + pick(7)));
    if (pick(3) != 0) e.created = now_ - pick(3) * kSec;
    e.id = "e" + std::to_string(n);
    return e;
  }

  // Per event_id in the log, its _ingest_seqs (each id should have one).
  std::map<std::string, std::vector<int64_t>> LoggedSeqs() {
    offline::SourceScanSpec scan;
    scan.log_dir = offline::SourceLogDir((dir_ / "data/offline").string(), project_, "events");
    scan.timestamp_column = "event_timestamp";
    scan.columns = {{"event_id", DataType::String(), false},
                    {offline::kIngestSeqColumn, DataType::Int64(), false}};
    std::map<std::string, std::vector<int64_t>> seqs;
    auto reader = offline::OpenSourceScan(scan);
    EXPECT_TRUE(reader.ok()) << reader.status().ToString();
    if (!reader.ok()) return seqs;
    while (true) {
      auto batch = (*reader)->Next();
      EXPECT_TRUE(batch.ok()) << batch.status().ToString();
      if (!batch.ok() || *batch == nullptr) break;
      for (int64_t r = 0; r < (*batch)->num_rows(); ++r) {
        seqs[std::string((*batch)->column(0)->GetView(r))].push_back(
            (*batch)->column(1)->GetInt64(r));
      }
    }
    return seqs;
  }

  std::vector<std::vector<Value>> Served(FeatureStore* store) { return ServedStats(store, kUsers); }

  std::vector<std::vector<Value>> Historical(FeatureStore* store, int64_t t) {
    std::vector<std::pair<int64_t, int64_t>> rows;
    for (int64_t u = 1; u <= kUsers; ++u) rows.push_back({u, t});
    return HistoricalStats(store, rows);
  }

  void ExpectUsers(const std::vector<std::vector<Value>>& got, const std::vector<Event>& events,
                   const std::string& what) {
    ASSERT_EQ(got.size(), static_cast<size_t>(kUsers)) << what;
    for (int64_t u = 1; u <= kUsers; ++u) {
      const std::vector<Value>& row = got[static_cast<size_t>(u - 1)];
      ASSERT_EQ(row.size(), Features().size()) << what;
      for (size_t f = 0; f < Features().size(); ++f) {
        Value expected = Reference(Features()[f], u, now_, events);
        EXPECT_TRUE(Same(row[f], expected))
            << what << " user " << u << " " << Features()[f].name << ": got " << row[f].ToString()
            << ", expected " << expected.ToString();
      }
    }
  }

  fs::path dir_;
  std::string project_;
  NoSyncClockEnv clock_;
  int64_t now_ = 0;
};

TEST_F(MultiWriterPushTest, TwoProcessesPushingOverlappingBatchesCountEachEventOnce) {
  ::tessera::testing::RandomTestParams params(4242, 40);
  SCOPED_TRACE(params.Trace());
  std::mt19937_64 rng(params.seed);
  constexpr int kConsumers = 2;
  std::vector<Event> events;  // every distinct event, by number
  // Per consumer, its pushes: event numbers, and whether the consumer dies
  // after the log commit, before the online apply (pushed to the offline
  // store only, which leaves exactly that state).
  std::vector<std::vector<std::pair<std::vector<int>, bool>>> batches(kConsumers);
  for (int i = 0; i < params.iterations; ++i) {
    std::vector<int> batch;
    const int n = 1 + static_cast<int>(rng() % 60);
    for (int j = 0; j < n; ++j) {
      batch.push_back(static_cast<int>(events.size()));
      events.push_back(RandomEvent(rng, static_cast<int>(events.size())));
    }
    const int first = static_cast<int>(rng() % kConsumers);
    const bool dies = rng() % 5 == 0;
    batches[first].push_back({batch, dies});
    if (dies || rng() % 2 == 0) batches[1 - first].push_back({batch, false});  // claimed, again
  }
  std::vector<Status> results(kConsumers);
  std::atomic<int> waiting{kConsumers};
  std::vector<std::thread> threads;
  for (int c = 0; c < kConsumers; ++c) {
    threads.emplace_back([&, c] {
      std::unique_ptr<FeatureStore> store = Open();  // this "process"
      if (store == nullptr) return;
      waiting.fetch_sub(1);
      while (waiting.load() > 0) std::this_thread::yield();
      for (size_t b = 0; b < batches[c].size(); ++b) {
        if (c == 1 && b == batches[c].size() / 2) store = Open();  // a restart
        const auto& [numbers, dies] = batches[c][b];
        std::vector<Event> rows;
        for (int n : numbers) rows.push_back(events[static_cast<size_t>(n)]);
        auto pushed = store->Push("events_push", Rows(rows),
                                  dies ? PushTarget::kOffline : PushTarget::kOnline);
        if (!pushed.ok()) {
          results[c] = pushed.status();
          return;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const Status& s : results) ASSERT_TRUE(s.ok()) << s.ToString();

  // The log: every id once. The reference ranks events by those seqs.
  std::map<std::string, std::vector<int64_t>> seqs = LoggedSeqs();
  ASSERT_EQ(seqs.size(), events.size());
  for (Event& e : events) {
    const std::vector<int64_t>& s = seqs[e.id];
    ASSERT_EQ(s.size(), 1u) << e.id << " is in the log " << s.size() << " times";
    e.seq = s[0];
  }
  std::unique_ptr<FeatureStore> reader = Open();
  ASSERT_NE(reader, nullptr);
  ExpectUsers(Served(reader.get()), events, "served");
  ExpectUsers(Historical(reader.get(), now_), events, "historical");
}

}  // namespace
}  // namespace tessera
