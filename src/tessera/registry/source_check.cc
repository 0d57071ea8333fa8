#include "tessera/registry/source_check.h"

#include <algorithm>
#include <map>
#include <string>
#include <tuple>
#include <utility>

#include "tessera/core/suggest.h"
#include "tessera/registry/expr_check.h"
#include "tessera/registry/loader_internal.h"
#include "tessera/registry/source_schema.h"

namespace tessera::registry {
namespace {

class SourceChecker {
 public:
  SourceChecker(const LoadedRepo& repo, const std::map<std::string, SourceSchema>& schemas,
                std::vector<LoadError>* errors)
      : defs_(repo.definitions), errors_(errors), schemas_(schemas) {
    for (const Entity& e : defs_.entities) entities_.emplace(e.name, &e);
    for (const Source& s : defs_.sources) sources_.emplace(s.name, &s);
  }

  void Run() {
    for (const Source& s : defs_.sources) CheckTimestampFields(s);
    for (const Source& s : defs_.sources) CheckStreamEventId(s);
    for (const FeatureView& v : defs_.feature_views) CheckView(v);
  }

 private:
  const SourceSchema* SchemaOf(const std::string& source) const {
    auto it = schemas_.find(source);
    return it == schemas_.end() || it->second.sets.empty() ? nullptr : &it->second;
  }

  // A batch source's own timestamp fields; a push source with its own
  // schema must carry its batch source's, since pushed rows join its log.
  void CheckTimestampFields(const Source& s) {
    const Source* batch = &s;
    if (s.kind == SourceKind::kPush && !s.schema.empty()) {
      auto it = sources_.find(s.batch_source);
      if (it == sources_.end() || it->second->kind != SourceKind::kBatch) return;
      batch = it->second;
    } else if (s.kind != SourceKind::kBatch) {
      return;
    }
    const SourceSchema* schema = SchemaOf(s.name);
    if (schema == nullptr) return;
    const std::pair<const char*, const std::string*> fields[] = {
        {"timestamp_field", &batch->timestamp_field},
        {"created_timestamp_field", &batch->created_timestamp_field}};
    for (const auto& [key, field_ptr] : fields) {
      const std::string& field = *field_ptr;
      if (field.empty()) continue;
      std::string what = "source " + Quoted(s.name) + ": " + key + " " + Quoted(field);
      CheckColumn(*schema, field, DataType::Timestamp(), what, s.location);
    }
  }

  // A push source that streams events into an aggregated view needs an
  // `event_id` column: the stream delivers at least once, and only an id
  // lets the push drop a redelivered entry (online/event_id_filter.h). The
  // push decides as offline/ingest_contract.h does: on the columns its rows
  // are logged with, its batch source's, or its own when that has none;
  // and only for views over the push source itself.
  void CheckStreamEventId(const Source& s) {
    if (s.kind != SourceKind::kPush || !s.stream) return;
    auto view = std::find_if(
        defs_.feature_views.begin(), defs_.feature_views.end(),
        [&](const FeatureView& v) { return v.source == s.name && !v.aggregations.empty(); });
    if (view == defs_.feature_views.end()) return;
    const SourceSchema* logged = SchemaOf(s.batch_source);
    if (logged == nullptr) logged = SchemaOf(s.name);
    if (logged == nullptr || HasEventId(*logged)) return;  // unresolved: reported already
    std::string head = "push source " + Quoted(s.name) + " streams events into aggregated view " +
                       Quoted(view->name) + " but ";
    std::string why = ": a redelivered entry would be counted twice; add `event_id: string` to ";
    // Its own `schema:` has the column, but its rows take its batch source's.
    if (const SourceSchema* own = SchemaOf(s.name); own != nullptr && HasEventId(*own)) {
      Error(s.location, head + "batch source " + Quoted(s.batch_source) +
                            ", whose log takes its rows, has no event_id column" + why +
                            "the schema of " + Quoted(s.batch_source));
      return;
    }
    Error(s.location, head + "has no event_id column" + why + "its schema");
  }

  static bool HasEventId(const SourceSchema& schema) {
    return std::any_of(schema.sets.begin(), schema.sets.end(),
                       [](const ColumnSet& set) { return set.Find("event_id") != nullptr; });
  }

  void CheckView(const FeatureView& v) {
    const SourceSchema* schema = SchemaOf(v.source);
    if (schema == nullptr) return;
    for (const std::string& entity : v.entities) {
      auto e = entities_.find(entity);
      if (e == entities_.end()) continue;
      for (const JoinKey& k : e->second->join_keys) {
        std::string what = "feature view " + Quoted(v.name) + ": join key " + Quoted(k.name) +
                           " of entity " + Quoted(entity);
        CheckColumn(*schema, k.name, k.type, what, v.location);
      }
    }
    for (const FeatureDef& f : v.features) {
      if (f.expr.empty())
        CheckColumn(*schema, f.name, f.type, "feature " + Quoted(f.name), f.location);
    }
    for (const Aggregation& agg : v.aggregations) CheckAggregation(*schema, agg);
  }

  // Looks `name` up in each column set; reports the first that lacks it or
  // holds a type that does not widen to `declared`.
  void CheckColumn(const SourceSchema& schema, const std::string& name, DataType declared,
                   const std::string& what, const SourceLocation& at) {
    for (const ColumnSet& set : schema.sets) {
      const SourceColumn* column = set.Find(name);
      if (column == nullptr) {
        Missing(set, name, what, at);
        return;
      }
      if (set.text || IsLosslessWidening(column->type, declared)) continue;
      Error(at, what + " is " + declared.ToString() + " but column " + Quoted(name) + " of " +
                    set.origin + " is " + column->type.ToString());
      return;
    }
  }

  void Missing(const ColumnSet& set, const std::string& name, const std::string& what,
               const SourceLocation& at) {
    std::string closest = set.ClosestName(name);
    std::string hint = closest.empty() ? "" : " (did you mean " + Quoted(closest) + "?)";
    Error(at, what + " is not a column of " + set.origin + hint);
  }

  void CheckAggregation(const SourceSchema& schema, const Aggregation& agg) {
    if (agg.column.empty()) return;  // a count of events reads no column
    std::string what = "aggregation " + agg.function + " of column " + Quoted(agg.column);
    for (const ColumnSet& set : schema.sets) {
      const SourceColumn* column = set.Find(agg.column);
      if (column == nullptr) {
        Missing(set, agg.column, what + ": " + Quoted(agg.column), agg.location);
        return;
      }
      Result<DataType> out = AggregationOutputType(agg.function, column->type);
      if (out.ok()) continue;
      Error(agg.location, what + ": " + out.status().message() + " (column " + Quoted(agg.column) +
                              " of " + set.origin + ")");
      return;
    }
  }

  void Error(const SourceLocation& at, std::string message) {
    errors_->push_back({at, std::move(message)});
  }

  const RepoDefinitions& defs_;
  std::vector<LoadError>* errors_;
  const std::map<std::string, SourceSchema>& schemas_;
  std::map<std::string, const Entity*> entities_;
  std::map<std::string, const Source*> sources_;
};

}  // namespace

std::vector<LoadError> CheckSourceFiles(const LoadedRepo& repo) {
  std::vector<LoadError> errors;
  std::map<std::string, SourceSchema> schemas = ResolveSourceSchemas(repo, &errors);
  SourceChecker(repo, schemas, &errors).Run();
  std::vector<LoadError> expr_errors = CheckExpressions(repo, schemas);
  errors.insert(errors.end(), expr_errors.begin(), expr_errors.end());
  for (LoadError& e : errors) e.message = internal::EscapeMessageText(e.message);
  std::stable_sort(errors.begin(), errors.end(), [](const LoadError& a, const LoadError& b) {
    return std::tie(a.location.file, a.location.line) < std::tie(b.location.file, b.location.line);
  });
  return errors;
}

}  // namespace tessera::registry
