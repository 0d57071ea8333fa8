#include "tessera/agg/agg_spec.h"

#include <cmath>
#include <string>

namespace tessera::agg {

namespace {

struct FunctionName {
  AggFunction function;
  const char* name;
};

constexpr FunctionName kFunctions[] = {
    {AggFunction::kCount, "count"},
    {AggFunction::kSum, "sum"},
    {AggFunction::kAvg, "avg"},
    {AggFunction::kMin, "min"},
    {AggFunction::kMax, "max"},
    {AggFunction::kVar, "var"},
    {AggFunction::kStddev, "stddev"},
    {AggFunction::kFirst, "first"},
    {AggFunction::kLast, "last"},
    {AggFunction::kLastN, "last_n"},
    {AggFunction::kCountDistinct, "count_distinct"},
    {AggFunction::kApproxCountDistinct, "approx_count_distinct"},
    {AggFunction::kApproxPercentile, "approx_percentile"},
};

bool IsNumeric(DataType t) {
  return t == DataType::Int32() || t == DataType::Int64() || t == DataType::Float() ||
         t == DataType::Double();
}

Status NeedsNumber(AggFunction f, DataType input) {
  return Status::Invalid(std::string(AggFunctionName(f)) +
                         " needs a number (int32, int64, float or double), not " +
                         input.ToString());
}

Status NeedsSingleValue(AggFunction f, DataType input) {
  return Status::Invalid(std::string(AggFunctionName(f)) + " needs a single value, not " +
                         input.ToString());
}

// The output type of `f` over `input`, or why it does not apply.
Result<DataType> OutputType(AggFunction f, DataType input) {
  switch (f) {
    case AggFunction::kCount:
    case AggFunction::kCountDistinct:
    case AggFunction::kApproxCountDistinct:
      if (f != AggFunction::kCount && input.is_list()) return NeedsSingleValue(f, input);
      return DataType::Int64();
    case AggFunction::kSum:
      if (!IsNumeric(input)) return NeedsNumber(f, input);
      if (input == DataType::Int32() || input == DataType::Int64()) return DataType::Int64();
      return DataType::Double();
    case AggFunction::kAvg:
    case AggFunction::kVar:
    case AggFunction::kStddev:
    case AggFunction::kApproxPercentile:
      if (!IsNumeric(input)) return NeedsNumber(f, input);
      return DataType::Double();
    case AggFunction::kMin:
    case AggFunction::kMax:
    case AggFunction::kFirst:
    case AggFunction::kLast:
      if (input.is_list()) return NeedsSingleValue(f, input);
      return input;
    case AggFunction::kLastN: {
      const TypeId element = input == DataType::Int32() ? TypeId::kInt64 : input.id();
      if (input.is_list() || !DataType::IsValidListElement(element)) {
        return Status::Invalid("last_n needs float, double, int32, int64 or string (a list of " +
                               input.ToString() + " is not a Tessera type)");
      }
      return DataType::List(element);
    }
  }
  return Status::Invalid("unknown aggregation function");
}

Result<AggFunction> ParseFunction(const std::string& name) {
  for (const FunctionName& f : kFunctions) {
    if (name == f.name) return f.function;
  }
  return Status::Invalid("unknown aggregation function '" + name + "'");
}

}  // namespace

const char* AggFunctionName(AggFunction f) {
  for (const FunctionName& entry : kFunctions) {
    if (entry.function == f) return entry.name;
  }
  return "unknown";
}

Result<AggSpec> MakeAggSpec(const registry::Aggregation& agg, DataType input) {
  AggSpec spec;
  TS_ASSIGN_OR_RETURN(spec.function, ParseFunction(agg.function));
  spec.counts_events = agg.column.empty();
  if (spec.counts_events && spec.function != AggFunction::kCount) {
    return Status::Invalid(agg.function + " needs a column (only count counts events)");
  }
  spec.input = spec.counts_events ? DataType::Int64() : input;
  TS_ASSIGN_OR_RETURN(spec.output, OutputType(spec.function, spec.input));
  if (spec.function == AggFunction::kLastN) {
    if (agg.k < 1) return Status::Invalid("last_n needs k >= 1, got " + std::to_string(agg.k));
    spec.k = agg.k;
  }
  if (spec.function == AggFunction::kApproxPercentile) {
    if (!(agg.p >= 0 && agg.p <= 1)) {
      return Status::Invalid("approx_percentile needs p in [0, 1], got " + std::to_string(agg.p));
    }
    spec.p = agg.p;
  }
  return spec;
}

}  // namespace tessera::agg
