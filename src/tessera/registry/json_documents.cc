#include "tessera/registry/json_documents.h"

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <cmath>

#include "tessera/core/time.h"
#include "tessera/core/utf8.h"
#include "tessera/registry/object_kinds.h"

namespace tessera::registry {
namespace {

// RapidJSON's pretty writer with the guarantees of this file: strings and
// keys made valid UTF-8, non-finite doubles written as null. The methods
// hide the base's, so Document::Accept(writer) goes through them too.
class SafeWriter : public rapidjson::PrettyWriter<rapidjson::StringBuffer> {
 public:
  using Base = rapidjson::PrettyWriter<rapidjson::StringBuffer>;
  explicit SafeWriter(rapidjson::StringBuffer& buffer) : Base(buffer) { SetIndent(' ', 2); }

  bool String(const char* s, rapidjson::SizeType n, bool copy = false) {
    std::string safe = ToValidUtf8(std::string_view(s, n));
    return Base::String(safe.data(), static_cast<rapidjson::SizeType>(safe.size()), copy);
  }
  bool String(std::string_view s) {
    return String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  }
  bool Key(const char* s, rapidjson::SizeType n, bool copy = false) {
    std::string safe = ToValidUtf8(std::string_view(s, n));
    return Base::Key(safe.data(), static_cast<rapidjson::SizeType>(safe.size()), copy);
  }
  bool Key(std::string_view s) { return Key(s.data(), static_cast<rapidjson::SizeType>(s.size())); }
  bool Double(double d) { return std::isfinite(d) ? Base::Double(d) : Base::Null(); }

  void Member(std::string_view key, std::string_view value) {
    Key(key);
    String(value);
  }
  void Member(std::string_view key, int64_t value) {
    Key(key);
    Int64(value);
  }
  void BoolMember(std::string_view key, bool value) {
    Key(key);
    Bool(value);
  }
};

// Stored JSON (a canonical definition or doc) as a value: parsed and
// re-written through the safe writer; kept as a string when it does not
// parse.
void WriteStoredJson(SafeWriter* w, const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.c_str(), json.size());
  if (doc.HasParseError()) {
    w->String(json);
    return;
  }
  doc.Accept(*w);
}

void WriteRef(SafeWriter* w, const ObjectRef& ref) {
  w->StartObject();
  w->Member("kind", KindDisplayName(ref.kind));
  w->Member("name", ref.name);
  w->EndObject();
}

void WriteHistory(SafeWriter* w, const std::vector<HistoryEntry>& history) {
  w->StartArray();
  for (const HistoryEntry& h : history) {
    w->StartObject();
    w->Member("version", h.version);
    w->Member("event", HistoryEventName(h.event));
    w->Member("at", FormatTimestamp(h.at));
    w->Member("by", h.by);
    w->Member("registry_version", h.registry_version);
    if (!h.old_doc_json.empty()) {
      w->Key("old_doc");
      WriteStoredJson(w, h.old_doc_json);
      w->Key("new_doc");
      WriteStoredJson(w, h.new_doc_json);
    }
    w->EndObject();
  }
  w->EndArray();
}

void WriteGraph(SafeWriter* w, const LineageGraph& graph) {
  w->StartObject();
  w->Member("direction",
            graph.direction == LineageDirection::kUpstream ? "upstream" : "downstream");
  w->Key("root");
  WriteRef(w, graph.root);
  w->Key("nodes");
  w->StartArray();
  for (const LineageNode& n : graph.nodes) {
    w->StartObject();
    w->Member("kind", KindDisplayName(n.object.kind));
    w->Member("name", n.object.name);
    w->Member("depth", n.depth);
    w->Member("relation", n.relation);
    w->Key("via");
    WriteRef(w, n.via);
    w->EndObject();
  }
  w->EndArray();
  w->Key("edges");
  w->StartArray();
  for (const DependencyEdge& e : graph.edges) {
    w->StartObject();
    w->Key("from");
    WriteRef(w, e.from);
    w->Key("to");
    WriteRef(w, e.to);
    w->Member("relation", e.relation);
    if (!e.detail.empty()) w->Member("detail", e.detail);
    w->EndObject();
  }
  w->EndArray();
  w->EndObject();
}

}  // namespace

std::string ToValidUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    size_t n = Utf8SequenceLength(text, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
      ++i;
    } else {
      out.append(text.data() + i, n);
      i += n;
    }
  }
  return out;
}

std::string ListDocument(const std::vector<ObjectSummary>& objects) {
  rapidjson::StringBuffer buffer;
  SafeWriter w(buffer);
  w.StartArray();
  for (const ObjectSummary& o : objects) {
    w.StartObject();
    w.Member("kind", KindDisplayName(o.kind));
    w.Member("name", o.name);
    w.Member("version", o.version);
    w.Member("owner", o.owner);
    w.Member("description", o.description);
    w.Key("tags");
    w.StartObject();
    for (const auto& [k, v] : o.tags) w.Member(k, v);
    w.EndObject();
    w.BoolMember("deleted", o.deleted);
    w.Member("updated_at", FormatTimestamp(o.updated_at));
    w.EndObject();
  }
  w.EndArray();
  return buffer.GetString();
}

std::string DescribeDocument(const ObjectDescription& d) {
  rapidjson::StringBuffer buffer;
  SafeWriter w(buffer);
  w.StartObject();
  w.Member("kind", KindDisplayName(d.kind));
  w.Member("name", d.name);
  w.Member("version", d.version);
  w.Member("current_version", d.current_version);
  w.BoolMember("deleted", d.deleted);
  w.Member("applied_at", FormatTimestamp(d.applied_at));
  w.Member("applied_by", d.applied_by);
  w.Member("logic_hash", d.logic_hash);
  w.Key("definition");
  WriteStoredJson(&w, d.definition_json);
  w.Key("doc");
  WriteStoredJson(&w, d.doc_json.empty() ? "{}" : d.doc_json);
  w.Key("history");
  WriteHistory(&w, d.history);
  w.EndObject();
  return buffer.GetString();
}

std::string SearchDocument(const std::vector<SearchResult>& results) {
  rapidjson::StringBuffer buffer;
  SafeWriter w(buffer);
  w.StartArray();
  for (const SearchResult& r : results) {
    w.StartObject();
    w.Member("kind", KindDisplayName(r.kind));
    w.Member("name", r.name);
    w.Member("score", r.score);
    w.Member("matched_field", r.matched_field);
    w.Member("why", r.why);
    w.EndObject();
  }
  w.EndArray();
  return buffer.GetString();
}

std::string LineageDocument(const std::vector<LineageGraph>& graphs) {
  rapidjson::StringBuffer buffer;
  SafeWriter w(buffer);
  w.StartObject();
  for (const LineageGraph& g : graphs) {
    w.Key(g.direction == LineageDirection::kUpstream ? "upstream" : "downstream");
    WriteGraph(&w, g);
  }
  w.EndObject();
  return buffer.GetString();
}

}  // namespace tessera::registry
