// Fault injection for tests, fuzzers and benchmarks (after LevelDB's
// fault_injection_test and helpers/memenv):
//
//   FaultPolicy        counts I/O calls and decides which fails and how. It
//                      knows nothing of Env, so another I/O layer (an SQLite
//                      VFS shim) can consult the same policy and share the
//                      same call numbering.
//   FaultInjectionEnv  an EnvWrapper that asks a FaultPolicy before every
//                      call and remembers, per file written through it, how
//                      much was synced, so SimulateCrash() can put the disk
//                      in a state a power loss could leave.
//
// A failure-path harness runs an operation once cleanly to learn the number
// of calls N, then for k = 1..N runs it again with FailCallNumber(k, errno)
// and checks what was stored.
//
// Thread-safety: both classes are safe to use from several threads.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/core/env.h"

namespace tessera {

// The kinds of I/O call a policy sees. The last three come only from the
// SQLite VFS shim (registry/sqlite_fault_vfs.h), which shares the policy.
enum class IoOp {
  kOpen,  // opening or creating a file
  kRead,
  kWrite,
  kSync,  // a file's fsync
  kClose,
  kRename,
  kLink,  // a second name for a file
  kRemove,
  kCreateDir,
  kList,      // listing a folder
  kSyncDir,   // a folder's fsync
  kStat,      // existence or size
  kTruncate,  // shortening a file
  kLock,      // taking a file lock
  kShmMap,    // mapping a shared-memory region
};
const char* IoOpName(IoOp op);

class FaultPolicy {
 public:
  // Counts one call; returns 0 to let it proceed, or the errno it must fail
  // with.
  int BeforeCall(IoOp op, std::string_view path);
  // As BeforeCall for a write of `n` bytes, also against the space limit:
  // `*allowed` is how many of the bytes to write before failing (a full disk
  // takes what fits, then fails with ENOSPC).
  int BeforeWrite(std::string_view path, size_t n, size_t* allowed);

  // The k-th call from now (1-based) fails once with `err`.
  void FailCallNumber(int64_t k, int err);
  // The k-th call and every later one fail with EIO: the process "died"
  // there, nothing after it reaches the disk.
  void CrashAtCall(int64_t k);
  // Writes beyond `bytes` in total (from now) fail with ENOSPC.
  void SetSpaceLimit(int64_t bytes);
  // Forgets every fault and resets the counters.
  void Reset();

  int64_t calls() const;
  // Whether a fault was injected, which call (1-based) and which kind.
  bool injected() const;
  int64_t injected_call() const;
  IoOp injected_op() const;
  std::string injected_path() const;

 private:
  int Decide(IoOp op, std::string_view path);  // REQUIRES: mu_ held

  mutable std::mutex mu_;
  int64_t calls_ = 0;
  int64_t fail_at_ = 0;  // 0: none
  int fail_errno_ = 0;
  bool crash_ = false;       // fail_at_ and every later call fail
  int64_t space_left_ = -1;  // -1: unlimited
  int64_t injected_call_ = 0;
  IoOp injected_op_ = IoOp::kOpen;
  std::string injected_path_;
};

class FaultInjectionEnv : public EnvWrapper {
 public:
  // Neither `target` nor `policy` is owned; both must outlive this Env.
  FaultInjectionEnv(Env* target, FaultPolicy* policy) : EnvWrapper(target), policy_(policy) {}

  FaultPolicy* policy() const { return policy_; }

  // Puts the files written through this Env in a state a crash right now
  // could leave: each is cut back to the bytes last synced, and each rename
  // not followed by a sync of its folder is undone (the old target comes
  // back). Files created but never synced stay, empty, as a crash may leave
  // them (so stale temporary files occur). Forgets the tracked state.
  // REQUIRES: no file of this Env is open. Uses the target Env directly.
  Status SimulateCrash();

  Result<std::unique_ptr<SequentialFile>> NewSequentialFile(const std::string& path) override;
  Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path,
                                                        CreateMode mode) override;
  bool FileExists(const std::string& path) override;
  Result<uint64_t> GetFileSize(const std::string& path) override;
  Status RemoveFile(const std::string& path) override;
  Status RenameFile(const std::string& from, const std::string& to) override;
  // Not undone by SimulateCrash: tests that crash across a link check the
  // name themselves.
  Status LinkFile(const std::string& from, const std::string& to) override;
  Status CreateDir(const std::string& path) override;
  Status RemoveDir(const std::string& path) override;
  Result<std::vector<std::string>> GetChildren(const std::string& dir) override;
  Status SyncDir(const std::string& dir) override;
  // One kLock call (taking the lock), then the target's lock.
  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) override;

  // Called by the files of this Env (public for them, not for callers).
  Status Check(IoOp op, const std::string& path);
  void OnAppended(const std::string& path, size_t n);
  void OnSynced(const std::string& path);

 private:
  struct FileState {
    uint64_t size = 0;
    uint64_t synced = 0;
  };
  struct PendingRename {
    std::string from, to;
    bool had_old = false;
    std::string old_contents;  // of `to` before the rename
  };

  FaultPolicy* policy_;
  std::mutex mu_;
  std::map<std::string, FileState> files_;
  std::vector<PendingRename> renames_;
};

}  // namespace tessera
