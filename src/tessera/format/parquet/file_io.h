// InputFile: a Parquet file opened through an Env, read by byte range. Its
// ranges come from metadata that may lie, so every range is checked against
// the file size first: a range outside the file is Corruption, not a read.
//
// Thread-safety: ReadAt/ReadBuffer may be called from several threads at
// once (the Env's RandomAccessFile reads by offset). Owns the file.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "tessera/core/buffer.h"
#include "tessera/core/env.h"
#include "tessera/core/result.h"

namespace tessera::parquet {

class InputFile {
 public:
  // Opens `path` through `env`: NotFound for a missing file, IOError (naming
  // the path and the reason) otherwise.
  static Result<std::unique_ptr<InputFile>> Open(Env* env, const std::string& path);

  int64_t size() const { return size_; }
  const std::string& path() const { return file_->path(); }

  // Reads exactly [offset, offset + length) into `out`. Corruption when the
  // range is not inside the file, IOError on a read failure.
  Status ReadAt(int64_t offset, int64_t length, uint8_t* out) const;
  // As ReadAt, into a newly allocated buffer.
  Result<BufferPtr> ReadBuffer(int64_t offset, int64_t length) const;

 private:
  explicit InputFile(std::unique_ptr<RandomAccessFile> file)
      : file_(std::move(file)), size_(static_cast<int64_t>(file_->size())) {}
  Status CheckRange(int64_t offset, int64_t length) const;

  std::unique_ptr<RandomAccessFile> file_;
  int64_t size_;
};

}  // namespace tessera::parquet
