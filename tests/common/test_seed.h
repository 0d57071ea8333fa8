// Seed and size of the randomized tests, overridable from the environment so
// a failure can be replayed and a longer run made without editing code:
//
//   TESSERA_TEST_SEED=12345 TESSERA_TEST_ITERATIONS=5000 build/format_tests
//
// RandomTestParams(default_seed, default_iterations) reads both variables
// (decimal; an unset, empty or malformed value keeps the default, which is
// what the ordinary suite runs). Its Trace() text names both, for a
// SCOPED_TRACE so every failure prints how to reproduce it. Header-only;
// reads the environment only.
#pragma once

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace tessera::testing {

// The unsigned value of environment variable `name`, or `fallback` when it
// is unset or not a whole decimal number.
inline uint64_t EnvNumber(const char* name, uint64_t fallback) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  char* end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(text, &end, 10);
  if (errno != 0 || *end != '\0' || *text == '-') return fallback;
  return static_cast<uint64_t>(v);
}

struct RandomTestParams {
  RandomTestParams(uint64_t default_seed, int default_iterations)
      : seed(EnvNumber("TESSERA_TEST_SEED", default_seed)),
        iterations(static_cast<int>(
            EnvNumber("TESSERA_TEST_ITERATIONS", static_cast<uint64_t>(default_iterations)))) {}

  // "TESSERA_TEST_SEED=7 TESSERA_TEST_ITERATIONS=40": how to rerun.
  std::string Trace() const {
    return "TESSERA_TEST_SEED=" + std::to_string(seed) +
           " TESSERA_TEST_ITERATIONS=" + std::to_string(iterations);
  }

  uint64_t seed;
  int iterations;
};

}  // namespace tessera::testing
