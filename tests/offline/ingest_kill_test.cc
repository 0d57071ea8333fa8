// The kill test: a child process runs an ingest and is killed with
// SIGKILL at a random point (up to 1.5 times a clean ingest's duration),
// 25 times in a row on the same store; after
// each kill the log (manifest + the parts it names, read independently)
// holds exactly the rows it held before the ingest or those plus the whole
// file, nothing between; and a later ingest still lands.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iterator>
#include <random>

#include "log_test_util.h"
#include "tessera/offline/ingest.h"
#include "test_seed.h"

namespace tessera::offline {
namespace {

namespace fs = std::filesystem;

using logtest::LogRows;
using logtest::ScratchDir;

// A row as LogRows prints it, without the log's own columns.
std::string Data(const std::string& row) { return row.substr(0, row.find(", _ingest_seq")); }

std::vector<std::string> DataOf(const std::vector<std::string>& rows) {
  std::vector<std::string> out;
  for (const std::string& r : rows) out.push_back(Data(r));
  return out;
}

constexpr int kRows = 4000;  // per ingest

// A part's rows without the log's columns.
std::vector<std::string> PartData(const std::string& log_dir, const LogPart& part) {
  Manifest one;
  one.generation = 1;
  one.last_seq = part.last_seq;
  one.parts = {part};
  logtest::ScratchDir dir("kill-part");
  std::ofstream(ManifestPath(dir.path())) << ManifestToJson(one);
  fs::copy_file(log_dir + "/" + part.file, dir.path() + "/" + part.file);
  return DataOf(LogRows(dir.path()));
}

bool SamePart(const LogPart& a, const LogPart& b) {
  return a.file == b.file && a.num_rows == b.num_rows && a.first_seq == b.first_seq &&
         a.last_seq == b.last_seq && a.committed_at == b.committed_at;
}

class IngestKillTest : public ::testing::Test {
 protected:
  IngestKillTest() : scratch_("ingest-kill") {}

  void SetUp() override {
    Write("tessera.yaml", "project: p\n");
    Write(
        "features/defs.yaml",
        "entities:\n  - name: user\n    join_keys: [{name: user_id, type: int64}]\n"
        "sources:\n  - name: events\n    kind: batch\n    path: data/events.csv\n"
        "    timestamp_field: ts\n"
        "feature_views:\n  - name: v\n    entities: [user]\n    source: events\n"
        "    features:\n      - {name: amount, type: double}\n      - {name: tag, type: string}\n");
    std::string csv = "user_id,ts,amount,tag\n";
    Write("data/events.csv", csv + "1,2024-01-01T00:00:00Z,1.5,x\n");
    for (int i = 0; i < kRows; ++i) {
      csv += std::to_string(i % 977) + ",2024-01-01T00:00:" + std::to_string(10 + i % 50) + "Z," +
             std::to_string(i) + ".25,tag" + std::to_string(i % 13) + "\n";
    }
    Write("in/batch.csv", csv);
    Result<registry::LoadedRepo> repo = registry::LoadRepo(scratch_.path());
    ASSERT_TRUE(repo.ok()) << repo.status().ToString();
    repo_ = *repo;
  }

  void Write(const std::string& rel, const std::string& text) {
    std::string path = scratch_.path() + "/" + rel;
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path, std::ios::binary) << text;
  }

  Result<IngestResult> IngestBatch() {
    IngestOptions options;
    options.csv_batch_size = 500;
    options.row_group_size = 1000;
    return Ingest(repo_, "events", {scratch_.path() + "/in/batch.csv"}, options);
  }

  std::string LogDir() const { return scratch_.path() + "/data/offline/p/sources/events"; }

  ScratchDir scratch_;
  registry::LoadedRepo repo_;
};

TEST_F(IngestKillTest, KilledIngestLeavesTheLogBeforeOrAfter) {
  tessera::testing::RandomTestParams params(20261130, 25);
  SCOPED_TRACE(params.Trace());
  std::mt19937_64 rng(params.seed);

  // One clean ingest gives the rows a whole commit adds and its duration.
  auto start = std::chrono::steady_clock::now();
  Result<IngestResult> first = IngestBatch();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  const int64_t micros = std::chrono::duration_cast<std::chrono::microseconds>(
                             std::chrono::steady_clock::now() - start)
                             .count();
  const std::vector<std::string> batch = DataOf(LogRows(LogDir()));
  ASSERT_EQ(batch.size(), static_cast<size_t>(kRows));

  Manifest before = ReadManifest(Env::Default(), LogDir()).value();
  int landed = 0, lost = 0, mid_write = 0;
  size_t last_orphans = 0;
  for (int i = 0; i < params.iterations; ++i) {
    SCOPED_TRACE("kill " + std::to_string(i));
    const int64_t delay = static_cast<int64_t>(rng() % static_cast<uint64_t>(micros * 3 / 2 + 1));
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) ::_exit(IngestBatch().ok() ? 0 : 1);
    struct timespec ts = {static_cast<time_t>(delay / 1'000'000),
                          static_cast<long>(delay % 1'000'000) * 1000};
    ::nanosleep(&ts, nullptr);
    ::kill(pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);

    // Before: the same manifest parts. After: those plus one part holding
    // the whole file with the next seqs. Nothing else.
    Result<Manifest> now = ReadManifest(Env::Default(), LogDir());
    ASSERT_TRUE(now.ok()) << now.status().ToString();
    const size_t n = before.parts.size();
    ASSERT_TRUE(now->parts.size() == n || now->parts.size() == n + 1) << now->parts.size();
    for (size_t p = 0; p < n; ++p) ASSERT_TRUE(SamePart(now->parts[p], before.parts[p])) << p;
    if (now->parts.size() == n + 1) {
      const LogPart& added = now->parts.back();
      EXPECT_EQ(added.first_seq, before.last_seq + 1);
      EXPECT_EQ(added.num_rows, kRows);
      EXPECT_EQ(now->last_seq, before.last_seq + kRows);
      ASSERT_EQ(PartData(LogDir(), added), batch);
      landed++;
    } else {
      EXPECT_EQ(now->last_seq, before.last_seq);
      lost++;
    }
    // More files no manifest names: the kill came while the part was
    // written (orphans stay until the next checkpoint).
    const size_t orphans = static_cast<size_t>(std::distance(fs::directory_iterator(LogDir()),
                                                             fs::directory_iterator())) -
                           now->parts.size();
    if (orphans > last_orphans) mid_write++;
    last_orphans = orphans;
    before = *now;
  }
  // A later ingest lands on whatever the kills left;
  // then the whole log is the file, 2 + landed times, seqs 1, 2, ...
  Result<IngestResult> last = IngestBatch();
  ASSERT_TRUE(last.ok()) << last.status().ToString();
  EXPECT_EQ(last->last_seq, static_cast<int64_t>(kRows) * (landed + 2));
  std::vector<std::string> rows = LogRows(LogDir());
  ASSERT_EQ(rows.size(), static_cast<size_t>(kRows) * (landed + 2));
  for (size_t r = 0; r < rows.size(); ++r) {
    ASSERT_EQ(Data(rows[r]), batch[r % kRows]) << r;
    ASSERT_NE(rows[r].find(", _ingest_seq=" + std::to_string(r + 1) + ","), std::string::npos)
        << rows[r];
  }
  RecordProperty("landed", landed);
  RecordProperty("lost", lost);
  RecordProperty("mid_write", mid_write);
  std::printf("kills: %d after the commit, %d before it (%d of them while writing the part)\n",
              landed, lost, mid_write);
}

}  // namespace
}  // namespace tessera::offline
