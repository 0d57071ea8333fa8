// Bind rules of the function catalog (functions.h): for each named function,
// how a call's argument types become parameter types and a result type.
// Internal to the expr module; functions.cc puts them in the catalog.
//
// The only implicit conversions are widenings (docs/EXPRESSIONS.md
// "Types"): int32 -> int64 -> double, float -> double. A null literal takes
// whatever parameter type the rule gives it. Result types follow DuckDB's
// (checked with DuckDB 1.5.6), mapped onto Tessera's types (DuckDB's
// TINYINT and HUGEINT results become int32 and int64).
//
// Thread-safety: pure functions.
#pragma once

#include <vector>

#include "tessera/core/status.h"
#include "tessera/core/types.h"
#include "tessera/expr/functions.h"

namespace tessera::expr {

// True when a value of `from` converts to `to` implicitly (equal or a
// widening).
bool CanWiden(DataType from, DataType to);

// The narrowest type every one of `a` and `b` widens to; false when none.
bool CommonType(DataType a, DataType b, DataType* out);

// The date_diff units (canonical spellings, plural forms are accepted too).
enum class DateUnit {
  kMicrosecond,
  kMillisecond,
  kSecond,
  kMinute,
  kHour,
  kDay,
  kWeek,
  kMonth,
  kQuarter,
  kYear,
  kDecade,
  kCentury,
  kMillennium
};
// Parses a unit name (case-insensitive, singular or plural). False when
// it is not one.
bool ParseDateUnit(std::string_view text, DateUnit* unit);

using Params = std::vector<DataType>;
using Args = std::vector<BindArg>;

Status BindCoalesce(const Args& args, Params* params, DataType* result);
Status BindNullIf(const Args& args, Params* params, DataType* result);
Status BindIf(const Args& args, Params* params, DataType* result);
Status BindLeastGreatest(const Args& args, Params* params, DataType* result);
Status BindAbs(const Args& args, Params* params, DataType* result);
Status BindSign(const Args& args, Params* params, DataType* result);
Status BindFloorCeil(const Args& args, Params* params, DataType* result);
Status BindRound(const Args& args, Params* params, DataType* result);
Status BindDoubleMath(const Args& args, Params* params, DataType* result);  // sqrt exp ln log10 pow
Status BindStringToString(const Args& args, Params* params, DataType* result);  // lower upper trim
Status BindLength(const Args& args, Params* params, DataType* result);
Status BindSubstr(const Args& args, Params* params, DataType* result);
Status BindReplace(const Args& args, Params* params, DataType* result);
Status BindConcat(const Args& args, Params* params, DataType* result);
Status BindStringPredicate(const Args& args, Params* params, DataType* result);
// A constant pattern is compiled here, so a bad one is a bind error.
Status BindRegexpMatches(const Args& args, Params* params, DataType* result);
Status BindHashBucket(const Args& args, Params* params, DataType* result);
Status BindTimestampPart(const Args& args, Params* params, DataType* result);
Status BindEpochSeconds(const Args& args, Params* params, DataType* result);
Status BindDateDiff(const Args& args, Params* params, DataType* result);
Status BindListLen(const Args& args, Params* params, DataType* result);
Status BindListSum(const Args& args, Params* params, DataType* result);
Status BindListMean(const Args& args, Params* params, DataType* result);
Status BindListMinMax(const Args& args, Params* params, DataType* result);
Status BindListPair(const Args& args, Params* params, DataType* result);  // dot, cosine
Status BindL2Norm(const Args& args, Params* params, DataType* result);

}  // namespace tessera::expr
