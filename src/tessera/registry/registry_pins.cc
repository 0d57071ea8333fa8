// Registry: checking a repo's pinned references ("view@N:feature") against
// the stored versions (pinned_refs.h has the rules).
#include <optional>
#include <string>
#include <vector>

#include "tessera/registry/definitions_json.h"
#include "tessera/registry/pinned_refs.h"
#include "tessera/registry/registry_internal.h"

namespace tessera::registry {

namespace {

// The feature names of stored version `version` of (kind, name), from its
// stored definition decoded as any reader decodes it (so generated names
// come from Aggregation::FeatureName, never from a second spelling here);
// nullopt when that version is not stored.
Result<std::optional<std::vector<std::string>>> StoredFeatureNames(SqliteDb* db, ObjectKind kind,
                                                                   const std::string& name,
                                                                   int64_t version) {
  TS_ASSIGN_OR_RETURN(SqliteStatement stmt,
                      db->Prepare("SELECT definition_json FROM object_versions "
                                  "WHERE kind = ? AND name = ? AND version = ?"));
  TS_RETURN_NOT_OK(stmt.BindAll(internal::KindDbName(kind), name, version));
  TS_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<std::vector<std::string>>();
  RepoDefinitions decoded;
  TS_RETURN_NOT_OK(AddDefinitionFromJson(kind, stmt.ColumnText(0),
                                         "registry: " + std::string(ObjectKindName(kind)) + " '" +
                                             name + "' version " + std::to_string(version),
                                         &decoded));
  std::vector<std::string> names;
  if (!decoded.feature_views.empty()) names = FeatureNames(decoded.feature_views[0]);
  for (const OnDemandFeatureView& v : decoded.on_demand_feature_views) {
    for (const FeatureDef& f : v.features) names.push_back(f.name);
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
