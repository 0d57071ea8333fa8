#include "tessera/offline/scan_arrays.h"

#include <cstring>

#include "tessera/core/builder.h"

namespace tessera::offline {
namespace {

template <typename From, typename To>
Result<ArrayPtr> Convert(const Array& in, DataType to) {
  const int64_t n = in.length();
  TS_ASSIGN_OR_RETURN(std::unique_ptr<Buffer> values,
                      Buffer::Allocate(n * static_cast<int64_t>(sizeof(To))));
  const From* src = in.values<From>();
  To* dst = values->mutable_data_as<To>();
  for (int64_t i = 0; i < n; ++i) dst[i] = static_cast<To>(src[i]);
  return Array::Make(to, n, in.validity_buffer(), BufferPtr(std::move(values)), nullptr, nullptr,
                     in.null_count());
}

// `length` nulls: a zeroed bitmap and zeroed values or offsets.
Result<ArrayPtr> NullArray(DataType type, int64_t length) {
  auto zeros = [](int64_t bytes) -> Result<BufferPtr> {
    TS_ASSIGN_OR_RETURN(std::unique_ptr<Buffer> b, Buffer::Allocate(bytes));
    if (bytes > 0) std::memset(b->mutable_data(), 0, static_cast<size_t>(bytes));
    return BufferPtr(std::move(b));
  };
  TS_ASSIGN_OR_RETURN(BufferPtr validity, zeros(BitmapBytes(length)));
  if (type.fixed_width() > 0) {
    TS_ASSIGN_OR_RETURN(BufferPtr values, zeros(length * type.fixed_width()));
    return Array::Make(type, length, validity, values, nullptr, nullptr, length);
  }
  TS_ASSIGN_OR_RETURN(BufferPtr offsets, zeros((length + 1) * 8));
  if (type.is_list()) {
    TS_ASSIGN_OR_RETURN(ArrayPtr child, NullArray(type.element_type(), 0));
    return Array::Make(type, length, validity, nullptr, offsets, child, length);
  }
  TS_ASSIGN_OR_RETURN(BufferPtr data, zeros(0));
  return Array::Make(type, length, validity, data, offsets, nullptr, length);
}

template <typename T>
Result<ArrayPtr> Repeat(T v, DataType type, int64_t length) {
  TS_ASSIGN_OR_RETURN(std::unique_ptr<Buffer> values,
                      Buffer::Allocate(length * static_cast<int64_t>(sizeof(T))));
  T* dst = values->mutable_data_as<T>();
  for (int64_t i = 0; i < length; ++i) dst[i] = v;
  return Array::Make(type, length, nullptr, BufferPtr(std::move(values)), nullptr, nullptr, 0);
}

Result<ArrayPtr> RepeatBinary(const std::string& v, DataType type, int64_t length) {
  const auto size = static_cast<int64_t>(v.size());
  TS_ASSIGN_OR_RETURN(std::unique_ptr<Buffer> offsets, Buffer::Allocate((length + 1) * 8));
  TS_ASSIGN_OR_RETURN(std::unique_ptr<Buffer> data, Buffer::Allocate(size * length));
  int64_t* off = offsets->mutable_data_as<int64_t>();
  for (int64_t i = 0; i <= length; ++i) off[i] = i * size;
  for (int64_t i = 0; i < length && size > 0; ++i) {
    std::memcpy(data->mutable_data() + i * size, v.data(), v.size());
  }
  return Array::Make(type, length, nullptr, BufferPtr(std::move(data)),
                     BufferPtr(std::move(offsets)), nullptr, 0);
}

}  // namespace

Result<ArrayPtr> WidenArray(const ArrayPtr& array, DataType to) {
  const DataType from = array->type();
  if (from == to) return array;
  if (from == DataType::Int32() && to == DataType::Int64()) {
    return Convert<int32_t, int64_t>(*array, to);
  }
  if (from == DataType::Int32() && to == DataType::Double()) {
    return Convert<int32_t, double>(*array, to);
  }
  if (from == DataType::Float() && to == DataType::Double()) {
    return Convert<float, double>(*array, to);
  }
  return Status::Internal("cannot widen " + from.ToString() + " to " + to.ToString());
}

Result<ArrayPtr> MakeConstantArray(const Value& value, DataType type, int64_t length) {
  if (value.is_null()) return NullArray(type, length);
  switch (type.id()) {
    case TypeId::kBool: return Repeat<uint8_t>(value.bool_value() ? 1 : 0, type, length);
    case TypeId::kInt32:
      return Repeat<int32_t>(static_cast<int32_t>(value.int_value()), type, length);
    case TypeId::kInt64:
    case TypeId::kTimestamp: return Repeat<int64_t>(value.int_value(), type, length);
    case TypeId::kFloat:
      return Repeat<float>(static_cast<float>(value.double_value()), type, length);
    case TypeId::kDouble: return Repeat<double>(value.double_value(), type, length);
    case TypeId::kString:
    case TypeId::kBytes: return RepeatBinary(value.string_value(), type, length);
    case TypeId::kList: break;
  }
  return Status::Internal("no constant " + type.ToString() + " column");
}

}  // namespace tessera::offline
