#include "tessera/core/masked_url.h"

namespace tessera {

namespace {

// A URI scheme (RFC 3986 section 3.1): a letter, then letters, digits, '+',
// '-' or '.'.
bool IsScheme(std::string_view s) {
  if (s.empty() || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z'))) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '+' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string MaskUrlCredentials(std::string_view url) {
  const size_t sep = url.find("://");
  if (sep == std::string_view::npos || !IsScheme(url.substr(0, sep))) return std::string(url);
  const size_t start = sep + 3;
  const size_t at = url.rfind('@');
  if (at == std::string_view::npos || at < start) return std::string(url);
  return std::string(url.substr(0, start)) + "***" + std::string(url.substr(at));
}

}  // namespace tessera
