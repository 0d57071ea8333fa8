// Comparison-based function kernels: nullif, least, greatest. Values are
// ordered as DuckDB orders them: NaN above every other number and equal to
// itself, -0.0 equal to 0.0, strings and bytes by their bytes.
#include <cmath>
#include <string_view>

#include "tessera/expr/kernel_util.h"
#include "tessera/expr/kernels.h"

namespace tessera::expr {

namespace {

// nullif of a (values T) and b (values U, the common type a widens to):
// compared as U, the result is a's value.
template <typename T, typename U = T>
Status NullIfFixed(const std::vector<const Array*>& args, int64_t length, DataType result,
                   ArrayPtr* out) {
  const Array& a = *args[0];
  const Array& b = *args[1];
  FixedOutput<T> o;
  TS_RETURN_NOT_OK(o.Init(length, {&a}));
  const T* x = a.values<T>();
  const U* y = b.values<U>();
  for (int64_t i = 0; i < length; ++i) {
    if (!o.IsValid(i)) continue;
    if (b.IsValid(i) && Equal(static_cast<U>(x[i]), y[i])) {
      TS_RETURN_NOT_OK(o.SetNull(i));
    } else {
      o.Set(i, x[i]);
    }
  }
  return o.Finish(result, out);
}

Status NullIfBinary(const std::vector<const Array*>& args, int64_t length, DataType result,
                    ArrayPtr* out) {
  const Array& a = *args[0];
  const Array& b = *args[1];
  BinaryBuilder builder(result);
  TS_RETURN_NOT_OK(builder.Reserve(length));
  for (int64_t i = 0; i < length; ++i) {
    if (a.IsNull(i) || (b.IsValid(i) && a.GetView(i) == b.GetView(i))) {
      TS_RETURN_NOT_OK(builder.AppendNull());
    } else {
      TS_RETURN_NOT_OK(builder.Append(a.GetView(i)));
    }
  }
  return FinishInto(&builder, out);
}

// least (kGreatest false) or greatest over every argument, skipping nulls;
// null only when all are null. On ties the earlier argument wins (DuckDB:
// least(0.0, -0.0) is 0.0).
template <typename T, bool kGreatest>
Status ExtremeFixed(const std::vector<const Array*>& args, int64_t length, DataType result,
                    ArrayPtr* out) {
  FixedOutput<T> o;
  TS_RETURN_NOT_OK(o.Init(length, {}));
  T* v = o.values();
  for (int64_t i = 0; i < length; ++i) {
    bool have = false;
    T best{};
    for (const Array* a : args) {
      if (a->IsNull(i)) continue;
      const T x = a->values<T>()[i];
      if (!have || (kGreatest ? Less(best, x) : Less(x, best))) best = x;
      have = true;
    }
    if (have) {
      v[i] = best;
    } else {
      TS_RETURN_NOT_OK(o.SetNull(i));
    }
  }
  return o.Finish(result, out);
}

template <bool kGreatest>
Status ExtremeBinary(const std::vector<const Array*>& args, int64_t length, DataType result,
                     ArrayPtr* out) {
  BinaryBuilder builder(result);
  TS_RETURN_NOT_OK(builder.Reserve(length));
  for (int64_t i = 0; i < length; ++i) {
    bool have = false;
    std::string_view best;
    for (const Array* a : args) {
      if (a->IsNull(i)) continue;
      const std::string_view x = a->GetView(i);
      if (!have || (kGreatest ? best < x : x < best)) best = x;
      have = true;
    }
    TS_RETURN_NOT_OK(have ? builder.Append(best) : builder.AppendNull());
  }
  return FinishInto(&builder, out);
}

template <bool kGreatest>
Status Extreme(const std::vector<const Array*>& args, int64_t length, DataType result,
               ArrayPtr* out) {
  switch (result.id()) {
    case TypeId::kBool: return ExtremeFixed<uint8_t, kGreatest>(args, length, result, out);
    case TypeId::kInt32: return ExtremeFixed<int32_t, kGreatest>(args, length, result, out);
    case TypeId::kInt64:
    case TypeId::kTimestamp: return ExtremeFixed<int64_t, kGreatest>(args, length, result, out);
    case TypeId::kFloat: return ExtremeFixed<float, kGreatest>(args, length, result, out);
    case TypeId::kDouble: return ExtremeFixed<double, kGreatest>(args, length, result, out);
    case TypeId::kString:
    case TypeId::kBytes: return ExtremeBinary<kGreatest>(args, length, result, out);
    default: return Status::Internal("least/greatest called on " + result.ToString());
  }
}

}  // namespace

// A narrower first argument is compared in the second's (widened) type.
template <typename T>
Status NullIfWidened(const std::vector<const Array*>& args, int64_t length, DataType result,
                     ArrayPtr* out) {
  switch (args[1]->type().id()) {
    case TypeId::kInt64: return NullIfFixed<T, int64_t>(args, length, result, out);
    case TypeId::kDouble: return NullIfFixed<T, double>(args, length, result, out);
    default:
      return Status::Internal("nullif of " + result.ToString() + " and " +
                              args[1]->type().ToString());
  }
}

TS_DECLARE_KERNEL(KernelNullIf) {
  if (args[1]->type() != result) {
    switch (result.id()) {
      case TypeId::kInt32: return NullIfWidened<int32_t>(args, length, result, out);
      case TypeId::kInt64: return NullIfWidened<int64_t>(args, length, result, out);
      case TypeId::kFloat: return NullIfWidened<float>(args, length, result, out);
      default: return Status::Internal("nullif widening from " + result.ToString());
    }
  }
  switch (result.id()) {
    case TypeId::kBool: return NullIfFixed<uint8_t>(args, length, result, out);
    case TypeId::kInt32: return NullIfFixed<int32_t>(args, length, result, out);
    case TypeId::kInt64:
    case TypeId::kTimestamp: return NullIfFixed<int64_t>(args, length, result, out);
    case TypeId::kFloat: return NullIfFixed<float>(args, length, result, out);
    case TypeId::kDouble: return NullIfFixed<double>(args, length, result, out);
    case TypeId::kString:
    case TypeId::kBytes: return NullIfBinary(args, length, result, out);
    default: return Status::Internal("nullif called on " + result.ToString());
  }
}

TS_DECLARE_KERNEL(KernelLeast) { return Extreme<false>(args, length, result, out); }
TS_DECLARE_KERNEL(KernelGreatest) { return Extreme<true>(args, length, result, out); }

}  // namespace tessera::expr
