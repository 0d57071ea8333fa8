// AtomicOutputFile: the crash-safe output of the Parquet writer. Bytes go,
// through a write buffer, to "<path>.tmp-<random>" (created exclusively next
// to `path`, so the rename stays on one file system). Commit() flushes,
// fsyncs, renames onto `path` and fsyncs the directory, so after a crash
// `path` holds either the old file (or nothing) or the whole new one. A
// file destroyed or Abandon()ed before a successful Commit() removes its
// temporary file and never touches `path`.
//
// Thread-safety: none.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "tessera/core/result.h"

namespace tessera::parquet {

class AtomicOutputFile {
 public:
  // Creates the temporary file. Fails with IOError naming the path.
  static Result<std::unique_ptr<AtomicOutputFile>> Create(const std::string& path);
  ~AtomicOutputFile();
  AtomicOutputFile(const AtomicOutputFile&) = delete;
  AtomicOutputFile& operator=(const AtomicOutputFile&) = delete;

  Status Append(const void* data, int64_t size);
  Status Append(const std::string& bytes) {
    return Append(bytes.data(), static_cast<int64_t>(bytes.size()));
  }
  // Bytes appended so far: the file offset of the next byte.
  int64_t position() const { return position_; }
  const std::string& temp_path() const { return temp_path_; }

  // Makes the file durable at `path`. After a failure the temporary file is
  // removed and `path` is unchanged.
  Status Commit();
  // Removes the temporary file (idempotent).
  void Abandon();

 private:
  AtomicOutputFile(std::string path, std::string temp_path, int fd);
  Status WriteAll(const char* p, size_t size);
  Status FlushBuffer();

  std::string path_;
  std::string temp_path_;
  int fd_;
  bool done_ = false;
  int64_t position_ = 0;
  std::string buffer_;
};

}  // namespace tessera::parquet
