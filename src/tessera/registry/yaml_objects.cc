#include "tessera/registry/yaml_objects.h"

#include <string_view>

#include "tessera/registry/loader_internal.h"
#include "tessera/registry/yaml_reader.h"

namespace tessera::registry::internal {

namespace {

bool IsJoinKeyType(DataType t) {
  return t == DataType::Int32() || t == DataType::Int64() || t == DataType::String() ||
         t == DataType::Bytes();
}

// A list of {name, type} mappings (join keys, source schemas).
void ReadFields(MapReader& parent, std::string_view key, std::string_view field_kind, bool required,
                std::vector<Field>* out, std::vector<SourceLocation>* lines) {
  const YamlNode& list = required ? parent.Require(key) : parent.Get(key);
  if (list.IsNull() || !ExpectSequence(list, key, parent)) return;
  if (list.size() == 0 && required) {
    parent.ctx().Error(list, parent.what() + ": '" + std::string(key) + "' is empty");
  }
  for (const YamlNode& item : list.items()) {
    std::string what = Describe(item, field_kind) + " of " + parent.what();
    if (!ExpectMap(item, what, parent.ctx())) continue;
    MapReader r(item, what, &parent.ctx());
    Field field;
    r.Name("name", field_kind, &field.name);
    r.Type("type", &field.type);
    r.ReportUnknownKeys();
    out->push_back(field);
    lines->push_back(r.location());
  }
}

}  // namespace

void ReadEntity(const YamlNode& node, const FileContext& ctx, ParsedRepo* repo) {
  MapReader r(node, Describe(node, "entity"), &ctx);
  Entity e;
  e.location = r.location();
  size_t index = repo->definitions.entities.size();
  r.Name("name", "entity", &e.name);
  std::vector<Field> keys;
  std::vector<SourceLocation> lines;
  ReadFields(r, "join_keys", "join key", /*required=*/true, &keys, &lines);
  for (size_t i = 0; i < keys.size(); ++i) {
    e.join_keys.push_back(JoinKey{keys[i].name, keys[i].type});
    repo->lines.Record(ObjectKind::kEntity, index, "join_keys[" + std::to_string(i) + "]",
                       lines[i]);
    if (!IsJoinKeyType(keys[i].type)) {
      ctx.ErrorAt(lines[i], "join key '" + keys[i].name + "' of " + r.what() + " has type " +
                                keys[i].type.ToString() +
                                "; join keys must be int32, int64, string or bytes");
    }
  }
  r.Doc(&e.doc);
  r.ReportUnknownKeys();
  repo->definitions.entities.push_back(std::move(e));
}

namespace {

SourceKind ReadSourceKind(MapReader& r, bool* ok) {
  std::string kind;
  *ok = false;
  if (!r.String("kind", /*required=*/true, &kind) || kind.empty()) return SourceKind::kBatch;
  *ok = true;
  if (kind == "batch") return SourceKind::kBatch;
  if (kind == "push") return SourceKind::kPush;
  if (kind == "request") return SourceKind::kRequest;
  *ok = false;
  r.ctx().ErrorAt(r.location(),
                  r.what() + ": unknown kind '" + kind + "' (expected batch, push or request)");
  return SourceKind::kBatch;
}

}  // namespace

void ReadSource(const YamlNode& node, const FileContext& ctx, ParsedRepo* repo) {
  MapReader r(node, Describe(node, "source"), &ctx);
  Source s;
  s.location = r.location();
  size_t index = repo->definitions.sources.size();
  r.Name("name", "source", &s.name);
  bool kind_ok = false;
  s.kind = ReadSourceKind(r, &kind_ok);
  if (!kind_ok) {
    // Without a kind the other keys cannot be judged: accept them silently.
    for (const char* key : {"path", "timestamp_field", "created_timestamp_field", "batch_source",
                            "schema", "stream", "description", "owner", "tags"}) {
      r.Allow(key);
    }
    repo->definitions.sources.push_back(std::move(s));
    return;
  }
  // Keys of another kind are reported as unknown for this kind.
  r.set_what(Describe(node, std::string(SourceKindName(s.kind)) + " source"));
  std::vector<SourceLocation> lines;
  switch (s.kind) {
    case SourceKind::kBatch:
      r.String("path", /*required=*/true, &s.path);
      r.String("timestamp_field", /*required=*/true, &s.timestamp_field);
      r.String("created_timestamp_field", /*required=*/false, &s.created_timestamp_field);
      ReadFields(r, "schema", "field", /*required=*/false, &s.schema, &lines);
      break;
    case SourceKind::kPush:
      r.String("batch_source", /*required=*/true, &s.batch_source);
      if (const YamlNode& b = r.Get("batch_source"); !b.IsNull()) {
        repo->lines.Record(ObjectKind::kSource, index, "batch_source", ctx.Location(b));
      }
      ReadFields(r, "schema", "field", /*required=*/false, &s.schema, &lines);
      break;
    case SourceKind::kRequest:
      ReadFields(r, "schema", "field", /*required=*/true, &s.schema, &lines);
      break;
  }
  ReadStream(r, s, &s.stream);
  for (size_t i = 0; i < lines.size(); ++i) {
    repo->lines.Record(ObjectKind::kSource, index, "schema[" + std::to_string(i) + "]", lines[i]);
  }
  r.Doc(&s.doc);
  r.ReportUnknownKeys();
  repo->definitions.sources.push_back(std::move(s));
}

// Features of a view (`expr` optional) or of an on-demand view (required).
void ReadFeatures(MapReader& parent, bool expr_required, std::vector<FeatureDef>* out) {
  const YamlNode& list = expr_required ? parent.Require("features") : parent.Get("features");
  if (list.IsNull() || !ExpectSequence(list, "features", parent)) return;
  for (const YamlNode& item : list.items()) {
    std::string what = Describe(item, "feature") + " of " + parent.what();
    if (!ExpectMap(item, what, parent.ctx())) continue;
    MapReader r(item, what, &parent.ctx());
    FeatureDef f;
    f.location = r.location();
    r.Name("name", "feature", &f.name);
    r.Type("type", &f.type);
    r.String("expr", expr_required, &f.expr);
    r.String("description", /*required=*/false, &f.description);
    r.ReportUnknownKeys();
    out->push_back(std::move(f));
  }
}

}  // namespace tessera::registry::internal
