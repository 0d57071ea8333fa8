// Array: one immutable column of `length` values of one DataType, laid out in
// the Arrow style (DESIGN.md section 3b):
//
//   fixed-width types  values buffer of length * width bytes (bool: 1 byte
//                      per value, 0 or 1; timestamp: int64 micros)
//   string, bytes      offsets buffer of length + 1 int64 + one data buffer
//   list<T>            offsets buffer of length + 1 int64 into a child Array
//   all types          optional validity bitmap (bit set = present); absent
//                      means no nulls. The value slot of a null is unspecified
//                      (zero in what Tessera writes).
//
// Arrays are built by ArrayBuilder (builder.h) or, for decoders that produce
// buffers directly, by Array::Make, which checks the buffers fit the type and
// length. Make allocates once for the Array object (its buffers are
// shared, not copied). Once made an Array never changes and may be read from any thread;
// share it as std::shared_ptr<const Array>.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "tessera/core/buffer.h"
#include "tessera/core/result.h"
#include "tessera/core/types.h"
#include "tessera/core/value.h"

namespace tessera {

class Array;
using ArrayPtr = std::shared_ptr<const Array>;

class Array {
 public:
  // Checks buffer sizes against type and length; `null_count` < 0 means count
  // it from the bitmap. Offsets must start at 0, be non-decreasing and end
  // within the data buffer (or child length).
  static Result<ArrayPtr> Make(DataType type, int64_t length, BufferPtr validity, BufferPtr values,
                               BufferPtr offsets = nullptr, ArrayPtr child = nullptr,
                               int64_t null_count = -1);

  DataType type() const { return type_; }
  int64_t length() const { return length_; }
  int64_t null_count() const { return null_count_; }
  bool IsValid(int64_t i) const { return validity_ == nullptr || GetBit(validity_->data(), i); }
  bool IsNull(int64_t i) const { return !IsValid(i); }

  // Raw access to fixed-width values: values<int64_t>()[i]. REQUIRES: the
  // C++ type matches type() (bool: uint8_t; timestamp: int64_t).
  template <typename T>
  const T* values() const {
    return values_->data_as<T>();
  }
  bool GetBool(int64_t i) const { return values<uint8_t>()[i] != 0; }
  int32_t GetInt32(int64_t i) const { return values<int32_t>()[i]; }
  int64_t GetInt64(int64_t i) const { return values<int64_t>()[i]; }  // int64, timestamp
  float GetFloat(int64_t i) const { return values<float>()[i]; }
  double GetDouble(int64_t i) const { return values<double>()[i]; }
  // String or bytes value i. REQUIRES: type().is_binary_like().
  std::string_view GetView(int64_t i) const {
    const int64_t* off = offsets_->data_as<int64_t>();
    return {reinterpret_cast<const char*>(values_->data()) + off[i],
            static_cast<size_t>(off[i + 1] - off[i])};
  }
  // List i spans child()[offset(i), offset(i + 1)). REQUIRES: list or binary.
  int64_t offset(int64_t i) const { return offsets_->data_as<int64_t>()[i]; }
  const Array& child() const { return *child_; }
  const ArrayPtr& child_ptr() const { return child_; }

  const BufferPtr& validity_buffer() const { return validity_; }
  const BufferPtr& values_buffer() const { return values_; }
  const BufferPtr& offsets_buffer() const { return offsets_; }

  // Cell i as a Value (slow path: tests, printing, JSON).
  Value GetValue(int64_t i) const;
  // True when both have the same type, length, nulls and values (NaN equals
  // NaN, +0 != -0 is not distinguished: compared as values).
  bool Equals(const Array& other) const;

 private:
  // Make's key: the constructor is public only so that Make can allocate
  // the Array and its shared_ptr control block together (make_shared).
  struct PrivateKey {
    explicit PrivateKey() = default;
  };

 public:
  explicit Array(PrivateKey) {}

 private:
  DataType type_;
  int64_t length_ = 0;
  int64_t null_count_ = 0;
  BufferPtr validity_;
  BufferPtr values_;
  BufferPtr offsets_;
  ArrayPtr child_;
};

}  // namespace tessera
