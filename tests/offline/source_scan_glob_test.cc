// MatchSourceFiles and core/file_glob.h: which files a source path or glob
// names, in byte order of the path, through the Env.
#include <gtest/gtest.h>

#include <algorithm>

#include "source_scan_test_util.h"
#include "tessera/core/file_glob.h"
#include "tessera/offline/source_scan.h"

namespace tessera::offline {
namespace {

using testing::ScratchRepo;

TEST(GlobMatchNameTest, Wildcards) {
  EXPECT_TRUE(GlobMatchName("*.parquet", "a.parquet"));
  EXPECT_TRUE(GlobMatchName("*.parquet", ".parquet"));
  EXPECT_FALSE(GlobMatchName("*.parquet", "a.parquet.tmp-x1"));
  EXPECT_TRUE(GlobMatchName("part-?.csv", "part-7.csv"));
  EXPECT_FALSE(GlobMatchName("part-?.csv", "part-17.csv"));
  EXPECT_TRUE(GlobMatchName("*a*b*c", "xxaybzzc"));
  EXPECT_FALSE(GlobMatchName("*a*b*c", "xxaybzzcd"));
  EXPECT_TRUE(GlobMatchName("[ab]x", "bx"));
  EXPECT_FALSE(GlobMatchName("[ab]x", "cx"));
  EXPECT_TRUE(GlobMatchName("[a-c][!0-9]", "bz"));
  EXPECT_FALSE(GlobMatchName("[a-c][!0-9]", "b5"));
  EXPECT_TRUE(GlobMatchName("[^x]", "y"));
  EXPECT_TRUE(GlobMatchName("[]]", "]"));
  EXPECT_TRUE(GlobMatchName("a[b", "a[b"));  // unclosed: literal
  EXPECT_TRUE(GlobMatchName("", ""));
  EXPECT_FALSE(GlobMatchName("", "a"));
  EXPECT_TRUE(GlobMatchName("**", "abc"));
}

TEST(MatchSourceFilesTest, GlobInByteOrderOfThePath) {
  ScratchRepo repo;
  // Written out of order; byte order puts 'B' before 'a' and "dt=10" before "dt=2".
  std::vector<std::string> written = {"data/dt=2/p.parquet", "data/dt=10/p.parquet",
                                      "data/dt=1/p.parquet", "data/dt=1/B.parquet",
                                      "data/dt=1/a.parquet"};
  for (const std::string& f : written) repo.WriteText(f, "x");
  repo.WriteText("data/dt=1/.hidden.parquet", "x");       // hidden: never matched by a wildcard
  repo.WriteText("data/dt=1/a.parquet.tmp-abc123", "x");  // a writer's temporary file
  repo.WriteText("data/dt=3/notes.txt", "x");
  std::filesystem::create_directories(repo.Path("data/dt=4/sub.parquet"));  // a folder

  std::vector<std::string> expected = written;
  std::sort(expected.begin(), expected.end());
  auto files = MatchSourceFiles(repo.root(), "data/*/*.parquet", Env::Default());
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  EXPECT_EQ(*files, expected);

  files = MatchSourceFiles(repo.root(), "data/dt=1/[aB].parquet", Env::Default());
  ASSERT_TRUE(files.ok());
  EXPECT_EQ(*files, (std::vector<std::string>{"data/dt=1/B.parquet", "data/dt=1/a.parquet"}));

  files = MatchSourceFiles(repo.root(), "data/dt=?/p.parquet", Env::Default());
  ASSERT_TRUE(files.ok());
  EXPECT_EQ(*files, (std::vector<std::string>{"data/dt=1/p.parquet", "data/dt=2/p.parquet"}));
}

TEST(MatchSourceFilesTest, DoubleStarMatchesAnyDepthIncludingNone) {
  ScratchRepo repo;
  for (const char* f : {"d/x.csv", "d/a/x.csv", "d/a/b/c/x.csv", "d/a/y.parquet", "d/.h/x.csv"}) {
    repo.WriteText(f, "x");
  }
  auto files = MatchSourceFiles(repo.root(), "d/**/x.csv", Env::Default());
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  EXPECT_EQ(*files, (std::vector<std::string>{"d/a/b/c/x.csv", "d/a/x.csv", "d/x.csv"}));
  files = MatchSourceFiles(repo.root(), "d/**", Env::Default());
  ASSERT_TRUE(files.ok());
  EXPECT_EQ(*files,
            (std::vector<std::string>{"d/a/b/c/x.csv", "d/a/x.csv", "d/a/y.parquet", "d/x.csv"}));
}

TEST(MatchSourceFilesTest, AbsolutePatternGivesAbsolutePaths) {
  ScratchRepo repo;
  repo.WriteText("d/one.csv", "x");
  auto files = MatchSourceFiles("/nonexistent-root", repo.Path("d/*.csv"), Env::Default());
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  EXPECT_EQ(*files, std::vector<std::string>{repo.Path("d/one.csv")});
}

TEST(MatchSourceFilesTest, EmptyGlobIsEmptyMissingPlainPathIsNotFound) {
  ScratchRepo repo;
  repo.WriteText("d/one.csv", "x");
  auto files = MatchSourceFiles(repo.root(), "d/*.parquet", Env::Default());
  ASSERT_TRUE(files.ok());
  EXPECT_TRUE(files->empty());
  files = MatchSourceFiles(repo.root(), "nowhere/*/*.parquet", Env::Default());
  ASSERT_TRUE(files.ok());
  EXPECT_TRUE(files->empty());

  files = MatchSourceFiles(repo.root(), "d/two.csv", Env::Default());
  ASSERT_FALSE(files.ok());
  EXPECT_TRUE(files.status().IsNotFound());
  EXPECT_EQ(files.status().message(), "file 'd/two.csv' does not exist");

  files = MatchSourceFiles(repo.root(), "d", Env::Default());
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.status().message(),
            "'d' is a folder; a glob such as 'd/*.parquet' reads its files");

  files = MatchSourceFiles(repo.root(), "d/one.csv", Env::Default());
  ASSERT_TRUE(files.ok());
  EXPECT_EQ(*files, std::vector<std::string>{"d/one.csv"});
}

// An Env whose listing of one folder fails with an I/O error.
class FailingListEnv : public EnvWrapper {
 public:
  FailingListEnv(Env* target, std::string dir) : EnvWrapper(target), dir_(std::move(dir)) {}
  Result<std::vector<std::string>> GetChildren(const std::string& dir) override {
    if (dir == dir_) return Status::IOError("cannot list folder '" + dir + "': Input/output error");
    return EnvWrapper::GetChildren(dir);
  }

 private:
  std::string dir_;
};

TEST(MatchSourceFilesTest, AFailingListingIsAnErrorNotFewerFiles) {
  ScratchRepo repo;
  repo.WriteText("d/a/x.csv", "x");
  repo.WriteText("d/b/x.csv", "x");
  FailingListEnv env(Env::Default(), repo.Path("d/b"));
  auto files = MatchSourceFiles(repo.root(), "d/*/*.csv", &env);
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.status().message(),
            "cannot list folder '" + repo.Path("d/b") + "': Input/output error");
}

}  // namespace
}  // namespace tessera::offline
