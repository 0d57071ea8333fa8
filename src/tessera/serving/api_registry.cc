#include "tessera/serving/api_registry.h"

#include <charconv>
#include <initializer_list>
#include <string_view>

#include "tessera/serving/api.h"

namespace tessera::serving {
namespace {

HttpResponse NotFoundPath(const HttpTarget& target) {
  return ErrorResponse({404, "path",
                        "no endpoint " + target.path +
                            " (registry endpoints: /registry/objects, /registry/objects/NAME, "
                            "/registry/search?q=TEXT, /registry/lineage/NAME)"});
}

// 400 naming the first query parameter not in `known`.
std::optional<ApiError> CheckParams(const HttpTarget& target,
                                    std::initializer_list<std::string_view> known) {
  for (const auto& [key, value] : target.query) {
    bool ok = false;
    std::string list;
    for (std::string_view k : known) {
      ok = ok || key == k;
      list += (list.empty() ? "" : ", ") + std::string(k);
    }
    if (!ok) {
      return ApiError{
          400, key,
          "unknown query parameter" + (list.empty() ? std::string(" (this endpoint takes none)")
                                                    : " (this endpoint takes " + list + ")")};
    }
  }
  return std::nullopt;
}

std::optional<ApiError> ParseBool(const HttpTarget& target, const char* name, bool* out) {
  std::optional<std::string> v = target.Param(name);
  if (!v) return std::nullopt;
  if (*v == "true" || *v == "1") {
    *out = true;
  } else if (*v == "false" || *v == "0") {
    *out = false;
  } else {
    return ApiError{400, name, "expected true or false"};
  }
  return std::nullopt;
}

std::optional<ApiError> ParseVersion(const HttpTarget& target, int64_t* out) {
  std::optional<std::string> v = target.Param("version");
  if (!v) return std::nullopt;
  const char* end = v->data() + v->size();
  auto [ptr, ec] = std::from_chars(v->data(), end, *out);
  if (ec != std::errc() || ptr != end || *out < 1) {
    return ApiError{400, "version", "expected a version number (1, 2, ...)"};
  }
  return std::nullopt;
}

std::optional<ApiError> ParseDirection(const HttpTarget& target, DiscoveryQuery* q) {
  std::string d = target.Param("direction").value_or("both");
  if (d == "upstream") {
    q->upstream = true;
  } else if (d == "downstream") {
    q->downstream = true;
  } else if (d != "both") {
    return ApiError{400, "direction", "expected upstream, downstream or both"};
  }
  return std::nullopt;
}

// The query of `target`, or the error to answer.
std::optional<ApiError> BuildQuery(const HttpTarget& target, DiscoveryQuery* q, bool* found) {
  const std::vector<std::string>& s = target.segments;
  *found = true;
  q->kind = target.Param("kind").value_or("");
  if (s.size() == 2 && s[1] == "objects") {
    q->what = DiscoveryQuery::Kind::kList;
    return CheckParams(target, {"kind"});
  }
  if (s.size() == 3 && s[1] == "objects") {
    q->what = DiscoveryQuery::Kind::kDescribe;
    q->name = s[2];
    if (auto err = CheckParams(target, {"kind", "version"})) return err;
    return ParseVersion(target, &q->version);
  }
  if (s.size() == 2 && s[1] == "search") {
    q->what = DiscoveryQuery::Kind::kSearch;
    if (auto err = CheckParams(target, {"q"})) return err;
    std::optional<std::string> text = target.Param("q");
    if (!text || text->empty()) return ApiError{400, "q", "missing: give the text to search for"};
    q->text = *text;
    return std::nullopt;
  }
  if (s.size() == 3 && s[1] == "lineage") {
    q->what = DiscoveryQuery::Kind::kLineage;
    q->name = s[2];
    if (auto err = CheckParams(target, {"kind", "direction", "transitive"})) return err;
    if (auto err = ParseDirection(target, q)) return err;
    return ParseBool(target, "transitive", &q->transitive);
  }
  *found = false;
  return std::nullopt;
}

}  // namespace

HttpResponse HandleRegistry(Backend* backend, const HttpTarget& target) {
  DiscoveryQuery query;
  bool found = false;
  if (auto err = BuildQuery(target, &query, &found)) return ErrorResponse(*err);
  if (!found) return NotFoundPath(target);
  Result<std::string> doc = backend->Discover(query);
  if (!doc.ok()) {
    const Status& st = doc.status();
    // Describe and lineage fail about the name (unknown, ambiguous across
    // kinds), list about its kind; nothing applied yet is about no field.
    bool named = query.what == DiscoveryQuery::Kind::kDescribe ||
                 query.what == DiscoveryQuery::Kind::kLineage;
    std::string field = named ? "name" : "";
    if (st.IsInvalid() && !named) field = "kind";
    if (st.IsInvalid() && query.what == DiscoveryQuery::Kind::kSearch) field = "q";
    return ErrorResponse(ErrorForStatus(st, field));
  }
  HttpResponse r;
  r.body = std::move(*doc);
  return r;
}

}  // namespace tessera::serving
