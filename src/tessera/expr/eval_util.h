// Building blocks the evaluator's operators share: validity bitmaps
// combined word-wise, fixed-width output buffers, constants as one-value
// arrays, and the gather/concatenate pair that CASE uses to run a branch
// on a selection of rows and put the results back in row order.
//
// Thread-safety: reentrant. Arrays are immutable; every function here
// allocates fresh buffers and never writes through a shared one.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "tessera/core/array.h"
#include "tessera/core/buffer.h"
#include "tessera/core/result.h"
#include "tessera/core/value.h"
#include "tessera/expr/evaluator.h"

namespace tessera::expr {

// A one-value array holding `v` (of v.type()).
Result<ArrayPtr> MakeScalarArray(const Value& v);
// `n` nulls of `type`.
Result<ArrayPtr> MakeNullArray(DataType type, int64_t n);
// The datum as an array of `n` values (a copy of the constant n times, or
// the array itself).
Result<ArrayPtr> Broadcast(const Datum& d, int64_t n);

// The value of a boolean operation over a frame of one row (the serving
// case): one of three one-value arrays (false, true, null) made once per
// thread and shared, so that comparisons and logic on one row allocate
// nothing. Arrays are immutable, so handing the same one to many results
// is safe; each thread has its own three so that threads do not contend
// on their reference counts.
Result<Datum> OneRowBool(bool valid, bool value);

// Validity of rows [0, n) of `d` as a bitmap, or null when every row is
// valid (a constant null gives an all-zero bitmap).
Result<BufferPtr> ValidityOf(const Datum& d, int64_t n);
// Rows valid in both; null when every row is.
Result<BufferPtr> AndValidity(const Datum& a, const Datum& b, int64_t n);
// Bits set in both (null means all set); null when every bit is set.
Result<BufferPtr> AndBitmaps(BufferPtr a, BufferPtr b, int64_t n);
// `a` with its validity replaced by `validity` (same value buffers).
Result<ArrayPtr> WithValidity(const Array& a, BufferPtr validity);
// A writable copy of `bits` (or an all-set bitmap when null) for `n` rows.
Result<std::unique_ptr<Buffer>> WritableBitmap(const BufferPtr& bits, int64_t n);
// A bitmap of n bits, all set (`set`) or all clear; trailing bits clear.
Result<std::unique_ptr<Buffer>> NewBitmap(int64_t n, bool set);

// Bits [from, from + n) of `src` to bits [to, to + n) of `dst`, other bits
// of dst unchanged; whole bytes at once when both start on a byte.
void CopyBits(const uint8_t* src, int64_t from, uint8_t* dst, int64_t to, int64_t n);

// Per-row outcome flags of an operation that can fail for one row.
constexpr uint8_t kRowOk = 0;
constexpr uint8_t kRowNull = 1;   // the result is null (division by zero)
constexpr uint8_t kRowError = 2;  // DuckDB would raise: null and counted

// Clears bit i of `validity` for every row with flags[i] != kRowOk that was
// valid, reporting the kRowError ones to `ctx` with `reason`. `validity`
// may be null (every row valid); it is replaced by a fresh bitmap.
Status ApplyRowFlags(const uint8_t* flags, int64_t n, const char* reason, KernelContext* ctx,
                     BufferPtr* validity);

// Scratch bytes for per-row flags: on the stack for small inputs (the
// one-row serving case allocates nothing), zeroed.
class FlagBuffer {
 public:
  explicit FlagBuffer(int64_t n) {
    if (n > kInline) heap_.resize(static_cast<size_t>(n));
    data_ = n > kInline ? heap_.data() : inline_;
    std::fill(data_, data_ + (n > kInline ? 0 : n), uint8_t{0});
  }
  FlagBuffer(const FlagBuffer&) = delete;
  FlagBuffer& operator=(const FlagBuffer&) = delete;
  uint8_t* data() { return data_; }

 private:
  static constexpr int64_t kInline = 256;
  uint8_t inline_[kInline];
  std::vector<uint8_t> heap_;
  uint8_t* data_;
};

// Fixed-width values buffer for n values of T.
template <typename T>
Result<std::unique_ptr<Buffer>> AllocValues(int64_t n) {
  return Buffer::Allocate(n * static_cast<int64_t>(sizeof(T)));
}

// Wraps a fixed-width values buffer and a validity bitmap into an Array.
Result<ArrayPtr> MakeFixed(DataType type, int64_t n, BufferPtr validity,
                           std::unique_ptr<Buffer> values);

// Rows idx[0..n) of `a` (idx[i] < a.length()), every type.
Result<ArrayPtr> Take(const Array& a, const int64_t* idx, int64_t n);
// The arrays one after the other (all of one type, at least one).
Result<ArrayPtr> Concat(const std::vector<ArrayPtr>& parts);
// Rows [offset, offset + n) of `a`, copied (Arrays have no offset).
Result<ArrayPtr> Slice(const Array& a, int64_t offset, int64_t n);

// Calls f(T{}) with T the C++ storage type of a fixed-width type id
// (uint8_t for bool, int64_t for timestamp). REQUIRES: fixed width.
template <typename F>
auto VisitFixed(TypeId id, F&& f) {
  switch (id) {
    case TypeId::kBool: return f(uint8_t{});
    case TypeId::kInt32: return f(int32_t{});
    case TypeId::kFloat: return f(float{});
    case TypeId::kDouble: return f(double{});
    default: return f(int64_t{});  // int64, timestamp
  }
}

}  // namespace tessera::expr
