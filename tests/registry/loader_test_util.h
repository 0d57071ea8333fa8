// Helpers for the loader tests: where the test repos live.
#pragma once

#include <cstdlib>
#include <string>

namespace tessera::registry::testing {

// tests/registry/repos/<name> under TESSERA_SOURCE_DIR (environment first,
// then the compile definition).
inline std::string RepoPath(const std::string& name) {
  const char* env = std::getenv("TESSERA_SOURCE_DIR");
  std::string root = env != nullptr && *env != '\0' ? env : TESSERA_SOURCE_DIR;
  return root + "/tests/registry/repos/" + name;
}

}  // namespace tessera::registry::testing
