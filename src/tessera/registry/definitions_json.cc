// Decoding of canonical definition JSON (canonical.cc writes it). Every
// member canonical.cc writes is required here: a missing one means the text
// is not what this build stored, which is corruption, not a default. The
// exceptions are the aggregation members canonical.cc writes only when they
// differ from a default (ReadAggregationParameters) and a source's optional
// `stream` (ReadStream).
#include "tessera/registry/definitions_json.h"

#include <rapidjson/document.h>

#include "tessera/core/time.h"

namespace tessera::registry {
namespace {

using JsonValue = rapidjson::Value;

// Checked access to one JSON object; errors name `origin` and the member.
class ObjectReader {
 public:
  ObjectReader(const JsonValue& value, const std::string& origin, std::string path)
      : value_(value), origin_(origin), path_(std::move(path)) {}

  bool Has(const char* key) const { return value_.HasMember(key); }
  Result<const JsonValue*> Member(const char* key) const {
    auto it = value_.FindMember(key);
    if (it == value_.MemberEnd()) return Error(std::string("member '") + key + "' is missing");
    return &it->value;
  }
  Result<std::string> String(const char* key) const {
    TS_ASSIGN_OR_RETURN(const JsonValue* v, Member(key));
    if (!v->IsString()) return Error(std::string("'") + key + "' is not a string");
    return std::string(v->GetString(), v->GetStringLength());
  }
  Result<bool> Bool(const char* key) const {
    TS_ASSIGN_OR_RETURN(const JsonValue* v, Member(key));
    if (!v->IsBool()) return Error(std::string("'") + key + "' is not a boolean");
    return v->GetBool();
  }
  Result<DataType> Type(const char* key) const {
    TS_ASSIGN_OR_RETURN(std::string text, String(key));
    Result<DataType> type = DataType::Parse(text);
    if (!type.ok()) return Error("'" + text + "' is not a type");
    return *type;
  }
  Result<int64_t> Duration(const char* key) const {
    TS_ASSIGN_OR_RETURN(std::string text, String(key));
    Result<int64_t> d = ParseDuration(text);
    if (!d.ok()) return Error("'" + text + "' is not a duration");
    return *d;
  }
  Result<std::vector<std::string>> StringList(const char* key) const {
    TS_ASSIGN_OR_RETURN(const JsonValue* v, Member(key));
    if (!v->IsArray()) return Error(std::string("'") + key + "' is not an array");
    std::vector<std::string> out;
    for (const JsonValue& item : v->GetArray()) {
      if (!item.IsString()) return Error(std::string("'") + key + "' holds a non-string");
      out.emplace_back(item.GetString(), item.GetStringLength());
    }
    return out;
  }
  Result<std::map<std::string, std::string>> StringMap(const char* key) const {
    TS_ASSIGN_OR_RETURN(const JsonValue* v, Member(key));
    if (!v->IsObject()) return Error(std::string("'") + key + "' is not an object");
    std::map<std::string, std::string> out;
    for (const auto& m : v->GetObject()) {
      if (!m.value.IsString()) return Error(std::string("'") + key + "' holds a non-string");
      out[std::string(m.name.GetString(), m.name.GetStringLength())] =
          std::string(m.value.GetString(), m.value.GetStringLength());
    }
    return out;
  }
  // The objects of array `key`, each with a reader.
  Result<std::vector<ObjectReader>> Objects(const char* key) const {
    TS_ASSIGN_OR_RETURN(const JsonValue* v, Member(key));
    if (!v->IsArray()) return Error(std::string("'") + key + "' is not an array");
    std::vector<ObjectReader> out;
    for (const JsonValue& item : v->GetArray()) {
      if (!item.IsObject()) return Error(std::string("'") + key + "' holds a non-object");
      out.emplace_back(item, origin_, path_ + "." + key);
    }
    return out;
  }
  // A reader of `value`, an object inside this one, for messages at `name`.
  ObjectReader Child(const JsonValue& value, const std::string& name) const {
    return ObjectReader(value, origin_, path_ + "." + name);
  }

  Status Error(const std::string& reason) const {
    return Status::Corruption(origin_ + ": " + path_ + ": " + reason);
  }

 private:
  const JsonValue& value_;
  const std::string& origin_;
  std::string path_;
};

// Parses `json`, checks its kind; the reader borrows `doc`.
Status ParseDocument(const std::string& json, const std::string& origin, ObjectKind kind,
                     rapidjson::Document* doc) {
  // Full precision: validation bounds are doubles that must read back to
  // the same bits, so that re-canonicalizing gives the same text.
  doc->Parse<rapidjson::kParseFullPrecisionFlag | rapidjson::kParseValidateEncodingFlag>(
      json.data(), json.size());
  if (doc->HasParseError() || !doc->IsObject()) {
    return Status::Corruption(origin + ": a stored definition is not a JSON object");
  }
  ObjectReader r(*doc, origin, "definition");
  TS_ASSIGN_OR_RETURN(std::string stored_kind, r.String("kind"));
  if (stored_kind != ObjectKindName(kind)) {
    return r.Error("kind '" + stored_kind + "', expected '" + ObjectKindName(kind) + "'");
  }
  return Status::OK();
}

Status ReadDoc(const ObjectReader& r, ObjectDoc* doc) {
  TS_ASSIGN_OR_RETURN(doc->description, r.String("description"));
  TS_ASSIGN_OR_RETURN(doc->owner, r.String("owner"));
  TS_ASSIGN_OR_RETURN(doc->tags, r.StringMap("tags"));
  return Status::OK();
}

Result<std::vector<Field>> ReadFields(const ObjectReader& r, const char* key) {
  TS_ASSIGN_OR_RETURN(auto items, r.Objects(key));
  std::vector<Field> out;
  for (const ObjectReader& item : items) {
    Field f;
    TS_ASSIGN_OR_RETURN(f.name, item.String("name"));
    TS_ASSIGN_OR_RETURN(f.type, item.Type("type"));
    out.push_back(std::move(f));
  }
  return out;
}

// Features with their descriptions (stored in the doc part).
Result<std::vector<FeatureDef>> ReadFeatures(const ObjectReader& r, const std::string& origin) {
  TS_ASSIGN_OR_RETURN(auto items, r.Objects("features"));
  TS_ASSIGN_OR_RETURN(auto descriptions, r.StringMap("feature_descriptions"));
  std::vector<FeatureDef> out;
  for (const ObjectReader& item : items) {
    FeatureDef f;
    TS_ASSIGN_OR_RETURN(f.name, item.String("name"));
    TS_ASSIGN_OR_RETURN(f.type, item.Type("type"));
    TS_ASSIGN_OR_RETURN(f.expr, item.String("expr"));
    if (auto it = descriptions.find(f.name); it != descriptions.end()) f.description = it->second;
    f.location.file = origin;
    out.push_back(std::move(f));
  }
  return out;
}

Result<std::optional<double>> ReadOptionalDouble(const ObjectReader& r, const char* key) {
  TS_ASSIGN_OR_RETURN(const JsonValue* v, r.Member(key));
  if (v->IsNull()) return std::optional<double>();
  if (!v->IsNumber()) return r.Error(std::string("'") + key + "' is not a number");
  return std::optional<double>(v->GetDouble());
}

Result<std::map<std::string, ValidationRule>> ReadValidation(const ObjectReader& r) {
  TS_ASSIGN_OR_RETURN(const JsonValue* v, r.Member("validation"));
  if (!v->IsObject()) return r.Error("'validation' is not an object");
  std::map<std::string, ValidationRule> out;
  for (const auto& m : v->GetObject()) {
    std::string feature(m.name.GetString(), m.name.GetStringLength());
    if (!m.value.IsObject()) return r.Error("validation of '" + feature + "' is not an object");
    ObjectReader item = r.Child(m.value, "validation." + feature);
    ValidationRule rule;
    TS_ASSIGN_OR_RETURN(rule.min, ReadOptionalDouble(item, "min"));
    TS_ASSIGN_OR_RETURN(rule.max, ReadOptionalDouble(item, "max"));
    TS_ASSIGN_OR_RETURN(rule.not_null, item.Bool("not_null"));
    TS_ASSIGN_OR_RETURN(rule.allowed_values, item.StringList("allowed_values"));
    out[feature] = std::move(rule);
  }
  return out;
}

// k, p and tiles: canonical.cc writes k for last_n and p for
// approx_percentile (required then), and tiles only when a window has a
// tile width (absent: every window has the default, 0).
Status ReadAggregationParameters(const ObjectReader& item, Aggregation* a) {
  if (a->function == "last_n") {
    TS_ASSIGN_OR_RETURN(const JsonValue* k, item.Member("k"));
    if (!k->IsInt64() || k->GetInt64() < 1) return item.Error("'k' is not a positive integer");
    a->k = k->GetInt64();
  }
  if (a->function == "approx_percentile") {
    TS_ASSIGN_OR_RETURN(const JsonValue* p, item.Member("p"));
    if (!p->IsNumber() || !(p->GetDouble() >= 0 && p->GetDouble() <= 1)) {
      return item.Error("'p' is not a number from 0 to 1");
    }
    a->p = p->GetDouble();
  }
  a->tile_widths.assign(a->windows.size(), 0);
  if (!item.Has("tiles")) return Status::OK();
  TS_ASSIGN_OR_RETURN(std::vector<std::string> tiles, item.StringList("tiles"));
  if (tiles.size() != a->windows.size())
    return item.Error("'tiles' and 'windows' differ in length");
  for (size_t i = 0; i < tiles.size(); ++i) {
    Result<int64_t> d = ParseDuration(tiles[i]);
    if (!d.ok()) return item.Error("tile '" + tiles[i] + "' is not a duration");
    a->tile_widths[i] = *d;
  }
  return Status::OK();
}

Result<std::vector<Aggregation>> ReadAggregations(const ObjectReader& r,
                                                  const std::string& origin) {
  TS_ASSIGN_OR_RETURN(auto items, r.Objects("aggregations"));
  std::vector<Aggregation> out;
  for (const ObjectReader& item : items) {
    Aggregation a;
    TS_ASSIGN_OR_RETURN(a.column, item.String("column"));
    TS_ASSIGN_OR_RETURN(a.function, item.String("function"));
    TS_ASSIGN_OR_RETURN(std::vector<std::string> windows, item.StringList("windows"));
    for (const std::string& w : windows) {
      Result<int64_t> d = ParseDuration(w);
      if (!d.ok()) return item.Error("window '" + w + "' is not a duration");
      a.windows.push_back(*d);
    }
    TS_RETURN_NOT_OK(ReadAggregationParameters(item, &a));
    a.location.file = origin;
    out.push_back(std::move(a));
  }
  return out;
}

// The name and doc every kind has; `out` is any object of definitions.h.
template <typename T>
Status ReadCommon(const ObjectReader& r, const std::string& origin, T* out) {
  TS_ASSIGN_OR_RETURN(out->name, r.String("name"));
  TS_RETURN_NOT_OK(ReadDoc(r, &out->doc));
  out->location.file = origin;
  return Status::OK();
}

Result<SourceKind> ParseSourceKind(const ObjectReader& r) {
  TS_ASSIGN_OR_RETURN(std::string text, r.String("source_kind"));
  for (SourceKind kind : {SourceKind::kBatch, SourceKind::kPush, SourceKind::kRequest}) {
    if (text == SourceKindName(kind)) return kind;
  }
  return r.Error("unknown source kind '" + text + "'");
}

// A push source's `stream` object, written only when the source has one.
Result<std::optional<StreamConfig>> ReadStream(const ObjectReader& r) {
  if (!r.Has("stream")) return std::optional<StreamConfig>();
  TS_ASSIGN_OR_RETURN(const JsonValue* v, r.Member("stream"));
  if (!v->IsObject()) return r.Error("'stream' is not an object");
  ObjectReader item = r.Child(*v, "stream");
  StreamConfig config;
  TS_ASSIGN_OR_RETURN(config.type, item.String("type"));
  TS_ASSIGN_OR_RETURN(config.url, item.String("url"));
  TS_ASSIGN_OR_RETURN(config.key, item.String("key"));
  TS_ASSIGN_OR_RETURN(config.group, item.String("group"));
  return std::optional<StreamConfig>(std::move(config));
}

}  // namespace

Result<Entity> EntityFromJson(const std::string& json, const std::string& origin) {
  rapidjson::Document doc;
  TS_RETURN_NOT_OK(ParseDocument(json, origin, ObjectKind::kEntity, &doc));
  ObjectReader r(doc, origin, "definition");
  Entity e;
  TS_RETURN_NOT_OK(ReadCommon(r, origin, &e));
  TS_ASSIGN_OR_RETURN(std::vector<Field> keys, ReadFields(r, "join_keys"));
  for (Field& k : keys) e.join_keys.push_back(JoinKey{std::move(k.name), k.type});
  return e;
}

Result<Source> SourceFromJson(const std::string& json, const std::string& origin) {
  rapidjson::Document doc;
  TS_RETURN_NOT_OK(ParseDocument(json, origin, ObjectKind::kSource, &doc));
  ObjectReader r(doc, origin, "definition");
  Source s;
  TS_RETURN_NOT_OK(ReadCommon(r, origin, &s));
  TS_ASSIGN_OR_RETURN(s.kind, ParseSourceKind(r));
  TS_ASSIGN_OR_RETURN(s.path, r.String("path"));
  TS_ASSIGN_OR_RETURN(s.timestamp_field, r.String("timestamp_field"));
  TS_ASSIGN_OR_RETURN(s.created_timestamp_field, r.String("created_timestamp_field"));
  TS_ASSIGN_OR_RETURN(s.batch_source, r.String("batch_source"));
  TS_ASSIGN_OR_RETURN(s.schema, ReadFields(r, "schema"));
  TS_ASSIGN_OR_RETURN(s.stream, ReadStream(r));
  return s;
}

Result<FeatureView> FeatureViewFromJson(const std::string& json, const std::string& origin) {
  rapidjson::Document doc;
  TS_RETURN_NOT_OK(ParseDocument(json, origin, ObjectKind::kFeatureView, &doc));
  ObjectReader r(doc, origin, "definition");
  FeatureView v;
  TS_RETURN_NOT_OK(ReadCommon(r, origin, &v));
  TS_ASSIGN_OR_RETURN(v.entities, r.StringList("entities"));
  TS_ASSIGN_OR_RETURN(v.source, r.String("source"));
  TS_ASSIGN_OR_RETURN(v.ttl, r.Duration("ttl"));
  TS_ASSIGN_OR_RETURN(v.online, r.Bool("online"));
  TS_ASSIGN_OR_RETURN(v.features, ReadFeatures(r, origin));
  TS_ASSIGN_OR_RETURN(v.aggregations, ReadAggregations(r, origin));
  TS_ASSIGN_OR_RETURN(v.validation, ReadValidation(r));
  return v;
}

Result<OnDemandFeatureView> OnDemandFeatureViewFromJson(const std::string& json,
                                                        const std::string& origin) {
  rapidjson::Document doc;
  TS_RETURN_NOT_OK(ParseDocument(json, origin, ObjectKind::kOnDemandFeatureView, &doc));
  ObjectReader r(doc, origin, "definition");
  OnDemandFeatureView v;
  TS_RETURN_NOT_OK(ReadCommon(r, origin, &v));
  TS_ASSIGN_OR_RETURN(v.inputs, r.StringList("inputs"));
  TS_ASSIGN_OR_RETURN(v.features, ReadFeatures(r, origin));
  return v;
}

Result<FeatureService> FeatureServiceFromJson(const std::string& json, const std::string& origin) {
  rapidjson::Document doc;
  TS_RETURN_NOT_OK(ParseDocument(json, origin, ObjectKind::kFeatureService, &doc));
  ObjectReader r(doc, origin, "definition");
  FeatureService s;
  TS_RETURN_NOT_OK(ReadCommon(r, origin, &s));
  TS_ASSIGN_OR_RETURN(s.features, r.StringList("features"));
  return s;
}

Status AddDefinitionFromJson(ObjectKind kind, const std::string& json, const std::string& origin,
                             RepoDefinitions* defs) {
  switch (kind) {
    case ObjectKind::kEntity: {
      TS_ASSIGN_OR_RETURN(Entity e, EntityFromJson(json, origin));
      defs->entities.push_back(std::move(e));
      return Status::OK();
    }
    case ObjectKind::kSource: {
      TS_ASSIGN_OR_RETURN(Source s, SourceFromJson(json, origin));
      defs->sources.push_back(std::move(s));
      return Status::OK();
    }
    case ObjectKind::kFeatureView: {
      TS_ASSIGN_OR_RETURN(FeatureView v, FeatureViewFromJson(json, origin));
      defs->feature_views.push_back(std::move(v));
      return Status::OK();
    }
    case ObjectKind::kOnDemandFeatureView: {
      TS_ASSIGN_OR_RETURN(OnDemandFeatureView v, OnDemandFeatureViewFromJson(json, origin));
      defs->on_demand_feature_views.push_back(std::move(v));
      return Status::OK();
    }
    case ObjectKind::kFeatureService: {
      TS_ASSIGN_OR_RETURN(FeatureService s, FeatureServiceFromJson(json, origin));
      defs->feature_services.push_back(std::move(s));
      return Status::OK();
    }
  }
  return Status::Corruption(origin + ": unknown object kind");
}

}  // namespace tessera::registry
