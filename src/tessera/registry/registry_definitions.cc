// Registry reads that decode stored definitions back into objects: the live
// definitions (what a training set or a server works from) and one version
// of a feature view (pinned references).
#include "tessera/registry/definitions_json.h"
#include "tessera/registry/registry_internal.h"

namespace tessera::registry {

Result<LiveDefinitions> Registry::LiveDefinitionsNow() const {
  TS_ASSIGN_OR_RETURN(auto txn,
                      SqliteTransaction::Begin(db_.get(), SqliteTransaction::Mode::kDeferred));
  LiveDefinitions out;
  TS_ASSIGN_OR_RETURN(out.registry_version, Version());
  TS_ASSIGN_OR_RETURN(SqliteStatement stmt,
                      db_->Prepare("SELECT o.kind, o.name, o.current_version, v.definition_json "
                                   "FROM objects o JOIN object_versions v ON v.kind = o.kind AND "
                                   "v.name = o.name AND v.version = o.current_version "
                                   "WHERE o.deleted = 0 ORDER BY o.name"));
  while (true) {
    TS_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    TS_ASSIGN_OR_RETURN(ObjectKind kind, internal::KindFromDb(db_.get(), stmt.ColumnText(0)));
    std::string name = stmt.ColumnText(1);
    int64_t version = stmt.ColumnInt64(2);
    std::string origin =
        db_->Label() + ": " + ObjectKindName(kind) + " '" + name + "' v" + std::to_string(version);
    TS_RETURN_NOT_OK(AddDefinitionFromJson(kind, stmt.ColumnText(3), origin, &out.definitions));
    out.versions[ObjectRef{kind, name}] = version;
  }
  return out;
}

Result<FeatureView> Registry::FeatureViewAt(const std::string& name, int64_t version) const {
  TS_ASSIGN_OR_RETURN(ObjectDescription d, Describe(name, ObjectKind::kFeatureView, version));
  std::string origin = db_->Label() + ": feature_view '" + name + "' v" + std::to_string(version);
  return FeatureViewFromJson(d.definition_json, origin);
}

}  // namespace tessera::registry
