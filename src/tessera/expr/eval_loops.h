// The evaluator's inner loops over fixed-width values: one template per
// shape (unary, binary), instantiated per operation and per which operand is
// a constant, so the loop body is a straight line the compiler vectorises.
//
// An operation F provides `static Out Apply(In x, In y, uint8_t* flag)`
// (binary) or `Apply(In x, uint8_t* flag)` (unary); it always writes a
// value and sets *flag to kRowNull / kRowError for a row that has none.
// `F::kMayFail` false lets the compiler drop the flag bookkeeping.
#pragma once

#include <cstdint>
#include <type_traits>

#include "tessera/expr/eval_util.h"

namespace tessera::expr {

template <typename In, typename Out, typename F, bool kAScalar, bool kBScalar>
uint8_t BinaryRun(const In* x, const In* y, Out* out, uint8_t* flags, int64_t n) {
  uint8_t any = 0;
  for (int64_t i = 0; i < n; ++i) {
    uint8_t f = 0;
    out[i] = F::Apply(x[kAScalar ? 0 : i], y[kBScalar ? 0 : i], &f);
    if constexpr (F::kMayFail) {
      flags[i] = f;
      any |= f;
    }
  }
  return any;
}

// out = F(a, b) over n rows; null where either is null or F flags the row.
template <typename In, typename Out, typename F>
Result<Datum> BinaryOp(const Datum& a, const Datum& b, DataType out_type, int64_t n,
                       const char* reason, KernelContext* ctx) {
  if constexpr (std::is_same_v<Out, uint8_t> && !F::kMayFail) {
    if (n == 1 && out_type.id() == TypeId::kBool) {  // a comparison on one row
      uint8_t unused = 0;
      const bool value = F::Apply(a.array->values<In>()[0], b.array->values<In>()[0], &unused);
      return OneRowBool(a.array->IsValid(0) && b.array->IsValid(0), value);
    }
  }
  TS_ASSIGN_OR_RETURN(BufferPtr validity, AndValidity(a, b, n));
  TS_ASSIGN_OR_RETURN(auto values, AllocValues<Out>(n));
  FlagBuffer flags(F::kMayFail ? n : 0);
  const In* x = a.array->values<In>();
  const In* y = b.array->values<In>();
  Out* o = values->template mutable_data_as<Out>();
  uint8_t any;
  if (a.scalar && b.scalar) {
    any = BinaryRun<In, Out, F, true, true>(x, y, o, flags.data(), n);
  } else if (a.scalar) {
    any = BinaryRun<In, Out, F, true, false>(x, y, o, flags.data(), n);
  } else if (b.scalar) {
    any = BinaryRun<In, Out, F, false, true>(x, y, o, flags.data(), n);
  } else {
    any = BinaryRun<In, Out, F, false, false>(x, y, o, flags.data(), n);
  }
  if (any) TS_RETURN_NOT_OK(ApplyRowFlags(flags.data(), n, reason, ctx, &validity));
  TS_ASSIGN_OR_RETURN(ArrayPtr out, MakeFixed(out_type, n, validity, std::move(values)));
  return Datum{out, false};
}

// out = F(a) over n rows; `a` is an array of n values (not a constant).
template <typename In, typename Out, typename F>
Result<Datum> UnaryOp(const Datum& a, DataType out_type, int64_t n, const char* reason,
                      KernelContext* ctx) {
  TS_ASSIGN_OR_RETURN(BufferPtr validity, ValidityOf(a, n));
  TS_ASSIGN_OR_RETURN(auto values, AllocValues<Out>(n));
  FlagBuffer flags(F::kMayFail ? n : 0);
  const In* x = a.array->values<In>();
  Out* o = values->template mutable_data_as<Out>();
  const int64_t step = a.scalar ? 0 : 1;
  uint8_t any = 0;
  for (int64_t i = 0; i < n; ++i) {
    uint8_t f = 0;
    o[i] = F::Apply(x[i * step], &f);
    if constexpr (F::kMayFail) {
      flags.data()[i] = f;
      any |= f;
    }
  }
  if (any) TS_RETURN_NOT_OK(ApplyRowFlags(flags.data(), n, reason, ctx, &validity));
  TS_ASSIGN_OR_RETURN(ArrayPtr out, MakeFixed(out_type, n, validity, std::move(values)));
  return Datum{out, false};
}

}  // namespace tessera::expr
