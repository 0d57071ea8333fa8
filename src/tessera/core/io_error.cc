#include "tessera/core/io_error.h"

#include <cerrno>
#include <cstring>
#include <string>

namespace tessera {

std::string ErrnoText(int err) {
  char buf[256];
  // GNU strerror_r: returns a pointer to the text (maybe not in buf); unlike
  // strerror it is safe from several threads.
  const char* text = ::strerror_r(err, buf, sizeof(buf));
  return text != nullptr ? std::string(text) : "errno " + std::to_string(err);
}

Status ErrnoToStatus(int err, std::string_view action, std::string_view path) {
  std::string msg;
  msg.reserve(action.size() + path.size() + 48);
  msg.append(action).append(" '").append(path).append("': ").append(ErrnoText(err));
  switch (err) {
    case ENOENT:
    case ENOTDIR: return Status::NotFound(std::move(msg));
    case EEXIST: return Status::AlreadyExists(std::move(msg));
    default: return Status::IOError(std::move(msg));
  }
}

}  // namespace tessera
