// Failure paths of `tessera init` (WriteScaffold through a FaultInjectionEnv):
// a clean run learns the number of I/O calls N; then for k = 1..N call k
// fails (EIO, ENOSPC, EACCES, EROFS in turn), and the folder holding the
// target must be exactly as before (every path and every byte), with a
// one-line error that does not name the temporary folder. A crash at each
// call must leave the target absent or complete, and a later init must work
// despite the stale temporary folder. Three starting points: the target is
// missing, its parents are missing too, or it is an existing empty folder.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "tessera/cli/scaffold.h"
#include "tessera/core/fault_injection_env.h"

namespace tessera::cli {
namespace {

namespace fs = std::filesystem;

// Relative path -> contents; a folder is "name/" -> "".
using Tree = std::map<std::string, std::string>;

Tree Snapshot(const fs::path& root) {
  Tree tree;
  if (!fs::exists(root)) return tree;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    std::string rel = fs::relative(e.path(), root).string();
    if (e.is_directory()) {
      tree[rel + "/"] = "";
    } else {
      std::ifstream in(e.path(), std::ios::binary);
      std::ostringstream s;
      s << in.rdbuf();
      tree[rel] = s.str();
    }
  }
  return tree;
}

// What a complete scaffold of project `project` under `prefix` looks like:
// each file with its contents, and each folder on the way.
Tree Complete(const std::string& prefix, const std::string& project) {
  Tree tree;
  for (const ScaffoldFile& f : ScaffoldFiles(project)) {
    tree[prefix + f.path] = f.contents;
    for (size_t s = f.path.find('/'); s != std::string::npos; s = f.path.find('/', s + 1)) {
      tree[prefix + f.path.substr(0, s + 1)] = "";
    }
  }
  return tree;
}

struct Case {
  const char* name;
  const char* target;  // below the scratch folder
  bool exists;         // an empty folder already
};

class InitFailureTest : public testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("tessera_init_failure_" + std::to_string(::getpid()) + "_" + GetParam().name);
    fs::remove_all(root_);
    fs::create_directories(root_);
    target_ = (root_ / GetParam().target).string();
  }
  void TearDown() override { fs::remove_all(root_); }

  // The "before" state of the scratch folder.
  void Prepare() {
    for (const auto& e : fs::directory_iterator(root_)) fs::remove_all(e.path());
    if (GetParam().exists) fs::create_directories(target_);
  }
  // The scratch folder holding a complete scaffold at the target.
  Tree Done() const {
    Tree want;
    const std::string rel = fs::relative(target_, root_).string();
    for (size_t s = rel.find('/'); s != std::string::npos; s = rel.find('/', s + 1)) {
      want[rel.substr(0, s + 1)] = "";
    }
    want[rel + "/"] = "";
    want.merge(Complete(rel + "/", "my_repo"));
    return want;
  }

  fs::path root_;
  std::string target_;
};

TEST_P(InitFailureTest, FaultAtEveryCallChangesNothing) {
  FaultPolicy policy;
  FaultInjectionEnv env(Env::Default(), &policy);
  Prepare();
  Status clean = WriteScaffold(&env, target_);
  ASSERT_TRUE(clean.ok()) << clean.ToString();
  ASSERT_EQ(Snapshot(root_), Done());
  const int64_t n = policy.calls();
  ASSERT_GT(n, 30);  // 7 files of 4 calls each, and the folders
  RecordProperty("io_calls", static_cast<int>(n));

  const int errnos[] = {EIO, ENOSPC, EACCES, EROFS};
  for (int64_t k = 1; k <= n; ++k) {
    Prepare();
    const Tree before = Snapshot(root_);
    policy.Reset();
    policy.FailCallNumber(k, errnos[k % 4]);
    Status st = WriteScaffold(&env, target_);
    ASSERT_TRUE(policy.injected()) << "call " << k;
    const std::string where = "call " + std::to_string(k) + " of " + std::to_string(n) + " (" +
                              IoOpName(policy.injected_op()) + " " + policy.injected_path() + ")";
    ASSERT_FALSE(st.ok()) << where << " was swallowed";
    EXPECT_EQ(st.message().find('\n'), std::string::npos) << where << ": " << st.message();
    EXPECT_EQ(st.message().find(".tmp-"), std::string::npos) << where << ": " << st.message();
    EXPECT_NE(st.message().find(target_), std::string::npos) << where << ": " << st.message();
    EXPECT_EQ(Snapshot(root_), before) << where << ": " << st.message();
    // Moving into place or removing the temporary folder: said in the
    // user's terms, not "cannot rename 'x' to 'x'".
    const std::string reason = std::strerror(errnos[k % 4]);
    if (policy.injected_op() == IoOp::kRename) {
      EXPECT_EQ(st.message(), "cannot create '" + policy.injected_path() + "': " + reason);
    } else if (policy.injected_op() == IoOp::kRemove) {
      EXPECT_EQ(st.message(), "cannot create '" + target_ + "': " + reason);
    }
  }
}

// A full disk at several points: the same "nothing changed".
TEST_P(InitFailureTest, FullDiskChangesNothing) {
  int64_t total = 0;
  for (const ScaffoldFile& f : ScaffoldFiles("my_repo")) total += f.contents.size();
  FaultPolicy policy;
  FaultInjectionEnv env(Env::Default(), &policy);
  for (int64_t limit : {int64_t{0}, int64_t{1}, total / 2, total - 1}) {
    Prepare();
    const Tree before = Snapshot(root_);
    policy.Reset();
    policy.SetSpaceLimit(limit);
    Status st = WriteScaffold(&env, target_);
    ASSERT_FALSE(st.ok()) << "limit " << limit;
    EXPECT_NE(st.message().find("No space left on device"), std::string::npos) << st.message();
    EXPECT_EQ(Snapshot(root_), before) << "limit " << limit << ": " << st.message();
  }
}

// A crash at each call of a new folder's init: the last call is the sync of
// the folder holding the target, so a crash at any call leaves the rename
// into place undone and the target absent, never part (a stale temporary
// folder may stay); a later init still works. (An existing empty folder is filled by
// several renames; a crash among them can leave some: see scaffold.h.)
class InitCrashTest : public InitFailureTest {};

TEST_P(InitCrashTest, CrashLeavesTheTargetAbsent) {
  FaultPolicy policy;
  FaultInjectionEnv env(Env::Default(), &policy);
  Prepare();
  ASSERT_TRUE(WriteScaffold(&env, target_).ok());
  const int64_t n = policy.calls();
  const Tree complete = Complete("", "my_repo");
  ASSERT_EQ(Snapshot(target_), complete);
  for (int64_t k = 1; k <= n; ++k) {
    Prepare();
    policy.Reset();
    policy.CrashAtCall(k);
    EXPECT_FALSE(WriteScaffold(&env, target_).ok()) << "crash at call " << k;
    ASSERT_TRUE(env.SimulateCrash().ok());
    EXPECT_FALSE(fs::exists(target_)) << "crash at call " << k;
    policy.Reset();
    Status again = WriteScaffold(&env, target_);
    EXPECT_TRUE(again.ok()) << "after a crash at call " << k << ": " << again.ToString();
    EXPECT_EQ(Snapshot(target_), complete) << "after a crash at call " << k;
  }
}

// A temporary folder left inside an existing folder by a crashed init (some
// files written, one partly) does not stop a later init, and is removed.
TEST(InitStaleTemp, ALaterInitRemovesItAndSucceeds) {
  const fs::path root =
      fs::temp_directory_path() / ("tessera_init_stale_" + std::to_string(::getpid()));
  fs::remove_all(root);
  const fs::path dir = root / "my_repo";
  fs::create_directories(dir / ".tessera-init.tmp-Ab12Cd/features");
  std::ofstream(dir / ".tessera-init.tmp-Ab12Cd/tessera.yaml") << "project: my_repo\n";
  std::ofstream(dir / ".tessera-init.tmp-Ab12Cd/features/payments.yaml") << "entities:\n  - na";
  Status st = WriteScaffold(Env::Default(), dir.string());
  EXPECT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(Snapshot(dir), Complete("", "my_repo"));
  // Anything else still makes the folder "not empty".
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "notes.txt") << "mine\n";
  st = WriteScaffold(Env::Default(), dir.string());
  EXPECT_EQ(st.message(),
            "'" + dir.string() + "' is not empty; tessera init needs a new or empty directory");
  EXPECT_EQ(Snapshot(dir), (Tree{{"notes.txt", "mine\n"}}));
  fs::remove_all(root);
}

INSTANTIATE_TEST_SUITE_P(Targets, InitFailureTest,
                         testing::Values(Case{"new", "my_repo", false},
                                         Case{"nested", "a/b/my_repo", false},
                                         Case{"empty", "my_repo", true}),
                         [](const auto& info) { return std::string(info.param.name); });
INSTANTIATE_TEST_SUITE_P(NewTargets, InitCrashTest,
                         testing::Values(Case{"new", "my_repo", false},
                                         Case{"nested", "a/b/my_repo", false}),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace tessera::cli
