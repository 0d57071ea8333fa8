// MakeWindowPlan: columns once, aggregates in FeatureNames order, resolved
// tile widths, errors naming the aggregation; DefaultTileWidth's table and
// its 24-60 tiles per window.
#include "tessera/agg/window_plan.h"

#include <gtest/gtest.h>

#include "window_test_util.h"

namespace tessera::agg::testing {
namespace {

TEST(WindowPlanTest, ColumnsOnceAggregatesInFeatureNamesOrder) {
  registry::FeatureView view;
  view.name = "payments";
  view.features.push_back({"declared", DataType::Int64(), "", "", {}});
  view.aggregations = {
      Agg("amount", "sum", {kH, 24 * kH}, {0, 5 * kMin}),
      Agg("", "count", {7 * kDay}),
      Agg("country", "last", {90 * kMin}, {7 * kMin}),
      Agg("amount", "max", {24 * kH}),
  };
  Result<WindowPlan> plan = MakeWindowPlan(view, SourceColumns());
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->column_names, (std::vector<std::string>{"amount", "country"}));
  EXPECT_EQ(plan->column_types, (std::vector<DataType>{DataType::Double(), DataType::String()}));
  std::vector<std::string> names = registry::FeatureNames(view);
  names.erase(names.begin());  // declared features are not aggregates
  ASSERT_EQ(plan->aggs.size(), names.size());
  const std::vector<int> columns = {0, 0, -1, 1, 0};
  const std::vector<int64_t> windows = {kH, 24 * kH, 7 * kDay, 90 * kMin, 24 * kH};
  const std::vector<int64_t> tiles = {2 * kMin, 5 * kMin, 6 * kH, 7 * kMin, kH};
  const std::vector<AggFunction> functions = {AggFunction::kSum, AggFunction::kSum,
                                              AggFunction::kCount, AggFunction::kLast,
                                              AggFunction::kMax};
  for (size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(plan->aggs[i].feature_name, names[i]);
    EXPECT_EQ(plan->aggs[i].column, columns[i]) << names[i];
    EXPECT_EQ(plan->aggs[i].window, windows[i]) << names[i];
    EXPECT_EQ(plan->aggs[i].tile_width, tiles[i]) << names[i];
    EXPECT_EQ(plan->aggs[i].spec.function, functions[i]) << names[i];
  }
  EXPECT_TRUE(plan->aggs[2].spec.counts_events);
  EXPECT_EQ(plan->aggs[3].spec.output, DataType::String());
  EXPECT_EQ(plan->max_window, 7 * kDay);
}

TEST(WindowPlanTest, ErrorsNameTheAggregation) {
  registry::FeatureView view;
  view.name = "v";
  view.aggregations = {Agg("country", "sum", {24 * kH})};
  view.aggregations[0].location = {"features/v.yaml", 12, 0};
  Result<WindowPlan> plan = MakeWindowPlan(view, SourceColumns());
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().message(),
            "aggregation '" + view.aggregations[0].FeatureName(24 * kH) +
                "' (features/v.yaml:12): sum needs a number (int32, int64, float or double), "
                "not string");
  view.aggregations = {Agg("nope", "max", {kH})};
  plan = MakeWindowPlan(view, SourceColumns());
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().message(),
            "aggregation '" + view.aggregations[0].FeatureName(kH) + "': no column 'nope'");
  view.aggregations = {Agg("qty", "max", {kH}, {-5})};
  EXPECT_FALSE(MakeWindowPlan(view, SourceColumns()).ok());
  view.aggregations = {};
  EXPECT_EQ(MakeWindowPlan(view, SourceColumns()).status().message(),
            "feature view 'v' has no aggregations");
}

TEST(WindowPlanTest, DefaultTileWidthTable) {
  EXPECT_EQ(DefaultTileWidth(kH), 2 * kMin);                   // 30 tiles
  EXPECT_EQ(DefaultTileWidth(90 * kMin), 2 * kMin);            // 45
  EXPECT_EQ(DefaultTileWidth(24 * kH), kH);                    // 24
  EXPECT_EQ(DefaultTileWidth(7 * kDay), 6 * kH);               // 28
  EXPECT_EQ(DefaultTileWidth(30 * kDay), kDay);                // 30
  EXPECT_EQ(DefaultTileWidth(365 * kDay), 14 * kDay);          // 26
  EXPECT_EQ(DefaultTileWidth(10 * kMicrosPerSecond), 200000);  // 50 tiles of 200ms
  EXPECT_EQ(DefaultTileWidth(1), 1);
}

TEST(WindowPlanTest, DefaultTileWidthGivesTwentyFourToSixtyTiles) {
  std::mt19937_64 rng(3);
  for (int j = 0; j < 20000; ++j) {
    const int64_t window = 24 + static_cast<int64_t>(rng() % (4000 * kDay));
    const int64_t tile = DefaultTileWidth(window);
    ASSERT_GT(tile, 0);
    ASSERT_GE(window / tile, 24) << window;
    ASSERT_LE(window / tile, 60) << window;
  }
}

}  // namespace
}  // namespace tessera::agg::testing
