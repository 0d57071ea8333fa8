#include "tessera/online/redis/redis_options.h"

#include <charconv>

#include "tessera/core/masked_url.h"

namespace tessera::online::redis {

namespace {

constexpr std::string_view kScheme = "redis://";

Status UrlError(const std::string& url, const std::string& reason) {
  return Status::Invalid("tessera.yaml: online_store url '" + MaskUrlCredentials(url) +
                         "': " + reason);
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool PercentDecode(std::string_view in, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out->push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) return false;
    const int hi = HexDigit(in[i + 1]), lo = HexDigit(in[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return true;
}

template <typename Int>
bool ParseDecimal(std::string_view text, Int* out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

Status ParseUserInfo(const std::string& url, std::string_view info, RedisOptions* options) {
  const size_t colon = info.find(':');
  const std::string_view user = info.substr(0, colon);
  const std::string_view password =
      colon == std::string_view::npos ? std::string_view() : info.substr(colon + 1);
  if (!PercentDecode(user, &options->user) || !PercentDecode(password, &options->password)) {
    return UrlError(url, "bad percent-escape in the user or password");
  }
  // "redis://secret@host" is the password alone, as redis-cli reads it.
  if (colon == std::string_view::npos) std::swap(options->user, options->password);
  return Status::OK();
}

Status ParseHostPort(const std::string& url, std::string_view hostport, RedisOptions* options) {
  std::string_view port_text;
  if (!hostport.empty() && hostport.front() == '[') {  // [IPv6]:port
    const size_t close = hostport.find(']');
    if (close == std::string_view::npos) return UrlError(url, "unclosed '[' in the host");
    options->host = std::string(hostport.substr(1, close - 1));
    std::string_view rest = hostport.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return UrlError(url, "expected ':' after ']'");
    if (!rest.empty()) port_text = rest.substr(1);
  } else {
    const size_t colon = hostport.rfind(':');
    options->host = std::string(hostport.substr(0, colon));
    if (colon != std::string_view::npos) port_text = hostport.substr(colon + 1);
  }
  if (options->host.empty()) return UrlError(url, "missing host");
  if (port_text.empty()) {
    options->port = 6379;
    return Status::OK();
  }
  if (!ParseDecimal(port_text, &options->port) || options->port < 1 || options->port > 65535) {
    return UrlError(url, "port must be a number from 1 to 65535");
  }
  return Status::OK();
}

}  // namespace

std::string RedisOptions::Address() const {
  std::string host_text = host.find(':') == std::string::npos ? host : "[" + host + "]";
  std::string address = host_text + ":" + std::to_string(port);
  if (db != 0) address += "/" + std::to_string(db);
  return address;
}

Status ParseRedisUrl(const std::string& url, RedisOptions* options) {
  if (url.compare(0, kScheme.size(), kScheme) != 0) {
    return UrlError(url, "expected redis://[[user]:password@]host[:port][/db]");
  }
  std::string_view rest = std::string_view(url).substr(kScheme.size());
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  options->db = 0;
  if (slash != std::string_view::npos) {
    const std::string_view db = rest.substr(slash + 1);
    if (!db.empty() && (!ParseDecimal(db, &options->db) || options->db < 0)) {
      return UrlError(url, "database must be a number from 0 up, after the '/'");
    }
  }
  options->user.clear();
  options->password.clear();
  const size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    TS_RETURN_NOT_OK(ParseUserInfo(url, authority.substr(0, at), options));
    authority = authority.substr(at + 1);
  }
  return ParseHostPort(url, authority, options);
}

Result<RedisOptions> RedisOptionsFromConfig(const registry::OnlineStoreConfig& config) {
  RedisOptions options;
  TS_RETURN_NOT_OK(ParseRedisUrl(config.url, &options));
  options.pool_size = config.pool_size;
  options.connect_timeout_ms = config.connect_timeout_ms;
  options.timeout_ms = config.timeout_ms;
  return options;
}

}  // namespace tessera::online::redis
