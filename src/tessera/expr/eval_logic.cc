// Three-valued logic (SQL, as DuckDB): false AND null = false, true OR null
// = true, NOT null = null; IS [NOT] NULL is never null; IN is an OR of
// equalities, so `2 IN (1, NULL)` is null and `1 IN (1, NULL)` true.
#include "tessera/expr/eval_ops.h"
#include "tessera/expr/eval_util.h"

namespace tessera::expr {

namespace {

// Bit i of a datum's validity (constants repeat row 0).
struct ValidReader {
  const uint8_t* bits;
  int64_t step;
  explicit ValidReader(const Datum& d)
      : bits(d.array->validity_buffer() ? d.array->validity_buffer()->data() : nullptr),
        step(d.scalar ? 0 : 1) {}
  bool operator()(int64_t i) const { return bits == nullptr || GetBit(bits, i * step); }
};

}  // namespace

Result<Datum> EvalAndOr(Op op, const Datum& a, const Datum& b, int64_t n) {
  if (n == 1) {
    // One row: the three-valued rule below, into a shared constant.
    const bool decider = op == Op::kOr;
    const bool pa = a.array->IsValid(0), pb = b.array->IsValid(0);
    const bool da = pa & ((a.array->values<uint8_t>()[0] != 0) == decider);
    const bool db = pb & ((b.array->values<uint8_t>()[0] != 0) == decider);
    return OneRowBool(da | db | (pa & pb), (da | db) ? decider : !decider);
  }
  if (a.array->validity_buffer() == nullptr && b.array->validity_buffer() == nullptr) {
    // No nulls on either side (the usual case): plain two-valued logic.
    TS_ASSIGN_OR_RETURN(auto values, AllocValues<uint8_t>(n));
    uint8_t* o = values->mutable_data();
    const uint8_t* xa = a.array->values<uint8_t>();
    const uint8_t* xb = b.array->values<uint8_t>();
    const int64_t sa = a.scalar ? 0 : 1;
    const int64_t sb = b.scalar ? 0 : 1;
    if (op == Op::kOr) {
      for (int64_t i = 0; i < n; ++i) o[i] = (xa[i * sa] | xb[i * sb]) != 0;
    } else {
      for (int64_t i = 0; i < n; ++i) o[i] = (xa[i * sa] != 0) & (xb[i * sb] != 0);
    }
    TS_ASSIGN_OR_RETURN(ArrayPtr out, MakeFixed(DataType::Bool(), n, nullptr, std::move(values)));
    return Datum{out, false};
  }
  TS_ASSIGN_OR_RETURN(auto values, AllocValues<uint8_t>(n));
  TS_ASSIGN_OR_RETURN(auto bits, NewBitmap(n, false));
  uint8_t* o = values->mutable_data();
  uint8_t* ob = bits->mutable_data();
  const ValidReader va(a), vb(b);
  const uint8_t* xa = a.array->values<uint8_t>();
  const uint8_t* xb = b.array->values<uint8_t>();
  const int64_t sa = a.scalar ? 0 : 1;
  const int64_t sb = b.scalar ? 0 : 1;
  // The deciding value (false for AND, true for OR) wins over null.
  const bool decider = op == Op::kOr;
  for (int64_t i = 0; i < n; ++i) {
    const bool pa = va(i), pb = vb(i);
    const bool da = pa & ((xa[i * sa] != 0) == decider);
    const bool db = pb & ((xb[i * sb] != 0) == decider);
    const bool valid = da | db | (pa & pb);
    o[i] = (da | db) ? decider : !decider;
    ob[i >> 3] |= static_cast<uint8_t>(valid << (i & 7));
  }
  TS_ASSIGN_OR_RETURN(ArrayPtr out, MakeFixed(DataType::Bool(), n, Buffer::Share(std::move(bits)),
                                              std::move(values)));
  return Datum{out, false};
}

Result<Datum> EvalNot(const Datum& x, int64_t n) {
  if (n == 1) return OneRowBool(x.array->IsValid(0), x.array->values<uint8_t>()[0] == 0);
  TS_ASSIGN_OR_RETURN(BufferPtr validity, ValidityOf(x, n));
  TS_ASSIGN_OR_RETURN(auto values, AllocValues<uint8_t>(n));
  uint8_t* o = values->mutable_data();
  const uint8_t* in = x.array->values<uint8_t>();
  const int64_t step = x.scalar ? 0 : 1;
  for (int64_t i = 0; i < n; ++i) o[i] = in[i * step] == 0;
  TS_ASSIGN_OR_RETURN(ArrayPtr out, MakeFixed(DataType::Bool(), n, validity, std::move(values)));
  return Datum{out, false};
}

Result<Datum> EvalIsNull(const Datum& x, bool negated, int64_t n) {
  if (n == 1) return OneRowBool(true, x.array->IsValid(0) == negated);
  TS_ASSIGN_OR_RETURN(auto values, AllocValues<uint8_t>(n));
  uint8_t* o = values->mutable_data();
  const ValidReader valid(x);
  for (int64_t i = 0; i < n; ++i) o[i] = valid(i) == negated;
  TS_ASSIGN_OR_RETURN(ArrayPtr out, MakeFixed(DataType::Bool(), n, nullptr, std::move(values)));
  return Datum{out, false};
}

Result<Datum> EvalIn(const Datum& x, const std::vector<Datum>& items, bool negated, int64_t n) {
  Datum acc;
  for (const Datum& item : items) {
    TS_ASSIGN_OR_RETURN(Datum eq, EvalCompare(Op::kEq, x, item, n));
    if (acc.array == nullptr) {
      acc = eq;
    } else {
      TS_ASSIGN_OR_RETURN(acc, EvalAndOr(Op::kOr, acc, eq, n));
    }
  }
  if (acc.array == nullptr) return Status::Invalid("evaluator: IN without items");
  if (negated) return EvalNot(acc, n);
  return acc;
}

}  // namespace tessera::expr
