#include "tessera/expr/functions.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "tessera/expr/bind_rules.h"
#include "tessera/expr/kernels.h"

namespace tessera::expr {

namespace {

using Form = FunctionDef::Form;
constexpr int kVar = FunctionDef::kVariadic;

// The catalog, in name order. docs/EXPRESSIONS.md "Functions" describes
// each entry; keep the two in step.
const FunctionDef kFunctions[] = {
    {"abs", "abs(x)", 1, 1, Form::kKernel, BindAbs, KernelAbs},
    {"ceil", "ceil(x)", 1, 1, Form::kKernel, BindFloorCeil, KernelCeil},
    {"coalesce", "coalesce(x, ...)", 1, kVar, Form::kCoalesce, BindCoalesce, nullptr},
    {"concat", "concat(s, ...)", 1, kVar, Form::kKernel, BindConcat, KernelConcat},
    {"contains", "contains(s, part)", 2, 2, Form::kKernel, BindStringPredicate, KernelContains},
    {"cosine_similarity", "cosine_similarity(a, b)", 2, 2, Form::kKernel, BindListPair,
     KernelCosineSimilarity},
    {"date_diff", "date_diff(unit, a, b)", 3, 3, Form::kKernel, BindDateDiff, KernelDateDiff},
    {"day", "day(ts)", 1, 1, Form::kKernel, BindTimestampPart, KernelDay},
    {"day_of_week", "day_of_week(ts)", 1, 1, Form::kKernel, BindTimestampPart, KernelDayOfWeek},
    {"dot", "dot(a, b)", 2, 2, Form::kKernel, BindListPair, KernelDot},
    {"ends_with", "ends_with(s, suffix)", 2, 2, Form::kKernel, BindStringPredicate, KernelEndsWith},
    {"epoch_seconds", "epoch_seconds(ts)", 1, 1, Form::kKernel, BindEpochSeconds,
     KernelEpochSeconds},
    {"exp", "exp(x)", 1, 1, Form::kKernel, BindDoubleMath, KernelExp},
    {"floor", "floor(x)", 1, 1, Form::kKernel, BindFloorCeil, KernelFloor},
    {"greatest", "greatest(x, ...)", 1, kVar, Form::kKernel, BindLeastGreatest, KernelGreatest},
    {"hash_bucket", "hash_bucket(x, n)", 2, 2, Form::kKernel, BindHashBucket, KernelHashBucket},
    {"hour", "hour(ts)", 1, 1, Form::kKernel, BindTimestampPart, KernelHour},
    {"if", "if(cond, a, b)", 3, 3, Form::kIf, BindIf, nullptr},
    {"l2_norm", "l2_norm(list)", 1, 1, Form::kKernel, BindL2Norm, KernelL2Norm},
    {"least", "least(x, ...)", 1, kVar, Form::kKernel, BindLeastGreatest, KernelLeast},
    {"len", "len(list)", 1, 1, Form::kKernel, BindListLen, KernelLen},
    {"length", "length(s)", 1, 1, Form::kKernel, BindLength, KernelLength},
    {"list_max", "list_max(list)", 1, 1, Form::kKernel, BindListMinMax, KernelListMax},
    {"list_mean", "list_mean(list)", 1, 1, Form::kKernel, BindListMean, KernelListMean},
    {"list_min", "list_min(list)", 1, 1, Form::kKernel, BindListMinMax, KernelListMin},
    {"list_sum", "list_sum(list)", 1, 1, Form::kKernel, BindListSum, KernelListSum},
    {"ln", "ln(x)", 1, 1, Form::kKernel, BindDoubleMath, KernelLn},
    {"log10", "log10(x)", 1, 1, Form::kKernel, BindDoubleMath, KernelLog10},
    {"lower", "lower(s)", 1, 1, Form::kKernel, BindStringToString, KernelLower},
    {"minute", "minute(ts)", 1, 1, Form::kKernel, BindTimestampPart, KernelMinute},
    {"month", "month(ts)", 1, 1, Form::kKernel, BindTimestampPart, KernelMonth},
    {"nullif", "nullif(a, b)", 2, 2, Form::kKernel, BindNullIf, KernelNullIf},
    {"pow", "pow(x, y)", 2, 2, Form::kKernel, BindDoubleMath, KernelPow},
    {"regexp_matches", "regexp_matches(s, pattern)", 2, 2, Form::kKernel, BindRegexpMatches,
     KernelRegexpMatches},
    {"replace", "replace(s, from, to)", 3, 3, Form::kKernel, BindReplace, KernelReplace},
    {"round", "round(x [, digits])", 1, 2, Form::kKernel, BindRound, KernelRound},
    {"sign", "sign(x)", 1, 1, Form::kKernel, BindSign, KernelSign},
    {"sqrt", "sqrt(x)", 1, 1, Form::kKernel, BindDoubleMath, KernelSqrt},
    {"starts_with", "starts_with(s, prefix)", 2, 2, Form::kKernel, BindStringPredicate,
     KernelStartsWith},
    {"substr", "substr(s, start [, length])", 2, 3, Form::kKernel, BindSubstr, KernelSubstr},
    {"trim", "trim(s)", 1, 1, Form::kKernel, BindStringToString, KernelTrim},
    {"upper", "upper(s)", 1, 1, Form::kKernel, BindStringToString, KernelUpper},
    {"year", "year(ts)", 1, 1, Form::kKernel, BindTimestampPart, KernelYear},
};

bool NameLess(const FunctionDef* a, std::string_view b) { return std::string_view(a->name) < b; }

}  // namespace

const std::vector<const FunctionDef*>& AllFunctions() {
  static const std::vector<const FunctionDef*> all = [] {
    std::vector<const FunctionDef*> v;
    for (const FunctionDef& f : kFunctions) v.push_back(&f);
    std::sort(v.begin(), v.end(), [](const FunctionDef* a, const FunctionDef* b) {
      return std::strcmp(a->name, b->name) < 0;
    });
    return v;
  }();
  return all;
}

const FunctionDef* FindFunction(std::string_view name) {
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto& all = AllFunctions();
  auto it = std::lower_bound(all.begin(), all.end(), std::string_view(lower), NameLess);
  if (it == all.end() || (*it)->name != lower) return nullptr;
  return *it;
}

}  // namespace tessera::expr
