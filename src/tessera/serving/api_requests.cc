// RapidJSON scans strings and whitespace 16 bytes at a time with SSE2
// (every x86-64 has it) when it parses in place (ParseObject): a string's
// scan was a tenth of a small request's parse. Its aligned 16-byte loads
// may read past the text's end, within the last 16-byte block, so the copy
// parsed in place keeps spare bytes after its NUL. Only this file parses
// in place, so no other file instantiates those templates without SSE2.
#if defined(__SSE2__) && !defined(RAPIDJSON_SSE2)
#define RAPIDJSON_SSE2
#endif

#include "tessera/serving/api_requests.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <cstring>

#include "tessera/core/time.h"
#include "tessera/serving/json_columns.h"

namespace tessera::serving {
namespace {

using rapidjson::Value;

ApiError Error(std::string field, std::string reason) {
  return {400, std::move(field), std::move(reason)};
}

// A request's JSON document whose memory starts in per-thread buffers, so a
// small body parses without the heap: RapidJSON's default pool takes a
// 64 KiB chunk from malloc per document, which made malloc consolidate its
// free lists on every request (a profile of `tessera serve` showed it at
// 3% of the server's time, with malloc at 23%). A larger body continues in
// chunks from the heap. One RequestDocument per thread at a time: handlers
// parse one body each and never nest.
class RequestDocument {
 public:
  RequestDocument()
      : values_(ValueBuffer(), kValueBytes),
        stack_(StackBuffer(), kStackBytes),
        doc_(&values_, kStackBytes / 4, &stack_) {}
  using Doc = rapidjson::GenericDocument<rapidjson::UTF8<>, rapidjson::MemoryPoolAllocator<>,
                                         rapidjson::MemoryPoolAllocator<>>;
  Doc* get() { return &doc_; }
  Doc& operator*() { return doc_; }

 private:
  static constexpr size_t kValueBytes = 32 * 1024;
  static constexpr size_t kStackBytes = 8 * 1024;
  static char* ValueBuffer() {
    thread_local char buffer[kValueBytes];
    return buffer;
  }
  static char* StackBuffer() {
    thread_local char buffer[kStackBytes];
    return buffer;
  }
  rapidjson::MemoryPoolAllocator<> values_;
  rapidjson::MemoryPoolAllocator<> stack_;
  Doc doc_;
};

// What ParseObject needs to know of a body's bytes, in one pass (eight
// at a time).
struct BodyBytes {
  bool ascii = true;  // every byte below 0x80
  bool has_nul = false;
};

BodyBytes ScanBody(std::string_view s) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHighs = 0x8080808080808080ULL;
  uint64_t any = 0;
  bool nul = false;
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, s.data() + i, 8);
    any |= word;
    nul |= ((word - kOnes) & ~word & kHighs) != 0;  // exact: some byte is zero
  }
  for (; i < s.size(); ++i) {
    any |= static_cast<unsigned char>(s[i]);
    nul |= s[i] == '\0';
  }
  return BodyBytes{(any & kHighs) == 0, nul};
}

// Parses `body` into `doc`; the body must be a JSON object.
std::optional<ApiError> ParseObject(std::string_view body, RequestDocument::Doc* doc) {
  if (body.empty()) return Error("body", "the body is empty: expected a JSON object");
  // UTF-8 is validated only when a byte is not ASCII: an ASCII body (the
  // usual request) is valid UTF-8, and validating it byte by byte was most
  // of the parse's time.
  // An ASCII body of no NUL byte and of the usual size is parsed in place
  // in a per-thread copy (its strings are not copied again into the
  // document: most of the parse's time); the copy lives until the thread's
  // next parse, as long as the document (one per thread at a time).
  constexpr unsigned kFlags = rapidjson::kParseIterativeFlag;
  constexpr size_t kInsituMaxBytes = 64 * 1024;  // the copy a thread keeps
  const BodyBytes bytes = ScanBody(body);
  if (bytes.ascii && !bytes.has_nul && body.size() <= kInsituMaxBytes) {
    thread_local std::string copy;
    // NUL-terminated, as ParseInsitu needs, with 16 bytes to spare after the
    // NUL (and on the heap, 16-byte aligned: never the string's inline
    // buffer), so the SIMD scan's last aligned block is inside the copy.
    copy.reserve(body.size() + 16);
    copy.assign(body.data(), body.size());
    doc->ParseInsitu<kFlags>(copy.data());
  } else if (bytes.ascii) {
    doc->Parse<kFlags>(body.data(), body.size());
  } else {
    doc->Parse<kFlags | rapidjson::kParseValidateEncodingFlag>(body.data(), body.size());
  }
  if (doc->HasParseError()) {
    return Error("body", std::string("malformed JSON at byte ") +
                             std::to_string(doc->GetErrorOffset()) + ": " +
                             rapidjson::GetParseError_En(doc->GetParseError()));
  }
  if (!doc->IsObject()) return Error("body", "expected a JSON object");
  return std::nullopt;
}

const Value* Member(const Value& object, const char* name) {
  auto it = object.FindMember(name);
  return it == object.MemberEnd() ? nullptr : &it->value;
}

std::string String(const Value& v) { return std::string(v.GetString(), v.GetStringLength()); }

// A required or optional non-empty string member.
std::optional<ApiError> GetString(const Value& object, const char* name, bool required,
                                  std::string* out) {
  const Value* v = Member(object, name);
  if (v == nullptr || v->IsNull()) {
    if (required) return Error(name, "missing: expected a string");
    return std::nullopt;
  }
  if (!v->IsString()) return Error(name, "expected a string");
  *out = String(*v);
  if (out->empty()) return Error(name, "is empty");
  return std::nullopt;
}

// An optional array of non-empty strings, replacing *out (empty when the
// member is absent). The strings are assigned over the ones *out holds, so
// a reused vector (the server's per-thread request) keeps their buffers.
std::optional<ApiError> GetStringList(const Value& object, const char* name,
                                      std::vector<std::string>* out) {
  const Value* v = Member(object, name);
  if (v == nullptr || v->IsNull()) {
    out->clear();
    return std::nullopt;
  }
  if (!v->IsArray()) return Error(name, "expected an array of strings");
  auto at = [name](rapidjson::SizeType i) {
    return std::string(name) + "[" + std::to_string(i) + "]";
  };
  out->resize(v->Size());
  for (rapidjson::SizeType i = 0; i < v->Size(); ++i) {
    const Value& item = (*v)[i];
    if (!item.IsString()) return Error(at(i), "expected a string");
    if (item.GetStringLength() == 0) return Error(at(i), "is empty");
    const std::string_view text(item.GetString(), item.GetStringLength());
    if ((*out)[i] != text) (*out)[i].assign(text);  // a repeated request's is there already
  }
  return std::nullopt;
}

std::optional<ApiError> GetBool(const Value& object, const char* name, bool* out) {
  const Value* v = Member(object, name);
  if (v == nullptr || v->IsNull()) return std::nullopt;
  if (!v->IsBool()) return Error(name, "expected true or false");
  *out = v->GetBool();
  return std::nullopt;
}

std::optional<ApiError> GetTimestamp(const Value& object, const char* name, int64_t* out) {
  std::string text;
  if (auto err = GetString(object, name, /*required=*/true, &text)) return err;
  Result<int64_t> ts = ParseTimestamp(text);
  if (!ts.ok()) return Error(name, ts.status().message());
  *out = *ts;
  return std::nullopt;
}

// Sets every field of *request (it may hold a previous request's).
std::optional<ApiError> ParseFeatureSelection(const Value& doc, OnlineRequest* request) {
  request->feature_service.clear();
  request->full_feature_names = false;
  if (auto err = GetStringList(doc, "features", &request->features)) return err;
  if (auto err = GetString(doc, "feature_service", false, &request->feature_service)) return err;
  if (request->features.empty() && request->feature_service.empty()) {
    return Error("features", "give features (a list of \"view:feature\") or feature_service");
  }
  if (!request->features.empty() && !request->feature_service.empty()) {
    return Error("feature_service", "give either features or feature_service, not both");
  }
  return GetBool(doc, "full_feature_names", &request->full_feature_names);
}

std::optional<ApiError> ParsePushTarget(const Value& doc, PushTarget* to) {
  std::string text;
  if (auto err = GetString(doc, "to", false, &text)) return err;
  if (text.empty() || text == "online") {
    *to = PushTarget::kOnline;
  } else if (text == "offline") {
    *to = PushTarget::kOffline;
  } else if (text == "online_and_offline") {
    *to = PushTarget::kOnlineAndOffline;
  } else {
    return Error("to", "expected \"online\", \"offline\" or \"online_and_offline\"");
  }
  return std::nullopt;
}

}  // namespace

std::optional<ApiError> ParseOnlineFeaturesBody(std::string_view body, OnlineFeaturesCall* out) {
  RequestDocument holder;
  RequestDocument::Doc& doc = *holder;
  if (auto err = ParseObject(body, &doc)) return err;
  if (auto err = ParseFeatureSelection(doc, &out->request)) return err;
  const Value* entities = Member(doc, "entities");
  if (entities == nullptr || entities->IsNull()) {
    return Error("entities", "missing: expected {\"join_key\": [values], ...}");
  }
  JsonColumns columns;
  if (auto err = AppendJsonColumns(*entities, "entities", &columns)) return err;
  if (const Value* context = Member(doc, "request_context"); context && !context->IsNull()) {
    if (auto err = AppendJsonColumns(*context, "request_context", &columns)) return err;
  }
  return JsonColumnsToBatch(std::move(columns), "entities", &out->entities);
}

std::optional<ApiError> ParsePushBody(std::string_view body, PushCall* out) {
  RequestDocument holder;
  RequestDocument::Doc& doc = *holder;
  if (auto err = ParseObject(body, &doc)) return err;
  if (auto err = GetString(doc, "push_source_name", true, &out->source)) return err;
  if (auto err = ParsePushTarget(doc, &out->to)) return err;
  const Value* df = Member(doc, "df");
  if (df == nullptr || df->IsNull()) return Error("df", "missing: expected {\"column\": [values]}");
  if (auto err = AppendJsonColumns(*df, "df", &out->df)) return err;
  if (out->df.fields.empty()) return Error("df", "has no columns");
  return std::nullopt;
}

std::optional<ApiError> ParseMaterializeBody(std::string_view body, bool incremental,
                                             MaterializeRequest* out) {
  RequestDocument holder;
  RequestDocument::Doc& doc = *holder;
  if (auto err = ParseObject(body, &doc)) return err;
  out->incremental = incremental;
  if (!incremental) {
    if (auto err = GetTimestamp(doc, "start_ts", &out->start_micros)) return err;
  }
  if (auto err = GetTimestamp(doc, "end_ts", &out->end_micros)) return err;
  if (!incremental && out->start_micros >= out->end_micros) {
    return Error("end_ts", "must be after start_ts");
  }
  return GetStringList(doc, "feature_views", &out->views);
}

}  // namespace tessera::serving
