// `tessera ingest` and `tessera compact` through the real binary: what they
// print, exit codes, a rejected file leaving the store byte for byte as it
// was, and compaction keeping the log's rows.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "scratch_cli_test.h"

namespace tessera::cli_test {
namespace {

namespace fs = std::filesystem;

// Every file under `root` with its bytes.
std::map<std::string, std::string> Tree(const std::string& root) {
  std::map<std::string, std::string> out;
  std::error_code ec;
  if (!fs::exists(root, ec)) return out;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::end(it); ++it) {
    std::ifstream in(it->path(), std::ios::binary);
    std::ostringstream s;
    if (it->is_regular_file()) s << in.rdbuf();
    out[fs::relative(it->path(), root).string()] = it->is_directory() ? "<dir>" : s.str();
  }
  return out;
}

class IngestCliTest : public ScratchCliTest {
 protected:
  void SetUp() override {
    ScratchCliTest::SetUp();
    fs::create_directories(Path("repo/features"));
    fs::create_directories(Path("repo/data"));
    Write("repo/tessera.yaml", "project: shop\n");
    Write("repo/features/defs.yaml",
          "entities:\n  - name: user\n    join_keys: [{name: user_id, type: int64}]\n"
          "sources:\n  - name: orders\n    kind: batch\n    path: data/orders.csv\n"
          "    timestamp_field: ts\n"
          "  - name: orders_push\n    kind: push\n    batch_source: orders\n"
          "feature_views:\n  - name: v\n    entities: [user]\n    source: orders\n"
          "    features:\n      - {name: amount, type: double}\n");
    Write("repo/data/orders.csv", "user_id,ts,amount\n1,2024-03-01T00:00:00Z,1.5\n");
    Write("a.csv",
          "user_id,ts,amount,coupon\n"
          "7,2024-03-02T00:00:00Z,2.5,X\n"
          "8,2024-03-03T00:00:00Z,3.5,Y\n");
    // Rows are checked against the applied definitions.
    CliResult applied = Run({"-r", "repo", "apply"});
    ASSERT_EQ(applied.exit_code, 0) << applied.err;
  }
  std::string Offline() const { return Path("repo/data/offline"); }
};

TEST_F(IngestCliTest, IngestBeforeApplyIsAnErrorAndWritesNothing) {
  fs::remove(Path("repo/data/registry.db"));
  CliResult r = Run({"ingest", "orders", "a.csv", "--repo", "repo"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "error: registry 'data/registry.db' does not exist yet: run tessera apply first\n");
  EXPECT_FALSE(fs::exists(Offline()));
}

TEST_F(IngestCliTest, IngestPrintsRowsAndSeqRange) {
  CliResult r = Run({"ingest", "orders", "a.csv", "--repo", "repo"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "ingested 2 rows into source 'orders', _ingest_seq 1..2\n"
            "not logged (not columns of the source): coupon\n");
  EXPECT_EQ(r.err, "");
  r = Run({"-r", "repo", "ingest", "orders_push", "a.csv", "a.csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "ingested 4 rows into source 'orders' (the log of push source 'orders_push'), "
            "_ingest_seq 3..6\n"
            "not logged (not columns of the source): coupon\n");
  EXPECT_TRUE(fs::exists(Offline() + "/shop/sources/orders/part-00000000000000000003.parquet"));
}

TEST_F(IngestCliTest, RejectedFileLeavesTheStoreUnchanged) {
  ASSERT_EQ(Run({"ingest", "orders", "a.csv", "--repo", "repo"}).exit_code, 0);
  Write("bad.csv",
        "user_id,ts,amount\n"
        "1,2024-03-02T00:00:00Z,1\n"
        ",2024-03-02T00:00:00Z,2\n"
        "3,2024-03-02T00:00:00Z,3\n");
  const auto before = Tree(Path("repo"));
  CliResult r = Run({"ingest", "orders", "a.csv", "bad.csv", "--repo", "repo"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "error: bad.csv:3:user_id: null, but it is a join key of view 'v' and may not be "
            "null\n");
  EXPECT_EQ(Tree(Path("repo")), before);
}

TEST_F(IngestCliTest, UnknownSourceAndMissingArguments) {
  CliResult r = Run({"ingest", "order", "a.csv", "--repo", "repo"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "error: no source 'order' in the definitions (did you mean 'orders'?)\n");
  r = Run({"ingest", "orders", "--repo", "repo"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("FILE is required"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(Offline()));
}

TEST_F(IngestCliTest, CompactKeepsTheRowsAndSaysWhatItDid) {
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(Run({"ingest", "orders", "a.csv", "-r", "repo"}).exit_code, 0);
  // Reading the log with `tessera convert` of each part is not needed: the
  // parts' bytes are compared through a second, uncompacted log below.
  CliResult r = Run({"compact", "--repo", "repo"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "source 'orders': 3 parts -> 1\n"
            "feature view 'v' v1: derived files rebuilt (7 rows)\n");
  r = Run({"compact", "orders_push", "--repo", "repo"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // The 3 replaced parts stay for an hour (readers of the old manifest).
  EXPECT_EQ(r.out,
            "source 'orders': 1 part, nothing to compact\n"
            "feature view 'v' v1: derived files up to date (7 rows)\n");
  EXPECT_TRUE(
      fs::exists(Path("repo/data/offline/shop/sources/orders/part-00000000000000000001.parquet")));
  r = Run({"compact", "orders", "--repo", "repo"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "source 'orders': 1 part, nothing to compact\n"
            "feature view 'v' v1: derived files up to date (7 rows)\n");
  // The merged part holds the 6 rows in order: convert it to CSV.
  r = Run({"convert",
           "repo/data/offline/shop/sources/orders/"
           "part-00000000000000000001-00000000000000000006.parquet",
           "merged.csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string csv = Slurp("merged.csv");
  std::istringstream lines(csv);
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line, "user_id,ts,amount,_ingest_seq,_committed_at");
  for (int seq = 1; seq <= 6; ++seq) {
    ASSERT_TRUE(std::getline(lines, line));
    std::string expected =
        (seq % 2 ? "7,2024-03-02T00:00:00.000000Z,2.5," : "8,2024-03-03T00:00:00.000000Z,3.5,") +
        std::to_string(seq) + ",";
    EXPECT_EQ(line.substr(0, expected.size()), expected);
  }
}

}  // namespace
}  // namespace tessera::cli_test
