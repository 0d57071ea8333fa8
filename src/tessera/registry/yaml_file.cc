// One definition file: its documents and their top-level lists.
#include <string_view>

#include "tessera/registry/loader_internal.h"
#include "tessera/registry/yaml_objects.h"

namespace tessera::registry::internal {

namespace {

using ObjectReader = void (*)(const YamlNode&, const FileContext&, ParsedRepo*);

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

void ReadList(const TopLevelKey& key, const YamlNode& list, const FileContext& ctx,
              ParsedRepo* repo) {
  if (list.IsNull()) return;  // "sources:" with nothing under it
  if (!list.IsSequence()) {
    ctx.Error(list, "'" + std::string(key.key) + "' must be a list");
    return;
  }
  for (const YamlNode& item : list.items()) {
    if (!ExpectMap(item, "each " + std::string(key.item) + " of '" + std::string(key.key) + "'",
                   ctx)) {
      continue;
    }
    key.read(item, ctx, repo);
  }
}

void ReadDocument(const YamlNode& doc, const FileContext& ctx, ParsedRepo* repo) {
  if (doc.IsNull()) return;  // an empty file or document defines nothing
  if (!doc.IsMap()) {
    ctx.Error(doc,
              "a definition file must be a mapping with top-level keys entities, sources, "
              "feature_views, on_demand_feature_views or feature_services");
    return;
  }
  for (size_t i = 0; i < doc.size(); ++i) {
    std::string key = doc.key(i).IsScalar() ? doc.key(i).Scalar() : "<complex key>";
    const TopLevelKey* known = FindTopLevelKey(key);
    if (known == nullptr) {
      ctx.Error(doc.key(i),
                "unknown top-level key '" + key +
                    "' (expected entities, sources, feature_views, on_demand_feature_views or "
                    "feature_services)");
      continue;
    }
    ReadList(*known, doc.value(i), ctx, repo);
  }
}

}  // namespace

void ReadDefinitionText(const std::string& rel_path, std::string_view text, ParsedRepo* repo,
                        std::vector<LoadError>* errors) {
  FileContext ctx(rel_path, errors);
  std::vector<YamlNode> docs;
  YamlError error;
  if (!ParseYaml(text, &docs, &error)) {
    ctx.ErrorAt(SourceLocation{rel_path, error.line, error.column}, std::move(error.message));
    repo->complete = false;
    return;
  }
  for (const YamlNode& doc : docs) ReadDocument(doc, ctx, repo);
}

}  // namespace tessera::registry::internal
