#include "tessera/serving/http_target.h"

namespace tessera::serving {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes `text` (and '+' when `plus_is_space`); false on a bad
// escape.
bool Decode(std::string_view text, bool plus_is_space, std::string* out) {
  out->clear();
  out->reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+' && plus_is_space) {
      out->push_back(' ');
    } else if (c != '%') {
      out->push_back(c);
    } else {
      int hi = i + 2 < text.size() ? HexValue(text[i + 1]) : -1;
      int lo = hi >= 0 ? HexValue(text[i + 2]) : -1;
      if (lo < 0) return false;
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    }
  }
  return true;
}

ApiError BadEscape() {
  return {400, "target", "a '%' in the URL is not followed by two hex digits"};
}

}  // namespace

std::optional<std::string> HttpTarget::Param(std::string_view name) const {
  std::optional<std::string> value;
  for (const auto& [k, v] : query) {
    if (k == name) value = v;
  }
  return value;
}

std::optional<ApiError> ParseTarget(std::string_view target, HttpTarget* out) {
  size_t q = target.find('?');
  std::string_view path = target.substr(0, q);
  std::string_view query = q == std::string_view::npos ? "" : target.substr(q + 1);
  if (size_t hash = query.find('#'); hash != std::string_view::npos) query = query.substr(0, hash);
  if (!Decode(path, false, &out->path)) return BadEscape();
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > start) {
      std::string segment;
      if (!Decode(path.substr(start, slash - start), false, &segment)) return BadEscape();
      out->segments.push_back(std::move(segment));
    }
    start = slash + 1;
  }
  start = 0;
  while (start < query.size()) {
    size_t amp = query.find('&', start);
    if (amp == std::string_view::npos) amp = query.size();
    std::string_view pair = query.substr(start, amp - start);
    if (!pair.empty()) {
      size_t eq = pair.find('=');
      std::string key, value;
      if (!Decode(pair.substr(0, eq), true, &key)) return BadEscape();
      if (eq != std::string_view::npos && !Decode(pair.substr(eq + 1), true, &value)) {
        return BadEscape();
      }
      out->query.emplace_back(std::move(key), std::move(value));
    }
    start = amp + 1;
  }
  return std::nullopt;
}

}  // namespace tessera::serving
