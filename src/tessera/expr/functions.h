// The function catalog: every named function of the expression language
// (docs/EXPRESSIONS.md), with how the binder types a call and the kernel
// that evaluates it over whole columns. Operators (+, =, AND, LIKE, CASE,
// CAST, ...) are not here: the binder and the evaluator handle them.
//
// A kernel runs once per batch (or per CASE branch selection), never per
// row through a virtual call. Its arguments are arrays of `length` values
// (the evaluator broadcasts constants), already cast to the parameter types
// the bind function chose. It must:
//   - produce an array of `result` type and `length` values;
//   - return null for a row whose arguments make the result null (SQL null
//     propagation, unless the function says otherwise: coalesce, concat);
//   - for a row where DuckDB would raise an error (overflow, bad argument),
//     set null and call ctx->RecordError(row, "...");
//   - depend only on its arguments (no clock, no randomness, no locale).
// A non-OK Status means the evaluation itself failed (out of memory), never
// a bad row.
//
// Thread-safety: the catalog is immutable static data; kernels are
// reentrant.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tessera/core/array.h"
#include "tessera/core/result.h"
#include "tessera/core/types.h"
#include "tessera/core/value.h"
#include "tessera/expr/kernel_context.h"

namespace tessera::expr {

// What the binder knows of one argument of a call.
struct BindArg {
  DataType type;
  // The argument is the literal `null` (its type is still open: a bind
  // function may give it any parameter type).
  bool null_literal = false;
  // The argument's value when it is a constant (a literal, or folded);
  // null otherwise. Lets a bind function check e.g. date_diff's unit.
  const Value* constant = nullptr;
};

// Checks a call's argument types. On success sets `params` (one type per
// argument: the type the argument is cast to, equal to its own type or an
// implicit widening of it) and `result`. On failure returns InvalidArgument
// with the reason only, e.g. "expects a string as argument 1, got int64";
// the binder adds the function name and the column.
using BindFn = Status (*)(const std::vector<BindArg>& args, std::vector<DataType>* params,
                          DataType* result);

using KernelFn = Status (*)(KernelContext* ctx, const std::vector<const Array*>& args,
                            int64_t length, DataType result, ArrayPtr* out);

struct FunctionDef {
  // How the evaluator runs a call.
  enum class Form {
    kKernel,    // evaluate every argument, then `kernel`
    kIf,        // if(cond, a, b): a and b only on the rows that take them
    kCoalesce,  // each argument only on the rows still null
  };

  const char* name;       // lower case
  const char* signature;  // for messages and docs: "round(x [, digits])"
  int min_args;
  int max_args;  // kVariadic: any number >= min_args
  Form form;
  BindFn bind;
  KernelFn kernel;  // kKernel only; null otherwise

  static constexpr int kVariadic = -1;
};

// The function named `name` (case-insensitive), or null.
const FunctionDef* FindFunction(std::string_view name);

// Every function, in name order (for did-you-mean and the reference).
const std::vector<const FunctionDef*>& AllFunctions();

}  // namespace tessera::expr
