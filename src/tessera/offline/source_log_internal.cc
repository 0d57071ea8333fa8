#include "tessera/offline/source_log_internal.h"

#include <algorithm>
#include <string_view>
#include <unordered_set>

#include "tessera/core/atomic_file.h"

namespace tessera::offline::internal {

std::string LockPath(const std::string& log_dir) { return log_dir + "/" + kLockFile; }

Status RemoveOrphans(Env* env, const std::string& log_dir, const Manifest& manifest) {
  TS_ASSIGN_OR_RETURN(std::vector<std::string> names, env->GetChildren(log_dir));
  // A set of the named files: every commit runs this, and a log of many
  // parts (a push is one commit) made the pairwise comparison quadratic.
  std::unordered_set<std::string_view> named;
  named.reserve(manifest.parts.size() + manifest.replaced.size());
  for (const LogPart& p : manifest.parts) named.insert(p.file);
  for (const std::string& r : manifest.replaced) named.insert(r);
  for (const std::string& name : names) {
    if (name == kLockFile || name == kManifestFile) continue;
    if (named.count(name) > 0) continue;
    Status st = env->RemoveFile(log_dir + "/" + name);
    if (!st.ok() && !st.IsNotFound()) return st;
  }
  return Status::OK();
}

Status WriteManifest(Env* env, const std::string& log_dir, const Manifest& manifest,
                     bool* attempted) {
  TS_ASSIGN_OR_RETURN(std::unique_ptr<AtomicFileWriter> out,
                      AtomicFileWriter::Create(env, ManifestPath(log_dir)));
  TS_RETURN_NOT_OK(out->Append(ManifestToJson(manifest)));
  *attempted = true;
  return out->Commit();
}

bool ManifestMayName(Env* env, const std::string& log_dir, const std::string& file) {
  Result<Manifest> m = ReadManifest(env, log_dir);
  if (!m.ok()) return true;
  return std::any_of(m->parts.begin(), m->parts.end(),
                     [&](const LogPart& p) { return p.file == file; });
}

}  // namespace tessera::offline::internal
