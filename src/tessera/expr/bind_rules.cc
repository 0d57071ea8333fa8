#include "tessera/expr/bind_rules.h"

#include <re2/re2.h>

#include <cctype>
#include <string>

namespace tessera::expr {

namespace {

bool IsInteger(DataType t) { return t.id() == TypeId::kInt32 || t.id() == TypeId::kInt64; }
bool IsNumeric(DataType t) {
  return IsInteger(t) || t.id() == TypeId::kFloat || t.id() == TypeId::kDouble;
}
bool IsNumericList(DataType t) { return t.is_list() && t.element() != TypeId::kString; }

std::string Ordinal(size_t i) { return "argument " + std::to_string(i + 1); }

Status Expects(const Args& args, size_t i, const char* what) {
  return Status::Invalid(std::string("expects ") + what + " as " + Ordinal(i) + ", got " +
                         args[i].type.ToString());
}

// Argument i must widen to `to` (a null literal always does).
Status Need(const Args& args, size_t i, DataType to, const char* what, Params* params) {
  if (!args[i].null_literal && !CanWiden(args[i].type, to)) return Expects(args, i, what);
  (*params)[i] = to;
  return Status::OK();
}

// Every argument from `first` on converted to one common type; null
// literals take it. When all are null literals the common type is the
// first argument's own type.
Status Unify(const Args& args, size_t first, DataType* common) {
  bool have = false;
  for (size_t i = first; i < args.size(); ++i) {
    if (args[i].null_literal) continue;
    if (!have) {
      *common = args[i].type;
      have = true;
      continue;
    }
    DataType next;
    if (!CommonType(*common, args[i].type, &next)) {
      return Status::Invalid("cannot convert " + Ordinal(i) + " (" + args[i].type.ToString() +
                             ") and the arguments before it (" + common->ToString() +
                             ") to one type");
    }
    *common = next;
  }
  if (!have) *common = args[first].type;
  return Status::OK();
}

Status AllOf(const Args& args, DataType t, const char* what, Params* params) {
  params->assign(args.size(), t);
  for (size_t i = 0; i < args.size(); ++i) TS_RETURN_NOT_OK(Need(args, i, t, what, params));
  return Status::OK();
}

// A numeric argument (null literal: `null_type`).
Status NumericArg(const Args& args, size_t i, DataType null_type, DataType* type) {
  if (args[i].null_literal) {
    *type = null_type;
    return Status::OK();
  }
  if (!IsNumeric(args[i].type)) return Expects(args, i, "a number");
  *type = args[i].type;
  return Status::OK();
}

// A list argument of a numeric element type (or any element when
// `numeric_only` is false). A null literal takes `null_type`.
Status ListArg(const Args& args, size_t i, bool numeric_only, DataType null_type, DataType* type) {
  if (args[i].null_literal) {
    *type = null_type;
    return Status::OK();
  }
  const DataType t = args[i].type;
  if (!t.is_list() || (numeric_only && !IsNumericList(t))) {
    return Expects(args, i, numeric_only ? "a list of numbers" : "a list");
  }
  *type = t;
  return Status::OK();
}

}  // namespace

bool CanWiden(DataType from, DataType to) {
  if (from == to) return true;
  switch (from.id()) {
    case TypeId::kInt32: return to.id() == TypeId::kInt64 || to.id() == TypeId::kDouble;
    case TypeId::kInt64:
    case TypeId::kFloat: return to.id() == TypeId::kDouble;
    default: return false;
  }
}

bool CommonType(DataType a, DataType b, DataType* out) {
  if (CanWiden(a, b)) {
    *out = b;
    return true;
  }
  if (CanWiden(b, a)) {
    *out = a;
    return true;
  }
  // int32/int64 with float: both widen to double.
  if (IsNumeric(a) && IsNumeric(b)) {
    *out = DataType::Double();
    return true;
  }
  return false;
}

bool ParseDateUnit(std::string_view text, DateUnit* unit) {
  std::string s;
  for (char c : text) s.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (s.size() > 1 && s.back() == 's') s.pop_back();
  static const struct {
    const char* name;
    DateUnit unit;
  } kUnits[] = {
      {"microsecond", DateUnit::kMicrosecond},
      {"millisecond", DateUnit::kMillisecond},
      {"second", DateUnit::kSecond},
      {"minute", DateUnit::kMinute},
      {"hour", DateUnit::kHour},
      {"day", DateUnit::kDay},
      {"week", DateUnit::kWeek},
      {"month", DateUnit::kMonth},
      {"quarter", DateUnit::kQuarter},
      {"year", DateUnit::kYear},
      {"decade", DateUnit::kDecade},
      {"century", DateUnit::kCentury},
      {"millennium", DateUnit::kMillennium},
      {"millennia", DateUnit::kMillennium},
      {"centurie", DateUnit::kCentury},  // "centuries" without its s
  };
  for (const auto& u : kUnits) {
    if (s == u.name) {
      *unit = u.unit;
      return true;
    }
  }
  return false;
}

Status BindCoalesce(const Args& args, Params* params, DataType* result) {
  TS_RETURN_NOT_OK(Unify(args, 0, result));
  params->assign(args.size(), *result);
  return Status::OK();
}

Status BindNullIf(const Args& args, Params* params, DataType* result) {
  // As DuckDB: a and b are compared in their common type, and the result
  // is a itself (a's type, its exact value) or null. The kernel receives a
  // in its own type and b in the common type.
  DataType common;
  TS_RETURN_NOT_OK(Unify(args, 0, &common));
  if (common.is_list()) return Status::Invalid("cannot compare lists");
  *result = args[0].null_literal ? common : args[0].type;
  *params = {*result, common};
  return Status::OK();
}

Status BindIf(const Args& args, Params* params, DataType* result) {
  params->assign(args.size(), DataType::Bool());
  TS_RETURN_NOT_OK(Need(args, 0, DataType::Bool(), "a bool", params));
  TS_RETURN_NOT_OK(Unify(args, 1, result));
  (*params)[1] = (*params)[2] = *result;
  return Status::OK();
}

Status BindLeastGreatest(const Args& args, Params* params, DataType* result) {
  TS_RETURN_NOT_OK(Unify(args, 0, result));
  if (result->is_list()) return Status::Invalid("cannot compare lists");
  params->assign(args.size(), *result);
  return Status::OK();
}

Status BindAbs(const Args& args, Params* params, DataType* result) {
  TS_RETURN_NOT_OK(NumericArg(args, 0, DataType::Int64(), result));
  *params = {*result};
  return Status::OK();
}

Status BindSign(const Args& args, Params* params, DataType* result) {
  DataType t;
  TS_RETURN_NOT_OK(NumericArg(args, 0, DataType::Int64(), &t));
  *params = {t};
  *result = DataType::Int32();  // DuckDB: TINYINT
  return Status::OK();
}

Status BindFloorCeil(const Args& args, Params* params, DataType* result) {
  DataType t;
  TS_RETURN_NOT_OK(NumericArg(args, 0, DataType::Double(), &t));
  // DuckDB: floor/ceil of an integer is DOUBLE, of a FLOAT is FLOAT.
  *result = t.id() == TypeId::kFloat ? t : DataType::Double();
  *params = {*result};
  return Status::OK();
}

Status BindRound(const Args& args, Params* params, DataType* result) {
  TS_RETURN_NOT_OK(NumericArg(args, 0, DataType::Double(), result));
  params->assign(args.size(), *result);
  if (args.size() == 2) TS_RETURN_NOT_OK(Need(args, 1, DataType::Int64(), "an integer", params));
  return Status::OK();
}

Status BindDoubleMath(const Args& args, Params* params, DataType* result) {
  *result = DataType::Double();
  return AllOf(args, DataType::Double(), "a number", params);
}

Status BindStringToString(const Args& args, Params* params, DataType* result) {
  *result = DataType::String();
  return AllOf(args, DataType::String(), "a string", params);
}

Status BindLength(const Args& args, Params* params, DataType* result) {
  *result = DataType::Int64();
  return AllOf(args, DataType::String(), "a string", params);
}

Status BindSubstr(const Args& args, Params* params, DataType* result) {
  *result = DataType::String();
  params->assign(args.size(), DataType::Int64());
  TS_RETURN_NOT_OK(Need(args, 0, DataType::String(), "a string", params));
  for (size_t i = 1; i < args.size(); ++i) {
    TS_RETURN_NOT_OK(Need(args, i, DataType::Int64(), "an integer", params));
  }
  return Status::OK();
}

Status BindReplace(const Args& args, Params* params, DataType* result) {
  return BindStringToString(args, params, result);
}

Status BindConcat(const Args& args, Params* params, DataType* result) {
  return BindStringToString(args, params, result);
}

Status BindStringPredicate(const Args& args, Params* params, DataType* result) {
  *result = DataType::Bool();
  return AllOf(args, DataType::String(), "a string", params);
}

Status BindRegexpMatches(const Args& args, Params* params, DataType* result) {
  TS_RETURN_NOT_OK(BindStringPredicate(args, params, result));
  const Value* pattern = args[1].constant;
  if (pattern == nullptr || pattern->is_null() || pattern->type().id() != TypeId::kString) {
    return Status::OK();
  }
  RE2::Options options;
  options.set_log_errors(false);
  RE2 re(pattern->string_value(), options);
  if (!re.ok()) return Status::Invalid("invalid regular expression in argument 2");
  return Status::OK();
}

Status BindHashBucket(const Args& args, Params* params, DataType* result) {
  *result = DataType::Int64();
  // The value keeps its own type: int32 and int64 hash alike by encoding,
  // and a float hashes as its double widening (docs: hash_bucket).
  *params = {args[0].null_literal ? DataType::Int64() : args[0].type, DataType::Int64()};
  return Need(args, 1, DataType::Int64(), "an integer", params);
}

Status BindTimestampPart(const Args& args, Params* params, DataType* result) {
  *result = DataType::Int64();
  return AllOf(args, DataType::Timestamp(), "a timestamp", params);
}

Status BindEpochSeconds(const Args& args, Params* params, DataType* result) {
  *result = DataType::Double();  // DuckDB epoch(): seconds with the fraction
  return AllOf(args, DataType::Timestamp(), "a timestamp", params);
}

Status BindDateDiff(const Args& args, Params* params, DataType* result) {
  *result = DataType::Int64();
  *params = {DataType::String(), DataType::Timestamp(), DataType::Timestamp()};
  const Value* unit = args[0].constant;
  if (args[0].type.id() != TypeId::kString || unit == nullptr || unit->is_null()) {
    return Status::Invalid(
        "expects a constant unit string as argument 1 ('microsecond', 'millisecond', 'second', "
        "'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year', 'decade', 'century', "
        "'millennium')");
  }
  DateUnit u;
  if (!ParseDateUnit(unit->string_value(), &u)) {
    return Status::Invalid(
        "unknown unit in argument 1 (expected 'microsecond', 'millisecond', 'second', 'minute', "
        "'hour', 'day', 'week', 'month', 'quarter', 'year', 'decade', 'century' or "
        "'millennium')");
  }
  TS_RETURN_NOT_OK(Need(args, 1, DataType::Timestamp(), "a timestamp", params));
  return Need(args, 2, DataType::Timestamp(), "a timestamp", params);
}

Status BindListLen(const Args& args, Params* params, DataType* result) {
  DataType t;
  TS_RETURN_NOT_OK(ListArg(args, 0, false, DataType::List(TypeId::kInt64), &t));
  *params = {t};
  *result = DataType::Int64();
  return Status::OK();
}

Status BindListSum(const Args& args, Params* params, DataType* result) {
  DataType t;
  TS_RETURN_NOT_OK(ListArg(args, 0, true, DataType::List(TypeId::kInt64), &t));
  *params = {t};
  // DuckDB: list_sum of BIGINT is HUGEINT (int64 here, overflow is an
  // error), of FLOAT or DOUBLE is DOUBLE.
  *result = t.element() == TypeId::kInt64 ? DataType::Int64() : DataType::Double();
  return Status::OK();
}

Status BindListMean(const Args& args, Params* params, DataType* result) {
  DataType t;
  TS_RETURN_NOT_OK(ListArg(args, 0, true, DataType::List(TypeId::kDouble), &t));
  *params = {t};
  *result = DataType::Double();
  return Status::OK();
}

Status BindListMinMax(const Args& args, Params* params, DataType* result) {
  DataType t;
  TS_RETURN_NOT_OK(ListArg(args, 0, false, DataType::List(TypeId::kInt64), &t));
  *params = {t};
  *result = t.element_type();
  return Status::OK();
}

Status BindListPair(const Args& args, Params* params, DataType* result) {
  DataType a, b;
  TS_RETURN_NOT_OK(ListArg(args, 0, true, DataType::List(TypeId::kDouble), &a));
  TS_RETURN_NOT_OK(ListArg(args, 1, true, a, &b));
  if (args[0].null_literal) a = b;
  if (a != b) {
    return Status::Invalid("expects two lists of the same element type, got " + a.ToString() +
                           " and " + b.ToString());
  }
  *params = {a, a};
  // DuckDB: FLOAT lists give FLOAT, DOUBLE and BIGINT lists give DOUBLE.
  *result = a.element() == TypeId::kFloat ? DataType::Float() : DataType::Double();
  return Status::OK();
}

Status BindL2Norm(const Args& args, Params* params, DataType* result) {
  DataType t;
  TS_RETURN_NOT_OK(ListArg(args, 0, true, DataType::List(TypeId::kDouble), &t));
  *params = {t};
  *result = DataType::Double();
  return Status::OK();
}

}  // namespace tessera::expr
