#include "tessera/registry/definitions.h"

#include "tessera/core/time.h"

namespace tessera::registry {

const char* ObjectKindName(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::kEntity: return "entity";
    case ObjectKind::kSource: return "source";
    case ObjectKind::kFeatureView: return "feature_view";
    case ObjectKind::kOnDemandFeatureView: return "on_demand_feature_view";
    case ObjectKind::kFeatureService: return "feature_service";
  }
  return "unknown";
}

const char* SourceKindName(SourceKind kind) {
  switch (kind) {
    case SourceKind::kBatch: return "batch";
    case SourceKind::kPush: return "push";
    case SourceKind::kRequest: return "request";
  }
  return "unknown";
}

std::string Aggregation::FeatureName(int64_t window) const {
  std::string suffix = FormatDuration(window);  // 24h stays "24h", 7d "7d"
  return column + "_" + function + "_" + suffix;
}

namespace {

bool IsNumeric(DataType t) {
  return t == DataType::Int32() || t == DataType::Int64() || t == DataType::Float() ||
         t == DataType::Double();
}

Status NeedsNumber(const std::string& function, DataType input) {
  return Status::Invalid(function + " needs a number (int32, int64, float or double), not " +
                         input.ToString());
}

}  // namespace

Result<DataType> AggregationOutputType(const std::string& function, DataType input) {
  if (function == "count") return DataType::Int64();
  if (function == "count_distinct") {
    if (input.is_list()) {
      return Status::Invalid("count_distinct needs a single value, not " + input.ToString());
    }
    return DataType::Int64();
  }
  if (function == "sum") {
    if (!IsNumeric(input)) return NeedsNumber(function, input);
    bool integral = input == DataType::Int32() || input == DataType::Int64();
    return integral ? DataType::Int64() : DataType::Double();
  }
  if (function == "avg" || function == "stddev") {
    if (!IsNumeric(input)) return NeedsNumber(function, input);
    return DataType::Double();
  }
  if (function == "min" || function == "max") {
    if (input.is_list()) {
      return Status::Invalid(function + " needs a single value, not " + input.ToString());
    }
    return input;
  }
  if (function == "last") return input;
  return Status::Invalid("unknown aggregation function '" + function + "'");
}

std::vector<std::string> FeatureNames(const FeatureView& view) {
  std::vector<std::string> names;
  for (const FeatureDef& f : view.features) names.push_back(f.name);
  for (const Aggregation& agg : view.aggregations) {
    for (int64_t window : agg.windows) names.push_back(agg.FeatureName(window));
  }
  return names;
}

}  // namespace tessera::registry
