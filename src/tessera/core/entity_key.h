// EntityKey: the canonical byte encoding of one or more typed join-key
// values (user_id = 7; or merchant_id = "m1", user_id = 7).
//
// Invariants:
//  - The same logical key always encodes to the same bytes, wherever it came
//    from: an int32 7 and an int64 7 (CSV, Parquet, JSON) encode identically.
//  - Different logical keys encode differently; a string never equals a
//    number ("7" != 7), and string and bytes values are distinct kinds.
//  - memcmp order of two encodings agrees with value order part by part
//    (null < integers < strings < bytes across kinds; integers numerically;
//    strings and bytes lexicographically by unsigned byte), so encoded keys
//    sort and range-scan correctly in an ordered KV store.
//  - The encoding of a multi-part key is the concatenation of the parts'
//    encodings and is prefix-free, so it decodes unambiguously.
//
// Layout per part: a tag byte (0x01 null, 0x02 integer, 0x03 string,
// 0x04 bytes); integers as 8 bytes big-endian with the sign bit flipped;
// strings and bytes with 0x00 escaped as 0x00 0xFF and terminated by
// 0x00 0x01. docs/FORMATS.md repeats this.
//
// EntityKey is an immutable value; copies are independent.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/core/array.h"
#include "tessera/core/result.h"
#include "tessera/core/value.h"

namespace tessera {

class EntityKey {
 public:
  class Builder {
   public:
    void AppendNull();
    void AppendInt(int64_t v);
    void AppendString(std::string_view v);
    void AppendBytes(std::string_view v);
    // int32, int64, string and bytes values (or null). Other types are not
    // valid join keys: InvalidArgument.
    Status Append(const Value& v);
    // Appends row `row` of `column` (same types as Append).
    Status AppendFromArray(const Array& column, int64_t row);
    EntityKey Build() { return EntityKey(std::move(bytes_)); }
    void Reset() { bytes_.clear(); }

   private:
    void AppendEscaped(uint8_t tag, std::string_view v);
    std::string bytes_;
  };

  EntityKey() = default;
  // Builds a key from values (see Builder::Append).
  static Result<EntityKey> FromValues(const std::vector<Value>& values);
  // Wraps bytes produced by an encoder (e.g. read back from a store);
  // Decode() validates them.
  static EntityKey FromBytes(std::string bytes) { return EntityKey(std::move(bytes)); }

  const std::string& bytes() const { return bytes_; }
  // The parts as Values: integers as int64, strings as string, bytes as
  // bytes. Corruption if the bytes are not a valid encoding.
  Result<std::vector<Value>> Decode() const;
  // "7" or "(\"m1\", 7)": for messages.
  std::string ToString() const;

  friend bool operator==(const EntityKey& a, const EntityKey& b) { return a.bytes_ == b.bytes_; }
  friend bool operator!=(const EntityKey& a, const EntityKey& b) { return a.bytes_ != b.bytes_; }
  friend bool operator<(const EntityKey& a, const EntityKey& b) { return a.bytes_ < b.bytes_; }

 private:
  explicit EntityKey(std::string bytes) : bytes_(std::move(bytes)) {}
  std::string bytes_;
};

struct EntityKeyHash {
  size_t operator()(const EntityKey& k) const { return std::hash<std::string>()(k.bytes()); }
};

}  // namespace tessera
