// The rows the registry derives from a repo's definitions besides their
// canonical forms: doc, exposed feature names and lineage edges, per object.
#include "tessera/registry/registry_internal.h"

namespace tessera::registry::internal {
namespace {

std::vector<std::string> FieldNames(const std::vector<Field>& fields) {
  std::vector<std::string> names;
  for (const Field& field : fields) names.push_back(field.name);
  return names;
}

std::vector<std::string> FeatureDefNames(const std::vector<FeatureDef>& features) {
  std::vector<std::string> names;
  for (const FeatureDef& feature : features) names.push_back(feature.name);
  return names;
}

std::vector<std::string> JoinKeyNames(const std::vector<JoinKey>& keys) {
  std::vector<std::string> names;
  for (const JoinKey& key : keys) names.push_back(key.name);
  return names;
}

template <typename T>
void AddRows(ObjectKind kind, const T& object, std::vector<std::string> features,
             std::map<ObjectRef, ObjectRows>* out) {
  ObjectRows& rows = (*out)[ObjectRef{kind, object.name}];
  rows.doc = object.doc;
  rows.feature_names = std::move(features);
}

}  // namespace

std::map<ObjectRef, ObjectRows> DeriveObjectRows(const RepoDefinitions& defs) {
  std::map<ObjectRef, ObjectRows> out;
  for (const Entity& e : defs.entities) {
    AddRows(ObjectKind::kEntity, e, JoinKeyNames(e.join_keys), &out);
  }
  for (const Source& s : defs.sources) AddRows(ObjectKind::kSource, s, FieldNames(s.schema), &out);
  for (const FeatureView& v : defs.feature_views) {
    AddRows(ObjectKind::kFeatureView, v, FeatureNames(v), &out);
  }
  for (const OnDemandFeatureView& v : defs.on_demand_feature_views) {
    AddRows(ObjectKind::kOnDemandFeatureView, v, FeatureDefNames(v.features), &out);
  }
  for (const FeatureService& s : defs.feature_services) {
    AddRows(ObjectKind::kFeatureService, s, {}, &out);
  }
  for (DependencyEdge& edge : ExtractDependencies(defs)) {
    out[edge.from].edges.push_back(std::move(edge));
  }
  return out;
}

}  // namespace tessera::registry::internal
