// Parser: expression text -> unbound tree (ast.h). Recursive descent with
// SQL precedence (docs/EXPRESSIONS.md "Grammar"); nesting is limited to
// kMaxNestingDepth levels so that hostile text (10,000 nested parentheses)
// is a clean error, never a stack overflow.
//
// Errors are InvalidArgument "at col N: reason" (N 1-based, in code
// points of the text), e.g. "at col 7: expected ')' but found 'AND'".
// Thread-safety: reentrant.
#pragma once

#include <string_view>

#include "tessera/core/result.h"
#include "tessera/expr/ast.h"

namespace tessera::expr {

constexpr int kMaxNestingDepth = 256;

Result<NodePtr> Parse(std::string_view text);

}  // namespace tessera::expr
