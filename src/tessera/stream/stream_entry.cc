#include "tessera/stream/stream_entry.h"

#include <charconv>

namespace tessera::stream {

bool EntryIdMillis(std::string_view id, int64_t* millis) {
  // Both parts are unsigned decimals as Redis writes them: no sign, no
  // blanks, not empty; the milliseconds must fit an int64.
  size_t dash = id.find('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 == id.size()) return false;
  auto all_digits = [](std::string_view s) {
    for (char c : s) {
      if (c < '0' || c > '9') return false;
    }
    return true;
  };
  std::string_view ms = id.substr(0, dash);
  std::string_view seq = id.substr(dash + 1);
  if (!all_digits(ms) || !all_digits(seq)) return false;
  uint64_t seq_value = 0;
  if (std::from_chars(seq.data(), seq.data() + seq.size(), seq_value).ec != std::errc()) {
    return false;
  }
  int64_t value = 0;
  auto [end, ec] = std::from_chars(ms.data(), ms.data() + ms.size(), value);
  if (ec != std::errc() || end != ms.data() + ms.size()) return false;
  *millis = value;
  return true;
}

}  // namespace tessera::stream
