// The files `tessera init` writes: a small, working fraud-detection feature
// repo (DESIGN.md section 2's example) with a few rows of sample source data,
// so that `plan` and `apply` accept it immediately and later commands
// (ingest, historical) have something to read.
#pragma once

#include <string>
#include <vector>

#include "tessera/core/env.h"
#include "tessera/core/status.h"

namespace tessera::cli {

struct ScaffoldFile {
  std::string path;  // relative to the new repo's root
  std::string contents;
};

// The files of a new repo whose tessera.yaml names project `project`.
// REQUIRES: `project` is a valid object name (registry::IsValidName).
std::vector<ScaffoldFile> ScaffoldFiles(const std::string& project);

// A valid project name derived from a folder name: characters outside
// [A-Za-z0-9_] become '_', a leading digit gets a "p_" prefix, an empty
// result becomes "feature_repo".
std::string ProjectNameFromDir(const std::string& dir_name);

// Writes the scaffold into `dir` through `env`, creating `dir` (and missing
// folders above it). Fails when `dir` exists and is not an empty directory,
// or on an I/O error; a failure leaves every folder as it was. A new `dir`
// is built as a temporary folder "<dir>.tmp-XXXXXX" renamed into place, so
// even a crash leaves it absent or complete (and perhaps a stale temporary
// folder); an existing empty `dir` is filled from a temporary folder
// "<dir>/.tessera-init.tmp-XXXXXX" by a few renames at the end (a crash among
// them may leave some entries). Such a temporary folder left by a crash does
// not make `dir` "not empty": it is removed as far as it holds scaffold files.
Status WriteScaffold(Env* env, const std::string& dir);

}  // namespace tessera::cli
