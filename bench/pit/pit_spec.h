// PitSpec: the shape of one training-set benchmark data set (bench/pit):
// how many spine rows and feature rows, how many feature views, how keys are
// drawn, and the seed. Everything the generator writes, and everything the
// peers (DuckDB, pandas) read back, follows from a PitSpec, so two runs with
// the same spec write the same files.
//
// The data: views `user_stats`, `merchant_stats`, `device_stats` (1 or 3 of
// them), each keyed by its own int64 entity key, each with 10 features (6
// double, 3 int64, 1 string), an event_ts and a created_ts. `feature_rows`
// is the total over the views, split evenly. Event times run over 90 days
// from 2024-01-01 in roughly increasing order (the way a source is appended
// to); 5% of rows repeat the previous row's key and event_ts with another or
// the same created_ts (the tie-breaks of DESIGN.md section 3), 0.2% of
// created_ts and 1% of the first feature are null.
//
// The aggregation shape (`aggregated`, pit_datagen --shape agg; the
// benchmark "Training set with aggregations", bench/agg_pit_bench.sh): one
// view, `user_spend`, whose rows are events (user_id, event_ts, created_ts,
// amount) drawn as above, with amount = the first feature's integer / 64
// (kAmountDenominator) instead of / 100, so every amount is a multiple of
// 1/64 below 2^14 and every sum of fewer than 2^33 of them is exact in
// double arithmetic, whatever the order (DuckDB's SUM equals Tessera's
// exact sum); one key per kAggRowsPerKey rows (~11 events per key per day
// over the 90 days), and event and spine times on a one-minute grid, so
// events fall exactly on window edges (t and t - W) often.
//
// Thread-safety: a PitSpec is a plain value.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tessera/core/result.h"
#include "tessera/core/types.h"

namespace tessera::pitbench {

enum class KeyDistribution { kUniform, kSkewed };

// One feature of every view: its name is `<prefix>_<suffix>`.
struct FeatureColumn {
  const char* suffix;
  DataType type;
};
// The 10 features of every view, in column order.
const std::vector<FeatureColumn>& FeatureColumns();

struct ViewSpec {
  std::string name;        // feature view, e.g. "user_stats"
  std::string entity;      // e.g. "user"
  std::string key_column;  // e.g. "user_id" (int64)
  std::string prefix;      // feature name prefix, e.g. "u"
  int64_t ttl_seconds = 0;
  int64_t rows = 0;         // feature rows of this view
  int64_t keys = 0;         // key space [0, keys) of the feature rows
  bool aggregated = false;  // the aggregation shape (above)
};

struct PitSpec {
  uint64_t seed = 42;
  int64_t spine_rows = 1'000'000;
  int64_t feature_rows = 10'000'000;  // total over the views
  int num_views = 1;
  KeyDistribution distribution = KeyDistribution::kUniform;
  bool aggregated = false;  // the aggregation shape (above)
  std::vector<ViewSpec> views;

  // Validates the sizes (spine_rows, feature_rows >= 1, views 1 or 3; 1 in
  // the aggregation shape) and fills `views`: rows split evenly, one key
  // per 100 rows of a view (kAggRowsPerKey in the aggregation shape).
  static Result<PitSpec> Make(uint64_t seed, int64_t spine_rows, int64_t feature_rows,
                              int num_views, KeyDistribution distribution, bool aggregated = false);

  // One line naming every input of the data ("seed=42 spine=1000000 ..."),
  // written beside the data so a cached copy is reused only for equal specs.
  std::string Describe() const;
};

// Event times: [kStartSeconds, kStartSeconds + kSpanSeconds), UTC seconds.
inline constexpr int64_t kStartSeconds = 1'704'067'200;  // 2024-01-01T00:00:00Z
inline constexpr int64_t kSpanSeconds = 90 * 86'400;
inline constexpr int64_t kMicrosPerSecond = 1'000'000;
// The aggregation shape: amount = integer / kAmountDenominator; one key per
// kAggRowsPerKey events; times on a kAggGridSeconds grid; the windows (1h,
// 24h, 7d) and functions of its view, in feature order (function, then
// window): amount_sum_1h, amount_sum_24h, ..., amount_max_7d.
inline constexpr int64_t kAmountDenominator = 64;
inline constexpr int64_t kAggRowsPerKey = 1000;
inline constexpr int64_t kAggGridSeconds = 60;
struct AggWindow {
  const char* name;  // as registry::Aggregation::FeatureName spells it
  int64_t seconds;
};
inline constexpr AggWindow kAggWindows[] = {{"1h", 3'600}, {"24h", 86'400}, {"7d", 7 * 86'400}};
inline constexpr const char* kAggFunctions[] = {"sum", "count", "max"};
inline constexpr const char* kAggColumn = "amount";
// "amount_sum_1h", ... in feature order.
std::vector<std::string> AggFeatureNames();

// Rows generated as one unit (one seed), and chunks per Parquet part file.
inline constexpr int64_t kRowsPerChunk = 1'000'000;
inline constexpr int64_t kChunksPerPart = 4;

const char* DistributionName(KeyDistribution d);

}  // namespace tessera::pitbench
