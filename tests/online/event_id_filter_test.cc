// EventIdFilter across processes (issue 11): each "process" is a thread
// with its own EventIdFilter (its own memory of ids, as a separate process
// has), committing to one source log through offline::CommitBatches, as
// PushRows does. Batches overlap (the same ids sent by both, as two stream
// consumers do when one claims the other's pending entries), repeat ids
// inside a batch, and some processes "restart" (a fresh filter) or "crash"
// between the commit and Committed. The log must hold every id exactly
// once, with the values of the event that id names.
#include "tessera/online/event_id_filter.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "tessera/core/env.h"
#include "tessera/core/record_batch.h"
#include "tessera/offline/source_log.h"
#include "tessera/offline/source_scan.h"
#include "test_seed.h"

namespace tessera::online {
namespace {

namespace fs = std::filesystem;
constexpr int64_t kNow = int64_t{1700000000} * 1000000;

SchemaPtr RowsSchema() {
  return *Schema::Make(
      {{"event_id", DataType::String()}, {"ts", DataType::Timestamp()}, {"v", DataType::Int64()}});
}

// Event n: id "e<n>", ts kNow - n seconds (+ shift), v = 7n.
RecordBatchPtr Rows(const std::vector<int>& events, int64_t shift = 0) {
  RecordBatchBuilder builder(RowsSchema());
  for (int n : events) {
    EXPECT_TRUE(
        builder
            .AppendRow({Value::String("e" + std::to_string(n)),
                        Value::Timestamp(kNow - n * int64_t{1000000} + shift), Value::Int64(7 * n)})
            .ok());
  }
  return *builder.Finish();
}

class EventIdFilterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("tessera_event_id_filter_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    log_dir_ = (dir_ / "sources" / "events").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  EventIdFilter::SourceLog Log() const {
    return EventIdFilter::SourceLog{log_dir_, "ts", DataType::String()};
  }

  // One push through `filter`, as PushRows commits it; `crash` skips
  // Committed (a process that died right after the commit). Returns the
  // rows committed.
  // The dropped rows that are logged events, and their seqs, land in
  // logged_rows_ and logged_seqs_.
  int64_t Push(EventIdFilter* filter, const std::vector<int>& events, bool crash = false,
               int64_t shift = 0) {
    std::unique_lock<std::mutex> lock = filter->Lock("events");
    std::unique_ptr<EventIdFilter::Reader> reader =
        filter->Filter("events", Log(), Rows(events, shift), 0, 1, -1, INT64_MIN, Env::Default());
    offline::CommitSpec spec;
    spec.log_dir = log_dir_;
    spec.timestamp_column = "ts";
    Result<offline::LogPart> part = offline::CommitBatches(reader.get(), spec);
    EXPECT_TRUE(part.ok()) << part.status().ToString();
    if (!part.ok()) return 0;
    EXPECT_EQ(part->num_rows + reader->dropped(), static_cast<int64_t>(events.size()));
    if (part->num_rows > 0 && !crash) filter->Committed(*reader, *part);
    logged_rows_ = reader->logged_rows();
    logged_seqs_ = reader->logged_seqs();
    return part->num_rows;
  }

  // Per id in the log, how often it is there; checks each row's values.
  std::map<std::string, int> LoggedIds() {
    offline::SourceScanSpec scan;
    scan.log_dir = log_dir_;
    scan.timestamp_column = "ts";
    scan.columns = {{"event_id", DataType::String(), false},
                    {"ts", DataType::Timestamp(), false},
                    {"v", DataType::Int64(), false}};
    auto reader = offline::OpenSourceScan(scan);
    EXPECT_TRUE(reader.ok()) << reader.status().ToString();
    std::map<std::string, int> count;
    if (!reader.ok()) return count;
    while (true) {
      auto batch = (*reader)->Next();
      EXPECT_TRUE(batch.ok()) << batch.status().ToString();
      if (!batch.ok() || *batch == nullptr) break;
      for (int64_t r = 0; r < (*batch)->num_rows(); ++r) {
        const std::string id((*batch)->column(0)->GetView(r));
        const int n = std::stoi(id.substr(1));
        EXPECT_EQ((*batch)->column(1)->GetInt64(r), kNow - n * int64_t{1000000}) << id;
        EXPECT_EQ((*batch)->column(2)->GetInt64(r), 7 * n) << id;
        ++count[id];
      }
    }
    return count;
  }

  fs::path dir_;
  std::string log_dir_;
  std::vector<uint32_t> logged_rows_;
  std::vector<int64_t> logged_seqs_;
};

// A dropped row that is the logged event itself (same id and event time)
// comes back with its logged seq, whichever process logged it, so a push
// can apply it online again; another event under a known id (another
// event time) and a repeat inside the push do not.
TEST_F(EventIdFilterTest, DroppedRowsOfLoggedEventsComeBackWithTheirSeqs) {
  EventIdFilter a, b;
  EXPECT_EQ(Push(&a, {1, 2}), 2);           // seqs 1, 2
  EXPECT_EQ(Push(&b, {3}), 1);              // seq 3
  EXPECT_EQ(Push(&a, {4, 2, 3, 4, 1}), 1);  // 4 gets seq 4; 2, 3 and 1 were logged
  EXPECT_EQ(logged_rows_, (std::vector<uint32_t>{1, 2, 4}));
  EXPECT_EQ(logged_seqs_, (std::vector<int64_t>{2, 3, 1}));
  EXPECT_EQ(Push(&b, {4, 4}), 0);
  EXPECT_EQ(logged_rows_, (std::vector<uint32_t>{0}));
  EXPECT_EQ(logged_seqs_, (std::vector<int64_t>{4}));
  EXPECT_EQ(Push(&b, {1, 2}, false, /*shift=*/1), 0);  // known ids, other event times
  EXPECT_TRUE(logged_rows_.empty());
  EventIdFilter restarted;  // loads the seqs from the log
  EXPECT_EQ(Push(&restarted, {3, 5, 1}), 1);
  EXPECT_EQ(logged_rows_, (std::vector<uint32_t>{0, 2}));
  EXPECT_EQ(logged_seqs_, (std::vector<int64_t>{3, 1}));
}

// Process B loaded the log before process A committed; B still drops A's
// ids (the filter catches up under the log's LOCK), and a restarted
// process loads everything.
TEST_F(EventIdFilterTest, ASecondProcessSeesTheFirstsCommitsMadeAfterItsLoad) {
  EventIdFilter a, b;
  EXPECT_EQ(Push(&b, {1, 2}), 2);     // b's memory is loaded now
  EXPECT_EQ(Push(&a, {3, 4, 3}), 2);  // a commits 3 and 4 (3 twice in one push)
  EXPECT_EQ(Push(&b, {3, 4, 5}), 1);  // b sees them: only 5 is new
  EXPECT_EQ(Push(&a, {1, 5, 6}), 1);
  EXPECT_EQ(Push(&a, {6}, /*crash=*/false), 0);
  EXPECT_EQ(Push(&b, {7}, /*crash=*/true), 1);  // died before Committed
  EXPECT_EQ(Push(&b, {7, 8}), 1);               // the log still says 7 is in
  EventIdFilter restarted;
  EXPECT_EQ(Push(&restarted, {1, 2, 3, 4, 5, 6, 7, 8, 9}), 1);
  std::map<std::string, int> logged = LoggedIds();
  EXPECT_EQ(logged.size(), 9u);
  for (const auto& [id, n] : logged) EXPECT_EQ(n, 1) << id;
}

// Random interleavings: threads (processes) push overlapping batches at
// once; some restart, some crash between commit and Committed.
TEST_F(EventIdFilterTest, ConcurrentProcessesCommitEachIdOnce) {
  ::tessera::testing::RandomTestParams params(1111, 40);
  SCOPED_TRACE(params.Trace());
  constexpr int kProcesses = 3;
  std::mt19937_64 rng(params.seed);
  // Every process's batches: ranges of a shared id sequence, each range
  // sent by one to all processes (redeliveries), plus repeats inside.
  std::vector<std::vector<std::vector<int>>> batches(kProcesses);
  std::set<int> sent;
  int next = 0;
  for (int i = 0; i < params.iterations; ++i) {
    std::vector<int> batch;
    const int n = 1 + static_cast<int>(rng() % 8);
    for (int j = 0; j < n; ++j) batch.push_back(next++);
    if (rng() % 3 == 0 && next > 10) batch.push_back(static_cast<int>(rng() % next));  // old id
    if (rng() % 4 == 0) batch.push_back(batch.front());  // repeated in the push
    sent.insert(batch.begin(), batch.end());
    const int first = static_cast<int>(rng() % kProcesses);
    batches[first].push_back(batch);
    for (int p = 0; p < kProcesses; ++p) {
      if (p != first && rng() % 2 == 0) batches[p].push_back(batch);
    }
  }
  std::atomic<int> waiting{kProcesses};
  std::atomic<int64_t> committed{0};
  std::vector<std::thread> threads;
  for (int p = 0; p < kProcesses; ++p) {
    threads.emplace_back([&, p] {
      std::mt19937_64 local(params.seed + static_cast<uint64_t>(p) + 1);
      auto filter = std::make_unique<EventIdFilter>();
      waiting.fetch_sub(1);
      while (waiting.load() > 0) std::this_thread::yield();
      for (const std::vector<int>& batch : batches[p]) {
        const int fate = static_cast<int>(local() % 10);
        if (fate == 0) filter = std::make_unique<EventIdFilter>();  // a restart
        committed += Push(filter.get(), batch, /*crash=*/fate == 1);
        if (fate == 1) filter = std::make_unique<EventIdFilter>();  // ...and its restart
      }
    });
  }
  for (auto& t : threads) t.join();
  std::map<std::string, int> logged = LoggedIds();
  EXPECT_EQ(logged.size(), sent.size());
  EXPECT_EQ(committed.load(), static_cast<int64_t>(sent.size()));
  for (int n : sent) EXPECT_EQ(logged["e" + std::to_string(n)], 1) << "e" << n;
}

}  // namespace
}  // namespace tessera::online
