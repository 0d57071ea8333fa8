// ServeLock: `<repo>/data/serve.lock`, which says that a `tessera serve`
// runs for the repo and where (DESIGN.md section 3b: the server owns the
// embedded online store; CLI commands find it here).
//
// The file holds one JSON line, {"pid": N, "address": "host:port", "host":
// ..., "port": N, "started_at": "RFC 3339"}, and its holder keeps an
// open-file-description lock (fcntl F_OFD_SETLK) on it for as long as it
// runs. The kernel drops that lock when the holder dies however it dies, so
// a lock file nobody holds is stale: a new server takes it over, readers
// ignore it. The file is written whole before it appears (a temporary file
// locked first, then linked or renamed into place), so a reader never sees
// a partial one, and two servers starting at once cannot both win.
//
// Thread-safety: a ServeLock object is not shared; the free functions are
// safe from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "tessera/core/result.h"

namespace tessera::serving {

struct ServeLockInfo {
  int64_t pid = 0;
  std::string host;
  int port = 0;
  std::string address;     // "host:port" ("[::1]:port")
  int64_t started_at = 0;  // micros UTC
};

// "<repo>/data/serve.lock".
std::string ServeLockPath(const std::string& repo_dir);

// The server that holds `repo_dir`'s lock, or nullopt when none does (no
// file, or a stale one). Corruption naming the file when a held lock's
// content does not parse.
Result<std::optional<ServeLockInfo>> FindRunningServer(const std::string& repo_dir);

class ServeLock {
 public:
  // Takes the lock of `repo_dir` (creating data/ when absent) and writes
  // `info` (pid set to this process's). AlreadyExists "a tessera server
  // already runs for this repo (pid N, http://host:port; data/serve.lock)"
  // when a live holder has it; IOError naming the file otherwise.
  static Result<std::unique_ptr<ServeLock>> Acquire(const std::string& repo_dir,
                                                    ServeLockInfo info);
  // Release()s when not done yet.
  ~ServeLock();
  ServeLock(const ServeLock&) = delete;
  ServeLock& operator=(const ServeLock&) = delete;

  const ServeLockInfo& info() const { return info_; }
  // Removes the file (when it is still ours) and drops the lock.
  Status Release();

 private:
  ServeLock(std::string path, int fd, ServeLockInfo info)
      : path_(std::move(path)), fd_(fd), info_(std::move(info)) {}
  std::string path_;
  int fd_;  // the locked descriptor of the file; -1 once released
  ServeLockInfo info_;
};

}  // namespace tessera::serving
