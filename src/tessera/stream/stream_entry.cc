#include "tessera/stream/stream_entry.h"

#include <algorithm>
#include <charconv>

namespace tessera::stream {

namespace {

bool AllDigits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

bool EntryIdMillis(std::string_view id, int64_t* millis) {
  const size_t dash = id.find('-');
  if (dash == std::string_view::npos) return false;
  const std::string_view ms = id.substr(0, dash);
  // The sequence is a uint64 in Redis: only its digits matter here.
  if (!AllDigits(ms) || !AllDigits(id.substr(dash + 1))) return false;
  const auto [ptr, ec] = std::from_chars(ms.data(), ms.data() + ms.size(), *millis);
  return ec == std::errc() && ptr == ms.data() + ms.size();
}

}  // namespace tessera::stream
