// RandomAccessFile: a read-only file read by offset (pread), so several
// threads can read different ranges of one open file at once without a
// shared file position.
//
// Thread-safety: ReadAt and size() are safe to call concurrently; the
// object owns its descriptor and closes it on destruction.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "tessera/core/buffer.h"
#include "tessera/core/result.h"

namespace tessera::parquet {

class RandomAccessFile {
 public:
  // Opens `path` for reading. IOError (naming the path) when it cannot be
  // opened or is not a regular file.
  static Result<std::unique_ptr<RandomAccessFile>> Open(const std::string& path);
  ~RandomAccessFile();
  RandomAccessFile(const RandomAccessFile&) = delete;
  RandomAccessFile& operator=(const RandomAccessFile&) = delete;

  int64_t size() const { return size_; }
  const std::string& path() const { return path_; }

  // Reads exactly [offset, offset + length) into `out`. Corruption when the
  // range is not inside the file (a lying offset in the metadata), IOError
  // on a read failure.
  Status ReadAt(int64_t offset, int64_t length, uint8_t* out) const;
  // As ReadAt, into a newly allocated buffer.
  Result<BufferPtr> ReadBuffer(int64_t offset, int64_t length) const;

 private:
  RandomAccessFile(int fd, int64_t size, std::string path)
      : fd_(fd), size_(size), path_(std::move(path)) {}
  int fd_;
  int64_t size_;
  std::string path_;
};

}  // namespace tessera::parquet
