// CompactLog: the log's rows (values, order, seqs, commit times) are the
// same before and after; small parts merge in runs; replaced parts stay for
// readers of older manifests for the retention time, however many
// compactions run meanwhile; each failing
// I/O call leaves the old or the new state; readers running beside commits
// and a compaction always see a whole prefix of the commits.
#include "tessera/offline/compaction.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <set>
#include <thread>

#include "log_test_util.h"
#include "tessera/core/fault_injection_env.h"
#include "tessera/offline/source_log.h"

namespace tessera::offline {
namespace {

namespace fs = std::filesystem;

using logtest::LogRows;
using logtest::Rows;
using logtest::ScratchDir;
using logtest::Snapshot;
using logtest::VectorReader;

// An Env (the default one unless given) with a clock the test sets.
class ClockEnv : public EnvWrapper {
 public:
  explicit ClockEnv(Env* target = Env::Default()) : EnvWrapper(target) {}
  int64_t NowMicros() override { return now_; }
  void Set(int64_t micros) { now_ = micros; }

 private:
  int64_t now_ = 0;
};

class CompactionTest : public ::testing::Test {
 protected:
  CompactionTest() : scratch_("compact") {}
  std::string LogDir() const { return scratch_.path() + "/log"; }

  void Commit(std::vector<RecordBatchPtr> batches) {
    VectorReader reader(std::move(batches));
    CommitSpec spec;
    spec.log_dir = LogDir();
    spec.timestamp_column = "ts";
    Result<LogPart> part = CommitBatches(&reader, spec);
    ASSERT_TRUE(part.ok()) << part.status().ToString();
  }
  // `n` commits of 3 rows each, starting at user `first`.
  void Commits(int n, int first = 0) {
    for (int i = 0; i < n; ++i) Commit({Rows(first + 3 * i, 3)});
  }
  Result<CompactResult> Compact(int64_t target_rows, Env* env = Env::Default()) {
    CompactSpec spec;
    spec.log_dir = LogDir();
    spec.env = env;
    spec.target_rows = target_rows;
    spec.row_group_size = 4;
    return CompactLog(spec);
  }
  Manifest ReadM() { return ReadManifest(Env::Default(), LogDir()).value(); }
  std::vector<std::string> Files() {
    std::vector<std::string> names;
    for (const auto& [name, _] : Snapshot(LogDir())) names.push_back(name);
    return names;
  }

  ScratchDir scratch_;
};

TEST_F(CompactionTest, MergesSmallPartsKeepingEveryRowInOrder) {
  Commits(10);
  const std::vector<std::string> before = LogRows(LogDir());
  ASSERT_EQ(before.size(), 30u);
  const Manifest m0 = ReadM();
  Result<CompactResult> r = Compact(100);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->committed);
  EXPECT_EQ(r->parts_before, 10);
  EXPECT_EQ(r->parts_after, 1);
  EXPECT_EQ(LogRows(LogDir()), before);
  Manifest m1 = ReadM();
  EXPECT_EQ(m1.generation, m0.generation + 1);
  EXPECT_EQ(m1.last_seq, 30);
  ASSERT_EQ(m1.parts.size(), 1u);
  const LogPart& p = m1.parts[0];
  EXPECT_EQ(p.file, "part-00000000000000000001-00000000000000000030.parquet");
  EXPECT_EQ(p.num_rows, 30);
  EXPECT_EQ(p.first_seq, 1);
  EXPECT_EQ(p.last_seq, 30);
  EXPECT_EQ(p.min_event_ts, m0.parts.front().min_event_ts);
  EXPECT_EQ(p.max_event_ts, m0.parts.back().max_event_ts);
  EXPECT_EQ(p.committed_at, m0.parts.back().committed_at);
  std::vector<std::string> replaced;
  for (const LogPart& q : m0.parts) replaced.push_back(q.file);
  EXPECT_EQ(m1.replaced, replaced);
  // The replaced parts are still on disk: a reader of m0 can finish.
  for (const LogPart& q : m0.parts) EXPECT_TRUE(fs::exists(LogDir() + "/" + q.file)) << q.file;

  EXPECT_EQ(LogRows(LogDir()), before);
}

TEST_F(CompactionTest, ReplacedPartsStayForTheRetentionTimeThenGo) {
  constexpr int64_t kMinute = int64_t{60} * 1000000;
  ClockEnv clock;
  clock.Set(1000 * kMinute);
  Commits(4);
  const std::vector<std::string> before = LogRows(LogDir());
  const Manifest m0 = ReadM();
  Result<CompactResult> r = Compact(100, &clock);  // retention: an hour
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->committed);
  EXPECT_EQ(ReadM().replaced_at, std::vector<int64_t>(4, 1000 * kMinute));
  // More commits and a second compaction 59 minutes later: the first's
  // replaced parts stay (a reader of m0 may still be running), the
  // second's join them.
  Commits(2, 100);
  clock.Set(1059 * kMinute);
  r = Compact(100, &clock);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->committed);
  EXPECT_EQ(r->parts_removed, 0);
  for (const LogPart& q : m0.parts) EXPECT_TRUE(fs::exists(LogDir() + "/" + q.file)) << q.file;
  Manifest m2 = ReadM();
  ASSERT_EQ(m2.replaced.size(), 4u + 3u);  // m0's 4 parts, then the merged one and 2 commits
  // Nothing to merge and nothing expired: nothing at all to do.
  auto snapshot = Snapshot(LogDir());
  r = Compact(100, &clock);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->committed);
  EXPECT_EQ(Snapshot(LogDir()), snapshot);
  // An hour after the first compaction its replaced parts go; the second's
  // stay.
  clock.Set(1060 * kMinute);
  r = Compact(100, &clock);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->committed);
  EXPECT_EQ(r->parts_removed, 4);
  for (const LogPart& q : m0.parts) EXPECT_FALSE(fs::exists(LogDir() + "/" + q.file)) << q.file;
  EXPECT_EQ(ReadM().replaced.size(), 3u);
  // And an hour after the second, everything replaced is gone.
  clock.Set(1119 * kMinute);
  r = Compact(100, &clock);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->parts_removed, 3);
  EXPECT_TRUE(ReadM().replaced.empty());
  // LOCK, COMPACT_LOCK, manifest.json, manifest.log, the one part.
  EXPECT_EQ(Files().size(), 5u);
  std::vector<std::string> after = LogRows(LogDir());
  ASSERT_EQ(after.size(), before.size() + 6);
  EXPECT_TRUE(std::equal(before.begin(), before.end(), after.begin()));
}

TEST_F(CompactionTest, RunsStopAtTheTargetAtBigPartsAndAtSchemaChanges) {
  Commits(4);               // parts 0-3: 3 rows each
  Commit({Rows(100, 10)});  // part 4: big (10 >= target 8)
  Commits(2, 200);          // parts 5-6
  SchemaPtr other = Schema::Make({{"ts", DataType::Timestamp()}}).value();
  RecordBatchBuilder b(other);
  ASSERT_TRUE(b.AppendRow({Value::Timestamp(5)}).ok());
  Commit({b.Finish().value()});  // part 7: other columns
  Commits(1, 300);               // part 8
  const std::vector<std::string> before = LogRows(LogDir());
  Result<CompactResult> r = Compact(8);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(LogRows(LogDir()), before);
  std::vector<std::pair<int64_t, int64_t>> ranges;
  for (const LogPart& p : ReadM().parts) ranges.push_back({p.first_seq, p.last_seq});
  // [1..6] (two parts = 6 rows; a third would make 9 > 8), [7..12], big
  // [13..22], [23..28], then the odd schema and the last part alone.
  EXPECT_EQ(ranges, (std::vector<std::pair<int64_t, int64_t>>{
                        {1, 6}, {7, 12}, {13, 22}, {23, 28}, {29, 29}, {30, 32}}));
}

TEST_F(CompactionTest, NoLogIsNothingToDoAndCreatesNothing) {
  Result<CompactResult> r = Compact(100);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->committed);
  EXPECT_EQ(r->parts_before, 0);
  EXPECT_FALSE(fs::exists(LogDir()));
}

TEST_F(CompactionTest, EachFailingIoCallLeavesTheOldOrTheNewState) {
  Commits(5);
  const std::vector<std::string> rows = LogRows(LogDir());
  const auto before = Snapshot(scratch_.path());
  FaultPolicy policy;
  FaultInjectionEnv faults(Env::Default(), &policy);
  ClockEnv env(&faults);  // one time, so every successful run writes the same manifest
  env.Set(1700000000000000);
  ASSERT_TRUE(Compact(100, &env).ok());
  const auto after = Snapshot(scratch_.path());
  const int64_t calls = policy.calls();
  for (int64_t k = 1; k <= calls; ++k) {
    SCOPED_TRACE("failing call " + std::to_string(k));
    fs::remove_all(LogDir());
    fs::create_directories(LogDir());
    for (const auto& [name, bytes] : before) {
      if (bytes != "<dir>") std::ofstream(scratch_.path() + "/" + name, std::ios::binary) << bytes;
    }
    ASSERT_EQ(Snapshot(scratch_.path()), before);
    policy.Reset();
    policy.FailCallNumber(k, EIO);
    Result<CompactResult> r = Compact(100, &env);
    EXPECT_EQ(LogRows(LogDir()), rows);  // the same rows, whatever failed
    auto now = Snapshot(scratch_.path());
    // Or the checkpoint landed and the journal's rename failed: the new
    // journal waits as manifest.log.next beside the old one (the next
    // writer starts the journal again).
    auto checkpointed = after;
    checkpointed["log/manifest.log.next"] = after.at("log/manifest.log");
    checkpointed["log/manifest.log"] = before.at("log/manifest.log");
    EXPECT_TRUE(now == before || now == after ||
                (now == checkpointed &&
                 (policy.injected_op() == IoOp::kRename || policy.injected_op() == IoOp::kSyncDir)))
        << r.status().ToString() << " at " << IoOpName(policy.injected_op());
  }
}

// Readers (never locking) run beside 20 commits and compactions: each read
// sees exactly the rows of the first N commits, for some N.
TEST_F(CompactionTest, ReadersBesideCommitsAndACompactionSeeWholeCommits) {
  std::vector<std::string> all;  // the rows of all commits, from a reference log
  {
    ScratchDir ref("compact-ref");
    for (int i = 0; i < 20; ++i) {
      VectorReader reader({Rows(3 * i, 3)});
      CommitSpec spec;
      spec.log_dir = ref.path();
      spec.timestamp_column = "ts";
      ASSERT_TRUE(CommitBatches(&reader, spec).ok());
    }
    for (std::string& row : LogRows(ref.path()))
      all.push_back(row.substr(0, row.find(", _committed_at")));
  }
  std::atomic<bool> writing{true};
  std::atomic<int> bad{0}, reads{0};
  std::thread reader([&] {
    while (writing.load()) {
      std::vector<std::string> rows = LogRows(LogDir());
      reads++;
      if (rows.size() % 3 != 0 || rows.size() > all.size()) {
        bad++;
        continue;
      }
      for (size_t i = 0; i < rows.size(); ++i) {
        if (rows[i].substr(0, rows[i].find(", _committed_at")) != all[i]) {
          bad++;
          break;
        }
      }
    }
  });
  for (int i = 0; i < 20; ++i) {
    Commit({Rows(3 * i, 3)});
    if (i == 9) {
      ASSERT_TRUE(Compact(100).ok());
    }
  }
  writing = false;
  reader.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(reads.load(), 0);
  std::vector<std::string> rows = LogRows(LogDir());
  ASSERT_EQ(rows.size(), all.size());
}

// Compactions merge without holding LOCK: commits (checkpointing often, so
// their orphan removal runs beside the merges) and two compactors at once
// (one tiered, one full; COMPACT_LOCK takes them in turn) leave a log with
// every committed row once, in seq order, and no part file the final
// manifest does not name.
TEST_F(CompactionTest, CommitsAndTwoCompactorsAtOnceKeepEveryRowOnce) {
  constexpr int kCommits = 120;
  std::atomic<bool> writing{true};
  std::atomic<int> failures{0};
  std::atomic<int> committed{0};
  auto compactor = [&](int64_t fanout) {
    while (writing.load()) {
      CompactSpec spec;
      spec.log_dir = LogDir();
      spec.target_rows = 1000;
      spec.fanout = fanout;
      Result<CompactResult> r = CompactLog(spec);
      if (!r.ok() && failures++ == 0) ADD_FAILURE() << r.status().ToString();
      if (r.ok() && r->committed) committed++;
    }
  };
  Commit({Rows(0, 3)});
  std::thread tiered(compactor, 2);
  std::thread full(compactor, 0);
  for (int i = 1; i < kCommits; ++i) {
    VectorReader reader({Rows(3 * i, 3)});
    CommitSpec spec;
    spec.log_dir = LogDir();
    spec.timestamp_column = "ts";
    spec.checkpoint_every = 3;
    Result<LogPart> part = CommitBatches(&reader, spec);
    ASSERT_TRUE(part.ok()) << part.status().ToString();
  }
  writing = false;
  tiered.join();
  full.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(committed.load(), 0);
  std::vector<std::string> rows = LogRows(LogDir());
  ASSERT_EQ(rows.size(), static_cast<size_t>(3 * kCommits));
  for (size_t r = 0; r < rows.size(); ++r) {
    EXPECT_NE(rows[r].find("_ingest_seq=" + std::to_string(r + 1) + ","), std::string::npos)
        << rows[r];
  }
  const Manifest m = ReadM();
  std::set<std::string> named(m.replaced.begin(), m.replaced.end());
  for (const LogPart& p : m.parts) named.insert(p.file);
  for (const std::string& f : Files()) {
    if (f.rfind("part-", 0) == 0 && f.find(".tmp-") == std::string::npos) {
      EXPECT_EQ(named.count(f), 1u) << f;
    }
  }
}

}  // namespace
}  // namespace tessera::offline
