// `tessera materialize` and `tessera materialize-incremental` through the
// real binary: what they print, exit codes (2 for a bad command line, 1 for
// a refused run), refused runs leaving the repo byte for byte as it was,
// and the interval records an incremental run continues from.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "scratch_cli_test.h"
#include "tessera/core/time.h"
#include "tessera/registry/registry.h"

namespace tessera::cli_test {
namespace {

namespace fs = std::filesystem;

std::map<std::string, std::string> Tree(const std::string& root) {
  std::map<std::string, std::string> out;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::end(it); ++it) {
    std::ifstream in(it->path(), std::ios::binary);
    std::ostringstream s;
    if (it->is_regular_file()) s << in.rdbuf();
    out[fs::relative(it->path(), root).string()] = it->is_directory() ? "<dir>" : s.str();
  }
  return out;
}

class MaterializeCliTest : public ScratchCliTest {
 protected:
  void SetUp() override {
    ScratchCliTest::SetUp();
    fs::create_directories(Path("repo/features"));
    fs::create_directories(Path("repo/data"));
    Write("repo/tessera.yaml", "project: shop\n");  // RocksDB at data/online
    Write("repo/features/defs.yaml",
          "entities:\n  - name: user\n    join_keys: [{name: user_id, type: int64}]\n"
          "sources:\n  - name: orders\n    kind: batch\n    path: data/orders.csv\n"
          "    timestamp_field: ts\n"
          "feature_views:\n  - name: v\n    entities: [user]\n    source: orders\n"
          "    features:\n      - {name: amount, type: double}\n"
          "  - name: w\n    entities: [user]\n    source: orders\n"
          "    aggregations:\n      - {column: amount, function: sum, windows: [1h]}\n");
    Write("repo/data/orders.csv",
          "user_id,ts,amount\n1,2024-03-01T00:00:00Z,1.5\n2,2024-03-02T00:00:00Z,2.5\n"
          "1,2024-03-03T00:00:00Z,3.5\n");
    CliResult applied = Run({"-r", "repo", "apply"});
    ASSERT_EQ(applied.exit_code, 0) << applied.err;
  }
};

TEST_F(MaterializeCliTest, MaterializePrintsEachView) {
  CliResult r = Run({"-r", "repo", "materialize", "2024-02-01", "2024-03-02T12:00:00Z"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Every online view: v over (START, END], then the aggregated w rebuilt
  // at now (its line names now, so only its shape is checked).
  const std::string v_line =
      "v v1: (2024-02-01T00:00:00.000000Z, 2024-03-02T12:00:00.000000Z], 3 rows scanned, "
      "2 online rows written\n";
  ASSERT_EQ(r.out.substr(0, v_line.size()), v_line);
  const std::string w_line = r.out.substr(v_line.size());
  EXPECT_EQ(w_line.substr(0, 7), "w v1: (");
  EXPECT_NE(w_line.find("], 0 rows scanned, 0 online rows written\n"), std::string::npos) << w_line;
  EXPECT_EQ(r.err, "");  // no progress: stderr is not a terminal
  EXPECT_TRUE(fs::exists(Path("repo/data/online")));
}

TEST_F(MaterializeCliTest, IncrementalContinuesFromTheLastEnd) {
  CliResult r = Run({"materialize-incremental", "2024-03-02", "--repo", "repo", "--views", "v"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "v v1: (2024-02-29T23:59:59.999999Z, 2024-03-02T00:00:00.000000Z], 3 rows scanned, "
            "2 online rows written\n");
  r = Run({"materialize-incremental", "2024-03-04", "--repo", "repo", "--quiet", "--views", "v"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "v v1: (2024-03-02T00:00:00.000000Z, 2024-03-04T00:00:00.000000Z], 3 rows scanned, "
            "1 online row written\n");
  registry::RegistryOptions options;
  options.read_only = true;
  auto reg = registry::Registry::Open(Path("repo/data/registry.db"), options);
  ASSERT_TRUE(reg.ok()) << reg.status().ToString();
  auto records = (*reg)->MaterializedViews();
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ((*records)[0].intervals.size(), 1u);
  EXPECT_EQ(FormatTimestamp((*records)[0].intervals[0].second), "2024-03-04T00:00:00.000000Z");
  reg->reset();

  const auto before = Tree(Path("repo"));
  r = Run({"materialize-incremental", "2024-03-04", "--repo", "repo"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "error: feature view 'v' (version 1) is materialized up to "
            "2024-03-04T00:00:00.000000Z; END 2024-03-04T00:00:00.000000Z must be later\n");
  EXPECT_EQ(Tree(Path("repo")), before);
}

TEST_F(MaterializeCliTest, BadCommandLinesAreUsageErrors) {
  const auto before = Tree(Path("repo"));
  CliResult r = Run({"-r", "repo", "materialize", "yesterday", "2024-03-02"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "error: START: invalid timestamp 'yesterday': expected YYYY-MM-DD (RFC 3339, e.g. "
            "2024-03-01T00:00:00Z)\n");
  r = Run({"-r", "repo", "materialize", "2024-03-02", "2024-03-01"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "error: END 2024-03-01T00:00:00.000000Z is not after START "
            "2024-03-02T00:00:00.000000Z\n");
  r = Run({"-r", "repo", "materialize", "2024-03-01"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("END is required"), std::string::npos) << r.err;
  r = Run({"-r", "repo", "materialize", "2024-03-01", "2024-03-02", "--views", ","});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "error: --views names no feature view\n");
  EXPECT_EQ(Tree(Path("repo")), before);
}

TEST_F(MaterializeCliTest, RefusedViewsChangeNothing) {
  const auto before = Tree(Path("repo"));
  CliResult r = Run({"-r", "repo", "materialize", "2024-03-01", "2024-03-02", "--views", "vv"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "error: no feature view named 'vv' (did you mean 'v'?)\n");
  EXPECT_EQ(Tree(Path("repo")), before);
  EXPECT_FALSE(fs::exists(Path("repo/data/online")));
}

TEST_F(MaterializeCliTest, HelpNamesTheArguments) {
  CliResult r = Run({"materialize", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("Usage: tessera materialize [OPTIONS] START END"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("--views"), std::string::npos);
  r = Run({"materialize-incremental", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("Usage: tessera materialize-incremental [OPTIONS] END"), std::string::npos)
      << r.out;
}

}  // namespace
}  // namespace tessera::cli_test
