#include "tessera/core/env.h"

#include <filesystem>

namespace tessera {

std::string ResolvePath(const std::string& root, const std::string& path) {
  std::filesystem::path p(path);
  if (p.is_absolute()) return p.lexically_normal().string();
  return (std::filesystem::path(root) / p).lexically_normal().string();
}

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

Status CreateMissingDirs(Env* env, const std::string& dir, std::vector<std::string>* created) {
  std::vector<std::string> missing;
  for (std::filesystem::path p(dir); !p.empty() && !env->FileExists(p.string());
       p = p.parent_path()) {
    missing.push_back(p.string());
    if (p == p.parent_path()) break;
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    Status st = env->CreateDir(*it);
    if (st.IsAlreadyExists()) continue;
    TS_RETURN_NOT_OK(st);
    created->push_back(*it);
  }
  return Status::OK();
}

}  // namespace tessera
