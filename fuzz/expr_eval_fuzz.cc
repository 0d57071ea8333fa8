// libFuzzer target: the expression evaluator (see expr_eval_check.h). Any
// text compiles or fails cleanly; a compiled expression evaluates over a
// fixed batch of edge values without crashing, hanging or exhausting
// memory, deterministically, and each row alone gives what the batch gives.
#include <cstdio>
#include <cstdlib>

#include "fuzz/expr_eval_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string problem = tessera::fuzz::CheckExprEvalInput(data, size);
  if (!problem.empty()) {
    std::fprintf(stderr, "expr_eval_fuzz: %s\n", problem.c_str());
    std::abort();
  }
  return 0;
}
