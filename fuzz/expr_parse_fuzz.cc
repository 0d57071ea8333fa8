// libFuzzer target: the expression parser, printer and binder (see
// expr_parse_check.h): any text is a clean error or a bound tree, and a
// parsed text prints canonically to text that parses to the same canonical
// text.
#include <cstdio>
#include <cstdlib>

#include "fuzz/expr_parse_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string problem = tessera::fuzz::CheckExprInput(data, size);
  if (!problem.empty()) {
    std::fprintf(stderr, "expr_parse_fuzz: %s\n", problem.c_str());
    std::abort();
  }
  return 0;
}
