// Registry: checking a repo's pinned references ("view@N:feature") against
// the stored versions (pinned_refs.h has the rules).
#include <optional>
#include <string>
#include <vector>

#include "tessera/registry/pinned_refs.h"
#include "tessera/registry/registry_internal.h"

namespace tessera::registry {

namespace {

// The feature names of stored version `version` of (kind, name), read from
// its canonical logic (declared features, then one per aggregation window,
// as FeatureNames); nullopt when that version is not stored.
Result<std::optional<std::vector<std::string>>> StoredFeatureNames(SqliteDb* db, ObjectKind kind,
                                                                   const std::string& name,
                                                                   int64_t version) {
  TS_ASSIGN_OR_RETURN(SqliteStatement exists,
                      db->Prepare("SELECT count(*) FROM object_versions "
                                  "WHERE kind = ? AND name = ? AND version = ?"));
  TS_RETURN_NOT_OK(exists.BindAll(internal::KindDbName(kind), name, version));
  TS_ASSIGN_OR_RETURN(bool row, exists.Step());
  if (!row || exists.ColumnInt64(0) == 0) return std::optional<std::vector<std::string>>();
  TS_ASSIGN_OR_RETURN(
      SqliteStatement stmt,
      db->Prepare("SELECT json_extract(f.value, '$.name') FROM object_versions v, "
                  "json_each(v.logic_json, '$.features') f "
                  "WHERE v.kind = ?1 AND v.name = ?2 AND v.version = ?3 "
                  "UNION ALL "
                  "SELECT json_extract(a.value, '$.column') || '_' || "
                  "json_extract(a.value, '$.function') || '_' || w.value "
                  "FROM object_versions v, json_each(v.logic_json, '$.aggregations') a, "
                  "json_each(a.value, '$.windows') w "
                  "WHERE v.kind = ?1 AND v.name = ?2 AND v.version = ?3"));
  TS_RETURN_NOT_OK(stmt.BindAll(internal::KindDbName(kind), name, version));
  std::vector<std::string> names;
  while (true) {
    TS_ASSIGN_OR_RETURN(bool more, stmt.Step());
    if (!more) break;
    names.push_back(stmt.ColumnText(0));
  }
  return std::optional<std::vector<std::string>>(std::move(names));
}

}  // namespace

Status Registry::CheckPins(const RepoDefinitions& defs, const Plan& plan) const {
  StoredVersionFeatures stored;
  for (const PinnedReference& pin : FindPinnedReferences(defs)) {
    ObjectKind kind = PinnedViewKind(defs, pin.view);
    if (stored.count({kind, pin.view, pin.version}) != 0) continue;
    TS_ASSIGN_OR_RETURN(auto names, StoredFeatureNames(db_.get(), kind, pin.view, pin.version));
    if (names) stored[{kind, pin.view, pin.version}] = std::move(*names);
  }
  std::vector<LoadError> errors = CheckPinnedReferences(defs, plan, stored);
  if (errors.empty()) return Status::OK();
  std::string message;
  for (const LoadError& e : errors) message += (message.empty() ? "" : "\n") + e.ToString();
  return Status::Invalid(std::move(message));
}

}  // namespace tessera::registry
