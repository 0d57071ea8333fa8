// The files `tessera init` writes: a small, working fraud-detection feature
// repo (DESIGN.md section 2's example) with a few rows of sample source data,
// so that `plan` and `apply` accept it immediately and later commands
// (ingest, historical) have something to read.
#pragma once

#include <string>
#include <vector>

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

// Writes the scaffold into `dir`, creating it. Fails, writing nothing, when
// `dir` exists and is not an empty directory, or on an I/O error.
Status WriteScaffold(const std::string& dir);

}  // namespace tessera::cli
