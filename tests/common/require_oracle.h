// What a test does when an oracle it compares against (the shared test data
// folder, DuckDB from npm) is missing: outside CI it skips, naming what is
// missing, so a developer without the data still gets a green run; in CI
// (environment variable CI=true) it fails, so `make test` cannot be green
// with the interop layer unexercised.
//
//   if (auto why = DuckDbUnavailable()) TESSERA_MISSING_ORACLE("DuckDB: " << *why);
//
// Header-only; reads the environment only.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>

namespace tessera::testing {

// True when the environment says this is a CI run (CI=true, as GitHub
// Actions, GitLab and most CI systems set it).
inline bool InCi() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::strcmp(ci, "true") == 0;
}

}  // namespace tessera::testing

// Skips (outside CI) or fails (CI=true) the current test; `why` is streamed.
#define TESSERA_MISSING_ORACLE(why)                                                           \
  do {                                                                                        \
    if (::tessera::testing::InCi()) {                                                         \
      GTEST_FAIL() << "oracle missing in CI (CI=true), failing instead of skipping: " << why; \
    } else {                                                                                  \
      GTEST_SKIP() << why;                                                                    \
    }                                                                                         \
  } while (0)
