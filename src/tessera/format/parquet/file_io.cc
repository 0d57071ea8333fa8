#include "tessera/format/parquet/file_io.h"

namespace tessera::parquet {

Result<std::unique_ptr<InputFile>> InputFile::Open(Env* env, const std::string& path) {
  TS_ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> file, env->NewRandomAccessFile(path));
  return std::unique_ptr<InputFile>(new InputFile(std::move(file)));
}

Status InputFile::CheckRange(int64_t offset, int64_t length) const {
  if (offset < 0 || length < 0 || offset > size_ || length > size_ - offset) {
    return Status::Corruption("byte range [" + std::to_string(offset) + ", +" +
                              std::to_string(length) + ") lies outside the file of " +
                              std::to_string(size_) + " bytes");
  }
  return Status::OK();
}

Status InputFile::ReadAt(int64_t offset, int64_t length, uint8_t* out) const {
  TS_RETURN_NOT_OK(CheckRange(offset, length));
  return file_->Read(static_cast<uint64_t>(offset), static_cast<size_t>(length), out);
}

Result<BufferPtr> InputFile::ReadBuffer(int64_t offset, int64_t length) const {
  TS_RETURN_NOT_OK(CheckRange(offset, length));
  TS_ASSIGN_OR_RETURN(std::unique_ptr<Buffer> buf, Buffer::Allocate(length));
  TS_RETURN_NOT_OK(ReadAt(offset, length, buf->mutable_data()));
  return Buffer::Share(std::move(buf));
}

}  // namespace tessera::parquet
