// Arithmetic: + - * / % and unary minus, DuckDB's semantics (checked with
// DuckDB 1.5): integer overflow is an error (here: null + counted), integer
// `%` by zero is null, INT_MIN % -1 is an overflow error, floating point is
// IEEE 754 throughout (x / 0.0 = +-inf, 0.0 / 0.0 = NaN, x % 0.0 = NaN).
#include <cmath>
#include <limits>
#include <type_traits>

#include "tessera/expr/eval_loops.h"
#include "tessera/expr/eval_ops.h"

namespace tessera::expr {

namespace {

struct AddOp {
  static constexpr bool kMayFail = true;
  template <typename T>
  static T Apply(T x, T y, uint8_t* f) {
    if constexpr (std::is_integral_v<T>) {
      T r;
      *f = __builtin_add_overflow(x, y, &r) ? kRowError : kRowOk;
      return r;
    } else {
      return x + y;
    }
  }
};

struct SubOp {
  static constexpr bool kMayFail = true;
  template <typename T>
  static T Apply(T x, T y, uint8_t* f) {
    if constexpr (std::is_integral_v<T>) {
      T r;
      *f = __builtin_sub_overflow(x, y, &r) ? kRowError : kRowOk;
      return r;
    } else {
      return x - y;
    }
  }
};

struct MulOp {
  static constexpr bool kMayFail = true;
  template <typename T>
  static T Apply(T x, T y, uint8_t* f) {
    if constexpr (std::is_integral_v<T>) {
      T r;
      *f = __builtin_mul_overflow(x, y, &r) ? kRowError : kRowOk;
      return r;
    } else {
      return x * y;
    }
  }
};

struct FloatDivOp {
  static constexpr bool kMayFail = false;
  template <typename T>
  static T Apply(T x, T y, uint8_t*) {
    return x / y;
  }
};

struct ModOp {
  static constexpr bool kMayFail = true;
  template <typename T>
  static T Apply(T x, T y, uint8_t* f) {
    if constexpr (std::is_integral_v<T>) {
      // Division by zero is null; MIN % -1 overflows in DuckDB (an error).
      const bool zero = y == 0;
      const bool overflow = x == std::numeric_limits<T>::min() && y == -1;
      *f = zero ? kRowNull : (overflow ? kRowError : kRowOk);
      const T safe = (zero || overflow) ? T{1} : y;
      return x % safe;
    } else {
      return std::fmod(x, y);
    }
  }
};

template <typename T>
struct TypedOp {
  template <typename F>
  struct Bind {
    static constexpr bool kMayFail = F::kMayFail;
    static T Apply(T x, T y, uint8_t* f) { return F::template Apply<T>(x, y, f); }
  };
};

template <typename T, typename F>
Result<Datum> Run(const Datum& a, const Datum& b, DataType type, int64_t n, const char* reason,
                  KernelContext* ctx) {
  return BinaryOp<T, T, typename TypedOp<T>::template Bind<F>>(a, b, type, n, reason, ctx);
}

template <typename T>
Result<Datum> ArithTyped(Op op, const Datum& a, const Datum& b, DataType type, int64_t n,
                         KernelContext* ctx) {
  switch (op) {
    case Op::kAdd: return Run<T, AddOp>(a, b, type, n, "integer overflow in '+'", ctx);
    case Op::kSub: return Run<T, SubOp>(a, b, type, n, "integer overflow in '-'", ctx);
    case Op::kMul: return Run<T, MulOp>(a, b, type, n, "integer overflow in '*'", ctx);
    case Op::kMod: return Run<T, ModOp>(a, b, type, n, "integer overflow in '%'", ctx);
    case Op::kDiv:
      if constexpr (std::is_floating_point_v<T>) return Run<T, FloatDivOp>(a, b, type, n, "", ctx);
      break;
    default: break;
  }
  return Status::Invalid("evaluator: unexpected arithmetic operator");
}

struct NegOp {
  template <typename T>
  struct Of {
    static constexpr bool kMayFail = std::is_integral_v<T>;
    static T Apply(T x, uint8_t* f) {
      if constexpr (std::is_integral_v<T>) {
        *f = x == std::numeric_limits<T>::min() ? kRowError : kRowOk;
        return x == std::numeric_limits<T>::min() ? x : static_cast<T>(-x);
      } else {
        return -x;
      }
    }
  };
};

}  // namespace

Result<Datum> EvalArith(Op op, const Datum& a, const Datum& b, DataType type, int64_t n,
                        KernelContext* ctx) {
  const TypeId operands = a.array->type().id();
  if (op == Op::kDiv && operands != type.id()) {
    return Status::Invalid("evaluator: '/' operands must have the result type (binder)");
  }
  switch (operands) {
    case TypeId::kInt32: return ArithTyped<int32_t>(op, a, b, type, n, ctx);
    case TypeId::kInt64: return ArithTyped<int64_t>(op, a, b, type, n, ctx);
    case TypeId::kFloat: return ArithTyped<float>(op, a, b, type, n, ctx);
    case TypeId::kDouble: return ArithTyped<double>(op, a, b, type, n, ctx);
    default: return Status::Invalid("evaluator: arithmetic on " + a.array->type().ToString());
  }
}

Result<Datum> EvalNegate(const Datum& x, int64_t n, KernelContext* ctx) {
  const DataType type = x.array->type();
  const char* reason = "integer overflow in unary '-'";
  switch (type.id()) {
    case TypeId::kInt32: return UnaryOp<int32_t, int32_t, NegOp::Of<int32_t>>(x, type, n, reason, ctx);
    case TypeId::kInt64: return UnaryOp<int64_t, int64_t, NegOp::Of<int64_t>>(x, type, n, reason, ctx);
    case TypeId::kFloat: return UnaryOp<float, float, NegOp::Of<float>>(x, type, n, reason, ctx);
    case TypeId::kDouble: return UnaryOp<double, double, NegOp::Of<double>>(x, type, n, reason, ctx);
    default: return Status::Invalid("evaluator: unary '-' on " + type.ToString());
  }
}

}  // namespace tessera::expr
