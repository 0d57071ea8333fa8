#include "tessera/serving/api_client.h"

#include <rapidjson/document.h>

#include "tessera/core/time.h"
#include "tessera/serving/api_responses.h"
#include "tessera/serving/json_writer.h"

namespace tessera::serving {
namespace {

using rapidjson::Value;

// {"name": [values], ...} of every column of `batch`.
void WriteColumns(const RecordBatch& batch, JsonWriter* w) {
  w->StartObject();
  for (int c = 0; c < batch.num_columns(); ++c) {
    w->Key(batch.schema()->field(c).name);
    w->StartArray();
    const Array& column = *batch.column(c);
    for (int64_t i = 0; i < column.length(); ++i) WriteJsonValue(column, i, w);
    w->EndArray();
  }
  w->EndObject();
}

void WriteStrings(const std::vector<std::string>& values, JsonWriter* w) {
  w->StartArray();
  for (const std::string& v : values) w->String(v);
  w->EndArray();
}

const char* PushTargetName(PushTarget to) {
  switch (to) {
    case PushTarget::kOnline: return "online";
    case PushTarget::kOffline: return "offline";
    case PushTarget::kOnlineAndOffline: return "online_and_offline";
  }
  return "online";
}

Status BadAnswer(const std::string& what) {
  return Status::Corruption("the server's answer is not what was expected: " + what);
}

Result<const Value*> Member(const Value& object, const char* name) {
  auto it = object.FindMember(name);
  if (it == object.MemberEnd()) return BadAnswer(std::string("no \"") + name + "\"");
  return &it->value;
}

Result<int64_t> IntMember(const Value& object, const char* name) {
  TS_ASSIGN_OR_RETURN(const Value* v, Member(object, name));
  if (!v->IsInt64()) return BadAnswer(std::string("\"") + name + "\" is not an integer");
  return v->GetInt64();
}

Result<std::string> StringMember(const Value& object, const char* name) {
  TS_ASSIGN_OR_RETURN(const Value* v, Member(object, name));
  if (!v->IsString()) return BadAnswer(std::string("\"") + name + "\" is not a string");
  return std::string(v->GetString(), v->GetStringLength());
}

Result<int64_t> TimeMember(const Value& object, const char* name) {
  TS_ASSIGN_OR_RETURN(std::string text, StringMember(object, name));
  Result<int64_t> micros = ParseTimestamp(text);
  if (!micros.ok()) return BadAnswer(std::string("\"") + name + "\" is not a timestamp");
  return micros;
}

Result<rapidjson::Document> ParseObject(std::string_view body) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) return BadAnswer("not a JSON object");
  return doc;
}

StatusCode CodeOfHttpStatus(int http_status) {
  switch (http_status) {
    case 400:
    case 413:
    case 431: return StatusCode::kInvalidArgument;
    case 404: return StatusCode::kNotFound;
    case 409: return StatusCode::kAlreadyExists;
    case 501: return StatusCode::kUnsupported;
    case 503: return StatusCode::kUnavailable;
    default: return http_status < 500 ? StatusCode::kInvalidArgument : StatusCode::kIOError;
  }
}

}  // namespace

std::string OnlineFeaturesBody(const RecordBatch& entities, const OnlineRequest& request) {
  std::string out;
  JsonWriter w(&out);
  w.StartObject();
  if (request.features.empty()) {
    w.Key("feature_service");
    w.String(request.feature_service);
  } else {
    w.Key("features");
    WriteStrings(request.features, &w);
  }
  w.Key("entities");
  WriteColumns(entities, &w);
  w.Key("full_feature_names");
  w.Bool(request.full_feature_names);
  w.EndObject();
  return out;
}

std::string PushBody(const std::string& source, const RecordBatch& rows, PushTarget to) {
  std::string out;
  JsonWriter w(&out);
  w.StartObject();
  w.Key("push_source_name");
  w.String(source);
  w.Key("df");
  WriteColumns(rows, &w);
  w.Key("to");
  w.String(PushTargetName(to));
  w.EndObject();
  return out;
}

std::string MaterializeBody(const MaterializeRequest& request) {
  std::string out;
  JsonWriter w(&out);
  w.StartObject();
  if (!request.incremental) {
    w.Key("start_ts");
    w.Timestamp(request.start_micros);
  }
  w.Key("end_ts");
  w.Timestamp(request.end_micros);
  if (!request.views.empty()) {
    w.Key("feature_views");
    WriteStrings(request.views, &w);
  }
  w.EndObject();
  return out;
}

const char* MaterializePath(const MaterializeRequest& request) {
  return request.incremental ? "/materialize-incremental" : "/materialize";
}

Result<PushSummary> ParsePushSummary(std::string_view body) {
  TS_ASSIGN_OR_RETURN(rapidjson::Document doc, ParseObject(body));
  PushSummary s;
  TS_ASSIGN_OR_RETURN(s.source, StringMember(doc, "push_source_name"));
  TS_ASSIGN_OR_RETURN(s.rows, IntMember(doc, "rows"));
  TS_ASSIGN_OR_RETURN(s.online_rows_written, IntMember(doc, "online_rows_written"));
  TS_ASSIGN_OR_RETURN(const Value* logged, Member(doc, "logged"));
  if (!logged->IsBool()) return BadAnswer("\"logged\" is not a boolean");
  s.logged = logged->GetBool();
  if (s.logged) {
    TS_ASSIGN_OR_RETURN(s.first_seq, IntMember(doc, "first_seq"));
    TS_ASSIGN_OR_RETURN(s.last_seq, IntMember(doc, "last_seq"));
  }
  if (doc.HasMember("duplicates_dropped")) {
    TS_ASSIGN_OR_RETURN(s.duplicates_dropped, IntMember(doc, "duplicates_dropped"));
  }
  if (doc.HasMember("window_events_applied")) {
    TS_ASSIGN_OR_RETURN(s.window_events_applied, IntMember(doc, "window_events_applied"));
    TS_ASSIGN_OR_RETURN(s.window_events_too_old, IntMember(doc, "window_events_too_old"));
  }
  return s;
}

Result<MaterializeSummary> ParseMaterializeSummary(std::string_view body) {
  TS_ASSIGN_OR_RETURN(rapidjson::Document doc, ParseObject(body));
  TS_ASSIGN_OR_RETURN(const Value* views, Member(doc, "views"));
  if (!views->IsArray()) return BadAnswer("\"views\" is not an array");
  MaterializeSummary summary;
  for (const Value& v : views->GetArray()) {
    if (!v.IsObject()) return BadAnswer("an entry of \"views\" is not an object");
    MaterializedViewSummary s;
    TS_ASSIGN_OR_RETURN(s.view, StringMember(v, "view"));
    TS_ASSIGN_OR_RETURN(s.version, IntMember(v, "version"));
    TS_ASSIGN_OR_RETURN(s.start_micros, TimeMember(v, "start_ts"));
    TS_ASSIGN_OR_RETURN(s.end_micros, TimeMember(v, "end_ts"));
    TS_ASSIGN_OR_RETURN(s.rows_scanned, IntMember(v, "rows_scanned"));
    TS_ASSIGN_OR_RETURN(s.rows_written, IntMember(v, "rows_written"));
    summary.views.push_back(std::move(s));
  }
  return summary;
}

Status StatusOfErrorAnswer(int http_status, std::string_view body) {
  StatusCode code = CodeOfHttpStatus(http_status);
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(body.data(), body.size());
  // Member lookups only on an object (MemberEnd of anything else is
  // undefined: RapidJSON asserts in a debug build).
  const bool object = !doc.HasParseError() && doc.IsObject();
  auto error = object ? doc.FindMember("error") : rapidjson::Document::MemberIterator();
  if (!object || error == doc.MemberEnd() || !error->value.IsString()) {
    std::string quoted;
    JsonWriter(&quoted).String(body.substr(0, 200));
    return Status(code, "the server answered HTTP " + std::to_string(http_status) + ": " + quoted);
  }
  std::string reason(error->value.GetString(), error->value.GetStringLength());
  auto field = doc.FindMember("field");
  if (field != doc.MemberEnd() && field->value.IsString()) {
    std::string name(field->value.GetString(), field->value.GetStringLength());
    bool names_a_place = name.find_first_of(".[") != std::string::npos;
    if (names_a_place && reason.compare(0, name.size(), name) != 0) {
      reason = name + ": " + reason;
    }
  }
  return Status(code, std::move(reason));
}

}  // namespace tessera::serving
