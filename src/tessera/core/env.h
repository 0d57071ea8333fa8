// Env: the one door to the file system and the clock (after LevelDB's
// include/leveldb/env.h). Format readers and writers, the registry and the
// commands reach files only through an Env, so tests can substitute one that
// injects I/O errors, full disks and crashes (fault_injection_env.h), and set
// "now" instead of sleeping (DESIGN.md section 3, Time).
//
// Every failure is a Status built by ErrnoToStatus (io_error.h): it names the
// file and the reason, and a missing file is NotFound whoever opens it.
//
// Ownership: the Env returned by Env::Default() lives for the whole process
// and is never deleted. Files returned by an Env are owned by the caller and
// must be destroyed before the Env. Destroying an open WritableFile closes it
// (without reporting errors: call Close() to see them).
//
// Thread-safety: an Env is safe to use from several threads. A
// RandomAccessFile may be read from several threads at once (positioned
// reads, no shared offset); SequentialFile and WritableFile are not
// thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/core/result.h"

namespace tessera {

// A file read from start to end (also a pipe or a FIFO).
class SequentialFile {
 public:
  virtual ~SequentialFile() = default;
  // Reads up to `n` bytes into `scratch`; returns how many, 0 at the end of
  // the file. May return fewer than `n` before the end (pipes).
  virtual Result<size_t> Read(size_t n, char* scratch) = 0;
  virtual const std::string& path() const = 0;
};

// A regular file read by offset. Its size is taken when it is opened.
class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;
  // Reads exactly [offset, offset + n) into `out`. IOError on a read failure
  // or when the file ends first. Safe to call from several threads at once.
  virtual Status Read(uint64_t offset, size_t n, uint8_t* out) const = 0;
  virtual uint64_t size() const = 0;
  virtual const std::string& path() const = 0;
};

// A file written from start to end. Append writes straight through (callers
// buffer), Flush is then a no-op kept for wrappers that buffer, Sync makes
// the written bytes durable (fsync), Close releases the descriptor.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status Append(std::string_view data) = 0;
  virtual Status Flush() = 0;
  virtual Status Sync() = 0;
  // REQUIRES: called at most once; no other call after it.
  virtual Status Close() = 0;
  virtual const std::string& path() const = 0;
};

// An exclusive lock held on a file (Env::LockFile). Destroying it releases
// the lock; so does the death of the process, however it dies.
class FileLock {
 public:
  virtual ~FileLock() = default;
  virtual const std::string& path() const = 0;
};

// How NewWritableFile treats an existing file.
enum class CreateMode {
  kTruncate,   // create, or empty an existing file
  kExclusive,  // create; AlreadyExists when the name is taken (O_EXCL)
  kAppend,     // create when missing, keep the contents, write at the end
               // (O_APPEND: each Append lands after every earlier byte)
};

class Env {
 public:
  virtual ~Env() = default;

  // The POSIX file system and the system clock. Never null, never deleted.
  static Env* Default();

  virtual Result<std::unique_ptr<SequentialFile>> NewSequentialFile(const std::string& path) = 0;
  // Fails for a path that is not a regular file (a folder, a FIFO).
  virtual Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(
      const std::string& path) = 0;
  virtual Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path,
                                                                CreateMode mode) = 0;

  virtual bool FileExists(const std::string& path) = 0;
  virtual Result<uint64_t> GetFileSize(const std::string& path) = 0;
  virtual Status RemoveFile(const std::string& path) = 0;
  // Atomically replaces `to` (if present) by `from` (rename(2)); also
  // renames a folder (over an empty one).
  virtual Status RenameFile(const std::string& from, const std::string& to) = 0;
  // Gives the file `from` a second name `to` (link(2)): AlreadyExists when
  // `to` exists, which it never replaces. With RemoveFile(from) after it,
  // a rename that cannot clobber a file another process just created.
  virtual Status LinkFile(const std::string& from, const std::string& to) = 0;
  // Creates one folder; AlreadyExists when it exists.
  virtual Status CreateDir(const std::string& path) = 0;
  // Removes an empty folder (rmdir(2)).
  virtual Status RemoveDir(const std::string& path) = 0;
  // Names (not paths) of the entries of `dir`, without "." and "..", sorted.
  virtual Result<std::vector<std::string>> GetChildren(const std::string& dir) = 0;
  // Makes the entries of `dir` (creations, renames, removals) durable.
  virtual Status SyncDir(const std::string& dir) = 0;

  // Creates `path` when missing (never truncates it) and blocks until the
  // caller holds an exclusive lock on it (LevelDB's Env::LockFile, but
  // waiting): flock(2) on a descriptor of its own, so two holders in one
  // process exclude each other as two processes do. Released when the
  // FileLock is destroyed or the process dies. The holder may remove the
  // file: a waiter that then gets the lock of the removed file retries on
  // the path (NotFound when its folder is gone too). Advisory: it only
  // excludes other LockFile callers.
  virtual Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) = 0;

  // Microseconds since the Unix epoch: "now" for everything that asks.
  virtual int64_t NowMicros() = 0;
};

// An Env that forwards every call to another (LevelDB's EnvWrapper): a test
// Env overrides only what it changes. Does not own `target`.
class EnvWrapper : public Env {
 public:
  explicit EnvWrapper(Env* target) : target_(target) {}
  Env* target() const { return target_; }

  Result<std::unique_ptr<SequentialFile>> NewSequentialFile(const std::string& path) override {
    return target_->NewSequentialFile(path);
  }
  Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(const std::string& path) override {
    return target_->NewRandomAccessFile(path);
  }
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path,
                                                        CreateMode mode) override {
    return target_->NewWritableFile(path, mode);
  }
  bool FileExists(const std::string& path) override { return target_->FileExists(path); }
  Result<uint64_t> GetFileSize(const std::string& path) override {
    return target_->GetFileSize(path);
  }
  Status RemoveFile(const std::string& path) override { return target_->RemoveFile(path); }
  Status LinkFile(const std::string& from, const std::string& to) override {
    return target_->LinkFile(from, to);
  }
  Status RenameFile(const std::string& from, const std::string& to) override {
    return target_->RenameFile(from, to);
  }
  Status CreateDir(const std::string& path) override { return target_->CreateDir(path); }
  Status RemoveDir(const std::string& path) override { return target_->RemoveDir(path); }
  Result<std::vector<std::string>> GetChildren(const std::string& dir) override {
    return target_->GetChildren(dir);
  }
  Status SyncDir(const std::string& dir) override { return target_->SyncDir(dir); }
  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) override {
    return target_->LockFile(path);
  }
  int64_t NowMicros() override { return target_->NowMicros(); }

 private:
  Env* target_;
};

// The folder holding `path` ("." for a bare name, "/" for "/x").
std::string ParentDir(const std::string& path);

// `path` resolved against `root` unless absolute, lexically normalized
// ("a/./b/../c" -> "a/c"): how every path in tessera.yaml and in a
// source definition is read (relative to the repo root).
std::string ResolvePath(const std::string& root, const std::string& path);

// Creates the missing folders of `dir`, outermost first, appending each
// one this call created to `created` (a folder another process creates
// meanwhile is not counted), so a caller that fails later can remove
// exactly its own folders again. On error `created` holds those made so far.
Status CreateMissingDirs(Env* env, const std::string& dir, std::vector<std::string>* created);

// Reads a whole file through `env`.
Result<std::string> ReadFileToString(Env* env, const std::string& path);

}  // namespace tessera
