// Numeric function kernels: abs, sign, floor, ceil, round, sqrt, exp, ln,
// log10, pow. Values follow DuckDB 1.5.6 (docs/EXPRESSIONS.md "Functions").
#include <cmath>
#include <cstdint>
#include <limits>

#include "tessera/expr/kernel_util.h"
#include "tessera/expr/kernels.h"

namespace tessera::expr {

namespace {

// Runs `op(T in, Out* out) -> const char* error` over every present row of
// the one argument; a non-null error makes the row null and is recorded.
template <typename In, typename Out, typename Op>
Status Unary(KernelContext* ctx, const Array& a, int64_t length, DataType result, Op op,
             ArrayPtr* out) {
  FixedOutput<Out> o;
  TS_RETURN_NOT_OK(o.Init(length, {&a}));
  const In* in = a.values<In>();
  Out* v = o.values();
  for (int64_t i = 0; i < length; ++i) {
    if (!o.IsValid(i)) continue;
    if (const char* err = op(in[i], &v[i])) TS_RETURN_NOT_OK(o.SetError(ctx, i, err));
  }
  return o.Finish(result, out);
}

// The same for two arguments of types A and B.
template <typename A, typename B, typename Out, typename Op>
Status Binary(KernelContext* ctx, const Array& a, const Array& b, int64_t length, DataType result,
              Op op, ArrayPtr* out) {
  FixedOutput<Out> o;
  TS_RETURN_NOT_OK(o.Init(length, {&a, &b}));
  const A* x = a.values<A>();
  const B* y = b.values<B>();
  Out* v = o.values();
  for (int64_t i = 0; i < length; ++i) {
    if (!o.IsValid(i)) continue;
    if (const char* err = op(x[i], y[i], &v[i])) TS_RETURN_NOT_OK(o.SetError(ctx, i, err));
  }
  return o.Finish(result, out);
}

Status NotNumeric(DataType t) {
  return Status::Internal("numeric kernel called on " + t.ToString());
}

template <typename T>
Status AbsOf(KernelContext* ctx, const Array& a, int64_t length, DataType result, ArrayPtr* out) {
  return Unary<T, T>(
      ctx, a, length, result,
      [](T x, T* r) -> const char* {
        if constexpr (std::is_integral_v<T>) {
          if (x == std::numeric_limits<T>::min()) return "integer overflow in abs";
          *r = x < 0 ? -x : x;
        } else {
          *r = std::fabs(x);
        }
        return nullptr;
      },
      out);
}

template <typename T>
Status SignOf(KernelContext* ctx, const Array& a, int64_t length, DataType result, ArrayPtr* out) {
  // NaN and both zeros have sign 0, as in DuckDB.
  return Unary<T, int32_t>(
      ctx, a, length, result,
      [](T x, int32_t* r) -> const char* {
        *r = x > 0 ? 1 : (x < 0 ? -1 : 0);
        return nullptr;
      },
      out);
}

// floor/ceil over float or double (the binder widens integers to double).
template <typename Fn>
Status FloatUnary(KernelContext* ctx, const Array& a, int64_t length, DataType result, Fn fn,
                  ArrayPtr* out) {
  if (result.id() == TypeId::kFloat) {
    return Unary<float, float>(
        ctx, a, length, result,
        [fn](float x, float* r) -> const char* {
          *r = static_cast<float>(fn(x));
          return nullptr;
        },
        out);
  }
  return Unary<double, double>(
      ctx, a, length, result,
      [fn](double x, double* r) -> const char* {
        *r = fn(x);
        return nullptr;
      },
      out);
}

// DuckDB's RoundOperatorPrecision: scale by a power of ten, round half
// away from zero, scale back; an overflow gives x (digits >= 0) or 0.
template <typename T>
T RoundFloating(T x, int64_t digits) {
  const double d = static_cast<double>(static_cast<T>(digits));
  double v;
  if (digits < 0) {
    const double m = std::pow(10.0, -d);
    v = std::round(x / m) * m;
    if (!std::isfinite(v)) return 0;
  } else {
    const double m = std::pow(10.0, d);
    v = std::round(x * m) / m;
    if (!std::isfinite(v)) return x;
  }
  return static_cast<T>(v);
}

// Integer rounding to 10^-digits, half away from zero, exact; false on
// overflow of T.
template <typename T>
bool RoundInteger(T x, int64_t digits, T* r) {
  if (digits >= 0) {
    *r = x;
    return true;
  }
  // 10^18 is the largest power of ten in int64; any int32 or int64 rounds
  // to 0 at 10^19 (|x| < 5 * 10^18 ... int64 max is 9.2 * 10^18, whose
  // rounding would overflow: DuckDB gives 0 from -19 on, and so do we).
  constexpr int kMaxDigits = std::is_same_v<T, int32_t> ? 9 : 18;
  if (digits < -kMaxDigits) {
    *r = 0;
    return true;
  }
  int64_t p = 1;
  for (int64_t k = 0; k < -digits; ++k) p *= 10;
  const int64_t v = x;
  int64_t q = v / p;
  const int64_t rem = v % p;
  // |rem| * 2 >= p, without overflow: |rem| >= p - |rem|.
  const int64_t abs_rem = rem < 0 ? -rem : rem;
  if (abs_rem >= p - abs_rem) q += v < 0 ? -1 : 1;
  int64_t scaled;
  if (__builtin_mul_overflow(q, p, &scaled)) return false;
  if (scaled < std::numeric_limits<T>::min() || scaled > std::numeric_limits<T>::max()) {
    return false;
  }
  *r = static_cast<T>(scaled);
  return true;
}

template <typename T>
Status RoundOf(KernelContext* ctx, const std::vector<const Array*>& args, int64_t length,
               DataType result, ArrayPtr* out) {
  if (args.size() == 1) {
    return Unary<T, T>(
        ctx, *args[0], length, result,
        [](T x, T* r) -> const char* {
          if constexpr (std::is_integral_v<T>) {
            *r = x;
          } else {
            *r = std::round(x);  // NaN and infinities pass through
          }
          return nullptr;
        },
        out);
  }
  return Binary<T, int64_t, T>(
      ctx, *args[0], *args[1], length, result,
      [](T x, int64_t digits, T* r) -> const char* {
        if constexpr (std::is_integral_v<T>) {
          if (!RoundInteger(x, digits, r)) {
            return "integer overflow in round";
          }
        } else {
          *r = RoundFloating(x, digits);
        }
        return nullptr;
      },
      out);
}

// A double -> double function with DuckDB's domain errors.
template <typename Op>
Status DoubleUnary(KernelContext* ctx, const Array& a, int64_t length, Op op, ArrayPtr* out) {
  return Unary<double, double>(ctx, a, length, DataType::Double(), op, out);
}

}  // namespace

TS_DECLARE_KERNEL(KernelAbs) {
  switch (result.id()) {
    case TypeId::kInt32: return AbsOf<int32_t>(ctx, *args[0], length, result, out);
    case TypeId::kInt64: return AbsOf<int64_t>(ctx, *args[0], length, result, out);
    case TypeId::kFloat: return AbsOf<float>(ctx, *args[0], length, result, out);
    case TypeId::kDouble: return AbsOf<double>(ctx, *args[0], length, result, out);
    default: return NotNumeric(result);
  }
}

TS_DECLARE_KERNEL(KernelSign) {
  const DataType t = args[0]->type();
  switch (t.id()) {
    case TypeId::kInt32: return SignOf<int32_t>(ctx, *args[0], length, result, out);
    case TypeId::kInt64: return SignOf<int64_t>(ctx, *args[0], length, result, out);
    case TypeId::kFloat: return SignOf<float>(ctx, *args[0], length, result, out);
    case TypeId::kDouble: return SignOf<double>(ctx, *args[0], length, result, out);
    default: return NotNumeric(t);
  }
}

TS_DECLARE_KERNEL(KernelFloor) {
  return FloatUnary(
      ctx, *args[0], length, result, [](double x) { return std::floor(x); }, out);
}

TS_DECLARE_KERNEL(KernelCeil) {
  return FloatUnary(
      ctx, *args[0], length, result, [](double x) { return std::ceil(x); }, out);
}

TS_DECLARE_KERNEL(KernelRound) {
  switch (result.id()) {
    case TypeId::kInt32: return RoundOf<int32_t>(ctx, args, length, result, out);
    case TypeId::kInt64: return RoundOf<int64_t>(ctx, args, length, result, out);
    case TypeId::kFloat: return RoundOf<float>(ctx, args, length, result, out);
    case TypeId::kDouble: return RoundOf<double>(ctx, args, length, result, out);
    default: return NotNumeric(result);
  }
}

TS_DECLARE_KERNEL(KernelSqrt) {
  return DoubleUnary(
      ctx, *args[0], length,
      [](double x, double* r) -> const char* {
        if (x < 0) return "sqrt of a negative number";
        *r = std::sqrt(x);  // sqrt(-0.0) is -0.0, as in DuckDB
        return nullptr;
      },
      out);
}

TS_DECLARE_KERNEL(KernelExp) {
  return DoubleUnary(
      ctx, *args[0], length,
      [](double x, double* r) -> const char* {
        *r = std::exp(x);
        return nullptr;
      },
      out);
}

TS_DECLARE_KERNEL(KernelLn) {
  return DoubleUnary(
      ctx, *args[0], length,
      [](double x, double* r) -> const char* {
        if (x < 0) return "ln of a negative number";
        if (x == 0) return "ln of zero";
        *r = std::log(x);
        return nullptr;
      },
      out);
}

TS_DECLARE_KERNEL(KernelLog10) {
  return DoubleUnary(
      ctx, *args[0], length,
      [](double x, double* r) -> const char* {
        if (x < 0) return "log10 of a negative number";
        if (x == 0) return "log10 of zero";
        *r = std::log10(x);
        return nullptr;
      },
      out);
}

TS_DECLARE_KERNEL(KernelPow) {
  return Binary<double, double, double>(
      ctx, *args[0], *args[1], length, DataType::Double(),
      [](double x, double y, double* r) -> const char* {
        *r = std::pow(x, y);  // overflow gives infinity
        return nullptr;
      },
      out);
}

}  // namespace tessera::expr
