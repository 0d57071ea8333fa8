#include "tessera/core/result.h"

#include <cstdio>
#include <cstdlib>

namespace tessera::internal {

void DieOnErrorResult(const Status& status) {
  std::fprintf(stderr, "Result accessed without a value: %s\n", status.ToString().c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace tessera::internal
