// StreamEntry: one entry of a Redis stream as XREADGROUP returns it, the
// unit the stream module passes around (issue 11).
//
// Thread-safety: plain data.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tessera::stream {

struct StreamEntry {
  std::string id;  // "<milliseconds>-<sequence>", as Redis gave it
  // The entry's field/value pairs in the order they were XADDed (a field
  // may repeat; the converter rejects that).
  std::vector<std::pair<std::string, std::string>> fields;
};

// The milliseconds part of an entry id ("1700000000000-3" -> 1700000000000);
// false for text that is not an entry id.
bool EntryIdMillis(std::string_view id, int64_t* millis);

}  // namespace tessera::stream
