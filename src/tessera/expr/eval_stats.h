// EvalStats: what an evaluation reports besides its result. Where DuckDB
// raises an error for one value (integer overflow, a failed CAST, ...),
// Tessera yields null for that row and counts it here, so one bad row never
// fails a 10M-row job or a serving request; `eval`, `historical` and
// materialization print the count and the first offending row as a warning.
//
// Thread-safety: none; each evaluation fills its own EvalStats, and a caller
// that evaluates batches in parallel merges them.
#pragma once

#include <cstdint>
#include <string>

namespace tessera::expr {

struct EvalStats {
  // Rows (distinct) whose result is null because an operation failed.
  int64_t error_rows = 0;
  // The lowest such row (index into the evaluated input, plus the offset
  // given to Merge), -1 when none, and why ("integer overflow in '*'").
  int64_t first_error_row = -1;
  std::string first_error;

  bool ok() const { return error_rows == 0; }
  // Adds `other`, whose rows are numbered from `row_offset` in this one
  // (the batch's first row in the whole input).
  void Merge(const EvalStats& other, int64_t row_offset = 0);
  // "3 rows evaluated to null because of an error; first at row 17:
  // integer overflow in '*'"; empty when ok().
  std::string Summary() const;
};

}  // namespace tessera::expr
