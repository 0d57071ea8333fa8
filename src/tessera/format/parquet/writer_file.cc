// AtomicOutputFile (see writer_file.h).
#include "tessera/format/parquet/writer_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>

namespace tessera::parquet {
namespace {

constexpr size_t kBufferBytes = 4 << 20;

Status ErrnoStatus(const std::string& what, const std::string& path) {
  return Status::IOError(what + " '" + path + "': " + std::strerror(errno));
}

std::string RandomSuffix() {
  static constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::random_device rd;
  std::mt19937_64 rng((static_cast<uint64_t>(rd()) << 32) ^ rd() ^
                      static_cast<uint64_t>(::getpid()));
  std::string s(12, '0');
  for (char& c : s) c = kDigits[rng() % 36];
  return s;
}

// fsync of the directory holding `path`, so the rename itself is durable.
void SyncParentDirectory(const std::string& path) {
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // best effort: some file systems refuse directory fds
  (void)::fsync(fd);
  ::close(fd);
}

}  // namespace

Result<std::unique_ptr<AtomicOutputFile>> AtomicOutputFile::Create(const std::string& path) {
  for (int attempt = 0; attempt < 8; ++attempt) {
    std::string temp = path + ".tmp-" + RandomSuffix();
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd >= 0) {
      return std::unique_ptr<AtomicOutputFile>(new AtomicOutputFile(path, std::move(temp), fd));
    }
    if (errno != EEXIST) return ErrnoStatus("cannot create", temp);
  }
  return Status::IOError("cannot create a temporary file next to '" + path + "'");
}

AtomicOutputFile::AtomicOutputFile(std::string path, std::string temp_path, int fd)
    : path_(std::move(path)), temp_path_(std::move(temp_path)), fd_(fd) {
  buffer_.reserve(kBufferBytes);
}

AtomicOutputFile::~AtomicOutputFile() { Abandon(); }

void AtomicOutputFile::Abandon() {
  if (done_) return;
  done_ = true;
  ::close(fd_);
  ::unlink(temp_path_.c_str());
}

Status AtomicOutputFile::WriteAll(const char* p, size_t left) {
  while (left > 0) {
    const ssize_t n = ::write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("cannot write", temp_path_);
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  return Status::OK();
}

Status AtomicOutputFile::FlushBuffer() {
  TS_RETURN_NOT_OK(WriteAll(buffer_.data(), buffer_.size()));
  buffer_.clear();
  return Status::OK();
}

Status AtomicOutputFile::Append(const void* data, int64_t size) {
  if (done_) return Status::IOError("write to a closed file '" + path_ + "'");
  if (buffer_.size() + static_cast<size_t>(size) > kBufferBytes) TS_RETURN_NOT_OK(FlushBuffer());
  if (static_cast<size_t>(size) >= kBufferBytes) {
    // Large chunks skip the buffer (which is empty here).
    TS_RETURN_NOT_OK(WriteAll(static_cast<const char*>(data), static_cast<size_t>(size)));
  } else {
    buffer_.append(static_cast<const char*>(data), static_cast<size_t>(size));
  }
  position_ += size;
  return Status::OK();
}

Status AtomicOutputFile::Commit() {
  if (done_) return Status::IOError("file '" + path_ + "' already closed");
  Status st = FlushBuffer();
  if (st.ok() && ::fsync(fd_) != 0) st = ErrnoStatus("cannot sync", temp_path_);
  if (st.ok() && ::close(fd_) != 0) st = ErrnoStatus("cannot close", temp_path_);
  if (!st.ok()) {
    Abandon();
    return st;
  }
  done_ = true;  // the descriptor is closed; only the name remains
  if (std::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    st = ErrnoStatus("cannot rename into place", path_);
    ::unlink(temp_path_.c_str());
    return st;
  }
  SyncParentDirectory(path_);
  return Status::OK();
}

}  // namespace tessera::parquet
