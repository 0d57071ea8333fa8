#include "tessera/serving/api_responses.h"

#include <array>
#include <string_view>

#include "tessera/serving/json_writer.h"

namespace tessera::serving {
namespace {

// Value i of a non-list array (REQUIRES: valid).
void WriteScalar(const Array& a, TypeId type, int64_t i, JsonWriter* w) {
  switch (type) {
    case TypeId::kBool: return w->Bool(a.GetBool(i));
    case TypeId::kInt32: return w->Int(a.GetInt32(i));
    case TypeId::kInt64: return w->Int(a.GetInt64(i));
    case TypeId::kFloat: return w->Float(a.GetFloat(i));
    case TypeId::kDouble: return w->Double(a.GetDouble(i));
    case TypeId::kString: return w->String(a.GetView(i));
    case TypeId::kBytes: return w->Base64(a.GetView(i));
    case TypeId::kTimestamp: return w->Timestamp(a.GetInt64(i));
    case TypeId::kList: return w->Null();  // lists are written by WriteValue
  }
}

}  // namespace

void WriteJsonValue(const Array& a, int64_t i, JsonWriter* w) {
  if (a.IsNull(i)) return w->Null();
  if (!a.type().is_list()) return WriteScalar(a, a.type().id(), i, w);
  const Array& child = a.child();
  w->StartArray();
  for (int64_t j = a.offset(i); j < a.offset(i + 1); ++j) {
    if (child.IsNull(j)) {
      w->Null();
    } else {
      WriteScalar(child, child.type().id(), j, w);
    }
  }
  w->EndArray();
}

namespace {

// A status as its JSON string, quotes included (the names are plain ASCII:
// nothing to escape).
std::string_view QuotedStatus(FeatureStatus s) {
  static const auto kQuoted = [] {
    std::array<std::string, 4> quoted;
    for (size_t i = 0; i < quoted.size(); ++i) {
      quoted[i] = std::string("\"") + FeatureStatusName(static_cast<FeatureStatus>(i)) + "\"";
    }
    return quoted;
  }();
  const auto i = static_cast<size_t>(s);
  return i < kQuoted.size() ? std::string_view(kQuoted[i]) : std::string_view("\"UNKNOWN\"");
}

// Result k: {"values":[...],"statuses":[...],"event_timestamps":[...]}.
// The fixed keys and punctuation are appended as literals (what JsonWriter
// would write for them, without its per-call bookkeeping: most of a small
// response's cost); `w` writes the arrays, each at its top level, so it
// keeps its last formatted timestamp from one result to the next.
void WriteResult(const OnlineResponse& r, size_t k, JsonWriter* w, std::string* out) {
  out->append(k == 0 ? "{\"values\":" : ",{\"values\":");
  w->StartArray();
  if (k < r.values.size() && r.values[k] != nullptr) {
    const Array& a = *r.values[k];
    for (int64_t i = 0; i < a.length(); ++i) WriteJsonValue(a, i, w);
  }
  w->EndArray();
  out->append(",\"statuses\":[");
  if (k < r.statuses.size()) {
    bool first = true;
    for (FeatureStatus s : r.statuses[k]) {
      if (!first) out->push_back(',');
      first = false;
      out->append(QuotedStatus(s));
    }
  }
  out->append("],\"event_timestamps\":");
  w->StartArray();
  if (k < r.event_timestamps.size()) {
    for (int64_t ts : r.event_timestamps[k]) w->Timestamp(ts);
  }
  w->EndArray();
  out->push_back('}');
}

}  // namespace

std::string OnlineResponseJson(const OnlineResponse& response) {
  std::string out;
  AppendOnlineResponseJson(response, &out);
  return out;
}

void AppendOnlineResponseJson(const OnlineResponse& response, std::string* out) {
  int64_t rows = response.values.empty() || !response.values[0] ? 0 : response.values[0]->length();
  // A little over the usual size (a value, "PRESENT" and a 30-byte
  // timestamp per cell, the names and keys per column), so the string is
  // not regrown on the way: one allocation, or none in a reused buffer.
  const size_t columns = response.names.size();
  out->reserve(out->size() + 64 + columns * (96 + 64 * static_cast<size_t>(rows)));
  // {"metadata":{"feature_names":[...]},"results":[...]}; the writer writes
  // only arrays at its top level (see WriteResult).
  JsonWriter w(out);
  out->append("{\"metadata\":{\"feature_names\":");
  w.StartArray();
  for (const std::string& name : response.names) w.String(name);
  w.EndArray();
  out->append("},\"results\":[");
  for (size_t k = 0; k < response.names.size(); ++k) WriteResult(response, k, &w, out);
  out->append("]}");
}

std::string PushSummaryJson(const PushSummary& s) {
  std::string out;
  JsonWriter w(&out);
  w.StartObject();
  w.Key("push_source_name");
  w.String(s.source);
  w.Key("rows");
  w.Int(s.rows);
  w.Key("online_rows_written");
  w.Int(s.online_rows_written);
  w.Key("logged");
  w.Bool(s.logged);
  if (s.logged) {
    w.Key("first_seq");
    w.Int(s.first_seq);
    w.Key("last_seq");
    w.Int(s.last_seq);
  }
  if (s.duplicates_dropped > 0) {
    w.Key("duplicates_dropped");
    w.Int(s.duplicates_dropped);
  }
  if (s.window_events_applied > 0 || s.window_events_too_old > 0) {
    w.Key("window_events_applied");
    w.Int(s.window_events_applied);
    w.Key("window_events_too_old");
    w.Int(s.window_events_too_old);
  }
  w.EndObject();
  return out;
}

std::string MaterializeSummaryJson(const MaterializeSummary& summary) {
  std::string out;
  JsonWriter w(&out);
  w.StartObject();
  w.Key("views");
  w.StartArray();
  for (const MaterializedViewSummary& v : summary.views) {
    w.StartObject();
    w.Key("view");
    w.String(v.view);
    w.Key("version");
    w.Int(v.version);
    w.Key("start_ts");
    w.Timestamp(v.start_micros);
    w.Key("end_ts");
    w.Timestamp(v.end_micros);
    w.Key("rows_scanned");
    w.Int(v.rows_scanned);
    w.Key("rows_written");
    w.Int(v.rows_written);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return out;
}

}  // namespace tessera::serving
