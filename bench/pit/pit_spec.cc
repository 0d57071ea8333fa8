#include "pit_spec.h"

#include <algorithm>
#include <string>

namespace tessera::pitbench {

const std::vector<FeatureColumn>& FeatureColumns() {
  static const std::vector<FeatureColumn> kColumns = {
      {"f0", DataType::Double()}, {"f1", DataType::Double()}, {"f2", DataType::Double()},
      {"f3", DataType::Double()}, {"f4", DataType::Double()}, {"f5", DataType::Double()},
      {"f6", DataType::Int64()},  {"f7", DataType::Int64()},  {"f8", DataType::Int64()},
      {"f9", DataType::String()},
  };
  return kColumns;
}

const char* DistributionName(KeyDistribution d) {
  return d == KeyDistribution::kSkewed ? "skewed" : "uniform";
}

std::vector<std::string> AggFeatureNames() {
  std::vector<std::string> names;
  for (const char* f : kAggFunctions) {
    for (const AggWindow& w : kAggWindows) {
      names.push_back(std::string(kAggColumn) + "_" + f + "_" + w.name);
    }
  }
  return names;
}

Result<PitSpec> PitSpec::Make(uint64_t seed, int64_t spine_rows, int64_t feature_rows,
                              int num_views, KeyDistribution distribution, bool aggregated) {
  if (spine_rows < 1) return Status::Invalid("--spine-rows must be at least 1");
  if (feature_rows < num_views) return Status::Invalid("--feature-rows must be at least --views");
  if (num_views != 1 && num_views != 3) return Status::Invalid("--views must be 1 or 3");
  if (aggregated && num_views != 1) return Status::Invalid("--shape agg has one view (--views 1)");
  struct Named {
    const char* view;
    const char* entity;
    const char* key;
    const char* prefix;
    int64_t ttl_seconds;
  };
  // Different ttls, so the bound is exercised at several scales: rows of a
  // key are ~0.9 day apart on average (100 rows per key over 90 days), so a
  // 2d ttl leaves ~10% of spine rows without a value, 12h ~40%, while 30d
  // bites only for the rare keys of the skewed distribution.
  static const Named kViews[] = {{"user_stats", "user", "user_id", "u", 2 * 86'400},
                                 {"merchant_stats", "merchant", "merchant_id", "m", 30 * 86'400},
                                 {"device_stats", "device", "device_id", "d", 12 * 3'600}};
  PitSpec spec;
  spec.seed = seed;
  spec.spine_rows = spine_rows;
  spec.feature_rows = feature_rows;
  spec.num_views = num_views;
  spec.distribution = distribution;
  spec.aggregated = aggregated;
  for (int v = 0; v < num_views; ++v) {
    ViewSpec view;
    view.name = kViews[v].view;
    view.entity = kViews[v].entity;
    view.key_column = kViews[v].key;
    view.prefix = kViews[v].prefix;
    view.ttl_seconds = kViews[v].ttl_seconds;
    view.rows = feature_rows / num_views + (v < feature_rows % num_views ? 1 : 0);
    view.keys = view.rows / 100 > 0 ? view.rows / 100 : 1;
    if (aggregated) {  // events of an aggregated view: no ttl (windows say what is recent)
      view.name = "user_spend";
      view.ttl_seconds = 0;
      view.keys = std::max<int64_t>(1, view.rows / kAggRowsPerKey);
      view.aggregated = true;
    }
    spec.views.push_back(std::move(view));
  }
  return spec;
}

std::string PitSpec::Describe() const {
  return "seed=" + std::to_string(seed) + " spine=" + std::to_string(spine_rows) +
         " features=" + std::to_string(feature_rows) + " views=" + std::to_string(num_views) +
         " keys=" + DistributionName(distribution) + " generator=3" +
         (aggregated ? " shape=agg" : "");
}

}  // namespace tessera::pitbench
