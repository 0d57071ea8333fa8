#include "tessera/core/array.h"

#include <cmath>
#include <new>
#include <string>

#include "tessera/core/block_cache.h"

namespace tessera {

namespace {

int64_t CountNulls(const Buffer* validity, int64_t length) {
  if (validity == nullptr) return 0;
  int64_t valid = 0;
  const uint8_t* bits = validity->data();
  int64_t full_bytes = length / 8;
  for (int64_t b = 0; b < full_bytes; ++b) valid += __builtin_popcount(bits[b]);
  for (int64_t i = full_bytes * 8; i < length; ++i) valid += GetBit(bits, i);
  return length - valid;
}

Status CheckOffsets(const Buffer* offsets, int64_t length, int64_t limit, const char* what) {
  if (offsets == nullptr || offsets->size() < (length + 1) * 8) {
    return Status::Invalid(std::string("array: offsets buffer too small for ") + what);
  }
  const int64_t* off = offsets->data_as<int64_t>();
  if (off[0] != 0) return Status::Invalid("array: offsets must start at 0");
  for (int64_t i = 0; i < length; ++i) {
    if (off[i + 1] < off[i]) return Status::Invalid("array: offsets decrease");
  }
  if (off[length] > limit) {
    return Status::Invalid(std::string("array: offsets run past the ") + what);
  }
  return Status::OK();
}

bool SameDouble(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

// Allocates an Array with its shared_ptr control block from the thread's
// BlockCache (block_cache.h): arrays of one row are made and dropped per
// request on the serving path, and malloc/free cost more than the rest of
// making one.
constexpr size_t kArrayBlockBytes = 128;
template <typename T>
struct CachedAllocator {
  using value_type = T;
  CachedAllocator() = default;
  template <typename U>
  CachedAllocator(const CachedAllocator<U>&) {}  // NOLINT: rebinding
  T* allocate(size_t n) {
    if (n * sizeof(T) <= kArrayBlockBytes && alignof(T) <= 16) {
      void* p = internal::BlockCache<kArrayBlockBytes>::Allocate();
      if (p == nullptr) throw std::bad_alloc();  // as std::allocator would
      return static_cast<T*>(p);
    }
    return static_cast<T*>(::operator new(n * sizeof(T)));
  }
  void deallocate(T* p, size_t n) {
    if (n * sizeof(T) <= kArrayBlockBytes && alignof(T) <= 16) {
      internal::BlockCache<kArrayBlockBytes>::Free(p);
    } else {
      ::operator delete(p);
    }
  }
  template <typename U>
  bool operator==(const CachedAllocator<U>&) const {
    return true;
  }
};

}  // namespace

Result<ArrayPtr> Array::Make(DataType type, int64_t length, BufferPtr validity, BufferPtr values,
                             BufferPtr offsets, ArrayPtr child, int64_t null_count) {
  if (length < 0) return Status::Invalid("array: negative length");
  if (validity && validity->size() < BitmapBytes(length)) {
    return Status::Invalid("array: validity bitmap too small");
  }
  if (type.is_list()) {
    if (!child || child->type() != type.element_type()) {
      return Status::Invalid("array: list needs a child of type " + type.element_type().ToString());
    }
    TS_RETURN_NOT_OK(CheckOffsets(offsets.get(), length, child->length(), "child array"));
  } else if (type.is_binary_like()) {
    if (!values) return Status::Invalid("array: missing data buffer");
    TS_RETURN_NOT_OK(CheckOffsets(offsets.get(), length, values->size(), "data buffer"));
  } else {
    if (!values || values->size() < length * type.fixed_width()) {
      return Status::Invalid("array: values buffer too small for " + std::to_string(length) + " " +
                             type.ToString() + " values");
    }
  }
  auto a = std::allocate_shared<Array>(CachedAllocator<Array>(), PrivateKey{});
  a->type_ = type;
  a->length_ = length;
  a->null_count_ = null_count >= 0 ? null_count : CountNulls(validity.get(), length);
  a->validity_ = a->null_count_ > 0 ? std::move(validity) : nullptr;
  a->values_ = std::move(values);
  a->offsets_ = std::move(offsets);
  a->child_ = std::move(child);
  return ArrayPtr(std::move(a));
}

Value Array::GetValue(int64_t i) const {
  if (IsNull(i)) return Value::Null(type_);
  switch (type_.id()) {
    case TypeId::kBool: return Value::Bool(GetBool(i));
    case TypeId::kInt32: return Value::Int32(GetInt32(i));
    case TypeId::kInt64: return Value::Int64(GetInt64(i));
    case TypeId::kFloat: return Value::Float(GetFloat(i));
    case TypeId::kDouble: return Value::Double(GetDouble(i));
    case TypeId::kString: return Value::String(std::string(GetView(i)));
    case TypeId::kBytes: return Value::Bytes(std::string(GetView(i)));
    case TypeId::kTimestamp: return Value::Timestamp(GetInt64(i));
    case TypeId::kList: {
      std::vector<Value> elems;
      for (int64_t j = offset(i); j < offset(i + 1); ++j) elems.push_back(child_->GetValue(j));
      return Value::List(type_, std::move(elems));
    }
  }
  return Value::Null(type_);
}

bool Array::Equals(const Array& other) const {
  if (type_ != other.type_ || length_ != other.length_ || null_count_ != other.null_count_) {
    return false;
  }
  for (int64_t i = 0; i < length_; ++i) {
    if (IsNull(i) != other.IsNull(i)) return false;
    if (IsNull(i)) continue;
    switch (type_.id()) {
      case TypeId::kFloat:
        if (!SameDouble(GetFloat(i), other.GetFloat(i))) return false;
        break;
      case TypeId::kDouble:
        if (!SameDouble(GetDouble(i), other.GetDouble(i))) return false;
        break;
      default:
        if (GetValue(i) != other.GetValue(i)) return false;
    }
  }
  return true;
}

}  // namespace tessera
