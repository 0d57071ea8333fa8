// The canonical form of aggregations with the keys of issue 10 (k, p, tile
// widths, count without a column), and its stability: a view written
// without the new keys has byte for byte the canonical JSON (so the logic
// hash, so the version) it had before they existed. The golden texts and
// hashes below were printed by the build of branch int10 (before this
// change) for the same definitions.
#include <gtest/gtest.h>

#include <bit>
#include <string>
#include <vector>

#include "loader_test_util.h"
#include "scratch_repo.h"
#include "tessera/core/time.h"
#include "tessera/registry/canonical.h"
#include "tessera/registry/definitions_json.h"
#include "tessera/registry/loader.h"

namespace tessera::registry {
namespace {

using testing::ScratchRepo;

constexpr int64_t kHour = kMicrosPerHour;

const FeatureView* FindView(const RepoDefinitions& defs, const std::string& name) {
  for (const FeatureView& v : defs.feature_views) {
    if (v.name == name) return &v;
  }
  return nullptr;
}

CanonicalForm Canon(const FeatureView& v) {
  Result<CanonicalForm> form = Canonicalize(v);
  EXPECT_TRUE(form.ok()) << form.status().ToString();
  return form.ok() ? *form : CanonicalForm{};
}

// One view `v` over source `txns` with `aggs` (a YAML list body).
FeatureView LoadView(const std::string& aggs) {
  ScratchRepo repo;
  repo.Write("f.yaml",
             "entities:\n  - name: user\n    join_keys: [{name: user_id, type: int64}]\n"
             "sources:\n  - {name: txns, kind: batch, path: t.parquet, timestamp_field: ts}\n"
             "feature_views:\n  - name: v\n    entities: [user]\n    source: txns\n"
             "    online: false\n    aggregations:\n" +
                 aggs);
  Result<LoadedRepo> loaded = LoadRepo(repo.dir());
  EXPECT_TRUE(loaded.ok()) << loaded.status().ToString();
  if (!loaded.ok()) return FeatureView{};
  return loaded->definitions.feature_views.at(0);
}

TEST(AggregationCanonicalTest, TheFraudExampleKeepsItsFormAndHash) {
  Result<LoadedRepo> repo = LoadRepo(testing::RepoPath("valid_fraud"));
  ASSERT_TRUE(repo.ok()) << repo.status().ToString();
  const FeatureView* spend = FindView(repo->definitions, "user_spend");
  ASSERT_NE(spend, nullptr);
  CanonicalForm form = Canon(*spend);
  EXPECT_EQ(form.logic_json,
            R"({"entities":["user"],"source":"transactions_push","ttl":"0","online":true,)"
            R"("features":[],"aggregations":[{"column":"amount","function":"sum",)"
            R"("windows":["1h","24h","7d"]},{"column":"amount","function":"count",)"
            R"("windows":["24h"]},{"column":"merchant_id","function":"count_distinct",)"
            R"("windows":["7d"]}],"validation":{}})");
  EXPECT_EQ(form.logic_hash, "194fa808c3eb622b52d5da72d40d536253908909a4447ae577be7480175e6470");
}

TEST(AggregationCanonicalTest, EveryFunctionThatExistedBeforeKeepsItsFormAndHash) {
  FeatureView v = LoadView(
      "      - {column: amount, function: sum, windows: [1h, 90m, 1d, 2w]}\n"
      "      - {column: amount, function: count, windows: [24h]}\n"
      "      - {column: merchant_id, function: count_distinct, windows: [7d]}\n"
      "      - {column: amount, function: avg, windows: [30s]}\n"
      "      - {column: amount, function: min, windows: [15m]}\n"
      "      - {column: amount, function: max, windows: [15m]}\n"
      "      - {column: country, function: last, windows: [3d]}\n"
      "      - {column: amount, function: stddev, windows: [1000ms]}\n"
      "    features: [{name: country, type: string}]\n");
  v.name = "every_old_function";
  CanonicalForm form = Canon(v);
  EXPECT_EQ(form.logic_json,
            R"({"entities":["user"],"source":"txns","ttl":"0","online":false,)"
            R"("features":[{"name":"country","type":"string","expr":""}],"aggregations":[)"
            R"({"column":"amount","function":"sum","windows":["1h","90m","24h","14d"]},)"
            R"({"column":"amount","function":"count","windows":["24h"]},)"
            R"({"column":"merchant_id","function":"count_distinct","windows":["7d"]},)"
            R"({"column":"amount","function":"avg","windows":["30s"]},)"
            R"({"column":"amount","function":"min","windows":["15m"]},)"
            R"({"column":"amount","function":"max","windows":["15m"]},)"
            R"({"column":"country","function":"last","windows":["3d"]},)"
            R"({"column":"amount","function":"stddev","windows":["1s"]}],"validation":{}})");
  EXPECT_EQ(form.logic_hash, "f2942cdba50a791e901d2d143f82e8ecb9a751a8f75ed8b18fd30a166dad4ce8");
}

// A window written as a mapping without a tile is the plain window.
TEST(AggregationCanonicalTest, AWindowMappingWithoutTileIsThePlainWindow) {
  FeatureView plain = LoadView("      - {column: amount, function: sum, windows: [1h, 24h]}\n");
  FeatureView mapping =
      LoadView("      - {column: amount, function: sum, windows: [{window: 1h}, {window: 24h}]}\n");
  EXPECT_EQ(Canon(mapping).definition_json, Canon(plain).definition_json);
  EXPECT_EQ(Canon(plain).logic_json.find("tiles"), std::string::npos);
}

TEST(AggregationCanonicalTest, ExactFormOfTheNewKeys) {
  FeatureView v = LoadView(
      "      - {function: count, windows: [24h]}\n"
      "      - {column: amount, function: last_n, k: 5, windows: [7d]}\n"
      "      - {column: amount, function: approx_percentile, p: 0.99, windows: [1h, {window: 7d, "
      "tile: 6h}]}\n"
      "      - {column: amount, function: approx_percentile, p: 0, windows: [1h]}\n"
      "      - {column: amount, function: approx_percentile, p: 1, windows: [1h]}\n"
      "      - {column: amount, function: var, windows: [{window: 24h, tile: 1h}]}\n");
  EXPECT_EQ(Canon(v).logic_json,
            R"({"entities":["user"],"source":"txns","ttl":"0","online":false,"features":[],)"
            R"("aggregations":[{"column":"","function":"count","windows":["24h"]},)"
            R"({"column":"amount","function":"last_n","windows":["7d"],"k":5},)"
            R"({"column":"amount","function":"approx_percentile","windows":["1h","7d"],)"
            R"("p":0.99,"tiles":["0","6h"]},)"
            R"({"column":"amount","function":"approx_percentile","windows":["1h"],"p":0.0},)"
            R"({"column":"amount","function":"approx_percentile","windows":["1h"],"p":1.0},)"
            R"({"column":"amount","function":"var","windows":["24h"],"tiles":["1h"]}],)"
            R"("validation":{}})");
}

TEST(AggregationCanonicalTest, ParametersAndTilesAreLogic) {
  const std::string base =
      Canon(LoadView(
                "      - {column: amount, function: approx_percentile, p: 0.99, windows: [24h]}\n"))
          .logic_hash;
  EXPECT_NE(Canon(LoadView("      - {column: amount, function: approx_percentile, p: 0.95, "
                           "windows: [24h]}\n"))
                .logic_hash,
            base);
  EXPECT_NE(Canon(LoadView("      - {column: amount, function: approx_percentile, p: 0.99, "
                           "windows: [{window: 24h, tile: 1h}]}\n"))
                .logic_hash,
            base);
  // The same value spelled differently is the same definition.
  EXPECT_EQ(Canon(LoadView("      - {column: amount, function: approx_percentile, p: 9.9e-1, "
                           "windows: [1d]}\n"))
                .logic_hash,
            base);
  EXPECT_EQ(Canon(LoadView("      - {column: amount, function: approx_percentile, p: -0.0, "
                           "windows: [1d]}\n"))
                .logic_json,
            Canon(LoadView("      - {column: amount, function: approx_percentile, p: 0, "
                           "windows: [1d]}\n"))
                .logic_json);
  const std::string k5 =
      Canon(LoadView("      - {column: amount, function: last_n, k: 5, windows: [1h]}\n"))
          .logic_hash;
  EXPECT_NE(Canon(LoadView("      - {column: amount, function: last_n, k: 6, windows: [1h]}\n"))
                .logic_hash,
            k5);
}

// Stored JSON reads back to the same values (p to the same bits) and
// re-canonicalizes to the same bytes; an old definition reads back with a
// default tile width per window.
TEST(AggregationCanonicalTest, JsonRoundTripOfTheNewFields) {
  FeatureView v = LoadView(
      "      - {function: count, windows: [24h, 1h]}\n"
      "      - {column: amount, function: last_n, k: 1000, windows: [7d]}\n"
      "      - {column: amount, function: approx_percentile, p: 0.999, windows: [{window: 7d, "
      "tile: 6h}, 1h]}\n"
      "      - {column: amount, function: approx_percentile, p: 0.1, windows: [1h]}\n"
      "      - {column: amount, function: sum, windows: [90m]}\n");
  const CanonicalForm form = Canon(v);
  Result<FeatureView> back = FeatureViewFromJson(form.definition_json, "reg: v");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->aggregations.size(), 5u);
  for (size_t i = 0; i < v.aggregations.size(); ++i) {
    const Aggregation& a = v.aggregations[i];
    const Aggregation& b = back->aggregations[i];
    EXPECT_EQ(b.column, a.column);
    EXPECT_EQ(b.function, a.function);
    EXPECT_EQ(b.windows, a.windows);
    EXPECT_EQ(b.k, a.k);
    EXPECT_EQ(std::bit_cast<uint64_t>(b.p), std::bit_cast<uint64_t>(a.p)) << i;
    EXPECT_EQ(b.tile_widths, a.tile_widths);
  }
  EXPECT_EQ(back->aggregations[0].column, "");
  EXPECT_EQ(back->aggregations[1].k, 1000);
  EXPECT_EQ(back->aggregations[2].p, 0.999);
  EXPECT_EQ(back->aggregations[2].tile_widths, (std::vector<int64_t>{6 * kHour, 0}));
  EXPECT_EQ(back->aggregations[4].tile_widths, (std::vector<int64_t>{0}));
  EXPECT_EQ(FeatureNames(*back), FeatureNames(v));
  EXPECT_EQ(Canon(*back).definition_json, form.definition_json);
  EXPECT_EQ(Canon(*back).logic_hash, form.logic_hash);
}

TEST(AggregationCanonicalTest, StoredJsonWithoutARequiredParameterIsCorruption) {
  auto view_json = [](const std::string& agg) {
    return R"({"kind":"feature_view","name":"v","entities":["user"],"source":"txns",)"
           R"("ttl":"0","online":true,"features":[],"aggregations":[)" +
           agg +
           R"(],"validation":{},"description":"","owner":"","tags":{},)"
           R"("feature_descriptions":{}})";
  };
  struct Case {
    std::string agg;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {R"({"column":"a","function":"last_n","windows":["1h"]})",
            "reg: v: definition.aggregations: member 'k' is missing"},
           {R"({"column":"a","function":"last_n","windows":["1h"],"k":0})",
            "reg: v: definition.aggregations: 'k' is not a positive integer"},
           {R"({"column":"a","function":"approx_percentile","windows":["1h"]})",
            "reg: v: definition.aggregations: member 'p' is missing"},
           {R"({"column":"a","function":"approx_percentile","windows":["1h"],"p":2})",
            "reg: v: definition.aggregations: 'p' is not a number from 0 to 1"},
           {R"({"column":"a","function":"sum","windows":["1h","2h"],"tiles":["1h"]})",
            "reg: v: definition.aggregations: 'tiles' and 'windows' differ in length"},
           {R"({"column":"a","function":"sum","windows":["1h"],"tiles":["soon"]})",
            "reg: v: definition.aggregations: tile 'soon' is not a duration"},
       }) {
    Result<FeatureView> v = FeatureViewFromJson(view_json(c.agg), "reg: v");
    ASSERT_FALSE(v.ok()) << c.agg;
    EXPECT_EQ(v.status().code(), StatusCode::kCorruption) << c.agg;
    EXPECT_EQ(v.status().message(), c.message);
  }
  // Without the optional members: the defaults.
  Result<FeatureView> old = FeatureViewFromJson(
      view_json(R"({"column":"a","function":"sum","windows":["1h","2h"]})"), "reg: v");
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  EXPECT_EQ(old->aggregations.at(0).tile_widths, (std::vector<int64_t>{0, 0}));
  EXPECT_EQ(old->aggregations.at(0).k, 0);
  EXPECT_EQ(old->aggregations.at(0).p, 0.0);
}

}  // namespace
}  // namespace tessera::registry
