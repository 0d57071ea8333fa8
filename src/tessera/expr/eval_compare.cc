// Comparisons. Floating point follows DuckDB's total order (checked with
// DuckDB 1.5: `'nan'::DOUBLE = 'nan'::DOUBLE` is true, NaN > inf is true,
// -0.0 = 0.0 is true), so ORDER BY, = and IN agree; strings and bytes
// compare by bytes (memcmp), bools false < true.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <type_traits>

#include "tessera/expr/eval_loops.h"
#include "tessera/expr/eval_ops.h"

namespace tessera::expr {

namespace {

template <typename T>
inline bool Eq(T x, T y) {
  if constexpr (std::is_floating_point_v<T>) {
    return (x == y) | (std::isnan(x) & std::isnan(y));
  } else {
    return x == y;
  }
}

template <typename T>
inline bool Lt(T x, T y) {
  if constexpr (std::is_floating_point_v<T>) {
    return (x < y) | (!std::isnan(x) & std::isnan(y));
  } else {
    return x < y;
  }
}

template <typename T, Op kOp>
struct CmpOp {
  static constexpr bool kMayFail = false;
  static uint8_t Apply(T x, T y, uint8_t*) {
    if constexpr (kOp == Op::kEq) return Eq(x, y);
    if constexpr (kOp == Op::kNe) return !Eq(x, y);
    if constexpr (kOp == Op::kLt) return Lt(x, y);
    if constexpr (kOp == Op::kLe) return !Lt(y, x);
    if constexpr (kOp == Op::kGt) return Lt(y, x);
    if constexpr (kOp == Op::kGe) return !Lt(x, y);
    return 0;
  }
};

template <typename T>
Result<Datum> CompareFixed(Op op, const Datum& a, const Datum& b, int64_t n) {
  const DataType t = DataType::Bool();
  switch (op) {
    case Op::kEq: return BinaryOp<T, uint8_t, CmpOp<T, Op::kEq>>(a, b, t, n, "", nullptr);
    case Op::kNe: return BinaryOp<T, uint8_t, CmpOp<T, Op::kNe>>(a, b, t, n, "", nullptr);
    case Op::kLt: return BinaryOp<T, uint8_t, CmpOp<T, Op::kLt>>(a, b, t, n, "", nullptr);
    case Op::kLe: return BinaryOp<T, uint8_t, CmpOp<T, Op::kLe>>(a, b, t, n, "", nullptr);
    case Op::kGt: return BinaryOp<T, uint8_t, CmpOp<T, Op::kGt>>(a, b, t, n, "", nullptr);
    case Op::kGe: return BinaryOp<T, uint8_t, CmpOp<T, Op::kGe>>(a, b, t, n, "", nullptr);
    default: return Status::Invalid("evaluator: unexpected comparison operator");
  }
}

// memcmp order: sign of the three-way comparison.
inline int CompareViews(std::string_view x, std::string_view y) {
  const size_t len = x.size() < y.size() ? x.size() : y.size();
  const int c = len == 0 ? 0 : std::memcmp(x.data(), y.data(), len);
  if (c != 0) return c;
  return x.size() < y.size() ? -1 : (x.size() > y.size() ? 1 : 0);
}

inline uint8_t FromThreeWay(Op op, int c) {
  switch (op) {
    case Op::kEq: return c == 0;
    case Op::kNe: return c != 0;
    case Op::kLt: return c < 0;
    case Op::kLe: return c <= 0;
    case Op::kGt: return c > 0;
    default: return c >= 0;
  }
}

Result<Datum> CompareBinary(Op op, const Datum& a, const Datum& b, int64_t n) {
  // One row (the serving case) is compared into `one_row` by the same
  // loops and yields a shared constant (OneRowBool): nothing allocated.
  BufferPtr validity;
  std::unique_ptr<Buffer> values;
  uint8_t one_row = 0;
  uint8_t* o = &one_row;
  if (n != 1) {
    TS_ASSIGN_OR_RETURN(validity, AndValidity(a, b, n));
    TS_ASSIGN_OR_RETURN(values, AllocValues<uint8_t>(n));
    o = values->mutable_data();
  }
  const int64_t sa = a.scalar ? 0 : 1;
  const int64_t sb = b.scalar ? 0 : 1;
  const Array& x = *a.array;
  const Array& y = *b.array;
  if ((op == Op::kEq || op == Op::kNe) && (a.scalar != b.scalar)) {
    // The usual `column = 'literal'`: sizes first, then bytes against one
    // needle, reading the offsets and data directly.
    const uint8_t want = op == Op::kEq;
    const Array& col = a.scalar ? y : x;
    const std::string_view needle = (a.scalar ? x : y).GetView(0);
    const int64_t* off = col.offsets_buffer()->data_as<int64_t>();
    const uint8_t* data = col.values_buffer()->data();
    const int64_t data_size = col.values_buffer()->size();
    const auto len = static_cast<int64_t>(needle.size());
    if (len <= 8) {
      // A short needle is one masked 8-byte word; a value near the end of
      // the data buffer (where 8 bytes would overrun) is compared bytewise.
      uint64_t word = 0;
      if (len > 0) std::memcpy(&word, needle.data(), needle.size());
      const uint64_t mask = len == 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * len)) - 1;
      for (int64_t i = 0; i < n; ++i) {
        const int64_t start = off[i];
        const bool same_len = off[i + 1] - start == len;
        bool same;
        if (start + 8 <= data_size) {  // branch-free but for the buffer's end
          uint64_t v;
          std::memcpy(&v, data + start, 8);
          same = same_len & (((v ^ word) & mask) == 0);
        } else {
          same = same_len &&
                 (len == 0 || std::memcmp(data + start, needle.data(), needle.size()) == 0);
        }
        o[i] = same == want;
      }
    } else {
      for (int64_t i = 0; i < n; ++i) {
        const bool same = off[i + 1] - off[i] == len &&
                          std::memcmp(data + off[i], needle.data(), needle.size()) == 0;
        o[i] = same == want;
      }
    }
  } else if (op == Op::kEq || op == Op::kNe) {
    // Equality needs no ordering: compare sizes first, then bytes.
    const uint8_t want = op == Op::kEq;
    for (int64_t i = 0; i < n; ++i) {
      const std::string_view u = x.GetView(i * sa);
      const std::string_view v = y.GetView(i * sb);
      o[i] = (u == v) == want;
    }
  } else {
    for (int64_t i = 0; i < n; ++i)
      o[i] = FromThreeWay(op, CompareViews(x.GetView(i * sa), y.GetView(i * sb)));
  }
  if (n == 1) return OneRowBool(x.IsValid(0) && y.IsValid(0), one_row != 0);
  TS_ASSIGN_OR_RETURN(ArrayPtr out, MakeFixed(DataType::Bool(), n, validity, std::move(values)));
  return Datum{out, false};
}

}  // namespace

Result<Datum> EvalCompare(Op op, const Datum& a, const Datum& b, int64_t n) {
  const DataType type = a.array->type();
  switch (type.id()) {
    case TypeId::kBool: return CompareFixed<uint8_t>(op, a, b, n);
    case TypeId::kInt32: return CompareFixed<int32_t>(op, a, b, n);
    case TypeId::kInt64:
    case TypeId::kTimestamp: return CompareFixed<int64_t>(op, a, b, n);
    case TypeId::kFloat: return CompareFixed<float>(op, a, b, n);
    case TypeId::kDouble: return CompareFixed<double>(op, a, b, n);
    case TypeId::kString:
    case TypeId::kBytes: return CompareBinary(op, a, b, n);
    case TypeId::kList: break;
  }
  return Status::Invalid("evaluator: comparison of " + type.ToString() + " values");
}

}  // namespace tessera::expr
