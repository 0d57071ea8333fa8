// Canonical JSON of registry objects. Keys are written in a fixed order by
// code (never by iteration over input), maps come from std::map (sorted),
// durations as FormatDuration and types as DataType::ToString, so equal
// definitions give equal bytes whatever their YAML spelling or file.
#include "tessera/registry/canonical.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

#include "tessera/core/sha256.h"
#include "tessera/core/time.h"
#include "tessera/expr/printer.h"

namespace tessera::registry {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void Str(Writer& w, const std::string& s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}
void Key(Writer& w, const char* key) { w.Key(key); }

void StrList(Writer& w, const std::vector<std::string>& items) {
  w.StartArray();
  for (const std::string& s : items) Str(w, s);
  w.EndArray();
}

void Fields(Writer& w, const std::vector<Field>& fields) {
  w.StartArray();
  for (const Field& f : fields) {
    w.StartObject();
    Key(w, "name");
    Str(w, f.name);
    Key(w, "type");
    Str(w, f.type.ToString());
    w.EndObject();
  }
  w.EndArray();
}

void Features(Writer& w, const std::vector<FeatureDef>& features) {
  w.StartArray();
  for (const FeatureDef& f : features) {
    w.StartObject();
    Key(w, "name");
    Str(w, f.name);
    Key(w, "type");
    Str(w, f.type.ToString());
    Key(w, "expr");
    Str(w, CanonicalExprText(f.expr));
    w.EndObject();
  }
  w.EndArray();
}

void OptionalDouble(Writer& w, const std::optional<double>& d) {
  if (d) {
    w.Double(*d);
  } else {
    w.Null();
  }
}

void Validation(Writer& w, const std::map<std::string, ValidationRule>& rules) {
  w.StartObject();
  for (const auto& [feature, rule] : rules) {
    Key(w, feature.c_str());
    w.StartObject();
    Key(w, "min");
    OptionalDouble(w, rule.min);
    Key(w, "max");
    OptionalDouble(w, rule.max);
    Key(w, "not_null");
    w.Bool(rule.not_null);
    Key(w, "allowed_values");
    StrList(w, rule.allowed_values);
    w.EndObject();
  }
  w.EndObject();
}

// The members only some aggregations have, written only when present so
// that the canonical form (and so the version) of every view defined before
// they existed stays the same: `k` of last_n, `p` of approx_percentile, and
// `tiles` (parallel to `windows`, "0" for the default) when a window has a
// tile width.
void AggregationParameters(Writer& w, const Aggregation& a) {
  if (a.function == "last_n") {
    Key(w, "k");
    w.Int64(a.k);
  }
  if (a.function == "approx_percentile") {
    Key(w, "p");
    w.Double(a.p);
  }
  bool has_tiles = std::any_of(a.tile_widths.begin(), a.tile_widths.end(),
                               [](int64_t width) { return width != 0; });
  if (!has_tiles) return;
  Key(w, "tiles");
  w.StartArray();
  for (size_t i = 0; i < a.windows.size(); ++i) {
    Str(w, FormatDuration(i < a.tile_widths.size() ? a.tile_widths[i] : 0));
  }
  w.EndArray();
}

void Aggregations(Writer& w, const std::vector<Aggregation>& aggs) {
  w.StartArray();
  for (const Aggregation& a : aggs) {
    w.StartObject();
    Key(w, "column");
    Str(w, a.column);
    Key(w, "function");
    Str(w, a.function);
    Key(w, "windows");
    w.StartArray();
    for (int64_t window : a.windows) Str(w, FormatDuration(window));
    w.EndArray();
    AggregationParameters(w, a);
    w.EndObject();
  }
  w.EndArray();
}

// The logic members of each kind (written inside an open object).
void LogicMembers(Writer& w, const Entity& e) {
  Key(w, "join_keys");
  std::vector<Field> keys;
  for (const JoinKey& k : e.join_keys) keys.push_back(Field{k.name, k.type});
  Fields(w, keys);
}

void LogicMembers(Writer& w, const Source& s) {
  Key(w, "source_kind");
  w.String(SourceKindName(s.kind));
  Key(w, "path");
  Str(w, s.path);
  Key(w, "timestamp_field");
  Str(w, s.timestamp_field);
  Key(w, "created_timestamp_field");
  Str(w, s.created_timestamp_field);
  Key(w, "batch_source");
  Str(w, s.batch_source);
  Key(w, "schema");
  Fields(w, s.schema);
}

void LogicMembers(Writer& w, const FeatureView& v) {
  Key(w, "entities");
  StrList(w, v.entities);
  Key(w, "source");
  Str(w, v.source);
  Key(w, "ttl");
  Str(w, FormatDuration(v.ttl));
  Key(w, "online");
  w.Bool(v.online);
  Key(w, "features");
  Features(w, v.features);
  Key(w, "aggregations");
  Aggregations(w, v.aggregations);
  Key(w, "validation");
  Validation(w, v.validation);
}

void LogicMembers(Writer& w, const OnDemandFeatureView& v) {
  Key(w, "inputs");
  StrList(w, v.inputs);
  Key(w, "features");
  Features(w, v.features);
}

void LogicMembers(Writer& w, const FeatureService& s) {
  Key(w, "features");
  StrList(w, s.features);
}

// Per-feature descriptions are documentation too; other kinds have none.
std::map<std::string, std::string> FeatureDescriptions(const std::vector<FeatureDef>& features) {
  std::map<std::string, std::string> out;
  for (const FeatureDef& f : features) {
    if (!f.description.empty()) out[f.name] = f.description;
  }
  return out;
}
template <typename T>
std::map<std::string, std::string> FeatureDescriptionsOf(const T&) {
  return {};
}
std::map<std::string, std::string> FeatureDescriptionsOf(const FeatureView& v) {
  return FeatureDescriptions(v.features);
}
std::map<std::string, std::string> FeatureDescriptionsOf(const OnDemandFeatureView& v) {
  return FeatureDescriptions(v.features);
}

void StrMap(Writer& w, const std::map<std::string, std::string>& m) {
  w.StartObject();
  for (const auto& [k, v] : m) {
    Key(w, k.c_str());
    Str(w, v);
  }
  w.EndObject();
}

void DocMembers(Writer& w, const ObjectDoc& doc,
                const std::map<std::string, std::string>& feature_descriptions) {
  Key(w, "description");
  Str(w, doc.description);
  Key(w, "owner");
  Str(w, doc.owner);
  Key(w, "tags");
  StrMap(w, doc.tags);
  Key(w, "feature_descriptions");
  StrMap(w, feature_descriptions);
}

// Operational settings: stored with the doc part (a change is recorded in
// history without a new version) and written only when present, so that
// objects without them keep their stored doc text byte for byte. Only a
// push source has one so far, its `stream:` block.
template <typename T>
void OperationalMembers(Writer&, const T&) {}
void OperationalMembers(Writer& w, const Source& s) {
  if (!s.stream) return;
  Key(w, "stream");
  w.StartObject();
  Key(w, "type");
  Str(w, s.stream->type);
  Key(w, "url");
  Str(w, s.stream->url);
  Key(w, "key");
  Str(w, s.stream->key);
  Key(w, "group");
  Str(w, s.stream->group);
  w.EndObject();
}

// Checks that `json` reads back: it parses as one JSON value and is valid
// UTF-8. The writer itself checks neither (a NaN double is written as
// nothing, a string's bytes as they are), so a bug upstream would otherwise
// store a document no reader accepts.
Status VerifyJson(const std::string& json, ObjectKind kind, const std::string& name) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(json.data(), json.size());
  if (!doc.HasParseError()) return Status::OK();
  return Status::Invalid(std::string(ObjectKindName(kind)) + " '" + name +
                         "': its canonical JSON does not read back (" +
                         rapidjson::GetParseError_En(doc.GetParseError()) + " at offset " +
                         std::to_string(doc.GetErrorOffset()) + ")");
}

template <typename T>
Result<CanonicalForm> Make(ObjectKind kind, const T& obj) {
  CanonicalForm form{kind, obj.name, "", "", "", ""};
  auto descriptions = FeatureDescriptionsOf(obj);
  {
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    LogicMembers(w, obj);
    w.EndObject();
    form.logic_json = buf.GetString();
  }
  {
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    DocMembers(w, obj.doc, descriptions);
    OperationalMembers(w, obj);
    w.EndObject();
    form.doc_json = buf.GetString();
  }
  {
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    Key(w, "kind");
    w.String(ObjectKindName(kind));
    Key(w, "name");
    Str(w, obj.name);
    LogicMembers(w, obj);
    DocMembers(w, obj.doc, descriptions);
    OperationalMembers(w, obj);
    w.EndObject();
    form.definition_json = buf.GetString();
  }
  for (const std::string* json : {&form.logic_json, &form.doc_json, &form.definition_json}) {
    TS_RETURN_NOT_OK(VerifyJson(*json, kind, obj.name));
  }
  form.logic_hash = Sha256Hex(form.logic_json);
  return form;
}

template <typename T>
Status AddSorted(ObjectKind kind, const std::vector<T>& objects, std::vector<CanonicalForm>* out) {
  size_t first = out->size();
  for (const T& obj : objects) {
    TS_ASSIGN_OR_RETURN(CanonicalForm form, Make(kind, obj));
    out->push_back(std::move(form));
  }
  std::sort(out->begin() + static_cast<std::ptrdiff_t>(first), out->end(),
            [](const CanonicalForm& a, const CanonicalForm& b) { return a.name < b.name; });
  return Status::OK();
}

}  // namespace

Result<CanonicalForm> Canonicalize(const Entity& e) { return Make(ObjectKind::kEntity, e); }
Result<CanonicalForm> Canonicalize(const Source& s) { return Make(ObjectKind::kSource, s); }
Result<CanonicalForm> Canonicalize(const FeatureView& v) {
  return Make(ObjectKind::kFeatureView, v);
}
Result<CanonicalForm> Canonicalize(const OnDemandFeatureView& v) {
  return Make(ObjectKind::kOnDemandFeatureView, v);
}
Result<CanonicalForm> Canonicalize(const FeatureService& s) {
  return Make(ObjectKind::kFeatureService, s);
}

std::string CanonicalExprText(const std::string& text) {
  if (text.empty()) return text;
  Result<std::string> canonical = expr::Canonicalize(text);
  return canonical.ok() ? *canonical : text;
}

Result<std::string> CanonicalizeStoredExprs(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseFullPrecisionFlag>(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return Status::Corruption("a stored definition is not a JSON object");
  }
  auto features = doc.FindMember("features");
  if (features == doc.MemberEnd() || !features->value.IsArray()) return json;
  bool changed = false;
  for (auto& f : features->value.GetArray()) {
    if (!f.IsObject()) continue;
    auto e = f.FindMember("expr");
    if (e == f.MemberEnd() || !e->value.IsString()) continue;
    std::string raw(e->value.GetString(), e->value.GetStringLength());
    std::string canonical = CanonicalExprText(raw);
    if (canonical == raw) continue;
    e->value.SetString(canonical.data(), static_cast<rapidjson::SizeType>(canonical.size()),
                       doc.GetAllocator());
    changed = true;
  }
  if (!changed) return json;
  rapidjson::StringBuffer buf;
  Writer w(buf);
  doc.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

Result<std::vector<CanonicalForm>> CanonicalizeAll(const RepoDefinitions& defs) {
  std::vector<CanonicalForm> out;
  TS_RETURN_NOT_OK(AddSorted(ObjectKind::kEntity, defs.entities, &out));
  TS_RETURN_NOT_OK(AddSorted(ObjectKind::kSource, defs.sources, &out));
  TS_RETURN_NOT_OK(AddSorted(ObjectKind::kFeatureView, defs.feature_views, &out));
  TS_RETURN_NOT_OK(AddSorted(ObjectKind::kOnDemandFeatureView, defs.on_demand_feature_views, &out));
  TS_RETURN_NOT_OK(AddSorted(ObjectKind::kFeatureService, defs.feature_services, &out));
  return out;
}

}  // namespace tessera::registry
