#include "tessera/core/builder.h"

namespace tessera {

namespace {

Status TypeMismatch(DataType want, const Value& got) {
  return Status::Invalid("expected a " + want.ToString() + " value, got " + got.type().ToString() +
                         " " + got.ToString());
}

Status AppendZeroOffset(BufferBuilder* offsets) {
  TS_RETURN_NOT_OK(offsets->Reserve(sizeof(int64_t)));
  offsets->UnsafeAppend(int64_t{0});
  return Status::OK();
}

}  // namespace

std::unique_ptr<ArrayBuilder> ArrayBuilder::Make(DataType type) {
  switch (type.id()) {
    case TypeId::kBool: return std::make_unique<BoolBuilder>(type);
    case TypeId::kInt32: return std::make_unique<Int32Builder>(type);
    case TypeId::kInt64:
    case TypeId::kTimestamp: return std::make_unique<Int64Builder>(type);
    case TypeId::kFloat: return std::make_unique<FloatBuilder>(type);
    case TypeId::kDouble: return std::make_unique<DoubleBuilder>(type);
    case TypeId::kString:
    case TypeId::kBytes: return std::make_unique<BinaryBuilder>(type);
    case TypeId::kList: return std::make_unique<ListBuilder>(type);
  }
  return nullptr;
}

Status ArrayBuilder::AppendValidity(bool valid) {
  if (valid && validity_.length() == 0) return Status::OK();  // no null yet: no bitmap
  if (validity_.length() == 0) {
    // First null: materialise the bitmap with all earlier values present.
    TS_RETURN_NOT_OK(validity_.Reserve(BitmapBytes(length_ + 1) + 8));
    int64_t bytes = BitmapBytes(length_);
    std::memset(validity_.mutable_data(), 0xff, static_cast<size_t>(bytes));
    validity_.UnsafeSetLength(bytes);
  }
  int64_t need = BitmapBytes(length_ + 1);
  if (need > validity_.length()) {
    TS_RETURN_NOT_OK(validity_.AppendZeros(need - validity_.length()));
  }
  if (valid) {
    SetBit(validity_.mutable_data(), length_);
  } else {
    ClearBit(validity_.mutable_data(), length_);
    ++null_count_;
  }
  return Status::OK();
}

Result<BufferPtr> ArrayBuilder::FinishValidity() {
  if (validity_.length() == 0) return BufferPtr();
  // Clear bits past the end so bitmaps compare equal byte for byte.
  int64_t bytes = BitmapBytes(length_);
  for (int64_t i = length_; i < bytes * 8; ++i) ClearBit(validity_.mutable_data(), i);
  validity_.UnsafeSetLength(bytes);
  return validity_.Finish();
}

template <typename T>
Status NumericBuilder<T>::AppendValues(const T* v, int64_t n, const uint8_t* valid) {
  TS_RETURN_NOT_OK(values_.Reserve(n * static_cast<int64_t>(sizeof(T))));
  if (valid == nullptr && validity_.length() == 0) {
    values_.UnsafeAppend(v, n * static_cast<int64_t>(sizeof(T)));
    length_ += n;
    return Status::OK();
  }
  for (int64_t i = 0; i < n; ++i) {
    bool ok = valid == nullptr || valid[i];
    TS_RETURN_NOT_OK(AppendValidity(ok));
    values_.UnsafeAppend(ok ? v[i] : T{});
    ++length_;
  }
  return Status::OK();
}

template <typename T>
Status NumericBuilder<T>::AppendNull() {
  TS_RETURN_NOT_OK(values_.Reserve(sizeof(T)));
  TS_RETURN_NOT_OK(AppendValidity(false));
  values_.UnsafeAppend(T{});
  ++length_;
  return Status::OK();
}

template <typename T>
Status NumericBuilder<T>::AppendValue(const Value& v) {
  if (v.type() != type_) return TypeMismatch(type_, v);
  if (v.is_null()) return AppendNull();
  if constexpr (std::is_same_v<T, uint8_t>) {
    return Append(v.bool_value() ? 1 : 0);
  } else if constexpr (std::is_integral_v<T>) {
    return Append(static_cast<T>(v.int_value()));
  } else {
    return Append(static_cast<T>(v.double_value()));
  }
}

template <typename T>
Result<ArrayPtr> NumericBuilder<T>::Finish() {
  int64_t length = length_, nulls = null_count_;
  TS_ASSIGN_OR_RETURN(BufferPtr validity, FinishValidity());
  TS_ASSIGN_OR_RETURN(BufferPtr values, values_.Finish());
  length_ = null_count_ = 0;
  return Array::Make(type_, length, std::move(validity), std::move(values), nullptr, nullptr,
                     nulls);
}

template class NumericBuilder<uint8_t>;
template class NumericBuilder<int32_t>;
template class NumericBuilder<int64_t>;
template class NumericBuilder<float>;
template class NumericBuilder<double>;

BinaryBuilder::BinaryBuilder(DataType type) : ArrayBuilder(type) {}

Status BinaryBuilder::Append(std::string_view v) {
  if (offsets_.length() == 0) TS_RETURN_NOT_OK(AppendZeroOffset(&offsets_));
  TS_RETURN_NOT_OK(offsets_.Reserve(sizeof(int64_t)));
  TS_RETURN_NOT_OK(data_.Append(v.data(), static_cast<int64_t>(v.size())));
  TS_RETURN_NOT_OK(AppendValidity(true));
  offsets_.UnsafeAppend(data_.length());
  ++length_;
  return Status::OK();
}

Status BinaryBuilder::AppendNull() {
  if (offsets_.length() == 0) TS_RETURN_NOT_OK(AppendZeroOffset(&offsets_));
  TS_RETURN_NOT_OK(offsets_.Reserve(sizeof(int64_t)));
  TS_RETURN_NOT_OK(AppendValidity(false));
  offsets_.UnsafeAppend(data_.length());
  ++length_;
  return Status::OK();
}

Status BinaryBuilder::AppendValue(const Value& v) {
  if (v.type() != type_) return TypeMismatch(type_, v);
  if (v.is_null()) return AppendNull();
  return Append(v.string_value());
}

Status BinaryBuilder::Reserve(int64_t n) {
  return offsets_.Reserve((n + 1) * static_cast<int64_t>(sizeof(int64_t)));
}

Result<ArrayPtr> BinaryBuilder::Finish() {
  if (offsets_.length() == 0) TS_RETURN_NOT_OK(AppendZeroOffset(&offsets_));
  int64_t length = length_, nulls = null_count_;
  TS_ASSIGN_OR_RETURN(BufferPtr validity, FinishValidity());
  TS_ASSIGN_OR_RETURN(BufferPtr offsets, offsets_.Finish());
  TS_ASSIGN_OR_RETURN(BufferPtr data, data_.Finish());
  length_ = null_count_ = 0;
  return Array::Make(type_, length, std::move(validity), std::move(data), std::move(offsets),
                     nullptr, nulls);
}

ListBuilder::ListBuilder(DataType type)
    : ArrayBuilder(type), child_(ArrayBuilder::Make(type.element_type())) {}

Status ListBuilder::StartList() {
  if (offsets_.length() == 0) TS_RETURN_NOT_OK(AppendZeroOffset(&offsets_));
  if (length_ > 0) {
    // Close the previous list at the child's current length.
    reinterpret_cast<int64_t*>(offsets_.mutable_data())[length_] = child_->length();
  }
  TS_RETURN_NOT_OK(offsets_.Reserve(sizeof(int64_t)));
  TS_RETURN_NOT_OK(AppendValidity(true));
  offsets_.UnsafeAppend(child_->length());  // provisional end, fixed up later
  ++length_;
  return Status::OK();
}

Status ListBuilder::AppendNull() {
  if (offsets_.length() == 0) TS_RETURN_NOT_OK(AppendZeroOffset(&offsets_));
  if (length_ > 0) reinterpret_cast<int64_t*>(offsets_.mutable_data())[length_] = child_->length();
  TS_RETURN_NOT_OK(offsets_.Reserve(sizeof(int64_t)));
  TS_RETURN_NOT_OK(AppendValidity(false));
  offsets_.UnsafeAppend(child_->length());
  ++length_;
  return Status::OK();
}

Status ListBuilder::AppendValue(const Value& v) {
  if (v.type() != type_) return TypeMismatch(type_, v);
  if (v.is_null()) return AppendNull();
  TS_RETURN_NOT_OK(StartList());
  for (const Value& e : v.list_value()) TS_RETURN_NOT_OK(child_->AppendValue(e));
  return Status::OK();
}

Status ListBuilder::Reserve(int64_t n) {
  return offsets_.Reserve((n + 1) * static_cast<int64_t>(sizeof(int64_t)));
}

Result<ArrayPtr> ListBuilder::Finish() {
  if (offsets_.length() == 0) TS_RETURN_NOT_OK(AppendZeroOffset(&offsets_));
  if (length_ > 0) reinterpret_cast<int64_t*>(offsets_.mutable_data())[length_] = child_->length();
  int64_t length = length_, nulls = null_count_;
  TS_ASSIGN_OR_RETURN(BufferPtr validity, FinishValidity());
  TS_ASSIGN_OR_RETURN(BufferPtr offsets, offsets_.Finish());
  TS_ASSIGN_OR_RETURN(ArrayPtr child, child_->Finish());
  length_ = null_count_ = 0;
  return Array::Make(type_, length, std::move(validity), nullptr, std::move(offsets),
                     std::move(child), nulls);
}

}  // namespace tessera
