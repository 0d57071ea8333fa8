// libFuzzer target: CSV text through schema inference and the CSV reader,
// with an inferred or a declared schema, then a write/read round trip of
// whatever was read (see csv_reader_check.h for the input layout).
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "fuzz/csv_reader_check.h"

namespace {

// One scratch folder per fuzzing process (-jobs/-workers run several).
const std::string& ScratchDir() {
  static const std::string dir = [] {
    std::string tmpl = "/tmp/tessera_csv_fuzz.XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) std::abort();
    return tmpl;
  }();
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string problem = tessera::fuzz::CheckCsvInput(data, size, ScratchDir());
  if (!problem.empty()) {
    std::fprintf(stderr, "csv_reader_fuzz: %s\n", problem.c_str());
    std::abort();
  }
  return 0;
}
