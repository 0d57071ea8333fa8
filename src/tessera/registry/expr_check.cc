#include "tessera/registry/expr_check.h"

#include <optional>

#include "tessera/core/suggest.h"
#include "tessera/expr/binder.h"
#include "tessera/expr/parser.h"

namespace tessera::registry {
namespace {

using Columns = std::vector<expr::ScopeColumn>;

// Adds `name` to `columns`, or gives the column of that name (and
// qualifier) the type `type`.
void Put(Columns* columns, const std::string& qualifier, const std::string& name, DataType type) {
  for (expr::ScopeColumn& c : *columns) {
    if (c.qualifier == qualifier && c.name == name) {
      c.type = type;
      return;
    }
  }
  columns->push_back({qualifier, name, type});
}

class ExprChecker {
 public:
  ExprChecker(const LoadedRepo& repo, const std::map<std::string, SourceSchema>& schemas,
              std::vector<LoadError>* errors)
      : defs_(repo.definitions), schemas_(schemas), errors_(errors) {
    for (const FeatureView& v : defs_.feature_views) views_.emplace(v.name, &v);
    for (const OnDemandFeatureView& v : defs_.on_demand_feature_views) odfvs_.emplace(v.name, &v);
    for (const Source& s : defs_.sources) sources_.emplace(s.name, &s);
  }

  void Run() {
    for (const FeatureView& v : defs_.feature_views) CheckView(v);
    for (const OnDemandFeatureView& v : defs_.on_demand_feature_views) CheckOnDemandView(v);
  }

 private:
  // The first column set of `source`'s schema, or nullptr when unresolved.
  const ColumnSet* SourceColumns(const std::string& source) const {
    auto it = schemas_.find(source);
    return it == schemas_.end() || it->second.sets.empty() ? nullptr : &it->second.sets[0];
  }

  void CheckView(const FeatureView& v) {
    const ColumnSet* set = SourceColumns(v.source);
    if (set == nullptr) return;
    Columns columns;
    for (const SourceColumn& c : set->columns) columns.push_back({"", c.name, c.type});
    CheckFeatures(v.features, "", &columns);
  }

  // Checks each feature with an expr against `columns` plus the features
  // before it, which join `columns` (qualified by `own`) in order.
  void CheckFeatures(const std::vector<FeatureDef>& features, const std::string& own,
                     Columns* columns) {
    for (const FeatureDef& f : features) {
      if (!f.expr.empty()) CheckOne(f, *columns);
      Put(columns, own, f.name, f.type);
    }
  }

  void CheckOne(const FeatureDef& f, const Columns& columns) {
    std::string what = "expression " + Quoted(f.expr) + ": ";
    Result<expr::NodePtr> root = expr::Parse(f.expr);
    if (!root.ok()) return Error(f.location, what + root.status().message());
    Status bound = expr::Bind(root->get(), expr::Scope(columns));
    if (!bound.ok()) return Error(f.location, what + bound.message());
    DataType inferred = (*root)->type;
    if (IsImplicitWidening(inferred, f.type)) return;
    Error(f.location, "feature " + Quoted(f.name) + " is " + f.type.ToString() +
                          " but expression " + Quoted(f.expr) + " is " + inferred.ToString());
  }

  // The features an on-demand view's input offers; nullopt when one of
  // their types is unknown.
  std::optional<Columns> InputColumns(const std::string& input) const {
    Columns out;
    if (auto o = odfvs_.find(input); o != odfvs_.end()) {
      for (const FeatureDef& f : o->second->features) out.push_back({input, f.name, f.type});
      return out;
    }
    if (auto s = sources_.find(input); s != sources_.end()) {
      for (const Field& f : s->second->schema) out.push_back({input, f.name, f.type});
      return out;
    }
    auto v = views_.find(input);
    if (v == views_.end()) return std::nullopt;
    for (const FeatureDef& f : v->second->features) out.push_back({input, f.name, f.type});
    if (v->second->aggregations.empty()) return out;
    const ColumnSet* set = SourceColumns(v->second->source);
    if (set == nullptr) return std::nullopt;
    for (const Aggregation& agg : v->second->aggregations) {
      // A count of events (no column) is int64 whatever the source holds.
      const SourceColumn* column = agg.column.empty() ? nullptr : set->Find(agg.column);
      if (column == nullptr && !agg.column.empty()) return std::nullopt;
      Result<DataType> type =
          AggregationOutputType(agg.function, column == nullptr ? DataType::Int64() : column->type);
      if (!type.ok()) return std::nullopt;
      for (int64_t w : agg.windows) out.push_back({input, agg.FeatureName(w), *type});
    }
    return out;
  }

  void CheckOnDemandView(const OnDemandFeatureView& v) {
    Columns columns;
    for (const std::string& input : v.inputs) {
      std::optional<Columns> more = InputColumns(input);
      if (!more) return;
      columns.insert(columns.end(), more->begin(), more->end());
    }
    CheckFeatures(v.features, v.name, &columns);
  }

  void Error(const SourceLocation& at, std::string message) {
    errors_->push_back({at, std::move(message)});
  }

  const RepoDefinitions& defs_;
  const std::map<std::string, SourceSchema>& schemas_;
  std::vector<LoadError>* errors_;
  std::map<std::string, const FeatureView*> views_;
  std::map<std::string, const OnDemandFeatureView*> odfvs_;
  std::map<std::string, const Source*> sources_;
};

}  // namespace

std::vector<LoadError> CheckExpressions(const LoadedRepo& repo,
                                        const std::map<std::string, SourceSchema>& schemas) {
  std::vector<LoadError> errors;
  ExprChecker(repo, schemas, &errors).Run();
  return errors;
}

bool IsImplicitWidening(DataType from, DataType to) {
  if (from == to) return true;
  if (from == DataType::Int32()) return to == DataType::Int64() || to == DataType::Double();
  if (from == DataType::Int64() || from == DataType::Float()) return to == DataType::Double();
  return false;
}

}  // namespace tessera::registry
