// Failure paths of Registry::Apply: an SQLite VFS shim (sqlite_fault_vfs.h)
// driven by the core FaultPolicy fails the k-th I/O call of an apply, for every k up to the number
// of calls a clean apply makes, with an I/O error and with a full disk. Afterwards the registry
// must be exactly as before (byte for byte) or hold exactly what a clean apply writes (compared by
// content: a checkpoint may move bytes between the -wal file and the database), nothing between;
// the message is one line without SQL; and a clean apply then works.
#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <string>
#include <vector>

#include "loader_test_util.h"
#include "registry_fixtures.h"
#include "tessera/core/fault_injection_env.h"
#include "tessera/registry/loader.h"
#include "tessera/registry/registry.h"
#include "tessera/registry/sqlite_fault_vfs.h"

namespace tessera::registry {
namespace {

namespace fs = std::filesystem;
using testing::DumpTables;
using testing::FraudRepo;
using testing::ReadBytes;
using testing::ScratchDir;

constexpr int64_t kFixedNow = 1767225600000000;  // 2026-01-01, so dumps compare

RegistryOptions Options(const std::string& vfs = "") {
  RegistryOptions options;
  options.vfs = vfs;
  options.busy_timeout_ms = 0;
  options.clock = [] { return kFixedNow; };
  return options;
}

// The repo change applied under faults: a new version (a feature added,
// pinned by the service), a doc-only change, a removal and an addition.
RepoDefinitions ChangedRepo() {
  RepoDefinitions d = FraudRepo();
  d.feature_views[0].features.push_back(testing::Feature("score", DataType::Double()));
  d.entities[0].doc.description = "A customer account, renamed.";
  d.entities.pop_back();  // merchant
  Entity device;
  device.name = "device";
  device.join_keys = {{"device_id", DataType::String()}};
  d.entities.push_back(device);
  d.feature_services[0].features.push_back("user_profile@2:score");
  return d;
}

void RemoveRegistryFiles(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(path + suffix);
}

// Applies `defs` to `path` (opened through `vfs`); the registry is closed
// before returning, so its close-time checkpoint runs under the fault too.
Status ApplyThrough(const std::string& path, const std::string& vfs, const RepoDefinitions& defs) {
  auto reg = Registry::Open(path, Options(vfs));
  if (!reg.ok()) return reg.status();
  return (*reg)->Apply(defs, "alice").status();
}

TEST(RegistryApplyFaults, EveryFaultLeavesTheRegistryBeforeOrAfter) {
  FaultPolicy fault_policy;
  auto vfs = SqliteFaultVfs::Register("tessera_fault_test", &fault_policy);
  ASSERT_TRUE(vfs.ok()) << vfs.status().ToString();
  FaultPolicy* policy = (*vfs)->policy();
  ScratchDir dir;
  std::string base = dir.File("base.db");
  ASSERT_TRUE(ApplyThrough(base, "", FraudRepo()).ok());
  ASSERT_FALSE(fs::exists(base + "-wal"));
  const std::string before_bytes = ReadBytes(base);
  const std::vector<std::string> before = DumpTables(base);
  ASSERT_EQ(ReadBytes(base), before_bytes) << "dumping must not change the file";

  // A clean run through the shim: the state after, and how many calls.
  std::string work = dir.File("work.db");
  fs::copy_file(base, work);
  policy->Reset();
  ASSERT_TRUE(ApplyThrough(work, (*vfs)->vfs_name(), ChangedRepo()).ok());
  const int64_t calls = policy->calls();
  const std::vector<std::string> after = DumpTables(work);
  ASSERT_NE(after, before);
  ASSERT_GT(calls, 20);

  RecordProperty("io_calls", static_cast<int>(calls));
  int failed_applies = 0;
  // EIO: the call's I/O error; ENOSPC: a full disk (SQLITE_FULL for writes
  // and truncates, an I/O error for the other calls).
  for (int fault : {EIO, ENOSPC}) {
    for (int64_t k = 1; k <= calls; ++k) {
      SCOPED_TRACE("errno " + std::to_string(fault) + " at call " + std::to_string(k) + " of " +
                   std::to_string(calls));
      RemoveRegistryFiles(work);
      fs::copy_file(base, work);
      policy->Reset();
      policy->FailCallNumber(k, fault);
      Status status = ApplyThrough(work, (*vfs)->vfs_name(), ChangedRepo());
      EXPECT_TRUE(policy->injected());
      EXPECT_EQ(policy->injected_call(), k);
      policy->Reset();
      if (!status.ok()) {
        ++failed_applies;
        EXPECT_EQ(status.message().find('\n'), std::string::npos) << status.message();
        EXPECT_EQ(status.message().rfind("registry '" + work + "'", 0), 0u) << status.message();
        for (const char* sql : {"SELECT", "INSERT", "UPDATE", "DELETE", "BEGIN", "COMMIT"}) {
          EXPECT_EQ(status.message().find(sql), std::string::npos) << status.message();
        }
      }
      // A failed apply leaves no -wal/-shm file. (A successful one may, when
      // the fault hit the checkpoint at close: the committed transaction is
      // in the -wal file and the next open recovers it.)
      if (!status.ok()) {
        EXPECT_FALSE(fs::exists(work + "-wal")) << status.ToString();
        EXPECT_FALSE(fs::exists(work + "-shm")) << status.ToString();
      }
      std::string bytes = ReadBytes(work);  // before a dump may checkpoint a -wal file
      std::vector<std::string> state = DumpTables(work);
      bool unchanged = bytes == before_bytes && state == before;
      bool applied = state == after;
      EXPECT_TRUE(unchanged || applied) << status.ToString();
      // A later clean apply works and reaches the same state.
      Status again = ApplyThrough(work, "", ChangedRepo());
      EXPECT_TRUE(again.ok()) << again.ToString();
      EXPECT_EQ(DumpTables(work), after);
      if (HasFailure()) return;  // one trace is enough
    }
  }
  // Most faults must surface as a failed apply (some hit only the
  // close-time checkpoint, which SQLite redoes later).
  EXPECT_GT(failed_applies, calls);
  RecordProperty("failed_applies", failed_applies);
}

// One policy drives the loader's Env and the SQLite shim, so loading a repo
// from its files and applying it (what `tessera apply` does) is one sequence
// of I/O calls: a fault at each leaves the registry exactly as before (the
// load failed, or the apply did) or as a clean run leaves it.
TEST(RegistryApplyFaults, OnePolicyForDefinitionFilesAndSqlite) {
  FaultPolicy policy;
  FaultInjectionEnv env(Env::Default(), &policy);
  auto vfs = SqliteFaultVfs::Register("tessera_fault_shared_test", &policy);
  ASSERT_TRUE(vfs.ok()) << vfs.status().ToString();
  const std::string repo = testing::RepoPath("valid_fraud_split");
  auto load_and_apply = [&](const std::string& path) -> Status {
    TS_ASSIGN_OR_RETURN(LoadedRepo loaded, LoadRepo(repo, &env));
    return ApplyThrough(path, (*vfs)->vfs_name(), loaded.definitions);
  };
  ScratchDir dir;
  std::string base = dir.File("base.db");
  ASSERT_TRUE(ApplyThrough(base, "", FraudRepo()).ok());
  const std::string before_bytes = ReadBytes(base);
  const std::vector<std::string> before = DumpTables(base);

  policy.Reset();
  ASSERT_TRUE(LoadRepo(repo, &env).ok());
  const int64_t file_calls = policy.calls();
  std::string work = dir.File("work.db");
  fs::copy_file(base, work);
  policy.Reset();
  ASSERT_TRUE(load_and_apply(work).ok());
  const int64_t calls = policy.calls();
  const std::vector<std::string> after = DumpTables(work);
  ASSERT_NE(after, before);
  ASSERT_GT(file_calls, 0);
  ASSERT_GT(calls, file_calls);
  RecordProperty("file_calls", static_cast<int>(file_calls));
  RecordProperty("io_calls", static_cast<int>(calls));

  for (int64_t k = 1; k <= calls; ++k) {
    SCOPED_TRACE("EIO at call " + std::to_string(k) + " of " + std::to_string(calls));
    RemoveRegistryFiles(work);
    fs::copy_file(base, work);
    policy.Reset();
    policy.FailCallNumber(k, EIO);
    Status status = load_and_apply(work);
    EXPECT_TRUE(policy.injected());
    EXPECT_EQ(policy.injected_call(), k);
    policy.Reset();
    if (k <= file_calls) {  // the load fails; the registry is never opened
      EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status.ToString();
      EXPECT_NE(status.message().find(":0: cannot read the file"), std::string::npos)
          << status.ToString();
    }
    std::string bytes = ReadBytes(work);
    std::vector<std::string> state = DumpTables(work);
    EXPECT_TRUE((bytes == before_bytes && state == before) || state == after) << status.ToString();
    if (!status.ok()) EXPECT_FALSE(fs::exists(work + "-wal")) << status.ToString();
    if (HasFailure()) return;
  }
}

// Every file and folder under `dir`, relative to it, sorted.
std::vector<std::string> TreeOf(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    names.push_back(fs::relative(entry.path(), dir).string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// The first apply, which creates the registry (and its folders), as
// `tessera apply` runs it (Registry::ApplyTo), under a fault at each I/O
// call of the Env and of SQLite, with an I/O error and with a full disk:
// afterwards the folder holds nothing new (no registry, no temporary file,
// no created folder) or the whole registry a clean run writes. Nothing
// between: there is no partial registry for a later apply to trip on.
TEST(RegistryApplyFaults, EveryFaultOnTheFirstApplyLeavesNoRegistryOrAWholeOne) {
  FaultPolicy policy;
  FaultInjectionEnv env(Env::Default(), &policy);
  auto vfs = SqliteFaultVfs::Register("tessera_fault_create_test", &policy);
  ASSERT_TRUE(vfs.ok()) << vfs.status().ToString();
  ScratchDir dir;
  const std::string root = dir.File("repo");
  const std::string path = root + "/data/registry/registry.db";
  auto apply = [&]() {
    return Registry::ApplyTo(path, Options((*vfs)->vfs_name()), FraudRepo(), "alice", &env)
        .status();
  };
  fs::create_directories(root);
  policy.Reset();
  ASSERT_TRUE(apply().ok());
  const int64_t calls = policy.calls();
  const std::vector<std::string> after = DumpTables(path);
  const std::vector<std::string> whole_tree = TreeOf(root);
  ASSERT_EQ(whole_tree,
            (std::vector<std::string>{"data", "data/registry", "data/registry/registry.db"}));
  ASSERT_GT(calls, 20);
  RecordProperty("io_calls", static_cast<int>(calls));

  int failed = 0;
  for (int fault : {EIO, ENOSPC}) {
    for (int64_t k = 1; k <= calls; ++k) {
      SCOPED_TRACE("errno " + std::to_string(fault) + " at call " + std::to_string(k) + " of " +
                   std::to_string(calls));
      fs::remove_all(root);
      fs::create_directories(root);
      policy.Reset();
      policy.FailCallNumber(k, fault);
      Status status = apply();
      EXPECT_TRUE(policy.injected());
      const IoOp op = policy.injected_op();
      policy.Reset();
      if (!status.ok()) {
        ++failed;
        EXPECT_EQ(TreeOf(root), std::vector<std::string>{}) << status.ToString();
        EXPECT_EQ(status.message().find('\n'), std::string::npos) << status.message();
        EXPECT_EQ(status.message().rfind("registry '" + path + "'", 0), 0u) << status.message();
        EXPECT_EQ(status.message().find(".tmp-"), std::string::npos) << status.message();
      } else {
        EXPECT_EQ(DumpTables(path), after);
        // Only a failed removal of the temporary name (after the registry
        // was in place) may leave that name behind.
        if (op != IoOp::kRemove) EXPECT_EQ(TreeOf(root), whole_tree) << IoOpName(op);
      }
      // A later clean apply works and reaches the same registry.
      fs::remove_all(root);
      fs::create_directories(root);
      EXPECT_TRUE(apply().ok());
      EXPECT_EQ(DumpTables(path), after);
      if (HasFailure()) return;
    }
  }
  EXPECT_GT(failed, calls);
  RecordProperty("failed_applies", failed);
}

// The policy's space limit reaches SQLite's writes too: with no space left,
// an apply fails with a one-line "disk full" and the registry stays byte for
// byte as it was, with no -wal/-shm file left.
TEST(RegistryApplyFaults, FullDiskFromThePolicySpaceLimit) {
  FaultPolicy policy;
  auto vfs = SqliteFaultVfs::Register("tessera_fault_full_test", &policy);
  ASSERT_TRUE(vfs.ok()) << vfs.status().ToString();
  ScratchDir dir;
  std::string path = dir.File("registry.db");
  ASSERT_TRUE(ApplyThrough(path, "", FraudRepo()).ok());
  const std::string before = ReadBytes(path);
  policy.SetSpaceLimit(0);
  Status status = ApplyThrough(path, (*vfs)->vfs_name(), ChangedRepo());
  EXPECT_EQ(status.message(), "registry '" + path + "': disk full");
  EXPECT_TRUE(policy.injected());
  EXPECT_EQ(policy.injected_op(), IoOp::kWrite);
  EXPECT_EQ(ReadBytes(path), before);
  EXPECT_FALSE(fs::exists(path + "-wal"));
  EXPECT_FALSE(fs::exists(path + "-shm"));
}

// Reads (list, describe, search, plan) under a fault at each I/O call: the
// registry file stays byte for byte as it was, no other file appears (but
// for SQLite's own empty -wal and -shm when deleting them at close is what
// failed), and a failure is one line naming the file.
TEST(RegistryReadFaults, EveryFaultLeavesTheRegistryByteForByte) {
  FaultPolicy fault_policy;
  auto vfs = SqliteFaultVfs::Register("tessera_fault_read_test", &fault_policy);
  ASSERT_TRUE(vfs.ok()) << vfs.status().ToString();
  FaultPolicy* policy = (*vfs)->policy();
  ScratchDir dir;
  std::string path = dir.File("registry.db");
  ASSERT_TRUE(ApplyThrough(path, "", FraudRepo()).ok());
  auto snapshot = [&] {
    std::vector<std::string> files;
    for (const auto& e : fs::directory_iterator(dir.File(""))) {
      files.push_back(e.path().filename().string() + " " + std::to_string(e.file_size()));
    }
    std::sort(files.begin(), files.end());
    return files;
  };
  const std::vector<std::string> before = snapshot();
  const std::string before_bytes = ReadBytes(path);
  auto read = [&]() -> Status {
    RegistryOptions options = Options((*vfs)->vfs_name());
    options.read_only = true;
    TS_ASSIGN_OR_RETURN(auto reg, Registry::Open(path, options));
    TS_RETURN_NOT_OK(reg->List(std::nullopt).status());
    TS_RETURN_NOT_OK(reg->Describe("user_profile").status());
    TS_RETURN_NOT_OK(reg->Search("spend").status());
    return reg->ComputePlan(ChangedRepo()).status();
  };
  policy->Reset();
  ASSERT_TRUE(read().ok());
  const int64_t calls = policy->calls();
  ASSERT_GT(calls, 5);
  for (int64_t k = 1; k <= calls; ++k) {
    SCOPED_TRACE("fault at call " + std::to_string(k) + " of " + std::to_string(calls));
    policy->Reset();
    policy->FailCallNumber(k, EIO);
    Status status = read();
    policy->Reset();
    EXPECT_EQ(ReadBytes(path), before_bytes) << status.ToString();
    // The one exception: a fault while SQLite deletes its own -wal/-shm at
    // close (the last calls) leaves them, the -wal empty; the next read
    // removes them.
    std::vector<std::string> now = snapshot();
    if (now != before) {
      std::erase_if(now, [](const std::string& f) {
        return f == "registry.db-wal 0" || f.starts_with("registry.db-shm ");
      });
      EXPECT_EQ(now, before) << status.ToString();
      EXPECT_TRUE(status.ok()) << status.ToString();
      EXPECT_GE(k, calls - 1) << "only the close-time cleanup may leave files";
      ASSERT_TRUE(read().ok());
      EXPECT_EQ(snapshot(), before);
    }
    if (!status.ok()) {
      EXPECT_EQ(status.message().find('\n'), std::string::npos) << status.message();
      EXPECT_EQ(status.message().rfind("registry '" + path + "'", 0), 0u) << status.message();
    }
  }
}

}  // namespace
}  // namespace tessera::registry
