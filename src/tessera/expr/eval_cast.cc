// CAST between the types, as DuckDB 1.5 (docs/EXPRESSIONS.md "Operators"):
// double/float -> integer rounds half to even (CAST(2.5 AS INT) = 2,
// CAST(3.5 AS INT) = 4) and fails on NaN, inf or out of range; narrowing
// integers and double -> float fail when out of range; numbers -> bool are
// x != 0; strings parse as cast_text.h says. A failed row is null and
// counted ("CAST of a string to int32 failed").
#include <cmath>
#include <limits>
#include <string>
#include <type_traits>

#include "tessera/core/builder.h"
#include "tessera/expr/cast_text.h"
#include "tessera/expr/eval_loops.h"
#include "tessera/expr/eval_ops.h"

namespace tessera::expr {

namespace {

template <typename From, typename To, bool kToBool>
struct NumCast {
  static constexpr bool kMayFail =
      !kToBool &&
      ((std::is_floating_point_v<From> && std::is_integral_v<To>) ||
       (std::is_integral_v<From> && std::is_integral_v<To> && sizeof(To) < sizeof(From)) ||
       (std::is_same_v<From, double> && std::is_same_v<To, float>));
  static To Apply(From x, uint8_t* f) {
    if constexpr (kToBool) {
      return x != 0;
    } else if constexpr (std::is_floating_point_v<From> && std::is_integral_v<To>) {
      const From r = std::nearbyint(x);
      const From lo = static_cast<From>(std::numeric_limits<To>::min());
      const bool ok = r >= lo && r < -lo;  // -lo = 2^(bits-1), exact
      *f = ok ? kRowOk : kRowError;
      return ok ? static_cast<To>(r) : To{0};
    } else if constexpr (std::is_integral_v<From> && std::is_integral_v<To> &&
                         sizeof(To) < sizeof(From)) {
      const bool ok = x >= std::numeric_limits<To>::min() && x <= std::numeric_limits<To>::max();
      *f = ok ? kRowOk : kRowError;
      return static_cast<To>(x);
    } else if constexpr (std::is_same_v<From, double> && std::is_same_v<To, float>) {
      const float r = static_cast<float>(x);
      *f = (std::isinf(r) && !std::isinf(x)) ? kRowError : kRowOk;
      return r;
    } else {
      return static_cast<To>(x);
    }
  }
};

template <typename From>
Result<Datum> CastFromNumber(const Datum& x, DataType to, int64_t n, const char* reason,
                             KernelContext* ctx) {
  switch (to.id()) {
    case TypeId::kBool:
      return UnaryOp<From, uint8_t, NumCast<From, uint8_t, true>>(x, to, n, reason, ctx);
    case TypeId::kInt32:
      return UnaryOp<From, int32_t, NumCast<From, int32_t, false>>(x, to, n, reason, ctx);
    case TypeId::kInt64:
      return UnaryOp<From, int64_t, NumCast<From, int64_t, false>>(x, to, n, reason, ctx);
    case TypeId::kFloat:
      return UnaryOp<From, float, NumCast<From, float, false>>(x, to, n, reason, ctx);
    case TypeId::kDouble:
      return UnaryOp<From, double, NumCast<From, double, false>>(x, to, n, reason, ctx);
    default: return Status::Invalid("evaluator: unsupported CAST to " + to.ToString());
  }
}

// Appends the text of row i of `a` (valid) as CAST(... AS string) gives it.
void AppendText(const Array& a, int64_t i, std::string* out) {
  switch (a.type().id()) {
    case TypeId::kBool: out->append(a.GetBool(i) ? "true" : "false"); break;
    case TypeId::kInt32: out->append(std::to_string(a.GetInt32(i))); break;
    case TypeId::kInt64: out->append(std::to_string(a.GetInt64(i))); break;
    case TypeId::kFloat: AppendFloat(a.GetFloat(i), out); break;
    case TypeId::kDouble: AppendDouble(a.GetDouble(i), out); break;
    case TypeId::kString: out->append(a.GetView(i)); break;
    case TypeId::kBytes: AppendBytesEscaped(a.GetView(i), out); break;
    case TypeId::kTimestamp: AppendTimestamp(a.GetInt64(i), out); break;
    case TypeId::kList: {
      // DuckDB: [1, 2, NULL], strings unquoted.
      out->push_back('[');
      const Array& c = a.child();
      for (int64_t j = a.offset(i); j < a.offset(i + 1); ++j) {
        if (j > a.offset(i)) out->append(", ");
        if (c.IsNull(j)) {
          out->append("NULL");
        } else {
          AppendText(c, j, out);
        }
      }
      out->push_back(']');
      break;
    }
  }
}

Result<Datum> CastToString(const Datum& x, DataType to, int64_t n) {
  BinaryBuilder b(to);
  TS_RETURN_NOT_OK(b.Reserve(n));
  std::string scratch;
  const int64_t step = x.scalar ? 0 : 1;
  for (int64_t i = 0; i < n; ++i) {
    if (x.array->IsNull(i * step)) {
      TS_RETURN_NOT_OK(b.AppendNull());
      continue;
    }
    scratch.clear();
    AppendText(*x.array, i * step, &scratch);
    TS_RETURN_NOT_OK(b.Append(scratch));
  }
  TS_ASSIGN_OR_RETURN(ArrayPtr out, b.Finish());
  return Datum{out, false};
}

// Parses each valid string with `parse(view, T*) -> bool`.
template <typename T, typename Parse>
Result<Datum> ParseStrings(const Datum& x, DataType to, int64_t n, const char* reason,
                           KernelContext* ctx, Parse parse) {
  TS_ASSIGN_OR_RETURN(BufferPtr validity, ValidityOf(x, n));
  TS_ASSIGN_OR_RETURN(auto values, AllocValues<T>(n));
  FlagBuffer flags(n);
  T* o = values->template mutable_data_as<T>();
  const int64_t step = x.scalar ? 0 : 1;
  uint8_t any = 0;
  for (int64_t i = 0; i < n; ++i) {
    T v{};
    const bool ok = x.array->IsNull(i * step) || parse(x.array->GetView(i * step), &v);
    o[i] = ok ? v : T{};
    flags.data()[i] = ok ? kRowOk : kRowError;
    any |= !ok;
  }
  if (any) TS_RETURN_NOT_OK(ApplyRowFlags(flags.data(), n, reason, ctx, &validity));
  TS_ASSIGN_OR_RETURN(ArrayPtr out, MakeFixed(to, n, validity, std::move(values)));
  return Datum{out, false};
}

Result<Datum> CastFromString(const Datum& x, DataType to, int64_t n, KernelContext* ctx) {
  switch (to.id()) {
    case TypeId::kBool:
      return ParseStrings<uint8_t>(x, to, n, "CAST of a string to bool failed", ctx,
                                   [](std::string_view s, uint8_t* v) {
                                     bool b;
                                     if (!ParseBoolText(s, &b)) return false;
                                     *v = b;
                                     return true;
                                   });
    case TypeId::kInt32:
      return ParseStrings<int32_t>(x, to, n, "CAST of a string to int32 failed", ctx,
                                   [](std::string_view s, int32_t* v) {
                                     int64_t w;
                                     if (!ParseInt64Text(s, &w) || w < INT32_MIN || w > INT32_MAX) {
                                       return false;
                                     }
                                     *v = static_cast<int32_t>(w);
                                     return true;
                                   });
    case TypeId::kInt64:
      return ParseStrings<int64_t>(
          x, to, n, "CAST of a string to int64 failed", ctx,
          [](std::string_view s, int64_t* v) { return ParseInt64Text(s, v); });
    case TypeId::kFloat:
      return ParseStrings<float>(x, to, n, "CAST of a string to float failed", ctx,
                                 [](std::string_view s, float* v) {
                                   double d;
                                   if (!ParseDoubleText(s, &d)) return false;
                                   *v = static_cast<float>(d);  // '1e39' is inf, as DuckDB
                                   return true;
                                 });
    case TypeId::kDouble:
      return ParseStrings<double>(
          x, to, n, "CAST of a string to double failed", ctx,
          [](std::string_view s, double* v) { return ParseDoubleText(s, v); });
    case TypeId::kTimestamp:
      return ParseStrings<int64_t>(
          x, to, n, "CAST of a string to timestamp failed", ctx,
          [](std::string_view s, int64_t* v) { return ParseTimestampText(s, v); });
    case TypeId::kBytes: {
      BinaryBuilder b(to);
      FlagBuffer flags(n);
      std::string scratch;
      const int64_t step = x.scalar ? 0 : 1;
      for (int64_t i = 0; i < n; ++i) {
        scratch.clear();
        const bool valid = x.array->IsValid(i * step);
        const bool ok = !valid || ParseBytesEscaped(x.array->GetView(i * step), &scratch);
        if (!ok) ctx->RecordError(i, "CAST of a string to bytes failed");
        TS_RETURN_NOT_OK(valid && ok ? b.Append(scratch) : b.AppendNull());
      }
      TS_ASSIGN_OR_RETURN(ArrayPtr out, b.Finish());
      return Datum{out, false};
    }
    default: return Status::Invalid("evaluator: unsupported CAST of string to " + to.ToString());
  }
}

// Splits DuckDB's list text "[1, 2, NULL]" / "[a, 'b c', \"d\"]" into
// elements (null for an unquoted NULL); false when it is not a list text.
bool SplitListText(std::string_view text, std::vector<std::pair<std::string, bool>>* out) {
  auto trim = [](std::string_view v) {
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t' || v.front() == '\n'))
      v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\n'))
      v.remove_suffix(1);
    return v;
  };
  text = trim(text);
  if (text.size() < 2 || text.front() != '[' || text.back() != ']') return false;
  std::string_view body = trim(text.substr(1, text.size() - 2));
  if (body.empty()) return true;
  size_t start = 0;
  char quote = 0;
  for (size_t i = 0; i <= body.size(); ++i) {
    const char c = i < body.size() ? body[i] : ',';
    if (quote != 0) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '[' || c == ']') {
      return false;  // nested lists: not a type Tessera has
    } else if (c == ',') {
      std::string_view e = trim(body.substr(start, i - start));
      if (e.size() == 4 && (e == "NULL" || e == "null")) {
        out->emplace_back(std::string(), false);
      } else {
        if (e.size() >= 2 && (e.front() == '\'' || e.front() == '"') && e.back() == e.front()) {
          e = e.substr(1, e.size() - 2);
        }
        out->emplace_back(std::string(e), true);
      }
      start = i + 1;
    }
  }
  return quote == 0;
}

// string -> list<T>: split each row, then cast the element texts to T; a
// row that is not a list text, or has an element that fails, is an error.
Result<Datum> CastStringToList(const Datum& x, DataType to, int64_t n, KernelContext* ctx,
                               const int64_t* row_ids) {
  BinaryBuilder texts(DataType::String());
  TS_ASSIGN_OR_RETURN(auto offsets, Buffer::Allocate((n + 1) * 8));
  int64_t* o = offsets->mutable_data_as<int64_t>();
  TS_ASSIGN_OR_RETURN(auto bits, NewBitmap(n, true));
  std::vector<int64_t> owner;
  std::vector<std::pair<std::string, bool>> elems;
  const int64_t step = x.scalar ? 0 : 1;
  o[0] = 0;
  for (int64_t i = 0; i < n; ++i) {
    elems.clear();
    bool valid = x.array->IsValid(i * step);
    if (valid && !SplitListText(x.array->GetView(i * step), &elems)) {
      ctx->RecordError(i, "CAST of a string to a list failed");
      valid = false;
      elems.clear();
    }
    if (!valid) ClearBit(bits->mutable_data(), i);
    for (const auto& [text, present] : elems) {
      TS_RETURN_NOT_OK(present ? texts.Append(text) : texts.AppendNull());
      owner.push_back(row_ids ? row_ids[i] : i);
    }
    o[i + 1] = o[i] + static_cast<int64_t>(elems.size());
  }
  TS_ASSIGN_OR_RETURN(ArrayPtr child_text, texts.Finish());
  KernelContext child_ctx = ctx->WithRowIds(owner.data());
  TS_ASSIGN_OR_RETURN(Datum child, EvalCast(Datum{child_text, false}, to.element_type(),
                                            child_text->length(), &child_ctx, owner.data()));
  TS_ASSIGN_OR_RETURN(ArrayPtr out, Array::Make(to, n, Buffer::Share(std::move(bits)), nullptr,
                                                Buffer::Share(std::move(offsets)), child.array));
  return Datum{out, false};
}

// list<a> -> list<b>: the elements cast, offsets and validity kept. An
// element's failure is reported against its list's row.
Result<Datum> CastList(const Datum& x, DataType to, int64_t n, KernelContext* ctx,
                       const int64_t* row_ids) {
  TS_ASSIGN_OR_RETURN(ArrayPtr list, Broadcast(x, n));
  const Array& child = list->child();
  std::vector<int64_t> owner(static_cast<size_t>(child.length()));
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = list->offset(i); j < list->offset(i + 1); ++j) {
      owner[static_cast<size_t>(j)] = row_ids ? row_ids[i] : i;
    }
  }
  KernelContext child_ctx = ctx->WithRowIds(owner.data());
  TS_ASSIGN_OR_RETURN(Datum c, EvalCast(Datum{list->child_ptr(), false}, to.element_type(),
                                        child.length(), &child_ctx, owner.data()));
  TS_ASSIGN_OR_RETURN(ArrayPtr out, Array::Make(to, n, list->validity_buffer(), nullptr,
                                                list->offsets_buffer(), c.array));
  return Datum{out, false};
}

}  // namespace

Result<Datum> EvalCast(const Datum& x, DataType to, int64_t n, KernelContext* ctx,
                       const int64_t* row_ids) {
  const DataType from = x.array->type();
  if (from == to) return x;
  if (to.id() == TypeId::kString) return CastToString(x, to, n);
  switch (from.id()) {
    case TypeId::kBool: return CastFromNumber<uint8_t>(x, to, n, "CAST of a bool failed", ctx);
    case TypeId::kInt32:
      return CastFromNumber<int32_t>(x, to, n, "CAST of an int32 out of range", ctx);
    case TypeId::kInt64:
      return CastFromNumber<int64_t>(x, to, n, "CAST of an int64 out of range", ctx);
    case TypeId::kFloat:
      return CastFromNumber<float>(x, to, n, "CAST of a float out of range (or NaN, inf)", ctx);
    case TypeId::kDouble:
      return CastFromNumber<double>(x, to, n, "CAST of a double out of range (or NaN, inf)", ctx);
    case TypeId::kString:
      if (to.is_list()) return CastStringToList(x, to, n, ctx, row_ids);
      return CastFromString(x, to, n, ctx);
    case TypeId::kList:
      if (to.is_list()) return CastList(x, to, n, ctx, row_ids);
      break;
    default: break;
  }
  return Status::Invalid("evaluator: unsupported CAST from " + from.ToString() + " to " +
                         to.ToString());
}

}  // namespace tessera::expr
