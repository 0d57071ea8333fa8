// CommitBatches: what a commit writes (parts, seqs, manifest), what a
// failed commit leaves (the folder byte for byte as before), orphans, every
// I/O call failing in turn, crashes, and concurrent commits from threads and
// processes.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <set>
#include <sstream>
#include <thread>

#include "log_test_util.h"
#include "tessera/core/fault_injection_env.h"
#include "tessera/core/time.h"
#include "tessera/offline/source_log.h"

namespace tessera::offline {
namespace {

namespace fs = std::filesystem;

using logtest::LogRows;
using logtest::Rows;
using logtest::ScratchDir;
using logtest::Snapshot;
using logtest::VectorReader;

// A clock that stands still at `now` (and forwards the rest).
class FixedClockEnv : public EnvWrapper {
 public:
  FixedClockEnv(Env* target, int64_t now) : EnvWrapper(target), now_(now) {}
  int64_t NowMicros() override { return now_; }

 private:
  int64_t now_;
};

constexpr int64_t kNow = 1'710'000'000'000'000;

class CommitTest : public ::testing::Test {
 protected:
  CommitTest() : scratch_("log"), clock_(Env::Default(), kNow) {}

  CommitSpec Spec(Env* env = nullptr) const {
    CommitSpec spec;
    spec.log_dir = LogDir();
    spec.timestamp_column = "ts";
    spec.env = env != nullptr ? env : const_cast<FixedClockEnv*>(&clock_);
    spec.row_group_size = 7;
    spec.checkpoint_every = checkpoint_every_;
    return spec;
  }
  std::string Root() const { return scratch_.path() + "/offline"; }
  std::string LogDir() const { return SourceLogDir(Root(), "proj", "orders"); }

  Result<LogPart> Commit(std::vector<RecordBatchPtr> batches, Env* env = nullptr) {
    VectorReader reader(std::move(batches));
    return CommitBatches(&reader, Spec(env));
  }

  // The rows Rows(first, n) gives, as LogRows prints them with the seqs
  // first_seq.. and commit time `at`.
  static std::vector<std::string> Expected(int64_t first, int64_t n, int64_t first_seq,
                                           int64_t at = kNow) {
    std::vector<std::string> out;
    RecordBatchPtr b = Rows(first, n);
    for (int64_t i = 0; i < n; ++i) {
      std::string line = b->ToString(INT64_MAX);
      std::istringstream lines(line);
      std::string row;
      for (int64_t k = 0; k <= i; ++k) std::getline(lines, row);
      out.push_back(row + ", _ingest_seq=" + std::to_string(first_seq + i) +
                    ", _committed_at=" + FormatTimestamp(at));
    }
    return out;
  }

  ScratchDir scratch_;
  FixedClockEnv clock_;
  int64_t checkpoint_every_ = kCheckpointEvery;  // of Spec()
};

std::vector<std::string> Concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

TEST_F(CommitTest, FirstCommitCreatesTheLogWithSeqsFromOne) {
  Result<LogPart> part = Commit({Rows(0, 10), Rows(10, 5)});
  ASSERT_TRUE(part.ok()) << part.status().ToString();
  EXPECT_EQ(part->file, "part-00000000000000000001.parquet");
  EXPECT_EQ(part->num_rows, 15);
  EXPECT_EQ(part->first_seq, 1);
  EXPECT_EQ(part->last_seq, 15);
  EXPECT_EQ(part->committed_at, kNow);
  EXPECT_EQ(part->min_event_ts, 1'700'000'000'000'000);
  EXPECT_EQ(part->max_event_ts, 1'700'000'000'000'000 + 14'000'000);

  Result<Manifest> m = ReadManifest(Env::Default(), LogDir());
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->generation, 1);
  EXPECT_EQ(m->last_seq, 15);
  ASSERT_EQ(m->parts.size(), 1u);
  EXPECT_EQ(ManifestToJson(*m), ManifestToJson(Manifest{1, 15, {*part}, {}}));
  EXPECT_EQ(LogRows(LogDir()), Expected(0, 15, 1));
  // Exactly the checkpoint, the journal, the lock and the part.
  std::map<std::string, std::string> files = Snapshot(LogDir());
  std::vector<std::string> names;
  for (const auto& [name, _] : files) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"LOCK", "manifest.json", "manifest.log",
                                             "part-00000000000000000001.parquet"}));
}

TEST_F(CommitTest, PartHasTheLogColumnsAndSmallRowGroups) {
  ASSERT_TRUE(Commit({Rows(0, 15)}).ok());
  auto reader = parquet::ParquetReader::Open(LogDir() + "/part-00000000000000000001.parquet");
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->schema()->ToString(),
            "user_id: int64, ts: timestamp, amount: double, _ingest_seq: int64, "
            "_committed_at: timestamp");
  EXPECT_EQ((*reader)->num_row_groups(), 3);  // 7 + 7 + 1
}

TEST_F(CommitTest, LaterCommitsContinueTheSeqs) {
  ASSERT_TRUE(Commit({Rows(0, 3)}).ok());
  FixedClockEnv later(Env::Default(), kNow + 5);
  Result<LogPart> part = Commit({Rows(100, 4)}, &later);
  ASSERT_TRUE(part.ok()) << part.status().ToString();
  EXPECT_EQ(part->file, "part-00000000000000000004.parquet");
  EXPECT_EQ(part->first_seq, 4);
  EXPECT_EQ(part->last_seq, 7);
  Result<Manifest> m = ReadManifest(Env::Default(), LogDir());
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->generation, 2);
  EXPECT_EQ(m->last_seq, 7);
  EXPECT_EQ(LogRows(LogDir()), Concat(Expected(0, 3, 1), Expected(100, 4, 4, kNow + 5)));
}

TEST_F(CommitTest, EmptyStreamCommitsNothingAndLeavesNoFolder) {
  Result<LogPart> part = Commit({});
  ASSERT_TRUE(part.ok()) << part.status().ToString();
  EXPECT_EQ(part->num_rows, 0);
  EXPECT_EQ(part->file, "");
  EXPECT_FALSE(fs::exists(Root()));
  ASSERT_TRUE(Commit({Rows(0, 2)}).ok());
  auto before = Snapshot(Root());
  ASSERT_TRUE(Commit({Rows(0, 0)}).ok());
  EXPECT_EQ(Snapshot(Root()), before);
}

TEST_F(CommitTest, FailingStreamLeavesTheFolderAsItWas) {
  // Into a fresh store: not even the folders stay.
  {
    VectorReader reader({Rows(0, 20)}, Status::Invalid("in.csv:22:amount: 'x' is not a double"));
    Result<LogPart> part = CommitBatches(&reader, Spec());
    ASSERT_FALSE(part.ok());
    EXPECT_EQ(part.status().ToString(), "Invalid argument: in.csv:22:amount: 'x' is not a double");
    EXPECT_FALSE(fs::exists(Root()));
  }
  // Into an existing log: byte for byte.
  ASSERT_TRUE(Commit({Rows(0, 3)}).ok());
  auto before = Snapshot(scratch_.path());
  VectorReader reader({Rows(3, 20), Rows(23, 20)}, Status::Invalid("bad row"));
  ASSERT_FALSE(CommitBatches(&reader, Spec()).ok());
  EXPECT_EQ(Snapshot(scratch_.path()), before);
}

TEST_F(CommitTest, RejectsBadStreamsBeforeTouchingTheDisk) {
  SchemaPtr with_seq =
      Schema::Make({{"ts", DataType::Timestamp()}, {"_ingest_seq", DataType::Int64()}}).value();
  RecordBatchBuilder b(with_seq);
  ASSERT_TRUE(b.AppendRow({Value::Timestamp(1), Value::Int64(1)}).ok());
  Result<LogPart> part = Commit({b.Finish().value()});
  ASSERT_FALSE(part.ok());
  EXPECT_EQ(part.status().ToString(),
            "Invalid argument: column '_ingest_seq' is reserved for the source log and cannot be "
            "ingested");

  SchemaPtr no_ts = Schema::Make({{"when", DataType::Timestamp()}}).value();
  RecordBatchBuilder c(no_ts);
  ASSERT_TRUE(c.AppendRow({Value::Timestamp(1)}).ok());
  part = Commit({c.Finish().value()});
  ASSERT_FALSE(part.ok());
  EXPECT_EQ(part.status().ToString(), "Invalid argument: the rows have no timestamp column 'ts'");

  SchemaPtr str_ts = Schema::Make({{"ts", DataType::String()}}).value();
  RecordBatchBuilder d(str_ts);
  ASSERT_TRUE(d.AppendRow({Value::String("x")}).ok());
  part = Commit({d.Finish().value()});
  ASSERT_FALSE(part.ok());
  EXPECT_EQ(part.status().ToString(),
            "Invalid argument: timestamp column 'ts' is string, not timestamp");

  SchemaPtr ts_only = Schema::Make({{"ts", DataType::Timestamp()}}).value();
  RecordBatchBuilder e(ts_only);
  ASSERT_TRUE(e.AppendRow({Value::Null(DataType::Timestamp())}).ok());
  part = Commit({e.Finish().value()});
  ASSERT_FALSE(part.ok());
  EXPECT_EQ(part.status().ToString(), "Invalid argument: timestamp column 'ts' has a null");
  EXPECT_FALSE(fs::exists(Root()));
}

// A commit that checkpoints reads manifest.json and refuses a corrupt one
// (one that appends reads only the journal; readers report the checkpoint).
TEST_F(CommitTest, CorruptManifestFailsTheCommitAndIsKept) {
  ASSERT_TRUE(Commit({Rows(0, 3)}).ok());
  std::ofstream(ManifestPath(LogDir()), std::ios::trunc) << "{";
  auto before = Snapshot(scratch_.path());
  checkpoint_every_ = 0;
  Result<LogPart> part = Commit({Rows(3, 3)});
  ASSERT_FALSE(part.ok());
  EXPECT_EQ(part.status().ToString(), "Corruption: " + LogDir() +
                                          "/manifest.json: not valid JSON at offset 1: Missing a "
                                          "name for object member.");
  EXPECT_EQ(Snapshot(scratch_.path()), before);
}

// A commit that appends to the journal lists nothing: an orphan part with
// its seq is replaced whole (the Parquet writer renames its temporary file
// over it), other orphans stay until the next checkpoint removes them,
// keeping the parts a compaction replaced.
TEST_F(CommitTest, AppendReplacesAnOrphanOfItsSeqAndACheckpointRemovesOrphans) {
  ASSERT_TRUE(Commit({Rows(0, 3)}).ok());
  Result<Manifest> m = ReadManifest(Env::Default(), LogDir());
  ASSERT_TRUE(m.ok());
  m->replaced.push_back("part-old.parquet");
  m->replaced_at.push_back(0);
  {
    std::ofstream(ManifestPath(LogDir()), std::ios::trunc) << ManifestToJson(*m);
    std::ofstream(LogDir() + "/part-old.parquet") << "kept for old readers";
    std::ofstream(LogDir() + "/part-00000000000000000004.parquet") << "a crashed commit's part";
    std::ofstream(LogDir() + "/manifest.json.tmp-abcdef") << "a crashed checkpoint's manifest";
  }
  ASSERT_TRUE(Commit({Rows(3, 2)}).ok());  // seq 4 again: the orphan's name
  auto names = [&] {
    std::vector<std::string> out;
    for (const auto& [name, _] : Snapshot(LogDir())) out.push_back(name);
    return out;
  };
  EXPECT_EQ(names(),
            (std::vector<std::string>{"LOCK", "manifest.json", "manifest.json.tmp-abcdef",
                                      "manifest.log", "part-00000000000000000001.parquet",
                                      "part-00000000000000000004.parquet", "part-old.parquet"}));
  EXPECT_EQ(LogRows(LogDir()), Concat(Expected(0, 3, 1), Expected(3, 2, 4)));
  // A commit that checkpoints lists the folder and removes the orphans.
  CommitSpec spec = Spec();
  spec.checkpoint_every = 0;
  VectorReader reader({Rows(5, 1)});
  ASSERT_TRUE(CommitBatches(&reader, spec).ok());
  EXPECT_EQ(names(), (std::vector<std::string>{
                         "LOCK", "manifest.json", "manifest.log",
                         "part-00000000000000000001.parquet", "part-00000000000000000004.parquet",
                         "part-00000000000000000006.parquet", "part-old.parquet"}));
  EXPECT_EQ(LogRows(LogDir()),
            Concat(Concat(Expected(0, 3, 1), Expected(3, 2, 4)), Expected(5, 1, 6)));
}

// Fails each I/O call of a commit in turn (on an existing log and on a
// fresh store): the commit either fails and leaves the folder byte for byte
// as before, or succeeds (the failed call was one it could survive) or
// leaves the new state visible (a failed folder sync after the rename).
TEST_F(CommitTest, EachFailingIoCallLeavesTheOldOrTheNewState) {
  // A fresh store (the first commit checkpoints), an existing log (the
  // commit appends a journal record) and an existing log whose journal is
  // full (the commit checkpoints).
  for (int variant : {0, 1, 2}) {
    const bool fresh = variant == 0;
    checkpoint_every_ = variant == 2 ? 0 : kCheckpointEvery;
    SCOPED_TRACE(fresh ? "fresh store" : variant == 1 ? "existing log" : "full journal");
    fs::remove_all(Root());
    if (!fresh) {
      ASSERT_TRUE(Commit({Rows(0, 3)}).ok());
    }
    const auto before = Snapshot(scratch_.path());
    const std::vector<std::string> old_rows = LogRows(LogDir());
    const std::vector<std::string> new_rows = Concat(
        fresh ? std::vector<std::string>{} : Expected(0, 3, 1), Expected(10, 20, fresh ? 1 : 4));
    // A clean run counts the calls.
    FaultPolicy policy;
    FaultInjectionEnv env(&clock_, &policy);
    ASSERT_TRUE(Commit({Rows(10, 20)}, &env).ok());
    const int64_t calls = policy.calls();
    ASSERT_GT(calls, 10);
    for (int64_t k = 1; k <= calls; ++k) {
      SCOPED_TRACE("failing call " + std::to_string(k));
      fs::remove_all(Root());
      if (!fresh) {
        ASSERT_TRUE(Commit({Rows(0, 3)}).ok());
      }
      ASSERT_EQ(Snapshot(scratch_.path()), before);
      policy.Reset();
      policy.FailCallNumber(k, EIO);
      Result<LogPart> part = Commit({Rows(10, 20)}, &env);
      ASSERT_TRUE(policy.injected());
      std::vector<std::string> rows = LogRows(LogDir());
      if (part.ok()) {
        EXPECT_EQ(rows, new_rows);
      } else if (rows == new_rows) {
        // Only what follows the point of no return may fail: the sync or
        // close of a whole journal record, the folder sync after the
        // checkpoint's rename.
        const IoOp op = policy.injected_op();
        if (variant == 1) {
          EXPECT_TRUE(op == IoOp::kSync || op == IoOp::kClose) << part.status().ToString();
          EXPECT_EQ(policy.injected_path(), LogDir() + "/manifest.log");
        } else {
          EXPECT_EQ(op, IoOp::kSyncDir) << part.status().ToString();
        }
      } else {
        EXPECT_EQ(rows, old_rows) << part.status().ToString();
        EXPECT_EQ(Snapshot(scratch_.path()), before)
            << part.status().ToString() << " at " << IoOpName(policy.injected_op()) << " "
            << policy.injected_path();
      }
    }
  }
}

// Crashes at each I/O call (that call and all later ones fail, then the
// disk loses what was not synced), in a commit that appends a journal
// record and in one that writes a checkpoint: the log reads as before or
// after, the next commit lands after whichever it found, and the next
// checkpoint leaves no file the manifest does not name.
TEST_F(CommitTest, CrashAtEachCallLeavesTheOldOrTheNewState) {
  for (bool checkpoint : {false, true}) {
    SCOPED_TRACE(checkpoint ? "a checkpoint" : "a journal record");
    auto setup = [&] {
      checkpoint_every_ = checkpoint ? 1 : kCheckpointEvery;
      fs::remove_all(Root());
      ASSERT_TRUE(Commit({Rows(0, 3)}).ok());
      ASSERT_TRUE(Commit({Rows(3, 1)}).ok());  // fills a journal of 1
    };
    setup();
    const std::vector<std::string> old_rows = LogRows(LogDir());
    const std::vector<std::string> new_rows = Concat(old_rows, Expected(10, 20, 5));
    FaultPolicy policy;
    {
      FaultInjectionEnv env(&clock_, &policy);
      ASSERT_TRUE(Commit({Rows(10, 20)}, &env).ok());
    }
    const int64_t calls = policy.calls();
    for (int64_t k = 1; k <= calls + 1; ++k) {
      SCOPED_TRACE("crash at call " + std::to_string(k));
      setup();
      policy.Reset();
      policy.CrashAtCall(k);
      {
        FaultInjectionEnv env(&clock_, &policy);
        (void)Commit({Rows(10, 20)}, &env);
        ASSERT_TRUE(env.SimulateCrash().ok());
      }
      std::vector<std::string> rows = LogRows(LogDir());
      ASSERT_TRUE(rows == old_rows || rows == new_rows) << (rows.empty() ? "" : rows[0]);
      const bool had_new = rows == new_rows;
      // The next commit would append if the journal let it (so it must
      // notice a checkpoint the crash left half done).
      checkpoint_every_ = kCheckpointEvery;
      const std::vector<std::string> next =
          Concat(had_new ? new_rows : old_rows, Expected(50, 1, had_new ? 25 : 5));
      ASSERT_TRUE(Commit({Rows(50, 1)}).ok());
      EXPECT_EQ(LogRows(LogDir()), next);
      CommitSpec spec = Spec();
      spec.checkpoint_every = 0;
      VectorReader reader({Rows(60, 1)});
      ASSERT_TRUE(CommitBatches(&reader, spec).ok());
      EXPECT_EQ(LogRows(LogDir()), Concat(next, Expected(60, 1, had_new ? 26 : 6)));
      Result<Manifest> m = ReadManifest(Env::Default(), LogDir());
      ASSERT_TRUE(m.ok());
      std::set<std::string> expected = {"LOCK", "manifest.json", "manifest.log"};
      for (const LogPart& p : m->parts) expected.insert(p.file);
      std::set<std::string> present;
      for (const auto& [name, _] : Snapshot(LogDir())) present.insert(name);
      EXPECT_EQ(present, expected);
    }
  }
}

TEST_F(CommitTest, ConcurrentCommitsFromThreadsAllLand) {
  constexpr int kThreads = 4;
  constexpr int kCommits = 5;
  checkpoint_every_ = 3;  // checkpoints among the appends
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int c = 0; c < kCommits; ++c) {
        if (!Commit({Rows(1000 * t + 10 * c, 3)}).ok()) failures++;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  Result<Manifest> m = ReadManifest(Env::Default(), LogDir());
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->generation, kThreads * kCommits);
  EXPECT_EQ(m->last_seq, kThreads * kCommits * 3);
  ASSERT_EQ(m->parts.size(), static_cast<size_t>(kThreads * kCommits));
  // Every commit's rows are there once, seqs 1.. in manifest order.
  std::multiset<int64_t> users;
  int64_t seq = 1;
  for (const LogPart& p : m->parts) {
    EXPECT_EQ(p.first_seq, seq);
    seq = p.last_seq + 1;
    auto batches = parquet::ReadParquetFile(LogDir() + "/" + p.file);
    ASSERT_TRUE(batches.ok());
    for (const RecordBatchPtr& b : *batches) {
      for (int64_t i = 0; i < b->num_rows(); ++i) {
        users.insert(b->GetColumnByName("user_id")->GetInt64(i));
      }
    }
  }
  std::multiset<int64_t> expected;
  for (int t = 0; t < kThreads; ++t) {
    for (int c = 0; c < kCommits; ++c) {
      for (int i = 0; i < 3; ++i) expected.insert(1000 * t + 10 * c + i);
    }
  }
  EXPECT_EQ(users, expected);
}

TEST_F(CommitTest, ConcurrentCommitsFromProcessesAllLand) {
  constexpr int kProcs = 3;
  constexpr int kCommits = 4;
  std::vector<pid_t> pids;
  for (int p = 0; p < kProcs; ++p) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      int bad = 0;
      for (int c = 0; c < kCommits; ++c) {
        VectorReader reader({Rows(1000 * p + 10 * c, 2)});
        CommitSpec spec = Spec(Env::Default());
        spec.checkpoint_every = 3;
        if (!CommitBatches(&reader, spec).ok()) bad++;
      }
      ::_exit(bad);
    }
    pids.push_back(pid);
  }
  for (pid_t pid : pids) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  Result<Manifest> m = ReadManifest(Env::Default(), LogDir());
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->generation, kProcs * kCommits);
  EXPECT_EQ(m->last_seq, kProcs * kCommits * 2);
  EXPECT_EQ(LogRows(LogDir()).size(), static_cast<size_t>(kProcs * kCommits * 2));
  int64_t seq = 1;
  for (const LogPart& p : m->parts) {
    EXPECT_EQ(p.first_seq, seq);
    EXPECT_EQ(p.last_seq, seq + 1);
    seq = p.last_seq + 1;
  }
}

}  // namespace
}  // namespace tessera::offline
