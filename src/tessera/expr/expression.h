// Expression: the public face of the expression language for the modules
// above (registry checks, `tessera eval`, the offline store, materialization,
// serving). Compile once against a Scope, evaluate on many batches: the same
// code path for 10M rows offline and for one row online, so a feature is
// computed the same way for training and for serving by construction.
//
//   TS_ASSIGN_OR_RETURN(auto e, Expression::Compile("amount / nullif(n, 0)", scope));
//   EvalStats stats;
//   TS_ASSIGN_OR_RETURN(ArrayPtr out, e->Evaluate(columns, num_rows, &stats));
//
// Thread-safety: a compiled Expression is immutable; Evaluate may be called
// from any number of threads at once.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/core/array.h"
#include "tessera/core/record_batch.h"
#include "tessera/core/result.h"
#include "tessera/expr/ast.h"
#include "tessera/expr/binder.h"
#include "tessera/expr/eval_stats.h"

namespace tessera::expr {

class LiteralTable;  // evaluator.h

class Expression {
 public:
  // Parses, binds, type-checks and constant-folds `text`. InvalidArgument
  // "at col N: reason" on any error (parser.h, binder.h).
  static Result<std::shared_ptr<const Expression>> Compile(std::string_view text,
                                                           const Scope& scope);

  // The canonical text (printer.h).
  const std::string& canonical() const { return canonical_; }
  // The result type.
  DataType type() const { return root_->type; }
  // Indices of the Scope columns the expression reads, ascending, once each.
  const std::vector<int>& referenced_columns() const { return referenced_; }
  const Scope& scope() const { return scope_; }

  // Evaluates over `columns` (one per Scope column, in Scope order, each of
  // `num_rows` values and of the Scope column's type; columns the
  // expression does not read may be null pointers). Rows whose operation
  // failed are null in the result and counted in `stats` (may be null).
  Result<ArrayPtr> Evaluate(const std::vector<ArrayPtr>& columns, int64_t num_rows,
                            EvalStats* stats) const;
  // The same over a batch whose columns are in Scope order.
  Result<ArrayPtr> Evaluate(const RecordBatch& batch, EvalStats* stats) const;

 private:
  Expression(std::string canonical, NodePtr root, Scope scope, std::vector<int> referenced,
             std::shared_ptr<const LiteralTable> literals);

  std::string canonical_;
  NodePtr root_;  // bound and folded
  Scope scope_;
  std::vector<int> referenced_;
  // The literals' one-value arrays, made once, so evaluating allocates less.
  std::shared_ptr<const LiteralTable> literals_;
};

}  // namespace tessera::expr
