// JsonWriter: appends JSON to a std::string, fast and without a DOM, in the
// spelling DESIGN.md section 3b fixes for the wire: int64 with all its
// digits, doubles in the shortest form that reads back exactly, NaN and
// infinities as the strings "NaN", "Infinity", "-Infinity", timestamps as
// RFC 3339 UTC strings with microseconds, bytes as base64 (RFC 4648, with
// padding). Strings are escaped per RFC 8259 and always come out valid
// UTF-8: a byte that starts no well-formed sequence becomes U+FFFD.
//
// The writer does not check structure (the caller opens and closes what it
// writes) but places commas itself: Key() and each value in an array are
// preceded by a comma when they are not the first in their container.
// Nesting is limited to 64 levels (REQUIRES).
//
// Thread-safety: none; one writer per output.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tessera/core/time.h"

namespace tessera::serving {

// The quoted JSON text of a timestamp ("2024-03-01T12:00:00.000000Z" with
// its quotes), formatted again only when the timestamp changes: a response
// repeats each row's event time for each feature. For JsonWriter and
// writers that spell timestamps as it does (the online response).
class QuotedTimestamp {
 public:
  // Valid until the next call.
  std::string_view Text(int64_t micros);

 private:
  bool has_ = false;  // text_ holds micros_'s
  int64_t micros_ = 0;
  size_t size_ = 0;
  char text_[kMaxTimestampChars + 2];
};

class JsonWriter {
 public:
  explicit JsonWriter(std::string* out) : out_(out) {}

  void StartObject() { Open('{'); }
  void EndObject() { Close('}'); }
  void StartArray() { Open('['); }
  void EndArray() { Close(']'); }
  void Key(std::string_view key);

  void Null();
  void Bool(bool v);
  void Int(int64_t v);
  void Double(double v);
  void Float(float v);  // shortest form of the float, not of its double
  void String(std::string_view v);
  void Timestamp(int64_t micros);  // "2024-03-01T12:00:00.000000Z"
  void Base64(std::string_view bytes);
  // Appends `json` as one value, unchecked. REQUIRES: valid JSON.
  void Raw(std::string_view json);

 private:
  void Open(char c);
  void Close(char c);
  void Separate();  // the comma before a value or key, when needed

  std::string* out_;
  int depth_ = 0;
  uint64_t has_items_ = 0;  // bit d: the container at depth d has an item
  bool after_key_ = false;
  QuotedTimestamp timestamp_;
};

// What Double and Float write for `v` (no separator), into `buf`; returns
// its length. For writers of their own that spell numbers as JsonWriter
// does (the online response).
constexpr size_t kMaxJsonNumberChars = 40;
size_t FormatJsonDouble(double v, char (&buf)[kMaxJsonNumberChars]);
size_t FormatJsonFloat(float v, char (&buf)[kMaxJsonNumberChars]);
// True when String writes `s` as it is between quotes (printable ASCII
// other than quote and backslash: nothing to escape or replace).
bool IsPlainJsonString(std::string_view s);

// Standard base64 (RFC 4648 section 4) with '=' padding.
std::string EncodeBase64(std::string_view bytes);

}  // namespace tessera::serving
