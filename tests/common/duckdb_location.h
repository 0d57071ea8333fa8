// Where the tests' DuckDB lives: node and the folder tests/duckdb/install.sh
// installed @duckdb/node-api and its scripts into (TESSERA_DUCKDB_DIR,
// TESSERA_NODE: from the environment, else from the build). Shared by the
// one-query runner (tests/format/duckdb_runner.h) and the long-lived session
// (duckdb_session.h). Header-only.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

namespace tessera::testing {

inline std::string DuckDbDir() {
  if (const char* env = std::getenv("TESSERA_DUCKDB_DIR"); env != nullptr && *env != '\0') {
    return env;
  }
#ifdef TESSERA_DUCKDB_DIR
  return TESSERA_DUCKDB_DIR;
#else
  return "duckdb";
#endif
}

inline std::string NodeBinary() {
  if (const char* env = std::getenv("TESSERA_NODE"); env != nullptr && *env != '\0') return env;
#ifdef TESSERA_NODE
  return TESSERA_NODE;
#else
  return "node";
#endif
}

// Why DuckDB cannot run `script` (a file install.sh puts in DuckDbDir())
// here, or nullopt when it can.
inline std::optional<std::string> DuckDbUnavailable(const std::string& script) {
  const std::string node = NodeBinary();
  if (node.empty() || node.find("NOTFOUND") != std::string::npos ||
      ::access(node.c_str(), X_OK) != 0) {
    return "node not found (" + node + ")";
  }
  const std::string dir = DuckDbDir();
  if (!std::filesystem::exists(dir + "/node_modules/@duckdb/node-api/package.json") ||
      !std::filesystem::exists(dir + "/" + script)) {
    return "@duckdb/node-api or " + script + " is not installed in " + dir +
           " (run: tests/duckdb/install.sh " + dir + ")";
  }
  return std::nullopt;
}

}  // namespace tessera::testing
