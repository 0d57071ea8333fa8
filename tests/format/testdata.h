// The shared, read-only test data folder (../shared/testdata, see its
// README.md): files written by other tools, used as interop oracles.
//
// TestDataDir() returns, in order of preference, the environment variable
// TESSERA_TESTDATA, else "<TESSERA_SOURCE_DIR>/../shared/testdata" where
// TESSERA_SOURCE_DIR is taken from the environment, then from the compile
// definition the test targets get. Tests that need the data skip when it is
// absent, naming the folder they looked in, except in CI (CI=true) where they
// fail (require_oracle.h):
//
//   TESSERA_REQUIRE_TESTDATA("parquet/duckdb");  // skips (fails in CI) if missing
//
// Header-only; thread-safe (reads the environment only).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

#include "require_oracle.h"

namespace tessera::testing {

inline std::string TestDataDir() {
  if (const char* dir = std::getenv("TESSERA_TESTDATA"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  std::string source;
  if (const char* env = std::getenv("TESSERA_SOURCE_DIR"); env != nullptr && *env != '\0') {
    source = env;
  }
#ifdef TESSERA_SOURCE_DIR
  if (source.empty()) source = TESSERA_SOURCE_DIR;
#endif
  if (source.empty()) source = ".";
  return source + "/../shared/testdata";
}

// TestDataDir() + "/" + relative.
inline std::string TestDataPath(const std::string& relative) {
  return TestDataDir() + "/" + relative;
}

inline bool HasTestData(const std::string& relative = "") {
  std::error_code ec;
  return std::filesystem::exists(TestDataPath(relative), ec);
}

}  // namespace tessera::testing

// Skips the current test (fails it in CI) when `relative` (a folder or file
// under the test data dir) does not exist, with a message naming where it
// looked.
#define TESSERA_REQUIRE_TESTDATA(relative)                                                \
  do {                                                                                    \
    if (!::tessera::testing::HasTestData(relative)) {                                     \
      TESSERA_MISSING_ORACLE("test data not found: "                                      \
                             << ::tessera::testing::TestDataPath(relative)                \
                             << " (set TESSERA_TESTDATA to the shared testdata folder)"); \
    }                                                                                     \
  } while (0)
