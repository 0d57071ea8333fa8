#include "tessera/serving/api_responses.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <string_view>

#include "tessera/core/time.h"
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

// Writes the online response through a cursor into *out: room is made
// ahead (the string is resized past what is written and cut back by
// Finish), so each piece is a bounds check and a memcpy instead of a
// std::string::append and JsonWriter's comma bookkeeping (most of a small
// response's cost). Numbers, booleans, nulls, plain strings, statuses and
// timestamps are written here, spelled as JsonWriter spells them (its
// FormatJsonDouble, IsPlainJsonString; core's FormatTimestampTo); any
// other value (bytes, lists, strings to escape) is written by JsonWriter
// and copied, so the text is JsonWriter's throughout.
class ResponseWriter {
 public:
  ResponseWriter(std::string* out, size_t expected) : out_(out), len_(out->size()) {
    out_->resize(len_ + expected);
  }

  // Cuts *out back to what was written. REQUIRES: called once, last.
  void Finish() { out_->resize(len_); }

  void Append(std::string_view s) {
    std::memcpy(Room(s.size()), s.data(), s.size());
    len_ += s.size();
  }
  void Push(char c) {
    *Room(1) = c;
    ++len_;
  }

  void String(std::string_view s) {
    if (!IsPlainJsonString(s)) return General([s](JsonWriter* w) { w->String(s); });
    char* p = Room(s.size() + 2);
    p[0] = '"';
    std::memcpy(p + 1, s.data(), s.size());
    p[s.size() + 1] = '"';
    len_ += s.size() + 2;
  }

  // Value i of `a` as WriteJsonValue writes it.
  void Value(const Array& a, TypeId type, int64_t i) {
    if (a.IsNull(i)) return Append("null");
    switch (type) {
      case TypeId::kBool: return Append(a.GetBool(i) ? "true" : "false");
      case TypeId::kInt32: return Int(a.GetInt32(i));
      case TypeId::kInt64: return Int(a.GetInt64(i));
      case TypeId::kDouble: {
        char buf[kMaxJsonNumberChars];
        return Append(std::string_view(buf, FormatJsonDouble(a.GetDouble(i), buf)));
      }
      case TypeId::kFloat: {
        char buf[kMaxJsonNumberChars];
        return Append(std::string_view(buf, FormatJsonFloat(a.GetFloat(i), buf)));
      }
      case TypeId::kString: return String(a.GetView(i));
      default: return General([&a, i](JsonWriter* w) { WriteJsonValue(a, i, w); });
    }
  }

  // A timestamp as JsonWriter::Timestamp writes it.
  void Timestamp(int64_t micros) { Append(timestamp_.Text(micros)); }

 private:
  char* Room(size_t n) {
    if (out_->size() - len_ < n) out_->resize(std::max(out_->size() * 2, len_ + n));
    return out_->data() + len_;
  }

  void Int(int64_t v) {
    char* p = Room(24);
    len_ += static_cast<size_t>(std::to_chars(p, p + 24, v).ptr - p);
  }

  // What `write` writes with a fresh JsonWriter (one value: no separator).
  template <typename F>
  void General(const F& write) {
    thread_local std::string scratch;
    scratch.clear();
    JsonWriter w(&scratch);
    write(&w);
    Append(scratch);
  }

  std::string* out_;
  size_t len_;  // bytes of *out written
  QuotedTimestamp timestamp_;
};

// Result k: {"values":[...],"statuses":[...],"event_timestamps":[...]}.
void WriteResult(const OnlineResponse& r, size_t k, ResponseWriter* w) {
  w->Append(k == 0 ? "{\"values\":[" : ",{\"values\":[");
  if (k < r.values.size() && r.values[k] != nullptr) {
    const Array& a = *r.values[k];
    const TypeId type = a.type().id();
    for (int64_t i = 0; i < a.length(); ++i) {
      if (i > 0) w->Push(',');
      w->Value(a, type, i);
    }
  }
  w->Append("],\"statuses\":[");
  if (k < r.statuses.size()) {
    bool first = true;
    for (FeatureStatus s : r.statuses[k]) {
      if (!first) w->Push(',');
      first = false;
      w->Append(QuotedStatus(s));
    }
  }
  w->Append("],\"event_timestamps\":[");
  if (k < r.event_timestamps.size()) {
    bool first = true;
    for (int64_t ts : r.event_timestamps[k]) {
      if (!first) w->Push(',');
      first = false;
      w->Timestamp(ts);
    }
  }
  w->Append("]}");
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
  ResponseWriter w(out, 64 + columns * (96 + 64 * static_cast<size_t>(rows)));
  // {"metadata":{"feature_names":[...]},"results":[...]}
  w.Append("{\"metadata\":{\"feature_names\":[");
  for (size_t k = 0; k < columns; ++k) {
    if (k > 0) w.Push(',');
    w.String(response.names[k]);
  }
  w.Append("]},\"results\":[");
  for (size_t k = 0; k < columns; ++k) WriteResult(response, k, &w);
  w.Append("]}");
  w.Finish();
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
