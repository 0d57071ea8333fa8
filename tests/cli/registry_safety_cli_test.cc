// The registry through the real binary when things are not as expected: a
// foreign, non-SQLite or empty registry file, a read-only registry folder or
// file, pinned references to versions that do not exist. A command that
// fails, or only reads, leaves every file byte for byte as it was and
// creates none; each failure is one line naming the registry file (issue 6).
#include <gmock/gmock.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "registry_cli_test_util.h"
#include "tessera/registry/sqlite_db.h"

namespace tessera::cli_test {
namespace {

namespace fs = std::filesystem;
using testing::HasSubstr;

constexpr const char* kDb = "'data/registry.db'";

// Every entry below `dir` with its size, and the registry's bytes: a
// created -wal/-shm/-journal file or a changed byte shows up.
struct Snapshot {
  std::vector<std::string> listing;
  std::string bytes;
  bool operator==(const Snapshot& o) const { return listing == o.listing && bytes == o.bytes; }
};

// Runs the binary with `args`; when this process is root (as in CI, where
// file permissions do not apply to root) the child first drops to the
// unprivileged user nobody (uid/gid 65534), so that read-only files and
// folders are read-only to it. `binary` must be reachable by that user.
CliResult RunUnprivileged(const std::string& binary, const std::vector<std::string>& args) {
  CliResult result;
  std::string out_path = internal::MakeCaptureFile("out");
  std::string err_path = internal::MakeCaptureFile("err");
  pid_t pid = fork();
  if (pid == 0) {
    int out = open(out_path.c_str(), O_WRONLY | O_TRUNC);
    int err = open(err_path.c_str(), O_WRONLY | O_TRUNC);
    int in = open("/dev/null", O_RDONLY);
    if (out < 0 || err < 0 || in < 0) _exit(126);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    if (geteuid() == 0) {
      if (setgroups(0, nullptr) != 0 || setgid(65534) != 0 || setuid(65534) != 0) _exit(125);
    }
    std::vector<std::string> store = {binary};
    store.insert(store.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& a : store) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = internal::ReadWholeFile(out_path);
  result.err = internal::ReadWholeFile(err_path);
  fs::remove(out_path);
  fs::remove(err_path);
  return result;
}

class RegistrySafetyTest : public testing::Test {
 protected:
  void SetUp() override {
    CopyQuickstartWithData(repo_);
    // The unprivileged child must be able to reach and read the repo.
    fs::permissions(tmp_.path(), fs::perms::owner_all | fs::perms::group_read |
                                     fs::perms::group_exec | fs::perms::others_read |
                                     fs::perms::others_exec);
    // The build tree may sit where nobody cannot reach it (a clone under
    // /root is mode 700): the unprivileged child runs a copy of the binary
    // placed beside the repo.
    unprivileged_binary_ = TESSERA_BINARY;
    if (geteuid() == 0) {
      unprivileged_binary_ = tmp_ / "tessera";
      fs::copy_file(TESSERA_BINARY, unprivileged_binary_);
      fs::permissions(unprivileged_binary_, fs::perms::owner_all | fs::perms::group_read |
                                                fs::perms::group_exec | fs::perms::others_read |
                                                fs::perms::others_exec);
    }
  }
  void TearDown() override {
    // Restore write permission so that the scratch folder can be removed.
    std::error_code ec;
    fs::permissions(Data(), fs::perms::owner_all, fs::perm_options::add, ec);
  }
  CliResult Tessera(std::vector<std::string> args) {
    args.insert(args.begin(), {"-r", repo_});
    return RunTessera(args);
  }
  CliResult TesseraUnprivileged(std::vector<std::string> args) {
    args.insert(args.begin(), {"-r", repo_});
    return RunUnprivileged(unprivileged_binary_, args);
  }
  std::string Data() const { return repo_ + "/data"; }
  std::string Db() const { return repo_ + "/data/registry.db"; }
  Snapshot Take() const {
    Snapshot s;
    for (const auto& e : fs::recursive_directory_iterator(Data())) {
      std::string line = e.path().lexically_relative(Data()).string();
      if (e.is_regular_file()) line += " " + std::to_string(e.file_size());
      s.listing.push_back(line);
    }
    std::sort(s.listing.begin(), s.listing.end());
    s.bytes = ReadBytes(Db());
    return s;
  }
  void Apply() {
    CliResult r = Tessera({"apply", "--user", "tester"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  // A logic change for apply to write.
  void ChangeDefinitions() {
    EditFile(repo_ + "/features/scoring.yaml", "      - merchant_profile:category\n", "");
  }

  ScratchDir tmp_;
  std::string repo_ = tmp_ / "repo";
  std::string unprivileged_binary_;
};

TEST_F(RegistrySafetyTest, ForeignSqliteFileIsRefusedUntouchedByEveryCommand) {
  fs::create_directories(Data());
  {
    auto db = registry::SqliteDb::Open(Db(), registry::SqliteOpenOptions{});
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES ('x');").ok());
  }
  Snapshot before = Take();
  const std::string reason = std::string("registry ") + kDb +
                             " is not a Tessera registry (an SQLite database with other tables)\n";
  CliResult plan = Tessera({"plan"});
  EXPECT_EQ(plan.exit_code, 1);
  EXPECT_EQ(plan.err, "error: cannot plan: " + reason);
  EXPECT_TRUE(Take() == before) << "plan changed the file";
  CliResult apply = Tessera({"apply"});
  EXPECT_EQ(apply.exit_code, 1);
  EXPECT_EQ(apply.err, "error: cannot apply: " + reason);
  EXPECT_TRUE(Take() == before) << "apply changed the file";
  for (std::vector<std::string> cmd : std::vector<std::vector<std::string>>{
           {"list", "views"}, {"describe", "user"}, {"search", "user"}, {"lineage", "user"}}) {
    CliResult r = Tessera(cmd);
    EXPECT_EQ(r.exit_code, 1) << cmd[0];
    EXPECT_EQ(r.err, "error: " + reason) << cmd[0];
  }
  EXPECT_TRUE(Take() == before);
}

TEST_F(RegistrySafetyTest, NonSqliteFileIsRefusedUntouched) {
  fs::create_directories(Data());
  WriteBytes(Db(), "user_id,age\n1,36\nnot a database, a CSV file of some length\n");
  Snapshot before = Take();
  const std::string reason = std::string("registry ") + kDb + " is not a database\n";
  EXPECT_EQ(Tessera({"plan"}).err, "error: cannot plan: " + reason);
  EXPECT_EQ(Tessera({"apply"}).err, "error: cannot apply: " + reason);
  EXPECT_EQ(Tessera({"list", "views"}).err, "error: " + reason);
  EXPECT_TRUE(Take() == before);
}

TEST_F(RegistrySafetyTest, EmptyFileIsAnEmptyRegistryForPlanAndUntouched) {
  fs::create_directories(Data());
  WriteBytes(Db(), "");
  Snapshot before = Take();
  CliResult plan = Tessera({"plan"});
  EXPECT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_THAT(plan.out, HasSubstr("+ feature-view user_profile"));
  CliResult list = Tessera({"list", "views"});
  EXPECT_EQ(list.exit_code, 1);
  EXPECT_EQ(list.err,
            std::string("error: registry ") + kDb + " is empty; run tessera apply first\n");
  EXPECT_TRUE(Take() == before);
}

TEST_F(RegistrySafetyTest, ReadCommandsLeaveAValidRegistryByteForByte) {
  Apply();
  Snapshot before = Take();
  for (std::vector<std::string> cmd :
       std::vector<std::vector<std::string>>{{"plan"},
                                             {"list", "views"},
                                             {"describe", "user_profile"},
                                             {"search", "merchant"},
                                             {"lineage", "fraud_detection_v1", "--upstream"}}) {
    CliResult r = Tessera(cmd);
    EXPECT_EQ(r.exit_code, 0) << cmd[0] << ": " << r.err;
    EXPECT_TRUE(Take() == before) << cmd[0];
  }
}

// Read commands read tessera.yaml only: watched with inotify, no definition
// file is opened (without timing; 100k-entity repos made this 4.5 s).
TEST_F(RegistrySafetyTest, ReadCommandsDoNotOpenDefinitionFiles) {
  Apply();
  int fd = inotify_init1(IN_NONBLOCK);
  ASSERT_GE(fd, 0);
  int config = inotify_add_watch(fd, (repo_ + "/tessera.yaml").c_str(), IN_OPEN);
  int defs = inotify_add_watch(fd, (repo_ + "/features/user_features.yaml").c_str(), IN_OPEN);
  ASSERT_GE(config, 0);
  ASSERT_GE(defs, 0);
  // Drained after each command: inotify merges identical unread events.
  auto drain = [&](int* config_opens, int* defs_opens) {
    alignas(inotify_event) char buf[4096];
    for (ssize_t n; (n = read(fd, buf, sizeof(buf))) > 0;) {
      for (char* p = buf; p < buf + n;) {
        auto* event = reinterpret_cast<inotify_event*>(p);
        if (event->wd == config) ++*config_opens;
        if (event->wd == defs) ++*defs_opens;
        p += sizeof(inotify_event) + event->len;
      }
    }
  };
  int commands_reading_config = 0, defs_opens = 0;
  for (std::vector<std::string> cmd :
       std::vector<std::vector<std::string>>{{"list", "views"},
                                             {"describe", "user_profile"},
                                             {"search", "merchant"},
                                             {"lineage", "fraud_detection_v1"}}) {
    CliResult r = Tessera(cmd);
    EXPECT_EQ(r.exit_code, 0) << cmd[0] << ": " << r.err;
    int config_opens = 0;
    drain(&config_opens, &defs_opens);
    if (config_opens > 0) ++commands_reading_config;
  }
  close(fd);
  EXPECT_EQ(commands_reading_config, 4);  // the watch works: each command read tessera.yaml
  EXPECT_EQ(defs_opens, 0);
}

// A read-only registry folder (the file itself writable): reads work;
// apply fails with one line and leaves everything as it was.
TEST_F(RegistrySafetyTest, ReadOnlyFolderAllowsReadsAndRefusesApply) {
  Apply();
  fs::permissions(Db(), fs::perms::all & ~(fs::perms::owner_exec | fs::perms::group_exec |
                                           fs::perms::others_exec));  // 0666
  fs::permissions(Data(), fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                              fs::perms::group_exec | fs::perms::others_read |
                              fs::perms::others_exec);  // 0555
  Snapshot before = Take();
  for (std::vector<std::string> cmd :
       std::vector<std::vector<std::string>>{{"list", "views"},
                                             {"describe", "user_profile"},
                                             {"search", "merchant"},
                                             {"lineage", "fraud_detection_v1"},
                                             {"plan"}}) {
    CliResult r = TesseraUnprivileged(cmd);
    EXPECT_EQ(r.exit_code, 0) << cmd[0] << ": " << r.err;
    EXPECT_EQ(r.err, "") << cmd[0];
  }
  CliResult list = TesseraUnprivileged({"list", "views"});
  EXPECT_THAT(list.out, HasSubstr("user_profile"));
  ChangeDefinitions();
  CliResult apply = TesseraUnprivileged({"apply"});
  EXPECT_EQ(apply.exit_code, 1);
  EXPECT_EQ(apply.err, std::string("error: cannot apply: registry ") + kDb +
                           " is read-only (its folder is not writable)\n");
  EXPECT_TRUE(Take() == before);
}

// A read-only registry file in a writable folder: reads work, apply fails
// with one line and leaves no -wal/-shm file behind.
TEST_F(RegistrySafetyTest, ReadOnlyFileAllowsReadsAndRefusesApply) {
  Apply();
  fs::permissions(Data(), fs::perms::all);  // 0777
  fs::permissions(Db(), fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  Snapshot before = Take();
  for (std::vector<std::string> cmd : std::vector<std::vector<std::string>>{
           {"list", "views"}, {"describe", "user_profile"}, {"plan"}}) {
    CliResult r = TesseraUnprivileged(cmd);
    EXPECT_EQ(r.exit_code, 0) << cmd[0] << ": " << r.err;
  }
  ChangeDefinitions();
  CliResult apply = TesseraUnprivileged({"apply"});
  EXPECT_EQ(apply.exit_code, 1);
  EXPECT_EQ(apply.err, std::string("error: cannot apply: registry ") + kDb + " is read-only\n");
  EXPECT_TRUE(Take() == before);
}

TEST_F(RegistrySafetyTest, PinnedReferencesAreCheckedAtPlanAndApply) {
  const std::string scoring = repo_ + "/features/scoring.yaml";
  EditFile(scoring, "      - merchant_profile:category\n",
           "      - merchant_profile:category\n      - user_profile@99:age\n");
  const std::string missing_version =
      "features/scoring.yaml:22: feature service 'fraud_detection_v1': feature view "
      "'user_profile' has no version 99 (in 'user_profile@99:age'; its latest version is 1)\n";
  const Snapshot sources_only = Take();  // data/ holds the generated source files
  CliResult plan = Tessera({"plan"});
  EXPECT_EQ(plan.exit_code, 1);
  EXPECT_EQ(plan.err, missing_version + "error: 1 error in " + repo_ + "\n");
  CliResult apply = Tessera({"apply"});
  EXPECT_EQ(apply.exit_code, 1);
  EXPECT_EQ(apply.err, missing_version + "error: 1 error in " + repo_ + "; nothing was applied\n");
  EXPECT_EQ(Take().listing, sources_only.listing) << "a failed first apply must create nothing";
  EXPECT_FALSE(fs::exists(Db()));

  // A valid pin passes both; a pinned version without the feature fails.
  EditFile(scoring, "user_profile@99:age", "user_profile@1:age");
  EXPECT_EQ(Tessera({"plan"}).exit_code, 0);
  Apply();
  EditFile(scoring, "user_profile@1:age", "user_profile@1:nope");
  Snapshot before = Take();
  const std::string missing_feature =
      "features/scoring.yaml:22: feature service 'fraud_detection_v1': version 1 of feature view "
      "'user_profile' has no feature 'nope' (in 'user_profile@1:nope')\n";
  EXPECT_EQ(Tessera({"plan"}).err, missing_feature + "error: 1 error in " + repo_ + "\n");
  EXPECT_EQ(Tessera({"apply"}).err,
            missing_feature + "error: 1 error in " + repo_ + "; nothing was applied\n");
  EXPECT_TRUE(Take() == before);
}

}  // namespace
}  // namespace tessera::cli_test
