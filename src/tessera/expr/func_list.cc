// List function kernels: len, list_sum, list_mean, list_min, list_max, dot,
// cosine_similarity, l2_norm. Aggregates skip null elements and are null
// for an empty or all-null list, as DuckDB's list_sum/list_avg/list_min;
// the vector functions reject null elements and unequal lengths (an error
// row), as DuckDB's list_dot_product. Sums of floats and doubles run in
// double, element by element in list order.
#include <cmath>
#include <cstdint>
#include <limits>

#include "tessera/expr/kernel_util.h"
#include "tessera/expr/kernels.h"

namespace tessera::expr {

namespace {

Status BadElement(DataType t) { return Status::Internal("list kernel called on " + t.ToString()); }

// Sum of the present elements: in __int128 for int64 (range-checked by the
// caller), in double otherwise. Returns the count of present elements.
template <typename T, typename Acc>
int64_t SumPresent(const Array& child, int64_t begin, int64_t end, Acc* sum) {
  const T* v = child.values<T>();
  int64_t n = 0;
  *sum = 0;
  for (int64_t j = begin; j < end; ++j) {
    if (child.IsNull(j)) continue;
    *sum += static_cast<Acc>(v[j]);
    ++n;
  }
  return n;
}

// list_sum (kMean false) or list_mean (true) over list<T>.
template <typename T, bool kMean>
Status SumOrMean(KernelContext* ctx, const Array& a, int64_t length, DataType result,
                 ArrayPtr* out) {
  constexpr bool kInt = std::is_integral_v<T>;
  using Acc = std::conditional_t<kInt, __int128, double>;
  using Out = std::conditional_t<kInt && !kMean, int64_t, double>;
  FixedOutput<Out> o;
  TS_RETURN_NOT_OK(o.Init(length, {&a}));
  const ListView list(a);
  Out* v = o.values();
  for (int64_t i = 0; i < length; ++i) {
    if (!o.IsValid(i)) continue;
    Acc sum;
    const int64_t n = SumPresent<T>(list.child, list.Begin(i), list.End(i), &sum);
    if (n == 0) {
      TS_RETURN_NOT_OK(o.SetNull(i));
    } else if constexpr (kMean && kInt) {
      // DuckDB divides the exact sum in long double.
      v[i] = static_cast<double>(static_cast<long double>(sum) / static_cast<long double>(n));
    } else if constexpr (kMean) {
      v[i] = sum / static_cast<double>(n);
    } else if constexpr (kInt) {
      if (sum < std::numeric_limits<int64_t>::min() || sum > std::numeric_limits<int64_t>::max()) {
        TS_RETURN_NOT_OK(o.SetError(ctx, i, "integer overflow in list_sum"));
      } else {
        v[i] = static_cast<int64_t>(sum);
      }
    } else {
      v[i] = sum;
    }
  }
  return o.Finish(result, out);
}

template <bool kMean>
Status SumOrMeanOf(KernelContext* ctx, const Array& a, int64_t length, DataType result,
                   ArrayPtr* out) {
  switch (a.type().element()) {
    case TypeId::kInt64: return SumOrMean<int64_t, kMean>(ctx, a, length, result, out);
    case TypeId::kFloat: return SumOrMean<float, kMean>(ctx, a, length, result, out);
    case TypeId::kDouble: return SumOrMean<double, kMean>(ctx, a, length, result, out);
    default: return BadElement(a.type());
  }
}

// The index of the least (or greatest) present element of row i's list, -1
// when none; ties keep the earlier element (DuckDB: list_min([-0.0, 0.0])
// is -0.0).
template <typename T, bool kMax>
int64_t ExtremeIndex(const Array& child, int64_t begin, int64_t end) {
  int64_t best = -1;
  for (int64_t j = begin; j < end; ++j) {
    if (child.IsNull(j)) continue;
    if (best < 0) {
      best = j;
      continue;
    }
    bool better;
    if constexpr (std::is_same_v<T, std::string_view>) {
      better =
          kMax ? child.GetView(best) < child.GetView(j) : child.GetView(j) < child.GetView(best);
    } else {
      const T* v = child.values<T>();
      better = kMax ? Less(v[best], v[j]) : Less(v[j], v[best]);
    }
    if (better) best = j;
  }
  return best;
}

template <typename T, bool kMax>
Status MinMaxFixed(const Array& a, int64_t length, DataType result, ArrayPtr* out) {
  FixedOutput<T> o;
  TS_RETURN_NOT_OK(o.Init(length, {&a}));
  const ListView list(a);
  const T* elems = list.child.values<T>();
  for (int64_t i = 0; i < length; ++i) {
    if (!o.IsValid(i)) continue;
    const int64_t j = ExtremeIndex<T, kMax>(list.child, list.Begin(i), list.End(i));
    if (j < 0) {
      TS_RETURN_NOT_OK(o.SetNull(i));
    } else {
      o.Set(i, elems[j]);
    }
  }
  return o.Finish(result, out);
}

template <bool kMax>
Status MinMaxString(const Array& a, int64_t length, DataType result, ArrayPtr* out) {
  BinaryBuilder builder(result);
  TS_RETURN_NOT_OK(builder.Reserve(length));
  const ListView list(a);
  for (int64_t i = 0; i < length; ++i) {
    const int64_t j =
        a.IsNull(i) ? -1
                    : ExtremeIndex<std::string_view, kMax>(list.child, list.Begin(i), list.End(i));
    TS_RETURN_NOT_OK(j < 0 ? builder.AppendNull() : builder.Append(list.child.GetView(j)));
  }
  return FinishInto(&builder, out);
}

template <bool kMax>
Status MinMax(const Array& a, int64_t length, DataType result, ArrayPtr* out) {
  switch (a.type().element()) {
    case TypeId::kInt64: return MinMaxFixed<int64_t, kMax>(a, length, result, out);
    case TypeId::kFloat: return MinMaxFixed<float, kMax>(a, length, result, out);
    case TypeId::kDouble: return MinMaxFixed<double, kMax>(a, length, result, out);
    case TypeId::kString: return MinMaxString<kMax>(a, length, result, out);
    default: return BadElement(a.type());
  }
}

// The sums a vector function needs over two equal-length lists, in double.
struct VectorSums {
  double dot = 0, norm_a = 0, norm_b = 0;
};

// In list order, one accumulator each: a fixed order, so the same result
// on every platform. DuckDB gets the same for short lists (checked up to 7
// elements); for longer ones its order is its compiler's vectorisation, and
// results differ from it in the last bits.
template <typename T, bool kNorms>
VectorSums Sums(const T* x, const T* y, int64_t n) {
  VectorSums s;
  for (int64_t k = 0; k < n; ++k) {
    const double a = static_cast<double>(x[k]), b = static_cast<double>(y[k]);
    s.dot += a * b;
    if constexpr (kNorms) {
      s.norm_a += a * a;
      s.norm_b += b * b;
    }
  }
  return s;
}

bool HasNullIn(const Array& child, int64_t begin, int64_t end) {
  if (child.null_count() == 0) return false;
  for (int64_t j = begin; j < end; ++j) {
    if (child.IsNull(j)) return true;
  }
  return false;
}

enum class VectorOp { kDot, kCosine, kNorm };

// Error reasons name the function (static texts, KernelContext).
template <VectorOp kOp>
constexpr const char* kLengthError =
    kOp == VectorOp::kDot ? "lists of different lengths in dot"
                          : "lists of different lengths in cosine_similarity";
template <VectorOp kOp>
constexpr const char* kNullError =
    kOp == VectorOp::kDot      ? "null list element in dot"
    : kOp == VectorOp::kCosine ? "null list element in cosine_similarity"
                               : "null list element in l2_norm";

// DuckDB 1.5.6's clamp: max(-1, min(s, 1)); a NaN similarity (a zero
// vector, a NaN element, an overflow) comes out as -1.
double ClampSimilarity(double s) { return std::max(-1.0, std::min(s, 1.0)); }

template <typename T, typename Out, VectorOp kOp>
Status VectorKernel(KernelContext* ctx, const std::vector<const Array*>& args, int64_t length,
                    DataType result, ArrayPtr* out) {
  FixedOutput<Out> o;
  TS_RETURN_NOT_OK(o.Init(length, args));
  const ListView a(*args[0]);
  const ListView b(kOp == VectorOp::kNorm ? *args[0] : *args[args.size() - 1]);
  const T* xa = a.child.values<T>();
  const T* xb = b.child.values<T>();
  Out* v = o.values();
  for (int64_t i = 0; i < length; ++i) {
    if (!o.IsValid(i)) continue;
    const int64_t n = a.End(i) - a.Begin(i);
    if (kOp != VectorOp::kNorm && b.End(i) - b.Begin(i) != n) {
      TS_RETURN_NOT_OK(o.SetError(ctx, i, kLengthError<kOp>));
      continue;
    }
    if (HasNullIn(a.child, a.Begin(i), a.End(i)) || HasNullIn(b.child, b.Begin(i), b.End(i))) {
      TS_RETURN_NOT_OK(o.SetError(ctx, i, kNullError<kOp>));
      continue;
    }
    if constexpr (kOp == VectorOp::kDot) {
      v[i] = static_cast<Out>(Sums<T, false>(xa + a.Begin(i), xb + b.Begin(i), n).dot);
    } else if constexpr (kOp == VectorOp::kNorm) {
      v[i] = static_cast<Out>(std::sqrt(Sums<T, false>(xa + a.Begin(i), xa + a.Begin(i), n).dot));
    } else {
      if (n == 0) {  // DuckDB: null for empty lists
        TS_RETURN_NOT_OK(o.SetNull(i));
        continue;
      }
      const VectorSums s = Sums<T, true>(xa + a.Begin(i), xb + b.Begin(i), n);
      v[i] = static_cast<Out>(ClampSimilarity(s.dot / std::sqrt(s.norm_a * s.norm_b)));
    }
  }
  return o.Finish(result, out);
}

template <VectorOp kOp>
Status Vector(KernelContext* ctx, const std::vector<const Array*>& args, int64_t length,
              DataType result, ArrayPtr* out) {
  const bool float_out = result.id() == TypeId::kFloat;
  switch (args[0]->type().element()) {
    case TypeId::kInt64: return VectorKernel<int64_t, double, kOp>(ctx, args, length, result, out);
    case TypeId::kDouble: return VectorKernel<double, double, kOp>(ctx, args, length, result, out);
    case TypeId::kFloat:
      return float_out ? VectorKernel<float, float, kOp>(ctx, args, length, result, out)
                       : VectorKernel<float, double, kOp>(ctx, args, length, result, out);
    default: return BadElement(args[0]->type());
  }
}

}  // namespace

TS_DECLARE_KERNEL(KernelLen) {
  FixedOutput<int64_t> o;
  TS_RETURN_NOT_OK(o.Init(length, args));
  const ListView list(*args[0]);
  int64_t* v = o.values();
  for (int64_t i = 0; i < length; ++i) {
    if (o.IsValid(i)) v[i] = list.End(i) - list.Begin(i);
  }
  return o.Finish(result, out);
}

TS_DECLARE_KERNEL(KernelListSum) { return SumOrMeanOf<false>(ctx, *args[0], length, result, out); }
TS_DECLARE_KERNEL(KernelListMean) { return SumOrMeanOf<true>(ctx, *args[0], length, result, out); }
TS_DECLARE_KERNEL(KernelListMin) { return MinMax<false>(*args[0], length, result, out); }
TS_DECLARE_KERNEL(KernelListMax) { return MinMax<true>(*args[0], length, result, out); }

TS_DECLARE_KERNEL(KernelDot) { return Vector<VectorOp::kDot>(ctx, args, length, result, out); }
TS_DECLARE_KERNEL(KernelCosineSimilarity) {
  return Vector<VectorOp::kCosine>(ctx, args, length, result, out);
}
TS_DECLARE_KERNEL(KernelL2Norm) { return Vector<VectorOp::kNorm>(ctx, args, length, result, out); }

}  // namespace tessera::expr
