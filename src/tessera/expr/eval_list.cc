// List literals, list[i] and timestamp +/- interval. As DuckDB 1.5:
// `[1,2,3][1]` is 1, `[1,2,3][-1]` is 3 (negative counts from the end),
// `[1,2,3][0]`, `[1,2,3][4]` and `[1,2,3][-4]` are null; a timestamp
// pushed out of range is an error in DuckDB ("Date and time not in
// timestamp range"), here null and counted.
#include <vector>

#include "tessera/expr/eval_loops.h"
#include "tessera/expr/eval_ops.h"

namespace tessera::expr {

Result<Datum> EvalListLiteral(const std::vector<Datum>& elements, DataType type, int64_t n) {
  const int64_t k = static_cast<int64_t>(elements.size());
  std::vector<ArrayPtr> columns;
  columns.reserve(elements.size());
  for (const Datum& e : elements) {
    TS_ASSIGN_OR_RETURN(ArrayPtr col, Broadcast(e, n));
    columns.push_back(std::move(col));
  }
  ArrayPtr child;
  if (k == 0) {
    TS_ASSIGN_OR_RETURN(child, MakeNullArray(type.element_type(), 0));
  } else {
    // Element j of row i sits at j * n + i in the concatenation.
    TS_ASSIGN_OR_RETURN(ArrayPtr all, Concat(columns));
    std::vector<int64_t> idx(static_cast<size_t>(n * k));
    for (int64_t i = 0; i < n; ++i) {
      for (int64_t j = 0; j < k; ++j) idx[static_cast<size_t>(i * k + j)] = j * n + i;
    }
    TS_ASSIGN_OR_RETURN(child, Take(*all, idx.data(), n * k));
  }
  TS_ASSIGN_OR_RETURN(auto offsets, Buffer::Allocate((n + 1) * 8));
  int64_t* o = offsets->mutable_data_as<int64_t>();
  for (int64_t i = 0; i <= n; ++i) o[i] = i * k;
  TS_ASSIGN_OR_RETURN(ArrayPtr out, Array::Make(type, n, nullptr, nullptr,
                                                Buffer::Share(std::move(offsets)), child));
  return Datum{out, false};
}

Result<Datum> EvalIndex(const Datum& list, const Datum& index, int64_t n) {
  TS_ASSIGN_OR_RETURN(BufferPtr validity, AndValidity(list, index, n));
  const Array& l = *list.array;
  const Array& ix = *index.array;
  const int64_t sl = list.scalar ? 0 : 1;
  const int64_t si = index.scalar ? 0 : 1;
  const bool narrow = ix.type().id() == TypeId::kInt32;
  std::vector<int64_t> take(static_cast<size_t>(n));
  FlagBuffer flags(n);
  uint8_t any = 0;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t begin = l.offset(i * sl);
    const int64_t len = l.offset(i * sl + 1) - begin;
    const int64_t k = narrow ? ix.GetInt32(i * si) : ix.GetInt64(i * si);
    const int64_t pos = k > 0 ? k - 1 : len + k;  // k == 0 gives len: out of range
    const bool in = k != 0 && pos >= 0 && pos < len;
    take[static_cast<size_t>(i)] = in ? begin + pos : 0;
    flags.data()[i] = in ? kRowOk : kRowNull;
    any |= !in;
  }
  ArrayPtr out;
  if (l.child().length() == 0) {
    TS_ASSIGN_OR_RETURN(out, MakeNullArray(l.type().element_type(), n));
    return Datum{out, false};
  }
  TS_ASSIGN_OR_RETURN(out, Take(l.child(), take.data(), n));
  // Null where the element is null, the list or index is null, or the
  // index is out of range.
  TS_ASSIGN_OR_RETURN(validity, AndBitmaps(out->validity_buffer(), validity, n));
  if (any) TS_RETURN_NOT_OK(ApplyRowFlags(flags.data(), n, "", nullptr, &validity));
  TS_ASSIGN_OR_RETURN(out, WithValidity(*out, validity));
  return Datum{out, false};
}

Result<Datum> EvalTimestampInterval(const Datum& ts, int64_t micros, bool subtract, int64_t n,
                                    KernelContext* ctx) {
  TS_ASSIGN_OR_RETURN(BufferPtr validity, ValidityOf(ts, n));
  TS_ASSIGN_OR_RETURN(auto values, AllocValues<int64_t>(n));
  FlagBuffer flags(n);
  const int64_t* in = ts.array->values<int64_t>();
  int64_t* o = values->mutable_data_as<int64_t>();
  const int64_t step = ts.scalar ? 0 : 1;
  uint8_t any = 0;
  for (int64_t i = 0; i < n; ++i) {
    const bool overflow = subtract ? __builtin_sub_overflow(in[i * step], micros, &o[i])
                                   : __builtin_add_overflow(in[i * step], micros, &o[i]);
    flags.data()[i] = overflow ? kRowError : kRowOk;
    any |= overflow;
  }
  const char* reason = subtract ? "timestamp out of range in '-' interval"
                                : "timestamp out of range in '+' interval";
  if (any) TS_RETURN_NOT_OK(ApplyRowFlags(flags.data(), n, reason, ctx, &validity));
  TS_ASSIGN_OR_RETURN(ArrayPtr out,
                      MakeFixed(DataType::Timestamp(), n, validity, std::move(values)));
  return Datum{out, false};
}

}  // namespace tessera::expr
