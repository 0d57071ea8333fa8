// DataType: the logical value types of Tessera (DESIGN.md section 2).
//
//   bool, int32, int64, float, double, string, bytes, timestamp,
//   list<float|double|int64|string>
//
// A timestamp is int64 microseconds since 1970-01-01T00:00:00Z (UTC). Every
// value of every type may be null; nullability is not part of the type.
// DataType is a small immutable value, cheap to copy and compare.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tessera/core/result.h"

namespace tessera {

enum class TypeId : uint8_t {
  kBool = 0,
  kInt32,
  kInt64,
  kFloat,
  kDouble,
  kString,
  kBytes,
  kTimestamp,
  kList,  // element type in DataType::element()
};

class DataType {
 public:
  constexpr DataType() : id_(TypeId::kInt64), element_(TypeId::kInt64) {}
  constexpr explicit DataType(TypeId id) : id_(id), element_(TypeId::kInt64) {}

  static constexpr DataType Bool() { return DataType(TypeId::kBool); }
  static constexpr DataType Int32() { return DataType(TypeId::kInt32); }
  static constexpr DataType Int64() { return DataType(TypeId::kInt64); }
  static constexpr DataType Float() { return DataType(TypeId::kFloat); }
  static constexpr DataType Double() { return DataType(TypeId::kDouble); }
  static constexpr DataType String() { return DataType(TypeId::kString); }
  static constexpr DataType Bytes() { return DataType(TypeId::kBytes); }
  static constexpr DataType Timestamp() { return DataType(TypeId::kTimestamp); }
  // REQUIRES: IsValidListElement(element).
  static constexpr DataType List(TypeId element) { return DataType(TypeId::kList, element); }

  // Lists hold float, double, int64 or string (embeddings and id lists).
  static constexpr bool IsValidListElement(TypeId t) {
    return t == TypeId::kFloat || t == TypeId::kDouble || t == TypeId::kInt64 ||
           t == TypeId::kString;
  }

  constexpr TypeId id() const { return id_; }
  // The element type of a list; meaningless for other types.
  constexpr TypeId element() const { return element_; }
  constexpr DataType element_type() const { return DataType(element_); }
  constexpr bool is_list() const { return id_ == TypeId::kList; }
  // Types stored as offsets + data (string, bytes).
  constexpr bool is_binary_like() const { return id_ == TypeId::kString || id_ == TypeId::kBytes; }
  // Byte width of one value for fixed-width types, 0 for string/bytes/list.
  int fixed_width() const;

  // "int64", "list<float>", ...: the spelling used in definitions and output.
  std::string ToString() const;
  // Parses the spelling of ToString(); whitespace inside list<> is allowed.
  static Result<DataType> Parse(std::string_view text);

  friend constexpr bool operator==(DataType a, DataType b) {
    return a.id_ == b.id_ && (a.id_ != TypeId::kList || a.element_ == b.element_);
  }
  friend constexpr bool operator!=(DataType a, DataType b) { return !(a == b); }

 private:
  constexpr DataType(TypeId id, TypeId element) : id_(id), element_(element) {}
  TypeId id_;
  TypeId element_;
};

const char* TypeIdName(TypeId id);

}  // namespace tessera
