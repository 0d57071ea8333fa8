// libFuzzer target: the timestamp, duration and epoch parsers of
// core/time.h and their round trips (see time_parse_check.h).
#include <cstdio>
#include <cstdlib>

#include "fuzz/time_parse_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string problem = tessera::fuzz::CheckTimeInput(data, size);
  if (!problem.empty()) {
    std::fprintf(stderr, "time_parse_fuzz: %s\n", problem.c_str());
    std::abort();
  }
  return 0;
}
