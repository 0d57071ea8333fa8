// HttpTarget: a request target ("/registry/objects/user%20profile?kind=view")
// split into its path segments and query parameters, percent-decoded (and
// '+' as a space in the query, as HTML forms send it).
//
// Thread-safety: pure values and functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tessera/serving/http_message.h"

namespace tessera::serving {

struct HttpTarget {
  std::string path;                   // decoded, e.g. "/registry/objects/user profile"
  std::vector<std::string> segments;  // decoded, empty ones dropped: {"registry", ...}
  std::vector<std::pair<std::string, std::string>> query;

  // The value of query parameter `name` (the last one given), or nullopt.
  std::optional<std::string> Param(std::string_view name) const;
};

// 400 naming the target when a '%' is not followed by two hex digits.
[[nodiscard]] std::optional<ApiError> ParseTarget(std::string_view target, HttpTarget* out);

}  // namespace tessera::serving
