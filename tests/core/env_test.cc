// The file layer: the POSIX Env, the errno mapping, the atomic output, the
// temp-file registry and the fault-injecting Env, each against exact
// expected files and messages.
#include "tessera/core/env.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tessera/core/atomic_file.h"
#include "tessera/core/fault_injection_env.h"
#include "tessera/core/io_error.h"
#include "tessera/core/temp_file_registry.h"

namespace tessera {
namespace {

namespace fs = std::filesystem;

class EnvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "tessera-env-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Path(const std::string& name) const { return dir_ + "/" + name; }
  void Put(const std::string& name, const std::string& text) {
    std::ofstream(Path(name), std::ios::binary) << text;
  }
  static std::string Slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::vector<std::string> Listing() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }

  std::string dir_;
};

TEST(ErrnoToStatusTest, CodesAndMessages) {
  Status st = ErrnoToStatus(ENOENT, "cannot open", "a.csv");
  EXPECT_TRUE(st.IsNotFound());
  EXPECT_EQ(st.message(), "cannot open 'a.csv': No such file or directory");
  st = ErrnoToStatus(ENOSPC, "cannot write", "b.parquet.tmp-x");
  EXPECT_TRUE(st.IsIOError());
  EXPECT_EQ(st.message(), "cannot write 'b.parquet.tmp-x': No space left on device");
  EXPECT_EQ(ErrnoToStatus(EACCES, "cannot create", "c").message(),
            "cannot create 'c': Permission denied");
  EXPECT_EQ(ErrnoToStatus(EROFS, "cannot create", "c").message(),
            "cannot create 'c': Read-only file system");
  EXPECT_EQ(ErrnoToStatus(EEXIST, "cannot create", "c").code(), StatusCode::kAlreadyExists);
}

TEST_F(EnvTest, MissingFileIsNotFoundForEveryKindOfOpen) {
  Env* env = Env::Default();
  const std::string want = "cannot open '" + Path("nope") + "': No such file or directory";
  auto seq = env->NewSequentialFile(Path("nope"));
  ASSERT_FALSE(seq.ok());
  EXPECT_TRUE(seq.status().IsNotFound());
  EXPECT_EQ(seq.status().message(), want);
  auto ra = env->NewRandomAccessFile(Path("nope"));
  ASSERT_FALSE(ra.ok());
  EXPECT_TRUE(ra.status().IsNotFound());
  EXPECT_EQ(ra.status().message(), want);
}

TEST_F(EnvTest, RandomAccessRefusesFolders) {
  auto ra = Env::Default()->NewRandomAccessFile(dir_);
  ASSERT_FALSE(ra.ok());
  EXPECT_EQ(ra.status().message(), "cannot open '" + dir_ + "': Is a directory");
}

TEST_F(EnvTest, WriteReadRenameListRemove) {
  Env* env = Env::Default();
  {
    auto w = env->NewWritableFile(Path("a"), CreateMode::kExclusive);
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    ASSERT_TRUE((*w)->Append("hello ").ok());
    ASSERT_TRUE((*w)->Append("world").ok());
    ASSERT_TRUE((*w)->Sync().ok());
    ASSERT_TRUE((*w)->Close().ok());
  }
  auto again = env->NewWritableFile(Path("a"), CreateMode::kExclusive);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(Slurp(Path("a")), "hello world");
  EXPECT_EQ(*env->GetFileSize(Path("a")), 11u);

  auto ra = env->NewRandomAccessFile(Path("a"));
  ASSERT_TRUE(ra.ok());
  uint8_t buf[5];
  ASSERT_TRUE((*ra)->Read(6, 5, buf).ok());
  EXPECT_EQ(std::string(reinterpret_cast<char*>(buf), 5), "world");
  Status past = (*ra)->Read(8, 5, buf);
  EXPECT_EQ(past.message(), "cannot read '" + Path("a") + "': unexpected end of file");

  ASSERT_TRUE(env->CreateDir(Path("sub")).ok());
  EXPECT_EQ(env->CreateDir(Path("sub")).code(), StatusCode::kAlreadyExists);
  ASSERT_TRUE(env->RenameFile(Path("a"), Path("b")).ok());
  EXPECT_EQ(*env->GetChildren(dir_), (std::vector<std::string>{"b", "sub"}));
  EXPECT_EQ(*ReadFileToString(env, Path("b")), "hello world");
  ASSERT_TRUE(env->SyncDir(dir_).ok());
  ASSERT_TRUE(env->RemoveFile(Path("b")).ok());
  EXPECT_FALSE(env->FileExists(Path("b")));
  EXPECT_TRUE(env->RemoveFile(Path("b")).IsNotFound());

  // Folders: renamed like files, removed only when empty.
  Put("sub/x", "x");
  ASSERT_TRUE(env->RenameFile(Path("sub"), Path("moved")).ok());
  EXPECT_EQ(*env->GetChildren(dir_), (std::vector<std::string>{"moved"}));
  EXPECT_EQ(env->RemoveDir(Path("moved")).message(),
            "cannot remove folder '" + Path("moved") + "': Directory not empty");
  ASSERT_TRUE(env->RemoveFile(Path("moved/x")).ok());
  ASSERT_TRUE(env->RemoveDir(Path("moved")).ok());
  EXPECT_TRUE(env->GetChildren(dir_)->empty());
  EXPECT_TRUE(env->RemoveDir(Path("moved")).IsNotFound());
}

TEST(ParentDirTest, Cases) {
  EXPECT_EQ(ParentDir("a.csv"), ".");
  EXPECT_EQ(ParentDir("/a.csv"), "/");
  EXPECT_EQ(ParentDir("x/y/a.csv"), "x/y");
}

TEST(ResolvePathTest, RelativeToTheRootAbsoluteAsIsBothNormalized) {
  EXPECT_EQ(ResolvePath("/repo", "data/offline"), "/repo/data/offline");
  EXPECT_EQ(ResolvePath("/repo/", "./data/../data/registry.db"), "/repo/data/registry.db");
  EXPECT_EQ(ResolvePath("/repo", "/srv/offline/"), "/srv/offline/");
  EXPECT_EQ(ResolvePath("/repo", "/srv/./x/../offline"), "/srv/offline");
  EXPECT_EQ(ResolvePath("rel", "a.csv"), "rel/a.csv");
}

TEST_F(EnvTest, AtomicWriterCommitReplacesAndLeavesNoTemp) {
  Put("out", "old contents");
  auto w = AtomicFileWriter::Create(Env::Default(), Path("out"));
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  const std::string temp = (*w)->temp_path();
  // OUT.tmp-XXXXXX, six characters of [0-9A-Za-z].
  ASSERT_EQ(temp.size(), Path("out").size() + 11);
  EXPECT_EQ(temp.substr(0, Path("out").size() + 5), Path("out") + ".tmp-");
  for (char c : temp.substr(temp.size() - 6)) EXPECT_TRUE(std::isalnum(c)) << temp;
  ASSERT_TRUE((*w)->Append("new ").ok());
  ASSERT_TRUE((*w)->Append(std::string(3 << 20, 'x')).ok());  // bypasses the buffer
  EXPECT_EQ(Slurp(Path("out")), "old contents");              // untouched until Commit
  ASSERT_TRUE((*w)->Commit().ok());
  EXPECT_EQ(Slurp(Path("out")), "new " + std::string(3 << 20, 'x'));
  EXPECT_EQ(Listing(), (std::vector<std::string>{"out"}));
}

TEST_F(EnvTest, AtomicWriterDestroyedWithoutCommitRemovesTemp) {
  Put("out", "old");
  {
    auto w = AtomicFileWriter::Create(Env::Default(), Path("out"));
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Append("partial").ok());
    EXPECT_EQ(Listing().size(), 2u);
  }
  EXPECT_EQ(Listing(), (std::vector<std::string>{"out"}));
  EXPECT_EQ(Slurp(Path("out")), "old");
}

TEST_F(EnvTest, StaleTempFilesDoNotTripALaterWriter) {
  // What a SIGKILLed run leaves: temp files with other suffixes.
  Put("out.tmp-AAAAAA", "stale");
  Put("out.tmp-", "stale");
  for (int i = 0; i < 20; ++i) {
    auto w = AtomicFileWriter::Create(Env::Default(), Path("out"));
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    ASSERT_TRUE((*w)->Append("v" + std::to_string(i)).ok());
    ASSERT_TRUE((*w)->Commit().ok());
  }
  EXPECT_EQ(Slurp(Path("out")), "v19");
  EXPECT_EQ(Listing(), (std::vector<std::string>{"out", "out.tmp-", "out.tmp-AAAAAA"}));
}

TEST_F(EnvTest, CreateInMissingFolderNamesTheTempFile) {
  auto w = AtomicFileWriter::Create(Env::Default(), Path("no/out"));
  ASSERT_FALSE(w.ok());
  EXPECT_TRUE(w.status().IsNotFound());
  const std::string prefix = "cannot create '" + Path("no/out.tmp-");
  EXPECT_EQ(w.status().message().substr(0, prefix.size()), prefix);
  EXPECT_TRUE(w.status().message().ends_with("': No such file or directory"))
      << w.status().message();
}

TEST_F(EnvTest, SignalCleanupRemovesLiveTempFilesOnly) {
  auto w = AtomicFileWriter::Create(Env::Default(), Path("out"));
  ASSERT_TRUE(w.ok());
  auto done = AtomicFileWriter::Create(Env::Default(), Path("done"));
  ASSERT_TRUE(done.ok());
  ASSERT_TRUE((*done)->Append("d").ok());
  ASSERT_TRUE((*done)->Commit().ok());
  EXPECT_EQ(Listing().size(), 2u);  // done + out's temp
  RemoveRegisteredTempFiles();      // what the signal handler does
  EXPECT_EQ(Listing(), (std::vector<std::string>{"done"}));
  (*w)->Abandon();  // its temp is already gone: no error, nothing else removed
  EXPECT_EQ(Listing(), (std::vector<std::string>{"done"}));
}

// --- fault injection ---

TEST_F(EnvTest, PolicyFailsTheKthCallOnce) {
  FaultPolicy policy;
  FaultInjectionEnv env(Env::Default(), &policy);
  Put("in", "abc");
  policy.FailCallNumber(2, EIO);
  auto f = env.NewSequentialFile(Path("in"));  // call 1
  ASSERT_TRUE(f.ok());
  char buf[8];
  auto r = (*f)->Read(8, buf);  // call 2
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "cannot read '" + Path("in") + "': Input/output error");
  EXPECT_TRUE(policy.injected());
  EXPECT_EQ(policy.injected_call(), 2);
  EXPECT_EQ(policy.injected_op(), IoOp::kRead);
  auto again = (*f)->Read(8, buf);  // call 3 proceeds
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 3u);
  EXPECT_EQ(policy.calls(), 3);
}

TEST_F(EnvTest, FullDiskWritesWhatFitsThenFails) {
  FaultPolicy policy;
  FaultInjectionEnv env(Env::Default(), &policy);
  policy.SetSpaceLimit(5);
  auto f = env.NewWritableFile(Path("o"), CreateMode::kTruncate);
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE((*f)->Append("abc").ok());
  Status st = (*f)->Append("defg");
  EXPECT_EQ(st.message(), "cannot write '" + Path("o") + "': No space left on device");
  ASSERT_TRUE((*f)->Close().ok());
  EXPECT_EQ(Slurp(Path("o")), "abcde");
}

TEST_F(EnvTest, CrashDropsUnsyncedDataAndUndoesUnsyncedRenames) {
  FaultPolicy policy;
  FaultInjectionEnv env(Env::Default(), &policy);
  Put("out", "old");
  {
    auto w = AtomicFileWriter::Create(&env, Path("out"));
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Append("new").ok());
    // Calls of Commit: write, sync, close, rename, sync folder. The process
    // dies at the folder sync: the rename may not have reached the disk.
    policy.CrashAtCall(5);
    Status st = (*w)->Commit();
    EXPECT_EQ(policy.injected_op(), IoOp::kSyncDir);
    EXPECT_FALSE(st.ok());
  }
  EXPECT_EQ(Slurp(Path("out")), "new");
  ASSERT_TRUE(env.SimulateCrash().ok());
  EXPECT_EQ(Slurp(Path("out")), "old");
  // The temp file is back under its name, whole (it was synced).
  std::vector<std::string> names = Listing();
  ASSERT_EQ(names.size(), 2u);
  EXPECT_EQ(Slurp(Path(names[1])), "new");

  // Unsynced bytes vanish.
  policy.Reset();
  auto f = env.NewWritableFile(Path("log"), CreateMode::kTruncate);
  ASSERT_TRUE((*f)->Append("synced").ok());
  ASSERT_TRUE((*f)->Sync().ok());
  ASSERT_TRUE((*f)->Append(" lost").ok());
  ASSERT_TRUE((*f)->Close().ok());
  f->reset();
  ASSERT_TRUE(env.SimulateCrash().ok());
  EXPECT_EQ(Slurp(Path("log")), "synced");
}

TEST_F(EnvTest, AppendModeKeepsTheFileAndACrashCutsBackToTheSyncedBytes) {
  Put("log", "old|");
  FaultPolicy policy;
  FaultInjectionEnv env(Env::Default(), &policy);
  {
    auto f = env.NewWritableFile(Path("log"), CreateMode::kAppend);
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    ASSERT_TRUE((*f)->Append("one|").ok());
    ASSERT_TRUE((*f)->Sync().ok());
    ASSERT_TRUE((*f)->Close().ok());
  }
  {
    auto f = env.NewWritableFile(Path("log"), CreateMode::kAppend);
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE((*f)->Append("two").ok());  // never synced
    ASSERT_TRUE((*f)->Close().ok());
  }
  EXPECT_EQ(Slurp(Path("log")), "old|one|two");
  ASSERT_TRUE(env.SimulateCrash().ok());
  EXPECT_EQ(Slurp(Path("log")), "old|one|");
  // A missing file is created.
  auto f = Env::Default()->NewWritableFile(Path("new"), CreateMode::kAppend);
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE((*f)->Append("x").ok());
  ASSERT_TRUE((*f)->Close().ok());
  EXPECT_EQ(Slurp(Path("new")), "x");
}

TEST_F(EnvTest, AtomicWriterUnderEveryFaultLeavesOldFileAndNoTemp) {
  Put("out", "old");
  FaultPolicy policy;
  FaultInjectionEnv env(Env::Default(), &policy);
  auto run = [&]() -> Status {
    TS_ASSIGN_OR_RETURN(auto w, AtomicFileWriter::Create(&env, Path("out")));
    TS_RETURN_NOT_OK(w->Append("new"));
    return w->Commit();
  };
  ASSERT_TRUE(run().ok());
  const int64_t n = policy.calls();
  EXPECT_EQ(n, 6);  // create, write, sync, close, rename, sync folder
  for (int64_t k = 1; k <= n; ++k) {
    Put("out", "old");
    policy.Reset();
    policy.FailCallNumber(k, EIO);
    Status st = run();
    ASSERT_TRUE(policy.injected()) << k;
    EXPECT_FALSE(st.ok()) << k;
    const bool renamed = policy.injected_op() == IoOp::kSyncDir;
    EXPECT_EQ(Slurp(Path("out")), renamed ? "new" : "old") << k;
    EXPECT_EQ(Listing(), (std::vector<std::string>{"out"})) << k;
  }
}

}  // namespace
}  // namespace tessera
