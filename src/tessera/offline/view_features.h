// ViewFeatures: how one feature view's features are computed from the rows
// the point-in-time join picked (DESIGN.md section 2, row transformations).
//
// A feature without `expr` is the source column of its name, read as its
// declared type. A feature with `expr` is compiled once (expr/expression.h)
// against what registry/expr_check.h says it sees: the source's columns,
// then the view's earlier features in order (a feature read from a column
// of its name gives that column its declared type). The join carries the
// source columns the features read (`carried_columns`); after the join the
// expressions run on the picked rows only, so a spine row where nothing
// qualified gets null for every feature (never an expression's value of
// nulls, e.g. `coalesce(x, 0)`), and errors are counted for picked rows
// only. A result narrower than the declared type is widened (CAST).
//
// Thread-safety: immutable after Make; Compute may run on many threads.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tessera/core/record_batch.h"
#include "tessera/core/result.h"
#include "tessera/expr/eval_stats.h"
#include "tessera/expr/expression.h"
#include "tessera/registry/definitions.h"
#include "tessera/registry/source_schema.h"

namespace tessera::offline {

class ViewFeatures {
 public:
  // `source_columns`: the source's columns with their types (source_schema.h,
  // the first column set). InvalidArgument naming the view and the feature
  // when an expression does not compile.
  static Result<ViewFeatures> Make(const registry::FeatureView& view,
                                   const std::vector<registry::SourceColumn>& source_columns);

  // The source columns the join must carry, in this order (names unique).
  const std::vector<Field>& carried_columns() const { return carried_; }

  // The view's features (one array per feature of view.features, spine
  // order). `carried` holds the join's value columns (carried_columns(),
  // in order) and `event_ts` the picked rows' event time (null: no row
  // qualified); all of one length. Expression errors go to `stats`, rows
  // numbered as in `event_ts`.
  Result<std::vector<ArrayPtr>> Compute(const std::vector<ArrayPtr>& carried, const Array& event_ts,
                                        expr::EvalStats* stats) const;

 private:
  struct Step {
    int scope_position = 0;  // where the feature's value goes in the scope
    int carried = -1;        // no expr: index into carried_
    std::shared_ptr<const expr::Expression> expression;  // expr: compiled
    int scope_size = 0;  // columns the expression was compiled against
  };

  std::string view_name_;
  std::vector<Field> carried_;
  std::vector<int> scope_carried_;  // scope position -> carried index, or -1
  int scope_size_ = 0;
  std::vector<Step> steps_;
};

// A one-value null array of `type`.
Result<ArrayPtr> NullArray(DataType type, int64_t length);

// Converts `array` to `type` as CAST does (errors: null, counted in
// `stats`); returns it as is when already of `type`.
Result<ArrayPtr> CastArray(const ArrayPtr& array, DataType type, expr::EvalStats* stats);

}  // namespace tessera::offline
