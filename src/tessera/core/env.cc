#include "tessera/core/env.h"

namespace tessera {

std::string ParentDir(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

Result<std::string> ReadFileToString(Env* env, const std::string& path) {
  TS_ASSIGN_OR_RETURN(std::unique_ptr<SequentialFile> file, env->NewSequentialFile(path));
  std::string out;
  char buf[1 << 16];
  while (true) {
    TS_ASSIGN_OR_RETURN(size_t n, file->Read(sizeof(buf), buf));
    if (n == 0) return out;
    out.append(buf, n);
  }
}

}  // namespace tessera
