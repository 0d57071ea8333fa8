// A SQLite VFS shim for failure-path tests: it wraps the default VFS (unix)
// and asks the core FaultPolicy (core/fault_injection_env.h) before each I/O
// call SQLite makes through it, so a test can fail the k-th call, fill the
// disk or "crash" at a call, and check that a fault at any point of a
// registry write leaves the registry as it was before or as a clean write
// leaves it, nothing between. The same policy can drive a FaultInjectionEnv
// at the same time: file I/O and SQLite I/O then share one call numbering
// and one fault schedule.
//
// The calls counted, as IoOp: opening (kOpen) and deleting (kRemove) files,
// and on open files read (kRead), write (kWrite, also against the policy's
// space limit), truncate (kTruncate), sync (kSync), file size (kStat), lock
// (kLock) and shared-memory map (kShmMap). Closing, unlocking and the
// shared-memory locks are forwarded uncounted (SQLite ignores or retries
// their failures).
//
// A failed call returns what the unix VFS returns for that errno: ENOSPC on
// a write or truncate is SQLITE_FULL, a failed open SQLITE_CANTOPEN, any
// other failure the call's SQLITE_IOERR_* code; errno is set to the
// injected value, so sqlite3_system_errno() reports it as for a real fault.
//
// Usage: register once with a policy, pass vfs_name() as
// RegistryOptions::vfs, arm the policy, run, inspect policy()->calls().
//
// Ownership: does not own the policy, which must outlive the shim.
// Thread-safety: the policy is thread-safe; registration is not (register
// before use, destroy after every connection using it is closed).
#pragma once

#include <memory>
#include <string>

#include "tessera/core/fault_injection_env.h"
#include "tessera/core/result.h"

struct sqlite3_vfs;

namespace tessera::registry {

class SqliteFaultVfs {
 public:
  // Registers a VFS named `name` over the default VFS (not as the default),
  // consulting `policy`. AlreadyExists when a VFS of that name is
  // registered.
  static Result<std::unique_ptr<SqliteFaultVfs>> Register(const std::string& name,
                                                          FaultPolicy* policy);
  ~SqliteFaultVfs();  // unregisters
  SqliteFaultVfs(const SqliteFaultVfs&) = delete;
  SqliteFaultVfs& operator=(const SqliteFaultVfs&) = delete;

  const std::string& vfs_name() const { return name_; }
  FaultPolicy* policy() const { return policy_; }

 private:
  SqliteFaultVfs() = default;

  std::string name_;
  FaultPolicy* policy_ = nullptr;
  std::unique_ptr<sqlite3_vfs> vfs_;
};

}  // namespace tessera::registry
