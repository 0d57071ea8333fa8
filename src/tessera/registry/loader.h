// Loading a feature repo: tessera.yaml plus every other *.yaml / *.yml file
// below the repo root (skipping the data/ folder, hidden folders and build
// folders), parsed into RepoDefinitions and validated as a whole.
//
// Validation reports EVERY error found, not just the first, each as
// "file:line: reason" with the file relative to the repo root: unknown
// entity or source, duplicate name, unknown type, bad duration, a service or
// on-demand view referencing an undefined view or feature, a cycle between
// views, a batch source without timestamp_field, an aggregation with an
// unknown function or bad window, invalid name characters, unknown keys.
#pragma once

#include <string>
#include <vector>

#include "tessera/core/env.h"
#include "tessera/core/result.h"
#include "tessera/registry/definitions.h"

namespace tessera::registry {

// The most on-demand feature views one chain of inputs may hold (a view
// reading a view reading a view...): deeper chains are a definition error,
// so every walk of a valid repo stays shallow. See docs/DEFINITIONS.md.
inline constexpr int kMaxOnDemandChainDepth = 64;

struct LoadError {
  SourceLocation location;
  std::string message;
  std::string ToString() const { return location.ToString() + ": " + message; }
};

struct LoadedRepo {
  std::string root;  // absolute path of the repo folder
  RepoConfig config;
  RepoDefinitions definitions;
};

// Loads and validates the repo at `repo_dir`. On any error, fails with an
// InvalidArgument status whose message holds every error, one per line, in
// file then line order. Messages are one line of valid UTF-8: control
// characters and invalid bytes of user text appear escaped (\n, \xFF).
// Files are read through `env` (the folder walk uses std::filesystem).
Result<LoadedRepo> LoadRepo(const std::string& repo_dir, Env* env = Env::Default());

// The same, but returns the errors as a list (empty on success) and fills
// `out` as far as it could be parsed: for tests and tools.
std::vector<LoadError> LoadRepoCollectErrors(const std::string& repo_dir, LoadedRepo* out,
                                             Env* env = Env::Default());

// Reads only tessera.yaml of the repo at `repo_dir` into out->root and
// out->config (no definition file is opened): for commands that need only
// the config, such as the registry's read commands. Returns the errors found
// in tessera.yaml (empty on success).
std::vector<LoadError> LoadRepoConfig(const std::string& repo_dir, LoadedRepo* out,
                                      Env* env = Env::Default());

// One file of a repo held in memory.
struct RepoFile {
  std::string path;  // relative to the repo root, '/'-separated: "features/a.yaml"
  std::string text;
};

// LoadRepoCollectErrors for a repo given as texts instead of a folder: the
// file named "tessera.yaml" is the config, every other one a definition
// file (read in path order). Touches no file system: for the fuzz target
// and tests. `out->root` is left empty.
std::vector<LoadError> LoadRepoFromFiles(const std::vector<RepoFile>& files, LoadedRepo* out);

// Valid object and feature names: [A-Za-z_][A-Za-z0-9_]*, at most 128 chars.
bool IsValidName(const std::string& name);

}  // namespace tessera::registry
