#include "tessera/serving/serve_lock.h"

#include <fcntl.h>
#include <rapidjson/document.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "tessera/core/atomic_file.h"
#include "tessera/core/time.h"
#include "tessera/serving/json_writer.h"

namespace tessera::serving {
namespace {

constexpr const char* kDisplayPath = "data/serve.lock";

std::string Errno(const std::string& action, const std::string& path) {
  return action + " '" + path + "': " + std::strerror(errno);
}

struct flock WriteLock(short type) {
  struct flock lock {};
  lock.l_type = type;
  lock.l_whence = SEEK_SET;
  lock.l_start = 0;
  lock.l_len = 0;  // the whole file
  return lock;
}

// True when `fd`'s file is locked by another open file description.
bool HeldByOther(int fd) {
  struct flock lock = WriteLock(F_WRLCK);
  if (fcntl(fd, F_OFD_GETLK, &lock) != 0) return false;
  return lock.l_type != F_UNLCK;
}

bool TryLock(int fd) {
  struct flock lock = WriteLock(F_WRLCK);
  return fcntl(fd, F_OFD_SETLK, &lock) == 0;
}

std::string ReadAll(int fd) {
  std::string text;
  char buf[4096];
  off_t offset = 0;
  ssize_t n;
  while ((n = pread(fd, buf, sizeof(buf), offset)) > 0 && text.size() < 65536) {
    text.append(buf, static_cast<size_t>(n));
    offset += n;
  }
  return text;
}

std::string Render(const ServeLockInfo& info) {
  std::string out;
  JsonWriter w(&out);
  w.StartObject();
  w.Key("pid");
  w.Int(info.pid);
  w.Key("address");
  w.String(info.address);
  w.Key("host");
  w.String(info.host);
  w.Key("port");
  w.Int(info.port);
  w.Key("started_at");
  w.Timestamp(info.started_at);
  w.EndObject();
  out.push_back('\n');
  return out;
}

Result<ServeLockInfo> Parse(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  auto bad = [] { return Status::Corruption(std::string(kDisplayPath) + " is not a lock file"); };
  if (doc.HasParseError() || !doc.IsObject()) return bad();
  ServeLockInfo info;
  auto pid = doc.FindMember("pid");
  auto address = doc.FindMember("address");
  auto host = doc.FindMember("host");
  auto port = doc.FindMember("port");
  if (pid == doc.MemberEnd() || !pid->value.IsInt64() || address == doc.MemberEnd() ||
      !address->value.IsString() || port == doc.MemberEnd() || !port->value.IsInt()) {
    return bad();
  }
  info.pid = pid->value.GetInt64();
  info.address = address->value.GetString();
  info.port = port->value.GetInt();
  if (host != doc.MemberEnd() && host->value.IsString()) info.host = host->value.GetString();
  auto started = doc.FindMember("started_at");
  if (started != doc.MemberEnd() && started->value.IsString()) {
    Result<int64_t> ts = ParseTimestamp(started->value.GetString());
    if (ts.ok()) info.started_at = *ts;
  }
  return info;
}

Status AlreadyRunning(int fd) {
  Result<ServeLockInfo> held = Parse(ReadAll(fd));
  if (!held.ok()) {
    return Status::AlreadyExists(std::string("a tessera server already runs for this repo (") +
                                 kDisplayPath + " is held)");
  }
  return Status::AlreadyExists("a tessera server already runs for this repo (pid " +
                               std::to_string(held->pid) + ", http://" + held->address + "; " +
                               kDisplayPath + ")");
}

// A new file next to `path` holding `content`, locked, synced; its fd.
Result<int> WriteLockedTemp(const std::string& path, const std::string& content,
                            std::string* temp) {
  int fd = -1;
  for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
    *temp = TempPathFor(path);
    fd = open(temp->c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 && errno != EEXIST) return Status::IOError(Errno("cannot create", *temp));
  }
  if (fd < 0) return Status::IOError("cannot create a temporary file next to " + path);
  bool ok = TryLock(fd) &&
            write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()) &&
            fsync(fd) == 0;
  if (!ok) {
    Status st = Status::IOError(Errno("cannot write", *temp));
    close(fd);
    unlink(temp->c_str());
    return st;
  }
  return fd;
}

void SyncFolder(const std::string& folder) {
  int fd = open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  fsync(fd);
  close(fd);
}

// One attempt to put a locked file holding `content` at `path`: the fd of
// the placed file, -1 when another process placed one meanwhile (try
// again), or an error (a live holder: AlreadyExists).
Result<int> TryPlace(const std::string& path, const std::string& content) {
  int old_fd = open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (old_fd < 0 && errno != ENOENT) return Status::IOError(Errno("cannot open", path));
  if (old_fd >= 0 && !TryLock(old_fd)) {
    Status st = AlreadyRunning(old_fd);
    close(old_fd);
    return st;
  }
  // Holding the old (stale) file's lock, nobody else can take it over now.
  std::string temp;
  Result<int> fd = WriteLockedTemp(path, content, &temp);
  if (!fd.ok()) {
    if (old_fd >= 0) close(old_fd);
    return fd.status();
  }
  int placed = old_fd >= 0 ? rename(temp.c_str(), path.c_str()) : link(temp.c_str(), path.c_str());
  int err = errno;
  if (old_fd >= 0) close(old_fd);
  if (placed != 0) {
    unlink(temp.c_str());
    close(*fd);
    if (old_fd < 0 && err == EEXIST) return -1;
    errno = err;
    return Status::IOError(Errno("cannot create", path));
  }
  if (old_fd < 0) unlink(temp.c_str());
  return *fd;
}

}  // namespace

std::string ServeLockPath(const std::string& repo_dir) { return repo_dir + "/" + kDisplayPath; }

Result<std::optional<ServeLockInfo>> FindRunningServer(const std::string& repo_dir) {
  std::string path = ServeLockPath(repo_dir);
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<ServeLockInfo>();
    return Status::IOError(Errno("cannot open", path));
  }
  bool live = HeldByOther(fd);
  std::string text = live ? ReadAll(fd) : "";
  close(fd);
  if (!live) return std::optional<ServeLockInfo>();
  TS_ASSIGN_OR_RETURN(ServeLockInfo info, Parse(text));
  return std::optional<ServeLockInfo>(std::move(info));
}

Result<std::unique_ptr<ServeLock>> ServeLock::Acquire(const std::string& repo_dir,
                                                      ServeLockInfo info) {
  std::string folder = repo_dir + "/data";
  if (mkdir(folder.c_str(), 0755) != 0 && errno != EEXIST) {
    return Status::IOError(Errno("cannot create", folder));
  }
  info.pid = getpid();
  std::string path = ServeLockPath(repo_dir);
  std::string content = Render(info);
  for (int attempt = 0; attempt < 10; ++attempt) {
    TS_ASSIGN_OR_RETURN(int fd, TryPlace(path, content));
    if (fd >= 0) {
      SyncFolder(folder);
      return std::unique_ptr<ServeLock>(new ServeLock(path, fd, std::move(info)));
    }
  }
  return Status::IOError("cannot take " + path + ": other processes keep creating it");
}

ServeLock::~ServeLock() { (void)Release(); }

Status ServeLock::Release() {
  if (fd_ < 0) return Status::OK();
  // Remove the file only when it is still ours (not replaced by hand).
  struct stat mine {
  }, there{};
  Status st;
  if (fstat(fd_, &mine) == 0 && stat(path_.c_str(), &there) == 0 && mine.st_dev == there.st_dev &&
      mine.st_ino == there.st_ino && unlink(path_.c_str()) != 0) {
    st = Status::IOError(Errno("cannot remove", path_));
  }
  close(fd_);
  fd_ = -1;
  return st;
}

}  // namespace tessera::serving
