// KernelContext: what the evaluator hands a kernel (a function or operator
// implementation over whole columns, functions.h): the place to report a
// row whose operation failed. The kernel sets that row's result to null and
// calls RecordError; the evaluator maps the row back to the input row (a
// kernel may run on a selection of the rows, e.g. one CASE branch) and
// counts distinct rows into EvalStats.
//
// Thread-safety: none; one context per evaluation.
#pragma once

#include <cstdint>
#include <vector>

#include "tessera/expr/eval_stats.h"

namespace tessera::expr {

class KernelContext {
 public:
  // `row_ids` maps the kernel's row i to the input row row_ids[i]; null
  // means the identity. `errors` is a byte per input row (1 = failed),
  // sized by the evaluator; `stats` receives the first error. Neither is
  // owned.
  KernelContext(std::vector<uint8_t>* error_rows, EvalStats* stats)
      : error_rows_(error_rows->data()), stats_(stats) {}
  // The same with the flags as a plain array (one byte per input row).
  KernelContext(uint8_t* error_rows, EvalStats* stats) : error_rows_(error_rows), stats_(stats) {}

  // The same sinks, for kernels run on a subset of rows.
  KernelContext WithRowIds(const int64_t* row_ids) const {
    KernelContext c = *this;
    c.row_ids_ = row_ids;
    return c;
  }

  // Row `row` (of the kernel's arguments) failed. `reason` is a static
  // text naming the operation, not the value ("integer overflow in '*'",
  // "CAST of a string to int32 failed"): messages stay short and never
  // echo user data.
  void RecordError(int64_t row, const char* reason);

 private:
  uint8_t* error_rows_;
  EvalStats* stats_;
  const int64_t* row_ids_ = nullptr;
};

}  // namespace tessera::expr
