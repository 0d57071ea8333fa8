// One definition file: its documents, their top-level lists, and the
// boundary where yaml-cpp's exceptions become errors with file:line.
#include <string_view>

#include "tessera/registry/loader_internal.h"
#include "tessera/registry/yaml_objects.h"

namespace tessera::registry::internal {

namespace {

using ObjectReader = void (*)(const YAML::Node&, const FileContext&, ParsedRepo*);

struct TopLevelKey {
  std::string_view key;
  std::string_view item;  // "an entity", for messages
  ObjectReader read;
};

constexpr TopLevelKey kTopLevelKeys[] = {
    {"entities", "entity", ReadEntity},
    {"sources", "source", ReadSource},
    {"feature_views", "feature view", ReadFeatureView},
    {"on_demand_feature_views", "on-demand feature view", ReadOnDemandFeatureView},
    {"feature_services", "feature service", ReadFeatureService},
};

const TopLevelKey* FindTopLevelKey(std::string_view key) {
  for (const TopLevelKey& k : kTopLevelKeys) {
    if (k.key == key) return &k;
  }
  return nullptr;
}

void ReadList(const TopLevelKey& key, const YAML::Node& list, const FileContext& ctx,
              ParsedRepo* repo) {
  if (list.IsNull()) return;  // "sources:" with nothing under it
  if (!list.IsSequence()) {
    ctx.Error(list.Mark(), "'" + std::string(key.key) + "' must be a list");
    return;
  }
  for (const YAML::Node& item : list) {
    if (!ExpectMap(item, "each " + std::string(key.item) + " of '" + std::string(key.key) + "'",
                   ctx)) {
      continue;
    }
    key.read(item, ctx, repo);
  }
}

void ReadDocument(const YAML::Node& doc, const FileContext& ctx, ParsedRepo* repo) {
  if (doc.IsNull()) return;  // an empty file or document defines nothing
  if (!doc.IsMap()) {
    ctx.Error(doc.Mark(),
              "a definition file must be a mapping with top-level keys entities, sources, "
              "feature_views, on_demand_feature_views or feature_services");
    return;
  }
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    std::string key = it->first.IsScalar() ? it->first.Scalar() : "<complex key>";
    const TopLevelKey* known = FindTopLevelKey(key);
    if (known == nullptr) {
      ctx.Error(it->first.Mark(),
                "unknown top-level key '" + key +
                    "' (expected entities, sources, feature_views, on_demand_feature_views or "
                    "feature_services)");
      continue;
    }
    ReadList(*known, it->second, ctx, repo);
  }
}

}  // namespace

void ReadDefinitionFile(const std::string& abs_path, const std::string& rel_path, ParsedRepo* repo,
                        std::vector<LoadError>* errors) {
  FileContext ctx(rel_path, errors);
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAllFromFile(abs_path);
  } catch (const YAML::BadFile&) {
    ctx.ErrorAt(SourceLocation{rel_path, 0}, "cannot read the file");
    repo->complete = false;
    return;
  } catch (const YAML::Exception& e) {
    ctx.Error(e.mark, "invalid YAML: " + e.msg);
    repo->complete = false;
    return;
  }
  try {
    for (const YAML::Node& doc : docs) ReadDocument(doc, ctx, repo);
  } catch (const YAML::Exception& e) {
    // Accessors check node shapes first, so this is a yaml-cpp surprise;
    // it still must not escape the loader.
    ctx.Error(e.mark, "cannot read definitions: " + e.msg);
  }
}

}  // namespace tessera::registry::internal
