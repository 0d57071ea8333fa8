// The `stream:` block of a push source (issue 11): where its events arrive
// from. Checked here as far as the text allows without a connection: the
// type is one Tessera can consume, the url has the redis:// shape with a
// host and a numeric port (the online layer parses it fully when it
// connects), and the stream key and group are single words.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <string_view>

#include "tessera/registry/yaml_objects.h"

namespace tessera::registry::internal {
namespace {

constexpr std::string_view kRedisScheme = "redis://";
constexpr const char* kUrlShape = "(redis://[[user]:password@]host[:port][/db])";

bool HasWhitespace(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c) != 0; });
}

// Why `url` is not a redis:// url with a host and an optional numeric port,
// or "" when it is. Never quotes the url or its user part: it may hold a
// password.
std::string UrlProblem(std::string_view url) {
  if (!url.starts_with(kRedisScheme)) {
    return std::string("url must start with redis:// ") + kUrlShape;
  }
  std::string_view authority = url.substr(kRedisScheme.size());
  authority = authority.substr(0, authority.find('/'));
  if (size_t at = authority.rfind('@'); at != authority.npos) authority.remove_prefix(at + 1);
  std::string_view host = authority;
  std::string_view port;
  bool has_port = false;
  if (authority.starts_with('[')) {  // [::1]:6379
    size_t close = authority.find(']');
    if (close == authority.npos) return std::string("url has an unclosed '[' ") + kUrlShape;
    host = authority.substr(1, close - 1);
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty() && rest[0] != ':') return std::string("url has text after ']' ") + kUrlShape;
    has_port = !rest.empty();
    if (has_port) port = rest.substr(1);
  } else if (size_t colon = authority.find(':'); colon != authority.npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    has_port = true;
  }
  if (host.empty()) return std::string("url has no host ") + kUrlShape;
  if (!has_port) return "";
  int number = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || number < 1 ||
      number > 65535) {
    return "url port '" + std::string(port) + "' is not a number from 1 to 65535";
  }
  return "";
}

// A stream key or group name: non-empty, no whitespace.
void CheckWord(MapReader& r, std::string_view key, const std::string& value) {
  const YamlNode& node = r.Get(key);
  if (value.empty()) {
    r.ctx().Error(node, r.what() + ": " + std::string(key) + " must not be empty");
  } else if (HasWhitespace(value)) {
    r.ctx().Error(
        node, r.what() + ": " + std::string(key) + " '" + value + "' must not contain whitespace");
  }
}

}  // namespace

void ReadStream(MapReader& source, const Source& s, std::optional<StreamConfig>* out) {
  const YamlNode& node = source.Get("stream");
  if (node.IsNull()) return;
  if (s.kind != SourceKind::kPush) {
    source.ctx().Error(node, source.what() + ": only a push source can have a stream");
    return;
  }
  std::string what = "stream of " + source.what();
  if (!ExpectMap(node, what, source.ctx())) return;
  MapReader r(node, what, &source.ctx());
  StreamConfig config;
  config.group = "tessera";
  bool type_ok = r.String("type", /*required=*/true, &config.type);
  bool url_ok = r.String("url", /*required=*/true, &config.url);
  bool key_ok = r.String("key", /*required=*/true, &config.key);
  bool group_ok = r.String("group", /*required=*/false, &config.group);
  r.ReportUnknownKeys();
  if (type_ok && !r.Get("type").IsNull() && config.type != "redis") {
    r.ctx().Error(r.Get("type"), what + ": unknown type '" + config.type + "' (supported: redis)");
  }
  if (url_ok && !r.Get("url").IsNull()) {
    if (std::string problem = UrlProblem(config.url); !problem.empty()) {
      r.ctx().Error(r.Get("url"), what + ": " + problem);
    }
  }
  if (key_ok && !r.Get("key").IsNull()) CheckWord(r, "key", config.key);
  if (group_ok && !r.Get("group").IsNull()) CheckWord(r, "group", config.group);
  *out = std::move(config);
}

}  // namespace tessera::registry::internal
