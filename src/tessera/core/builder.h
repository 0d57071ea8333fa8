// ArrayBuilder: appends values one at a time (or in bulk) and produces an
// immutable Array. One builder per column; not thread-safe; the builder is
// reset by Finish() and can be reused.
//
// Use ArrayBuilder::Make(type) for a builder of any type, then downcast to
// the typed builder (NumericBuilder<T>, BinaryBuilder, ListBuilder) on hot
// paths, or call AppendValue(Value) off them.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "tessera/core/array.h"
#include "tessera/core/buffer.h"

namespace tessera {

class ArrayBuilder {
 public:
  explicit ArrayBuilder(DataType type) : type_(type) {}
  virtual ~ArrayBuilder() = default;
  ArrayBuilder(const ArrayBuilder&) = delete;
  ArrayBuilder& operator=(const ArrayBuilder&) = delete;

  // A builder for `type`; never null.
  static std::unique_ptr<ArrayBuilder> Make(DataType type);

  DataType type() const { return type_; }
  int64_t length() const { return length_; }
  int64_t null_count() const { return null_count_; }

  virtual Status AppendNull() = 0;
  // Appends a Value of type() (or a null). Fails on a type mismatch.
  virtual Status AppendValue(const Value& v) = 0;
  // Makes room for n more values.
  virtual Status Reserve(int64_t n) = 0;
  // Produces the Array and resets the builder to empty.
  virtual Result<ArrayPtr> Finish() = 0;

 protected:
  // Records validity of the next value; allocates the bitmap on the first null.
  Status AppendValidity(bool valid);
  Result<BufferPtr> FinishValidity();

  DataType type_;
  int64_t length_ = 0;
  int64_t null_count_ = 0;
  BufferBuilder validity_;  // empty until the first null
};

// Fixed-width types. T is the C++ storage type: uint8_t for bool, int32_t,
// int64_t (int64 and timestamp), float, double.
template <typename T>
class NumericBuilder final : public ArrayBuilder {
 public:
  explicit NumericBuilder(DataType type) : ArrayBuilder(type) {}

  Status Append(T v) {
    TS_RETURN_NOT_OK(values_.Reserve(sizeof(T)));
    TS_RETURN_NOT_OK(AppendValidity(true));
    values_.UnsafeAppend(v);
    ++length_;
    return Status::OK();
  }
  // Appends n values; `valid` may be null (all present) or a byte per value.
  Status AppendValues(const T* v, int64_t n, const uint8_t* valid = nullptr);
  Status AppendNull() override;
  Status AppendValue(const Value& v) override;
  Status Reserve(int64_t n) override {
    return values_.Reserve(n * static_cast<int64_t>(sizeof(T)));
  }
  Result<ArrayPtr> Finish() override;

 private:
  BufferBuilder values_;
};

using BoolBuilder = NumericBuilder<uint8_t>;
using Int32Builder = NumericBuilder<int32_t>;
using Int64Builder = NumericBuilder<int64_t>;  // also timestamp
using FloatBuilder = NumericBuilder<float>;
using DoubleBuilder = NumericBuilder<double>;

// string and bytes.
class BinaryBuilder final : public ArrayBuilder {
 public:
  explicit BinaryBuilder(DataType type);

  Status Append(std::string_view v);
  Status AppendNull() override;
  Status AppendValue(const Value& v) override;
  Status Reserve(int64_t n) override;
  // Makes room for `bytes` more bytes of string data.
  Status ReserveData(int64_t bytes) { return data_.Reserve(bytes); }
  Result<ArrayPtr> Finish() override;

 private:
  BufferBuilder offsets_;  // int64, length_ + 1 entries once started
  BufferBuilder data_;
};

// list<T>: call StartList() for each list, then append its elements to
// child(); AppendNull() appends a null list.
class ListBuilder final : public ArrayBuilder {
 public:
  explicit ListBuilder(DataType type);

  Status StartList();
  ArrayBuilder* child() { return child_.get(); }
  Status AppendNull() override;
  Status AppendValue(const Value& v) override;
  Status Reserve(int64_t n) override;
  Result<ArrayPtr> Finish() override;

 private:
  BufferBuilder offsets_;
  std::unique_ptr<ArrayBuilder> child_;
};

}  // namespace tessera
