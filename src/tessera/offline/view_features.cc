#include "tessera/offline/view_features.h"

#include <algorithm>

#include "tessera/expr/eval_util.h"

namespace tessera::offline {
namespace {

int FindColumn(const std::vector<expr::ScopeColumn>& columns, const std::string& name) {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].qualifier.empty() && columns[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

// Compiles `text`, widened to `declared` when its type is narrower.
Result<std::shared_ptr<const expr::Expression>> CompileAs(const std::string& text,
                                                          DataType declared,
                                                          const expr::Scope& scope) {
  TS_ASSIGN_OR_RETURN(auto e, expr::Expression::Compile(text, scope));
  if (e->type() == declared) return e;
  return expr::Expression::Compile("CAST((" + text + ") AS " + declared.ToString() + ")", scope);
}

// Numbers `stats`' first row in the uncompacted input: row r of the
// compacted input is row rows[r].
expr::EvalStats Renumber(const expr::EvalStats& stats, const std::vector<int64_t>& rows) {
  expr::EvalStats out = stats;
  if (out.first_error_row >= 0)
    out.first_error_row = rows[static_cast<size_t>(out.first_error_row)];
  return out;
}

// Row i of the result is row positions[i] of `compact`, or null where
// positions[i] == compact.length().
Result<ArrayPtr> Scatter(const ArrayPtr& compact, const std::vector<int64_t>& positions) {
  TS_ASSIGN_OR_RETURN(ArrayPtr null, NullArray(compact->type(), 1));
  TS_ASSIGN_OR_RETURN(ArrayPtr extended, expr::Concat({compact, null}));
  return expr::Take(*extended, positions.data(), static_cast<int64_t>(positions.size()));
}

}  // namespace

Result<ArrayPtr> NullArray(DataType type, int64_t length) {
  std::unique_ptr<ArrayBuilder> builder = ArrayBuilder::Make(type);
  TS_RETURN_NOT_OK(builder->Reserve(length));
  for (int64_t i = 0; i < length; ++i) TS_RETURN_NOT_OK(builder->AppendNull());
  return builder->Finish();
}

Result<ArrayPtr> CastArray(const ArrayPtr& array, DataType type, expr::EvalStats* stats) {
  if (array->type() == type) return array;
  expr::Scope scope({expr::ScopeColumn{"", "c", array->type()}});
  TS_ASSIGN_OR_RETURN(auto e,
                      expr::Expression::Compile("CAST(c AS " + type.ToString() + ")", scope));
  return e->Evaluate({array}, array->length(), stats);
}

Result<ViewFeatures> ViewFeatures::Make(const registry::FeatureView& view,
                                        const std::vector<registry::SourceColumn>& source_columns) {
  ViewFeatures out;
  out.view_name_ = view.name;
  std::vector<expr::ScopeColumn> columns;
  for (const registry::SourceColumn& c : source_columns) columns.push_back({"", c.name, c.type});
  for (const registry::FeatureDef& f : view.features) {
    if (!f.expr.empty()) continue;
    int pos = FindColumn(columns, f.name);
    if (pos < 0) {
      columns.push_back({"", f.name, f.type});
    } else {
      columns[static_cast<size_t>(pos)].type = f.type;
    }
  }
  const size_t num_source = columns.size();
  std::vector<int> carried_of(num_source, -1);
  std::vector<bool> computed(num_source, false);
  auto carry = [&](int pos) {
    if (carried_of[static_cast<size_t>(pos)] >= 0) return carried_of[static_cast<size_t>(pos)];
    const expr::ScopeColumn& c = columns[static_cast<size_t>(pos)];
    carried_of[static_cast<size_t>(pos)] = static_cast<int>(out.carried_.size());
    out.carried_.push_back(Field{c.name, c.type});
    return carried_of[static_cast<size_t>(pos)];
  };
  for (const registry::FeatureDef& f : view.features) {
    Step step;
    if (f.expr.empty()) {
      step.scope_position = FindColumn(columns, f.name);
      step.carried = carry(step.scope_position);
      out.steps_.push_back(std::move(step));
      continue;
    }
    expr::Scope scope(columns);
    Result<std::shared_ptr<const expr::Expression>> compiled = CompileAs(f.expr, f.type, scope);
    if (!compiled.ok()) {
      return Status::Invalid("feature view '" + view.name + "', feature '" + f.name +
                             "': expression '" + f.expr + "': " + compiled.status().message());
    }
    for (int p : (*compiled)->referenced_columns()) {
      if (static_cast<size_t>(p) < num_source && !computed[static_cast<size_t>(p)]) carry(p);
    }
    int pos = FindColumn(columns, f.name);
    if (pos < 0) {
      pos = static_cast<int>(columns.size());
      columns.push_back({"", f.name, f.type});
      computed.push_back(false);
    }
    columns[static_cast<size_t>(pos)].type = f.type;
    computed[static_cast<size_t>(pos)] = true;
    step.scope_position = pos;
    step.expression = std::move(*compiled);
    step.scope_size = scope.size();
    out.steps_.push_back(std::move(step));
  }
  out.scope_size_ = static_cast<int>(columns.size());
  out.scope_carried_.assign(columns.size(), -1);
  for (size_t p = 0; p < num_source; ++p) out.scope_carried_[p] = carried_of[p];
  return out;
}

Result<std::vector<ArrayPtr>> ViewFeatures::Compute(const std::vector<ArrayPtr>& carried,
                                                    const Array& event_ts,
                                                    expr::EvalStats* stats) const {
  const int64_t n = event_ts.length();
  // A plain feature's value is the join's column as it is (null where no
  // row was picked). Expressions run on the picked rows only, gathered
  // once, and their results are scattered back.
  const bool any_expression = std::any_of(steps_.begin(), steps_.end(),
                                          [](const Step& s) { return s.expression != nullptr; });
  std::vector<int64_t> rows;       // picked rows
  std::vector<int64_t> positions;  // per input row: index in `rows`, or rows.size()
  std::vector<ArrayPtr> scope(static_cast<size_t>(scope_size_));
  int64_t m = n;
  if (any_expression) {
    for (int64_t i = 0; i < n; ++i) {
      if (event_ts.IsValid(i)) rows.push_back(i);
    }
    m = static_cast<int64_t>(rows.size());
    positions.resize(static_cast<size_t>(n));
    for (int64_t i = 0, r = 0; i < n; ++i) {
      positions[static_cast<size_t>(i)] = event_ts.IsValid(i) ? r++ : m;
    }
    for (size_t p = 0; p < scope_carried_.size(); ++p) {
      int c = scope_carried_[p];
      if (c < 0) continue;
      TS_ASSIGN_OR_RETURN(scope[p], expr::Take(*carried[static_cast<size_t>(c)], rows.data(), m));
    }
  }
  std::vector<ArrayPtr> out;
  for (const Step& step : steps_) {
    if (step.expression == nullptr) {
      if (step.carried < 0)
        return Status::Invalid("view features: a plain feature without a column");
      out.push_back(carried[static_cast<size_t>(step.carried)]);
      continue;
    }
    std::vector<ArrayPtr> inputs(scope.begin(), scope.begin() + step.scope_size);
    expr::EvalStats local;
    TS_ASSIGN_OR_RETURN(ArrayPtr value, step.expression->Evaluate(inputs, m, &local));
    if (stats != nullptr) stats->Merge(Renumber(local, rows));
    scope[static_cast<size_t>(step.scope_position)] = value;
    if (m == n) {
      out.push_back(std::move(value));
    } else {
      TS_ASSIGN_OR_RETURN(ArrayPtr full, Scatter(value, positions));
      out.push_back(std::move(full));
    }
  }
  return out;
}

}  // namespace tessera::offline
