#include "tessera/offline/on_demand_features.h"

namespace tessera::offline {

Result<OnDemandFeatures> OnDemandFeatures::Make(const registry::OnDemandFeatureView& view,
                                                std::vector<expr::ScopeColumn> inputs) {
  OnDemandFeatures out;
  std::vector<expr::ScopeColumn>& columns = inputs;
  out.reads_.assign(inputs.size(), false);
  for (const registry::FeatureDef& f : view.features) {
    expr::Scope scope(columns);
    Result<std::shared_ptr<const expr::Expression>> compiled =
        expr::Expression::Compile(f.expr, scope);
    if (compiled.ok() && (*compiled)->type() != f.type) {
      compiled =
          expr::Expression::Compile("CAST((" + f.expr + ") AS " + f.type.ToString() + ")", scope);
    }
    if (!compiled.ok()) {
      return Status::Invalid("on-demand view '" + view.name + "', feature '" + f.name +
                             "': expression '" + f.expr + "': " + compiled.status().message());
    }
    for (int c : (*compiled)->referenced_columns()) {
      if (c < static_cast<int>(out.reads_.size())) out.reads_[static_cast<size_t>(c)] = true;
    }
    out.steps_.push_back(Step{std::move(*compiled), static_cast<int>(columns.size())});
    columns.push_back({view.name, f.name, f.type});
  }
  out.scope_size_ = static_cast<int>(columns.size());
  return out;
}

Result<std::vector<ArrayPtr>> OnDemandFeatures::Compute(std::vector<ArrayPtr> inputs,
                                                        int64_t num_rows,
                                                        expr::EvalStats* stats) const {
  std::vector<ArrayPtr> out;
  for (const Step& step : steps_) {
    inputs.resize(static_cast<size_t>(step.scope_position));
    TS_ASSIGN_OR_RETURN(ArrayPtr value, step.expression->Evaluate(inputs, num_rows, stats));
    inputs.push_back(value);
    out.push_back(std::move(value));
  }
  return out;
}

}  // namespace tessera::offline
