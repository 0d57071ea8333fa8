// Lazy forms: CASE WHEN, if(c, a, b) and coalesce(a, b, ...) evaluate each
// branch only on the rows that take it. The rows are gathered into a
// smaller frame (only the columns the branch reads), the branch runs there
// with a KernelContext that maps its rows back to input rows, and the
// results are put back in row order. So `CASE WHEN b <> 0 THEN a % b END`
// never evaluates `a % b` where b = 0, and an overflow in a row that does
// not take a branch is never counted, as in DuckDB. A subtree that cannot
// fail and costs one pass over its columns (a literal, a column, comparisons
// and AND/OR/NOT over them) is instead evaluated on every row and read at the
// selected rows: same values, no errors either way, and no gather.
#pragma once

#include "tessera/expr/ast.h"
#include "tessera/expr/evaluator.h"

namespace tessera::expr {

// kCase: [when1, then1, ..., (else)].
Result<Datum> EvalCase(const Node& node, const Frame& frame);
// kCall of a FunctionDef::Form::kIf function: if(cond, a, b).
Result<Datum> EvalIf(const Node& node, const Frame& frame);
// kCall of a FunctionDef::Form::kCoalesce function.
Result<Datum> EvalCoalesce(const Node& node, const Frame& frame);

}  // namespace tessera::expr
