// Value: one nullable, typed cell, for code off the hot path (definitions,
// JSON requests, tests, printing). Hot paths read and write Arrays directly.
//
// int32 values are held widened to int64 and float values widened to double;
// the DataType says what the cell really is, and the narrowing is exact
// because the value came from that type.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "tessera/core/types.h"

namespace tessera {

class Value {
 public:
  // A null of the given type.
  static Value Null(DataType type) { return Value(type, std::monostate{}); }
  static Value Bool(bool v) { return Value(DataType::Bool(), v); }
  static Value Int32(int32_t v) { return Value(DataType::Int32(), int64_t{v}); }
  static Value Int64(int64_t v) { return Value(DataType::Int64(), v); }
  static Value Float(float v) { return Value(DataType::Float(), double{v}); }
  static Value Double(double v) { return Value(DataType::Double(), v); }
  static Value String(std::string v) { return Value(DataType::String(), std::move(v)); }
  static Value Bytes(std::string v) { return Value(DataType::Bytes(), std::move(v)); }
  // Microseconds since the epoch, UTC.
  static Value Timestamp(int64_t micros) { return Value(DataType::Timestamp(), micros); }
  // REQUIRES: every element is of type list_type.element_type() (or null).
  static Value List(DataType list_type, std::vector<Value> elements) {
    return Value(list_type, std::move(elements));
  }

  DataType type() const { return type_; }
  bool is_null() const { return std::holds_alternative<std::monostate>(data_); }

  // REQUIRES: !is_null() and the accessor matches type().
  bool bool_value() const { return std::get<bool>(data_); }
  int64_t int_value() const { return std::get<int64_t>(data_); }   // int32, int64, timestamp
  double double_value() const { return std::get<double>(data_); }  // float, double
  const std::string& string_value() const { return std::get<std::string>(data_); }
  const std::vector<Value>& list_value() const { return std::get<std::vector<Value>>(data_); }

  // A readable rendering for messages and tests: null, true, 42, 1.5,
  // "text", 2024-01-01T00:00:00.000000Z, [1, 2].
  std::string ToString() const;

  friend bool operator==(const Value& a, const Value& b);
  friend bool operator!=(const Value& a, const Value& b) { return !(a == b); }

 private:
  using Data = std::variant<std::monostate, bool, int64_t, double, std::string, std::vector<Value>>;
  template <typename T>
  Value(DataType type, T&& v) : type_(type), data_(std::forward<T>(v)) {}
  DataType type_;
  Data data_;
};

}  // namespace tessera
