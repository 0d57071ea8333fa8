// OnDemandFeatures: an on-demand feature view's features, computed per
// spine row after the join by the same compiled expressions serving uses
// (expr/expression.h), against what registry/expr_check.h says they see:
// every feature of every input qualified by the input's name
// (`user_profile.age`, or bare when only one input has the name) and
// request fields, then the view's own earlier features.
//
// Thread-safety: immutable after Make; Compute may run on many threads.
#pragma once

#include <memory>
#include <vector>

#include "tessera/core/array.h"
#include "tessera/core/result.h"
#include "tessera/expr/binder.h"
#include "tessera/expr/eval_stats.h"
#include "tessera/expr/expression.h"
#include "tessera/registry/definitions.h"

namespace tessera::offline {

class OnDemandFeatures {
 public:
  // `inputs`: the columns the inputs offer, qualified by input name.
  // InvalidArgument naming the view and feature when one does not compile.
  static Result<OnDemandFeatures> Make(const registry::OnDemandFeatureView& view,
                                       std::vector<expr::ScopeColumn> inputs);

  // Whether input column i (as given to Make) is read by any feature.
  bool Reads(int input) const { return input < static_cast<int>(reads_.size()) && reads_[input]; }

  // One array per feature of the view. `inputs` holds one array of
  // `num_rows` values per input column given to Make, in that order and of
  // its type (null for a column no feature reads: !Reads(i)). Errors are counted in `stats` (rows
  // as in `inputs`).
  Result<std::vector<ArrayPtr>> Compute(std::vector<ArrayPtr> inputs, int64_t num_rows,
                                        expr::EvalStats* stats) const;

 private:
  struct Step {
    std::shared_ptr<const expr::Expression> expression;
    int scope_position = 0;
  };
  std::vector<Step> steps_;
  std::vector<bool> reads_;  // per input column
  int scope_size_ = 0;
};

}  // namespace tessera::offline
