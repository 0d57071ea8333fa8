#include "tessera/expr/eval_stats.h"

#include "tessera/expr/kernel_context.h"

namespace tessera::expr {

void EvalStats::Merge(const EvalStats& other, int64_t row_offset) {
  error_rows += other.error_rows;
  if (other.first_error_row < 0) return;
  const int64_t row = other.first_error_row + row_offset;
  if (first_error_row < 0 || row < first_error_row) {
    first_error_row = row;
    first_error = other.first_error;
  }
}

std::string EvalStats::Summary() const {
  if (ok()) return "";
  return std::to_string(error_rows) + (error_rows == 1 ? " row" : " rows") +
         " evaluated to null because of an error; first at row " + std::to_string(first_error_row) +
         ": " + first_error;
}

void KernelContext::RecordError(int64_t row, const char* reason) {
  const int64_t input_row = row_ids_ == nullptr ? row : row_ids_[row];
  uint8_t& seen = error_rows_[input_row];
  if (seen == 0) {
    seen = 1;
    ++stats_->error_rows;
  }
  if (stats_->first_error_row < 0 || input_row < stats_->first_error_row) {
    stats_->first_error_row = input_row;
    stats_->first_error = reason;
  }
}

}  // namespace tessera::expr
