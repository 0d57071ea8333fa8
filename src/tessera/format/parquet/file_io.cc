#include "tessera/format/parquet/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tessera::parquet {

Result<std::unique_ptr<RandomAccessFile>> RandomAccessFile::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Status::IOError("file '" + path + "': cannot open: " + std::strerror(errno));
  }
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::IOError("file '" + path + "': not a regular file");
  }
  return std::unique_ptr<RandomAccessFile>(
      new RandomAccessFile(fd, static_cast<int64_t>(st.st_size), path));
}

RandomAccessFile::~RandomAccessFile() { ::close(fd_); }

Status RandomAccessFile::ReadAt(int64_t offset, int64_t length, uint8_t* out) const {
  if (offset < 0 || length < 0 || offset > size_ || length > size_ - offset) {
    return Status::Corruption("byte range [" + std::to_string(offset) + ", +" +
                              std::to_string(length) + ") lies outside the file of " +
                              std::to_string(size_) + " bytes");
  }
  while (length > 0) {
    ssize_t n = ::pread(fd_, out, static_cast<size_t>(length), static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return Status::IOError(std::string("read failed: ") +
                             (n < 0 ? std::strerror(errno) : "unexpected end of file"));
    }
    out += n;
    offset += n;
    length -= n;
  }
  return Status::OK();
}

Result<BufferPtr> RandomAccessFile::ReadBuffer(int64_t offset, int64_t length) const {
  if (offset < 0 || length < 0 || offset > size_ || length > size_ - offset) {
    return Status::Corruption("byte range [" + std::to_string(offset) + ", +" +
                              std::to_string(length) + ") lies outside the file of " +
                              std::to_string(size_) + " bytes");
  }
  TS_ASSIGN_OR_RETURN(std::unique_ptr<Buffer> buf, Buffer::Allocate(length));
  TS_RETURN_NOT_OK(ReadAt(offset, length, buf->mutable_data()));
  return BufferPtr(std::move(buf));
}

}  // namespace tessera::parquet
