// registry::Aggregation's feature names and output types (declared in
// definitions.h; the tables are in docs/DEFINITIONS.md, "Aggregations").
#include <algorithm>
#include <charconv>
#include <string>

#include "tessera/core/time.h"
#include "tessera/registry/definitions.h"

namespace tessera::registry {

namespace {

// p as a percentile for names: the shortest decimal that reads back as p,
// times 100, with '_' for the decimal point: 0.99 -> "99", 0.999 -> "99_9",
// 0.5 -> "50", 0 -> "0", 1 -> "100", 0.001 -> "0_1". Shifting the digits
// (instead of computing p * 100 in binary) keeps what the user wrote:
// 0.07 * 100 is 7.000000000000001 in double.
std::string PercentileText(double p) {
  char buf[400];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), p, std::chars_format::fixed);
  if (ec != std::errc()) return "nan";  // unreachable for p in [0, 1]
  std::string text(buf, end);
  size_t dot = text.find('.');
  std::string whole = text.substr(0, dot);
  std::string fraction = dot == std::string::npos ? "" : text.substr(dot + 1);
  fraction.resize(std::max<size_t>(fraction.size(), 2), '0');
  whole += fraction.substr(0, 2);
  fraction = fraction.substr(2);
  size_t first = whole.find_first_not_of('0');
  whole = first == std::string::npos ? "0" : whole.substr(first);
  return fraction.empty() ? whole : whole + "_" + fraction;
}

bool IsNumeric(DataType t) {
  return t == DataType::Int32() || t == DataType::Int64() || t == DataType::Float() ||
         t == DataType::Double();
}

Status NeedsNumber(const std::string& function, DataType input) {
  return Status::Invalid(function + " needs a number (int32, int64, float or double), not " +
                         input.ToString());
}

Status NeedsSingleValue(const std::string& function, DataType input) {
  return Status::Invalid(function + " needs a single value, not " + input.ToString());
}

// last_n keeps values in a list, so only types a list can hold (int32
// widens to int64, as everywhere else).
Result<DataType> LastNType(DataType input) {
  if (input == DataType::Int32()) return DataType::List(TypeId::kInt64);
  if (!input.is_list() && DataType::IsValidListElement(input.id())) {
    return DataType::List(input.id());
  }
  return Status::Invalid(
      "last_n needs float, double, int64, int32 or string (a list holds its values), not " +
      input.ToString());
}

}  // namespace

std::string Aggregation::FeatureName(int64_t window) const {
  std::string suffix = FormatDuration(window);         // 24h stays "24h", 7d "7d"
  if (column.empty()) return function + "_" + suffix;  // count of events: count_24h
  std::string part = function;
  if (function == "approx_percentile") part = "p" + PercentileText(p);
  if (function == "last_n") part = "last" + std::to_string(k);
  return column + "_" + part + "_" + suffix;
}

Result<DataType> AggregationOutputType(const std::string& function, DataType input) {
  if (function == "count") return DataType::Int64();
  if (function == "count_distinct" || function == "approx_count_distinct") {
    if (input.is_list()) return NeedsSingleValue(function, input);
    return DataType::Int64();
  }
  if (function == "sum") {
    if (!IsNumeric(input)) return NeedsNumber(function, input);
    bool integral = input == DataType::Int32() || input == DataType::Int64();
    return integral ? DataType::Int64() : DataType::Double();
  }
  if (function == "avg" || function == "var" || function == "stddev" ||
      function == "approx_percentile") {
    if (!IsNumeric(input)) return NeedsNumber(function, input);
    return DataType::Double();
  }
  if (function == "min" || function == "max") {
    if (input.is_list()) return NeedsSingleValue(function, input);
    return input;
  }
  if (function == "first" || function == "last") {
    // The aggregation engine keeps single values (agg::AggInput).
    if (input.is_list()) return NeedsSingleValue(function, input);
    return input;
  }
  if (function == "last_n") return LastNType(input);
  return Status::Invalid("unknown aggregation function '" + function + "'");
}

}  // namespace tessera::registry
