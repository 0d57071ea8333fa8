// The evaluator's operators, one function per operator family, each over
// Datums of `n` rows (evaluator.h). Split by concern across eval_arith.cc,
// eval_compare.cc, eval_logic.cc, eval_string.cc, eval_cast.cc and
// eval_list.cc; docs/EXPRESSIONS.md "Operators" states each one's null and
// edge behaviour (DuckDB's, checked against DuckDB 1.5).
//
// REQUIRES (the binder's invariants, ast.h): operands already have the
// common type the operator works on. Results are arrays of n rows.
#pragma once

#include <cstdint>
#include <vector>

#include "tessera/expr/ast.h"
#include "tessera/expr/evaluator.h"

namespace tessera::expr {

// + - * / % on int32, int64, float, double (`type` is the result type).
Result<Datum> EvalArith(Op op, const Datum& a, const Datum& b, DataType type, int64_t n,
                        KernelContext* ctx);
// Unary minus.
Result<Datum> EvalNegate(const Datum& x, int64_t n, KernelContext* ctx);

// = != < <= > >= on numbers, strings and bytes (byte order), bools and
// timestamps; NaN equals NaN and sorts above +inf, -0.0 equals 0.0.
Result<Datum> EvalCompare(Op op, const Datum& a, const Datum& b, int64_t n);

// Three-valued AND / OR, NOT, IS [NOT] NULL.
Result<Datum> EvalAndOr(Op op, const Datum& a, const Datum& b, int64_t n);
Result<Datum> EvalNot(const Datum& x, int64_t n);
Result<Datum> EvalIsNull(const Datum& x, bool negated, int64_t n);
// x [NOT] IN (items): true on a match, else null if x or an item is null.
Result<Datum> EvalIn(const Datum& x, const std::vector<Datum>& items, bool negated, int64_t n);

// a || b (null if either is null).
Result<Datum> EvalConcat(const Datum& a, const Datum& b, int64_t n);
// x [NOT] LIKE pattern: % any run, _ one code point, no escape character.
Result<Datum> EvalLike(const Datum& x, const Datum& pattern, bool negated, int64_t n);

// CAST(x AS to). `row_ids` maps rows to input rows as in Frame (for the
// elements of a list, whose failures count against their list's row).
Result<Datum> EvalCast(const Datum& x, DataType to, int64_t n, KernelContext* ctx,
                       const int64_t* row_ids);

// [e1, e2, ...] of `type` (a list type).
Result<Datum> EvalListLiteral(const std::vector<Datum>& elements, DataType type, int64_t n);
// list[i], 1-based; negative counts from the end; out of range is null.
Result<Datum> EvalIndex(const Datum& list, const Datum& index, int64_t n);
// timestamp +/- interval (micros); overflow is null and an error.
Result<Datum> EvalTimestampInterval(const Datum& ts, int64_t micros, bool subtract, int64_t n,
                                    KernelContext* ctx);

}  // namespace tessera::expr
