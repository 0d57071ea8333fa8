#include "tessera/agg/window_plan.h"

#include <algorithm>
#include <array>

#include "tessera/core/time.h"

namespace tessera::agg {

namespace {

// Round tile widths, ascending; consecutive entries differ by at most 2.5x,
// so the largest one <= window / 24 leaves between 24 and 60 tiles. Above
// the last entry, widths double (14d, 28d, ...).
constexpr int64_t kSec = kMicrosPerSecond, kMin = kMicrosPerMinute, kHour = kMicrosPerHour,
                  kDay = kMicrosPerDay;
constexpr std::array<int64_t, 40> kRoundWidths = {
    1,         2,         5,         10,         20,        50,        100,       200,
    500,       1000,      2000,      5000,       10000,     20000,     50000,     100000,
    200000,    500000,    kSec,      2 * kSec,   5 * kSec,  10 * kSec, 15 * kSec, 30 * kSec,
    kMin,      2 * kMin,  5 * kMin,  10 * kMin,  15 * kMin, 30 * kMin, kHour,     2 * kHour,
    3 * kHour, 4 * kHour, 6 * kHour, 12 * kHour, kDay,      2 * kDay,  4 * kDay,  7 * kDay,
};

constexpr int64_t kMinTilesPerWindow = 24;

std::string Describe(const registry::Aggregation& agg, int64_t window) {
  std::string what = "aggregation '" + agg.FeatureName(window) + "'";
  if (!agg.location.file.empty()) what += " (" + agg.location.ToString() + ")";
  return what;
}

// The index of `name` in plan->column_names, added (with its type) on first use.
Result<int> ColumnIndex(const std::string& name, const ColumnTypeLookup& columns,
                        WindowPlan* plan) {
  auto it = std::find(plan->column_names.begin(), plan->column_names.end(), name);
  if (it != plan->column_names.end()) return static_cast<int>(it - plan->column_names.begin());
  TS_ASSIGN_OR_RETURN(DataType type, columns.TypeOf(name));
  plan->column_names.push_back(name);
  plan->column_types.push_back(type);
  return static_cast<int>(plan->column_names.size()) - 1;
}

Result<WindowedAgg> MakeWindowedAgg(const registry::Aggregation& agg, size_t w,
                                    const ColumnTypeLookup& columns, WindowPlan* plan) {
  WindowedAgg out;
  out.window = agg.windows[w];
  out.feature_name = agg.FeatureName(out.window);
  if (out.window <= 0) {
    return Status::Invalid(Describe(agg, out.window) + ": window must be positive");
  }
  DataType input = DataType::Int64();
  if (!agg.column.empty()) {
    Result<int> column = ColumnIndex(agg.column, columns, plan);
    if (!column.ok()) {
      return Status::Invalid(Describe(agg, out.window) + ": " + column.status().message());
    }
    out.column = *column;
    input = plan->column_types[out.column];
  }
  Result<AggSpec> spec = MakeAggSpec(agg, input);
  if (!spec.ok()) {
    return Status::Invalid(Describe(agg, out.window) + ": " + spec.status().message());
  }
  out.spec = *spec;
  const int64_t given = w < agg.tile_widths.size() ? agg.tile_widths[w] : 0;
  if (given < 0) {
    return Status::Invalid(Describe(agg, out.window) + ": tile width must be positive, got " +
                           std::to_string(given));
  }
  out.tile_width = given > 0 ? given : DefaultTileWidth(out.window);
  return out;
}

}  // namespace

int64_t DefaultTileWidth(int64_t window) {
  const int64_t target = std::max<int64_t>(window / kMinTilesPerWindow, 1);
  int64_t best = 1;
  for (int64_t w : kRoundWidths) {
    if (w <= target) best = w;
  }
  while (best >= kRoundWidths.back() && best <= target / 2) best *= 2;
  return best;
}

Result<WindowPlan> MakeWindowPlan(const registry::FeatureView& view,
                                  const ColumnTypeLookup& columns) {
  WindowPlan plan;
  for (const registry::Aggregation& agg : view.aggregations) {
    for (size_t w = 0; w < agg.windows.size(); ++w) {
      TS_ASSIGN_OR_RETURN(WindowedAgg windowed, MakeWindowedAgg(agg, w, columns, &plan));
      plan.max_window = std::max(plan.max_window, windowed.window);
      plan.aggs.push_back(std::move(windowed));
    }
  }
  if (plan.aggs.empty()) {
    return Status::Invalid("feature view '" + view.name + "' has no aggregations");
  }
  return plan;
}

}  // namespace tessera::agg
