// Constant folding: a subtree that reads no column has one value for every
// row, so it is evaluated once at compile time and replaced by a literal.
// A subtree whose evaluation fails (`9223372036854775807 + 1`) is left as
// it is, so the failure is still reported for every row it applies to.
// Runs after binding (the tree keeps its types and positions).
#pragma once

#include "tessera/core/status.h"
#include "tessera/expr/ast.h"

namespace tessera::expr {

// Folds `*root` in place. A non-OK status means evaluation itself failed
// (out of memory), never a bad value.
Status FoldConstants(NodePtr* root);

}  // namespace tessera::expr
