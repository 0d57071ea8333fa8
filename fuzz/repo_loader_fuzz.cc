// libFuzzer target: the repo loader on YAML text, as one or several
// definition files (format: fuzz/repo_loader_input.h), in memory through
// LoadRepoFromFiles, the code LoadRepo runs after reading the files.
// Besides "never crash, hang or exhaust memory" (ASan, UBSan and
// -rss_limit_mb watch that), it checks the properties of CheckRepoInput:
// errors are one printable UTF-8 line; a repo that loads canonicalizes.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "repo_loader_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string failure =
      tessera::fuzz::CheckRepoInput(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!failure.empty()) {
    std::fprintf(stderr, "property failed: %s\n", failure.c_str());
    std::abort();
  }
  return 0;
}
