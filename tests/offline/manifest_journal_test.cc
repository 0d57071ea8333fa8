// The manifest journal (manifest_journal.h, source_log.h): its records byte
// for byte, torn tails of every length (ignored by readers, replaced by the
// next writer), a corrupt middle record (Corruption naming the offset), the
// crash window between a checkpoint and its journal, old-format logs, the
// tiered compaction policy, readers beside checkpoints, and the manifest
// after random commits and compactions against a brute-force model.
#include "tessera/offline/manifest_journal.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <atomic>
#include <random>
#include <set>
#include <thread>

#include "log_test_util.h"
#include "tessera/offline/compaction.h"
#include "tessera/offline/source_log.h"

namespace tessera::offline {
namespace {

namespace fs = std::filesystem;

using logtest::LogRows;
using logtest::Rows;
using logtest::ScratchDir;
using logtest::Snapshot;
using logtest::VectorReader;

// Little-endian bytes, written out by hand (independent of core/coding.h).
std::string Le(uint64_t v, int bytes) {
  std::string out;
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  return out;
}

std::string Framed(const std::string& body) {
  const uLong crc = crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(body.data()),
                          static_cast<uInt>(body.size()));
  return Le(body.size(), 4) + Le(crc, 4) + body;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void Put(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

TEST(JournalRecordTest, StartAndCommitRecordsAreTheDocumentedBytes) {
  EXPECT_EQ(internal::EncodeStartRecord(7, 300),
            Framed(std::string(1, '\x01') + Le(1, 4) + Le(7, 8) + Le(300, 8)));
  LogPart p;
  p.file = "part-9.parquet";
  p.first_seq = 301;
  p.last_seq = 310;
  p.num_rows = 10;
  p.min_event_ts = -2;
  p.max_event_ts = 1'700'000'000'000'000;
  p.committed_at = 1'710'000'000'000'000;
  EXPECT_EQ(
      internal::EncodeCommitRecord(8, 310, p),
      Framed(std::string(1, '\x02') + Le(8, 8) + Le(310, 8) + Le(301, 8) + Le(310, 8) + Le(10, 8) +
             Le(static_cast<uint64_t>(int64_t{-2}), 8) + Le(1'700'000'000'000'000, 8) +
             Le(1'710'000'000'000'000, 8) + Le(14, 4) + "part-9.parquet"));
}

// Every single-byte change and every cut of a journal parses or is refused
// with Corruption or Unsupported (never a crash, never another error); a
// change inside the last record reads as a torn tail.
TEST(JournalRecordTest, EveryFlippedByteOrCutIsHandled) {
  std::string journal = internal::EncodeStartRecord(1, 2);
  size_t last = 0;  // where the last record starts
  for (int64_t g = 2; g <= 4; ++g) {
    LogPart p;
    p.file = "part-" + std::to_string(g) + ".parquet";
    p.first_seq = p.last_seq = g + 1;
    p.num_rows = 1;
    last = journal.size();
    journal += internal::EncodeCommitRecord(g, g + 1, p);
  }
  for (size_t i = 0; i < journal.size(); ++i) {
    for (int bit : {0, 7}) {
      std::string bad = journal;
      bad[i] = static_cast<char>(bad[i] ^ (1 << bit));
      Result<internal::Journal> j = internal::ParseJournal(bad, "j");
      if (j.ok()) {
        EXPECT_TRUE(j->torn()) << i;  // a flip is either caught or cuts the tail
        if (i >= last) {
          EXPECT_EQ(j->commits.size(), 2u) << i;
        }
      } else {
        EXPECT_TRUE(j.status().code() == StatusCode::kCorruption ||
                    j.status().code() == StatusCode::kUnsupported)
            << i << ": " << j.status().ToString();
      }
    }
  }
  for (size_t cut = 0; cut <= journal.size(); ++cut) {
    Result<internal::Journal> j = internal::ParseJournal(journal.substr(0, cut), "j");
    ASSERT_TRUE(j.ok()) << cut << ": " << j.status().ToString();
  }
}

class JournalTest : public ::testing::Test {
 protected:
  JournalTest() : scratch_("journal") {}
  std::string LogDir() const { return scratch_.path() + "/log"; }
  std::string JournalFile() const { return LogDir() + "/manifest.log"; }

  Result<LogPart> Commit(int64_t first, int64_t n, int64_t checkpoint_every = kCheckpointEvery) {
    VectorReader reader({Rows(first, n)});
    CommitSpec spec;
    spec.log_dir = LogDir();
    spec.timestamp_column = "ts";
    spec.checkpoint_every = checkpoint_every;
    return CommitBatches(&reader, spec);
  }
  Manifest Read() {
    Result<Manifest> m = ReadManifest(Env::Default(), LogDir());
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    return m.ok() ? *m : Manifest{};
  }
  // The rows without their commit time (it differs between runs).
  std::vector<std::string> Data() {
    std::vector<std::string> out;
    for (const std::string& row : LogRows(LogDir())) {
      out.push_back(row.substr(0, row.find(", _committed_at")));
    }
    return out;
  }
  // A log of one checkpointed commit and three journal records.
  void FourCommits() {
    for (int i = 0; i < 4; ++i) ASSERT_TRUE(Commit(10 * i, 2).ok());
  }

  ScratchDir scratch_;
};

// The journal a writer appends: a start record at the first commit's
// checkpoint, then one record per commit holding the manifest's new
// generation and last_seq and the part.
TEST_F(JournalTest, CommitsAppendOneRecordEachAfterTheStartRecord) {
  FourCommits();
  Manifest m = Read();
  ASSERT_EQ(m.parts.size(), 4u);
  std::string expected = internal::EncodeStartRecord(1, 2);
  for (int i = 1; i < 4; ++i) {
    expected += internal::EncodeCommitRecord(i + 1, 2 * (i + 1), m.parts[i]);
  }
  EXPECT_EQ(Slurp(JournalFile()), expected);
  // The checkpoint still holds the first commit alone.
  Result<Manifest> checkpoint =
      ManifestFromJson(Slurp(ManifestPath(LogDir())), ManifestPath(LogDir()));
  ASSERT_TRUE(checkpoint.ok());
  EXPECT_EQ(ManifestToJson(*checkpoint), ManifestToJson(Manifest{1, 2, {m.parts[0]}, {}, {}}));
}

// A record cut at every length (a crash mid-append): readers see the three
// whole commits; the next commit lands after them and replaces the journal
// (a checkpoint), so no torn byte stays.
TEST_F(JournalTest, TornTailOfEveryLengthIsIgnoredThenReplaced) {
  FourCommits();
  const std::string journal = Slurp(JournalFile());
  const Manifest whole = Read();
  LogPart next;
  next.file = "part-00000000000000000009.parquet";
  next.first_seq = next.last_seq = 9;
  next.num_rows = 1;
  const std::string record = internal::EncodeCommitRecord(5, 9, next);
  for (size_t cut = 1; cut < record.size(); ++cut) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    Put(JournalFile(), journal + record.substr(0, cut));
    EXPECT_EQ(ManifestToJson(Read()), ManifestToJson(whole));
  }
  // A whole last record with a bad checksum is a torn tail too, and so are
  // zeros after the good records.
  std::string bad = record;
  bad[bad.size() - 1] ^= 1;
  Put(JournalFile(), journal + bad);
  EXPECT_EQ(ManifestToJson(Read()), ManifestToJson(whole));
  Put(JournalFile(), journal + std::string(40, '\0'));
  EXPECT_EQ(ManifestToJson(Read()), ManifestToJson(whole));

  Put(JournalFile(), journal + record.substr(0, 30));
  const std::vector<std::string> rows = Data();
  Result<LogPart> part = Commit(100, 3);
  ASSERT_TRUE(part.ok()) << part.status().ToString();
  EXPECT_EQ(part->first_seq, 9);
  Manifest after = Read();
  EXPECT_EQ(after.generation, 5);
  EXPECT_EQ(Slurp(JournalFile()), internal::EncodeStartRecord(5, 11));
  const std::vector<std::string> now = Data();
  ASSERT_EQ(now.size(), rows.size() + 3);
  EXPECT_TRUE(std::equal(rows.begin(), rows.end(), now.begin()));
}

// A bad record with good ones after it is no crash's trace: Corruption
// naming the file and the record's offset, for readers and writers, and a
// failed commit changes no file.
TEST_F(JournalTest, CorruptMiddleRecordIsCorruptionNamingTheOffset) {
  FourCommits();
  std::string journal = Slurp(JournalFile());
  const size_t start = internal::EncodeStartRecord(1, 2).size();
  const size_t second = start + internal::EncodeCommitRecord(2, 4, Read().parts[1]).size();
  journal[second + 20] ^= 0x40;  // inside the second commit record
  Put(JournalFile(), journal);
  const std::string message = "Corruption: " + JournalFile() + ": offset " +
                              std::to_string(second) +
                              ": the record fails its checksum and more records follow";
  Result<Manifest> m = ReadManifest(Env::Default(), LogDir());
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().ToString(), message);
  const auto before = Snapshot(scratch_.path());
  Result<LogPart> part = Commit(100, 1);
  ASSERT_FALSE(part.ok());
  EXPECT_EQ(part.status().ToString(), message);
  EXPECT_EQ(Snapshot(scratch_.path()), before);
}

// A length field damaged to run past the end, with many records after it:
// not a torn tail (one append leaves at most one record), so Corruption
// rather than dropping the records after it.
TEST_F(JournalTest, DamagedLengthBeforeManyRecordsIsCorruption) {
  ASSERT_TRUE(Commit(0, 1).ok());
  std::string journal = internal::EncodeStartRecord(1, 1);
  const size_t second = journal.size();
  for (int64_t g = 2; g <= 60; ++g) {
    LogPart p;
    p.file = "part-" + std::to_string(g) + ".parquet";
    p.first_seq = p.last_seq = g;
    p.num_rows = 1;
    journal += internal::EncodeCommitRecord(g, g, p);
  }
  ASSERT_GT(journal.size() - second, 4096u);
  Put(JournalFile(), journal);
  EXPECT_EQ(Read().generation, 60);
  journal[second + 2] = '\x7f';  // length 0x7fxxxx: past the end
  Put(JournalFile(), journal);
  Result<Manifest> m = ReadManifest(Env::Default(), LogDir());
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().ToString(), "Corruption: " + JournalFile() + ": offset " +
                                       std::to_string(second) +
                                       ": the record fails its checksum and more records follow");
}

// Records whose checksum holds but whose content does not continue the
// log: Corruption with the reason.
TEST_F(JournalTest, RecordsThatDoNotContinueTheLogAreCorruption) {
  ASSERT_TRUE(Commit(0, 2).ok());
  const std::string start = internal::EncodeStartRecord(1, 2);
  LogPart p;
  p.file = "part-x.parquet";
  p.first_seq = 3;
  p.last_seq = 4;
  p.num_rows = 2;
  auto error_of = [&](const std::string& bytes) {
    Put(JournalFile(), bytes);
    Result<Manifest> m = ReadManifest(Env::Default(), LogDir());
    return m.ok() ? std::string("ok") : m.status().ToString();
  };
  const std::string at =
      "Corruption: " + JournalFile() + ": offset " + std::to_string(start.size()) + ": ";
  EXPECT_EQ(error_of(start + internal::EncodeCommitRecord(3, 4, p)),
            at + "generation 3 does not follow 1");
  LogPart overlap = p;
  overlap.first_seq = 2;
  EXPECT_EQ(error_of(start + internal::EncodeCommitRecord(2, 4, overlap)),
            at + "the part's seqs do not follow last_seq 2");
  LogPart same_file = p;
  same_file.file = "part-00000000000000000001.parquet";
  EXPECT_EQ(error_of(start + internal::EncodeCommitRecord(2, 4, same_file)),
            at + "names a file listed before");
  LogPart path = p;
  path.file = "../x.parquet";
  EXPECT_EQ(error_of(start + internal::EncodeCommitRecord(2, 4, path)),
            at + "the part is not a plain file name");
  EXPECT_EQ(error_of(internal::EncodeCommitRecord(2, 4, p)),
            "Corruption: " + JournalFile() +
                ": offset 0: the journal does not begin with a start record");
  EXPECT_EQ(error_of(start + internal::EncodeCommitRecord(2, 4, p)), "ok");
}

// A crash after a checkpoint's manifest.json but before its journal: the
// old journal's records are at or below the checkpoint and are skipped, and
// manifest.log.next makes the next writer checkpoint instead of appending.
TEST_F(JournalTest, CrashBetweenCheckpointAndJournalSkipsTheOldRecords) {
  FourCommits();
  const std::string old_journal = Slurp(JournalFile());
  // A checkpoint at generation 4 (what the fourth commit would write with
  // checkpoint_every 3), whose journal was not renamed yet.
  Manifest m = Read();
  Put(ManifestPath(LogDir()), ManifestToJson(m));
  Put(LogDir() + "/manifest.log.next", internal::EncodeStartRecord(4, 8));
  EXPECT_EQ(ManifestToJson(Read()), ManifestToJson(m));
  ASSERT_TRUE(Commit(100, 1).ok());
  Manifest after = Read();
  EXPECT_EQ(after.generation, 5);
  EXPECT_EQ(after.parts.back().first_seq, 9);
  EXPECT_FALSE(fs::exists(LogDir() + "/manifest.log.next"));
  EXPECT_EQ(Slurp(JournalFile()), internal::EncodeStartRecord(5, 9));
  EXPECT_NE(old_journal, Slurp(JournalFile()));
}

// A journal that follows a generation the checkpoint has not reached never
// comes from a crash (the journal is renamed after the checkpoint): after
// retrying (a reader racing a checkpoint) it is Corruption.
TEST_F(JournalTest, JournalAheadOfTheCheckpointIsCorruption) {
  ASSERT_TRUE(Commit(0, 2).ok());
  Put(JournalFile(), internal::EncodeStartRecord(3, 9));
  Result<Manifest> m = ReadManifest(Env::Default(), LogDir());
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().ToString(), "Corruption: " + JournalFile() +
                                       ": follows generation 3 but manifest.json is at "
                                       "generation 1");
}

// A log written before the journal (manifest.json alone, format_version 1)
// reads as before; the first commit checkpoints and starts a journal.
TEST_F(JournalTest, OldFormatLogIsReadAndContinued) {
  ASSERT_TRUE(Commit(0, 3).ok());
  ASSERT_TRUE(Commit(3, 2).ok());
  Manifest m = Read();
  const std::vector<std::string> rows = Data();
  fs::remove(JournalFile());
  std::string json = ManifestToJson(m);
  json.replace(json.find("\"format_version\": 2"), 19, "\"format_version\": 1");
  Put(ManifestPath(LogDir()), json);
  EXPECT_EQ(ManifestToJson(Read()), ManifestToJson(m));
  EXPECT_EQ(Data(), rows);
  ASSERT_TRUE(Commit(5, 1).ok());
  Manifest after = Read();
  EXPECT_EQ(after.generation, 3);
  EXPECT_EQ(after.last_seq, 6);
  EXPECT_EQ(Slurp(JournalFile()), internal::EncodeStartRecord(3, 6));
  EXPECT_NE(Slurp(ManifestPath(LogDir())).find("\"format_version\": 2"), std::string::npos);
  ASSERT_EQ(Data().size(), 6u);
}

// Every checkpoint_every commits the journal folds into the checkpoint.
TEST_F(JournalTest, CheckpointEveryNCommits) {
  for (int i = 0; i < 7; ++i) ASSERT_TRUE(Commit(i, 1, 3).ok());
  // Commit 1 checkpoints (new log), 2-4 append, 5 checkpoints, 6-7 append.
  Result<Manifest> checkpoint =
      ManifestFromJson(Slurp(ManifestPath(LogDir())), ManifestPath(LogDir()));
  ASSERT_TRUE(checkpoint.ok());
  EXPECT_EQ(checkpoint->generation, 5);
  Result<internal::Journal> j = internal::ParseJournal(Slurp(JournalFile()), JournalFile());
  ASSERT_TRUE(j.ok());
  EXPECT_EQ(j->base_generation, 5);
  EXPECT_EQ(j->commits.size(), 2u);
  EXPECT_EQ(Read().generation, 7);
}

// Readers (never locking) beside commits that checkpoint every other
// commit: every read succeeds, generations never go back, and each read's
// parts are the first N commits, every one of them on disk.
TEST_F(JournalTest, ReadersBesideCheckpointsSeeWholePrefixes) {
  constexpr int kCommits = 60;
  std::atomic<bool> writing{true};
  std::atomic<int> bad{0}, reads{0};
  std::string first_error;
  std::thread reader([&] {
    int64_t last_generation = 0;
    while (writing.load()) {
      Result<Manifest> m = ReadManifest(Env::Default(), LogDir());
      reads++;
      if (!m.ok()) {
        if (bad++ == 0) first_error = m.status().ToString();
        continue;
      }
      bool ok = m->generation >= last_generation &&
                m->generation == static_cast<int64_t>(m->parts.size());
      for (size_t i = 0; ok && i < m->parts.size(); ++i) {
        ok = m->parts[i].first_seq == static_cast<int64_t>(2 * i + 1) &&
             fs::exists(LogDir() + "/" + m->parts[i].file);
      }
      if (!ok && bad++ == 0) first_error = "a read out of order";
      last_generation = m->generation;
    }
  });
  for (int i = 0; i < kCommits; ++i) ASSERT_TRUE(Commit(2 * i, 2, 2).ok());
  writing = false;
  reader.join();
  EXPECT_EQ(bad.load(), 0) << first_error;
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(Read().generation, kCommits);
}

// The tiered policy: runs of `fanout` small parts of one tier.
TEST(NeedsCompactionTest, TiersOfFanout) {
  CompactionPolicy policy;
  policy.fanout = 4;
  policy.target_rows = 100;
  policy.retention_micros = 10;
  auto with_rows = [](std::vector<int64_t> rows) {
    Manifest m;
    for (int64_t n : rows) {
      LogPart p;
      p.num_rows = n;
      p.first_seq = m.last_seq + 1;
      p.last_seq = m.last_seq += n;
      m.parts.push_back(p);
    }
    return m;
  };
  EXPECT_FALSE(NeedsCompaction(with_rows({}), policy, 0));
  EXPECT_FALSE(NeedsCompaction(with_rows({1, 1, 1}), policy, 0));
  EXPECT_TRUE(NeedsCompaction(with_rows({1, 1, 1, 3}), policy, 0));   // tier 0: 1..3 rows
  EXPECT_FALSE(NeedsCompaction(with_rows({1, 1, 4, 1}), policy, 0));  // 4 is tier 1
  EXPECT_FALSE(NeedsCompaction(with_rows({4, 15, 5, 1, 1, 1}), policy, 0));
  EXPECT_TRUE(NeedsCompaction(with_rows({4, 15, 5, 6}), policy, 0));  // tier 1: 4..15
  // Parts of target_rows or more never merge; runs stop at target_rows.
  EXPECT_FALSE(NeedsCompaction(with_rows({100, 100, 100, 100}), policy, 0));
  EXPECT_FALSE(NeedsCompaction(with_rows({30, 30, 30, 30}), policy, 0));  // 120 > 100
  EXPECT_TRUE(NeedsCompaction(with_rows({64, 16, 16, 16, 16}), policy, 0));
  // A replaced file past the retention is work too.
  Manifest m = with_rows({200});
  m.replaced = {"old.parquet"};
  m.replaced_at = {50};
  EXPECT_FALSE(NeedsCompaction(m, policy, 59));
  EXPECT_TRUE(NeedsCompaction(m, policy, 60));
}

// Tiered compaction merges `fanout` one-row commits into a part of tier 1,
// and `fanout` of those into one of tier 2; NeedsCompaction agrees.
TEST_F(JournalTest, TieredCompactionLiftsPartsATierAtATime) {
  CompactionPolicy policy;
  policy.fanout = 3;
  CompactSpec spec;
  spec.log_dir = LogDir();
  spec.fanout = 3;
  auto sizes = [&] {
    std::vector<int64_t> out;
    for (const LogPart& p : Read().parts) out.push_back(p.num_rows);
    return out;
  };
  int64_t next = 0;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 2; ++i) ASSERT_TRUE(Commit(next++, 1).ok());
    EXPECT_FALSE(NeedsCompaction(Read(), policy, 0));
    ASSERT_TRUE(Commit(next++, 1).ok());
    EXPECT_TRUE(NeedsCompaction(Read(), policy, 0));
    Result<CompactResult> r = CompactLog(spec);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_TRUE(r->committed);
  }
  EXPECT_EQ(sizes(), (std::vector<int64_t>{3, 3, 3}));
  EXPECT_TRUE(NeedsCompaction(Read(), policy, 0));
  ASSERT_TRUE(CompactLog(spec).ok());
  EXPECT_EQ(sizes(), (std::vector<int64_t>{9}));
  EXPECT_FALSE(NeedsCompaction(Read(), policy, 0));
  Result<CompactResult> r = CompactLog(spec);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->committed);
  std::vector<std::string> rows = Data();
  ASSERT_EQ(rows.size(), 9u);
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_NE(rows[i].find("_ingest_seq=" + std::to_string(i + 1)), std::string::npos) << rows[i];
  }
}

// K random commits (checkpointing every few) and compactions: after each,
// the manifest read back equals a brute-force model's (parts with their
// seqs and rows; a compaction merges every run of two or more parts, the
// model replaces them by one and lists their files as replaced).
TEST_F(JournalTest, RandomCommitsAndCompactionsMatchABruteForceModel) {
  std::mt19937_64 rng(20261130);
  struct ModelPart {
    std::string file;
    int64_t first_seq, last_seq, num_rows;
  };
  std::vector<ModelPart> model;
  std::vector<std::string> replaced;
  int64_t last_seq = 0, generation = 0;
  for (int op = 0; op < 40; ++op) {
    SCOPED_TRACE("op " + std::to_string(op));
    if (rng() % 6 == 0) {
      CompactSpec spec;
      spec.log_dir = LogDir();
      Result<CompactResult> r = CompactLog(spec);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      if (model.size() >= 2) {
        for (const ModelPart& p : model) replaced.push_back(p.file);
        char name[80];
        std::snprintf(name, sizeof(name), "part-%020lld-%020lld.parquet",
                      static_cast<long long>(model.front().first_seq),
                      static_cast<long long>(model.back().last_seq));
        model = {{name, model.front().first_seq, model.back().last_seq, last_seq}};
        generation++;
      }
      EXPECT_EQ(r->committed, generation > 0 && r->parts_before >= 2);
    } else {
      const int64_t n = 1 + static_cast<int64_t>(rng() % 4);
      Result<LogPart> part = Commit(last_seq, n, 1 + static_cast<int64_t>(rng() % 4));
      ASSERT_TRUE(part.ok()) << part.status().ToString();
      char name[64];
      std::snprintf(name, sizeof(name), "part-%020lld.parquet",
                    static_cast<long long>(last_seq + 1));
      model.push_back({name, last_seq + 1, last_seq + n, n});
      last_seq += n;
      generation++;
    }
    Manifest m = Read();
    EXPECT_EQ(m.generation, generation);
    EXPECT_EQ(m.last_seq, last_seq);
    ASSERT_EQ(m.parts.size(), model.size());
    for (size_t i = 0; i < model.size(); ++i) {
      EXPECT_EQ(m.parts[i].file, model[i].file);
      EXPECT_EQ(m.parts[i].first_seq, model[i].first_seq);
      EXPECT_EQ(m.parts[i].last_seq, model[i].last_seq);
      EXPECT_EQ(m.parts[i].num_rows, model[i].num_rows);
    }
    EXPECT_EQ(m.replaced, replaced);
  }
  // And the rows: user i at seq i + 1, each once.
  std::vector<std::string> rows = Data();
  ASSERT_EQ(rows.size(), static_cast<size_t>(last_seq));
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].substr(0, rows[i].find(',')), "user_id=" + std::to_string(i)) << rows[i];
    EXPECT_NE(rows[i].find("_ingest_seq=" + std::to_string(i + 1)), std::string::npos);
  }
}

}  // namespace
}  // namespace tessera::offline

namespace tessera::offline {
namespace {

// ReadLogTail equals ReadManifest cut to the parts after `after`, for every
// `after`, across appends, checkpoints, compactions and a checkpoint left
// half done (manifest.log.next present: the journal may be stale).
class LogTailTest : public JournalTest {
 protected:
  void ExpectTailsMatchTheManifest(const std::string& when) {
    const Manifest m = Read();
    for (int64_t after = 0; after <= m.last_seq + 1; ++after) {
      Result<LogTail> tail = ReadLogTail(Env::Default(), LogDir(), after);
      ASSERT_TRUE(tail.ok()) << when << ": " << tail.status().ToString();
      EXPECT_EQ(tail->last_seq, m.last_seq) << when << " after " << after;
      EXPECT_EQ(tail->generation, m.generation) << when << " after " << after;
      std::vector<std::string> want;
      std::vector<std::string> got;
      for (const LogPart& p : m.parts) {
        if (p.last_seq > after) want.push_back(p.file);
      }
      for (const LogPart& p : tail->parts) got.push_back(p.file);
      EXPECT_EQ(got, want) << when << " after " << after;
    }
  }
};

TEST_F(LogTailTest, EqualsTheManifestCutAfterEverySeq) {
  ExpectTailsMatchTheManifest("no log");
  CompactSpec compact;
  compact.log_dir = LogDir();
  int64_t next = 0;
  for (int i = 0; i < 14; ++i) {
    ASSERT_TRUE(Commit(next, 1 + i % 3, 4).ok());
    next += 1 + i % 3;
    ExpectTailsMatchTheManifest("after commit " + std::to_string(i));
    if (i == 9) {
      ASSERT_TRUE(CompactLog(compact).ok());
      ExpectTailsMatchTheManifest("after a compaction");
    }
  }
  // A checkpoint that wrote manifest.json but not yet the new journal: the
  // old manifest.log is behind it.
  Manifest m = Read();
  ASSERT_TRUE(Commit(next, 2, 4).ok());
  const Manifest with = Read();
  Put(ManifestPath(LogDir()), ManifestToJson(with));
  Put(LogDir() + "/manifest.log.next", internal::EncodeStartRecord(with.generation, with.last_seq));
  Put(JournalFile(), internal::EncodeStartRecord(m.generation, m.last_seq));
  ExpectTailsMatchTheManifest("half-done checkpoint");
}

}  // namespace
}  // namespace tessera::offline
