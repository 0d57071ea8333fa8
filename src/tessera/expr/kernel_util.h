// Helpers shared by the function kernels (kernels.h): building an output
// column with its validity bitmap, and SQL null propagation. Internal to the
// expr module.
//
// FixedOutput<T> writes a fixed-width column in place (one allocation for
// the values, one for the bitmap when a row is null), so a kernel's loop is
// a plain loop over raw arrays: no per-row virtual call, no per-value heap
// object. Not thread-safe; one per kernel call.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <type_traits>
#include <vector>

#include "tessera/core/array.h"
#include "tessera/core/buffer.h"
#include "tessera/core/builder.h"
#include "tessera/expr/kernel_context.h"

namespace tessera::expr {

// The AND of the validity bitmaps of `inputs` (each `length` long): null
// when none of them has a null. Fails only when memory runs out.
Result<std::unique_ptr<Buffer>> AndValidity(const std::vector<const Array*>& inputs,
                                            int64_t length);
// The same over `count` inputs at `inputs`.
Result<std::unique_ptr<Buffer>> AndValidity(const Array* const* inputs, size_t count,
                                            int64_t length);

// Values in DuckDB's order: NaN above every other number and equal to
// itself; -0.0 equal to 0.0 (IEEE comparison otherwise).
template <typename T>
bool Less(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(a)) return false;
    if (std::isnan(b)) return true;
  }
  return a < b;
}

template <typename T>
bool Equal(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  }
  return a == b;
}

// True when row i of every input is present.
inline bool AllValid(const std::vector<const Array*>& inputs, int64_t i) {
  for (const Array* a : inputs) {
    if (a->IsNull(i)) return false;
  }
  return true;
}

template <typename T>
class FixedOutput {
 public:
  // `length` zeroed values; row i starts valid when it is valid in every
  // one of `inputs` (SQL null propagation; pass {} for all valid).
  Status Init(int64_t length, const std::vector<const Array*>& inputs) {
    return Init(length, inputs.data(), inputs.size());
  }
  // The same for inputs written in place (`{&a, &b}`), without building a
  // vector (an allocation per call).
  Status Init(int64_t length, std::initializer_list<const Array*> inputs) {
    return Init(length, inputs.begin(), inputs.size());
  }
  Status Init(int64_t length, const Array* const* inputs, size_t count) {
    length_ = length;
    TS_ASSIGN_OR_RETURN(values_, Buffer::Allocate(length * static_cast<int64_t>(sizeof(T))));
    if (length > 0) std::memset(values_->mutable_data(), 0, values_->size());
    TS_ASSIGN_OR_RETURN(validity_, AndValidity(inputs, count, length));
    return Status::OK();
  }

  bool IsValid(int64_t i) const { return validity_ == nullptr || GetBit(validity_->data(), i); }
  T* values() { return values_->mutable_data_as<T>(); }
  void Set(int64_t i, T v) { values()[i] = v; }
  // Makes row i null (its value slot zero).
  Status SetNull(int64_t i) {
    if (validity_ == nullptr) TS_RETURN_NOT_OK(AllocateAllValid());
    ClearBit(validity_->mutable_data(), i);
    values()[i] = T{};
    return Status::OK();
  }
  // SetNull, and report row i as failed with `reason` (a static text).
  Status SetError(KernelContext* ctx, int64_t i, const char* reason) {
    ctx->RecordError(i, reason);
    return SetNull(i);
  }

  Status Finish(DataType type, ArrayPtr* out) {
    // Buffer::Share: the shared_ptr's control block lives in the buffer's
    // own allocation (BufferPtr(unique_ptr) would allocate one).
    TS_ASSIGN_OR_RETURN(*out, Array::Make(type, length_, Buffer::Share(std::move(validity_)),
                                          Buffer::Share(std::move(values_))));
    return Status::OK();
  }

 private:
  Status AllocateAllValid() {
    TS_ASSIGN_OR_RETURN(validity_, Buffer::Allocate(BitmapBytes(length_)));
    if (length_ > 0) std::memset(validity_->mutable_data(), 0xFF, validity_->size());
    return Status::OK();
  }

  int64_t length_ = 0;
  std::unique_ptr<Buffer> values_;
  std::unique_ptr<Buffer> validity_;
};

// Finishes a builder into *out.
inline Status FinishInto(ArrayBuilder* builder, ArrayPtr* out) {
  TS_ASSIGN_OR_RETURN(*out, builder->Finish());
  return Status::OK();
}

// A list argument's element range: row i spans [Begin(i), End(i)) of child.
struct ListView {
  explicit ListView(const Array& a)
      : offsets(a.offsets_buffer()->data_as<int64_t>()), child(a.child()) {}
  int64_t Begin(int64_t i) const { return offsets[i]; }
  int64_t End(int64_t i) const { return offsets[i + 1]; }
  const int64_t* offsets;
  const Array& child;
};

}  // namespace tessera::expr
