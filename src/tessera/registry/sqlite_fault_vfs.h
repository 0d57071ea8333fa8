// A SQLite VFS shim for failure-path tests: it wraps the default VFS (unix),
// counts the I/O calls SQLite makes through it and fails the k-th one, so a
// test can check that a fault at any point of a registry write leaves the
// registry as it was before or as a clean write leaves it, nothing between.
//
// The calls counted (SqliteFaultPolicy::Op): opening and deleting files, and
// on open files read, write, truncate, sync, file size, lock and
// shared-memory map. Closing, unlocking and the shared-memory locks are
// forwarded uncounted (SQLite ignores or retries their failures).
//
// Usage: register once, pass vfs_name() as RegistryOptions::vfs, arm the
// policy, run, inspect policy()->calls().
//
// Thread-safety: the policy's counters are atomic; registration is not
// thread-safe (register before use, destroy after every connection using
// it is closed).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "tessera/core/result.h"

struct sqlite3_vfs;

namespace tessera::registry {

// When and how the shim fails a call. A small self-contained object for
// now: it will be driven by the core fault-injection Env (core/env.h) once
// that is merged, so that file I/O and SQLite I/O share one fault schedule.
class SqliteFaultPolicy {
 public:
  enum class Op { kOpen, kDelete, kRead, kWrite, kTruncate, kSync, kFileSize, kLock, kShmMap };
  enum class Fault {
    kIoError,   // the call fails with its SQLITE_IOERR_* code (CANTOPEN for open)
    kDiskFull,  // writes and truncates fail with SQLITE_FULL, other calls as kIoError
  };

  // Fails call number `n` (1-based, counted from the last Reset) with
  // `fault`; 0 never fails. Resets the count.
  void FailNth(int64_t n, Fault fault);
  // Counts from zero again and stops failing.
  void Reset() { FailNth(0, Fault::kIoError); }

  // Calls counted since the last reset (the failed one included).
  int64_t calls() const { return calls_.load(); }
  // Calls that were failed since the last reset (0 or 1).
  int64_t failures() const { return failures_.load(); }

  // For the shim: counts a call of `op`; SQLITE_OK to run it, else the
  // SQLite code the call returns instead.
  int Before(Op op);

 private:
  std::atomic<int64_t> calls_{0};
  std::atomic<int64_t> failures_{0};
  std::atomic<int64_t> fail_at_{0};
  std::atomic<Fault> fault_{Fault::kIoError};
};

class SqliteFaultVfs {
 public:
  // Registers a VFS named `name` over the default VFS (not as the default).
  // AlreadyExists when a VFS of that name is registered.
  static Result<std::unique_ptr<SqliteFaultVfs>> Register(const std::string& name);
  ~SqliteFaultVfs();  // unregisters
  SqliteFaultVfs(const SqliteFaultVfs&) = delete;
  SqliteFaultVfs& operator=(const SqliteFaultVfs&) = delete;

  const std::string& vfs_name() const { return name_; }
  SqliteFaultPolicy* policy() { return &policy_; }

 private:
  SqliteFaultVfs() = default;

  std::string name_;
  SqliteFaultPolicy policy_;
  std::unique_ptr<sqlite3_vfs> vfs_;
};

}  // namespace tessera::registry
