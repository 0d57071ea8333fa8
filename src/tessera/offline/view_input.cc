#include "tessera/offline/view_input.h"

#include "tessera/core/suggest.h"
#include "tessera/registry/loader.h"

namespace tessera::offline {
namespace {

template <typename T>
const T* FindByName(const std::vector<T>& objects, const std::string& name) {
  for (const T& o : objects) {
    if (o.name == name) return &o;
  }
  return nullptr;
}

}  // namespace

Result<std::vector<Field>> ViewJoinKeys(const registry::RepoDefinitions& defs,
                                        const registry::FeatureView& view) {
  std::vector<Field> keys;
  for (const std::string& entity_name : view.entities) {
    const registry::Entity* entity = FindByName(defs.entities, entity_name);
    if (entity == nullptr) {
      return Status::Invalid("feature view " + Quoted(view.name) + " names entity " +
                             Quoted(entity_name) + ", which is not defined");
    }
    for (const registry::JoinKey& key : entity->join_keys) keys.push_back({key.name, key.type});
  }
  return keys;
}

Result<const registry::Source*> ViewBatchSource(const registry::RepoDefinitions& defs,
                                                const registry::FeatureView& view) {
  const registry::Source* source = FindByName(defs.sources, view.source);
  if (source != nullptr && source->kind == registry::SourceKind::kPush) {
    source = FindByName(defs.sources, source->batch_source);
  }
  if (source == nullptr || source->kind != registry::SourceKind::kBatch) {
    return Status::Invalid("feature view " + Quoted(view.name) + ": source " +
                           Quoted(view.source) + " is not a batch source or a push source with one");
  }
  return source;
}

std::map<std::string, registry::SourceSchema> ResolveViewSourceSchemas(
    const std::string& repo_root, const std::string& project,
    const registry::RepoDefinitions& defs) {
  registry::LoadedRepo repo;
  repo.root = repo_root;
  repo.config.project = project;
  repo.definitions = defs;
  std::vector<registry::LoadError> ignored;  // a scan reports real problems
  return registry::ResolveSourceSchemas(repo, &ignored);
}

std::vector<registry::SourceColumn> ViewSourceColumns(
    const registry::FeatureView& view, const std::vector<Field>& keys,
    const registry::Source& batch_source,
    const std::map<std::string, registry::SourceSchema>& schemas) {
  auto it = schemas.find(view.source);
  if (it != schemas.end() && !it->second.sets.empty()) return it->second.sets[0].columns;
  std::vector<registry::SourceColumn> out;
  for (const Field& k : keys) out.push_back({k.name, k.type});
  out.push_back({batch_source.timestamp_field, DataType::Timestamp()});
  for (const registry::FeatureDef& f : view.features) {
    if (f.expr.empty()) out.push_back({f.name, f.type});
  }
  return out;
}

}  // namespace tessera::offline
