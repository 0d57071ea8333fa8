// What the source log's writers (source_log_commit.cc, compaction.cc)
// share. Every function here REQUIRES the caller to hold the log's LOCK.
#pragma once

#include <string>

#include "tessera/core/env.h"
#include "tessera/offline/source_log.h"

namespace tessera::offline::internal {

inline constexpr const char* kLockFile = "LOCK";
inline constexpr const char* kManifestFile = "manifest.json";

// "<log_dir>/LOCK".
std::string LockPath(const std::string& log_dir);

// Removes the files of `log_dir` that `manifest` does not name (in `parts`
// or `replaced`), besides manifest.json and LOCK: parts and temporary files
// of writers that failed or crashed.
Status RemoveOrphans(Env* env, const std::string& log_dir, const Manifest& manifest);

// Writes `manifest` to a temporary file, syncs it, renames it over
// manifest.json and syncs the folder (AtomicFileWriter). Sets *attempted
// once the rename may have happened (from then on the new manifest may be
// the visible one even if this fails).
Status WriteManifest(Env* env, const std::string& log_dir, const Manifest& manifest,
                     bool* attempted);

// Whether manifest.json may name `file` now: unless it reads back without it.
bool ManifestMayName(Env* env, const std::string& log_dir, const std::string& file);

}  // namespace tessera::offline::internal
