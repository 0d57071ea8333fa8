// Windowed aggregation definitions (issue 10; docs/DEFINITIONS.md,
// "Aggregations"): the functions and their parameters k and p, windows with
// tile widths, the ttl rule, generated feature names, output types, and
// their checks at plan with exact messages and lines.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "scratch_repo.h"
#include "tessera/core/time.h"
#include "tessera/registry/definitions.h"
#include "tessera/registry/loader.h"

namespace tessera::registry {
namespace {

using testing::ScratchRepo;
using Lines = std::vector<std::string>;

constexpr int64_t kHour = kMicrosPerHour;
constexpr int64_t kDay = kMicrosPerDay;

// A view `v` over data/t.parquet whose aggregations start at line 11.
std::string AggView(const std::string& aggs) {
  return std::string(
             "entities:\n  - name: user\n    join_keys: [{name: user_id, type: int64}]\n"  // 1-3
             "sources:\n"                                                                  // 4
             "  - {name: txns, kind: batch, path: data/t.parquet, timestamp_field: ts}\n"  // 5
             "feature_views:\n  - name: v\n    entities: [user]\n    source: txns\n"       // 6-9
             "    aggregations:\n") +                                                      // 10
         aggs;
}

void WriteTxns(ScratchRepo* repo) {
  repo->WriteParquet("data/t.parquet", {{"user_id", DataType::Int64()},
                                        {"amount", DataType::Double()},
                                        {"qty", DataType::Int32()},
                                        {"score", DataType::Float()},
                                        {"country", DataType::String()},
                                        {"flag", DataType::Bool()},
                                        {"raw", DataType::Bytes()},
                                        {"emb", DataType::List(TypeId::kFloat)},
                                        {"ts", DataType::Timestamp()}});
}

Aggregation Agg(std::string column, std::string function, int64_t k = 0, double p = 0) {
  Aggregation a;
  a.column = std::move(column);
  a.function = std::move(function);
  a.k = k;
  a.p = p;
  return a;
}

TEST(AggregationNameTest, ColumnFunctionWindowWithTheParameterInTheFunctionPart) {
  EXPECT_EQ(Agg("amount", "sum").FeatureName(kDay), "amount_sum_24h");
  EXPECT_EQ(Agg("amount", "var").FeatureName(90 * kMicrosPerMinute), "amount_var_90m");
  EXPECT_EQ(Agg("amount", "count").FeatureName(kDay), "amount_count_24h");
  EXPECT_EQ(Agg("", "count").FeatureName(kDay), "count_24h");
  EXPECT_EQ(Agg("", "count").FeatureName(14 * kDay), "count_14d");
  EXPECT_EQ(Agg("amount", "last_n", 5).FeatureName(7 * kDay), "amount_last5_7d");
  EXPECT_EQ(Agg("amount", "last_n", 1000).FeatureName(kHour), "amount_last1000_1h");
  EXPECT_EQ(Agg("merchant_id", "approx_count_distinct").FeatureName(kDay),
            "merchant_id_approx_count_distinct_24h");
}

TEST(AggregationNameTest, PercentilesAreSpelledFromTheDecimalDigitsOfP) {
  struct Case {
    double p;
    const char* name;
  };
  for (const Case& c :
       std::vector<Case>{{0.99, "amount_p99_24h"},
                         {0.5, "amount_p50_24h"},
                         {0.999, "amount_p99_9_24h"},
                         {0.9999, "amount_p99_99_24h"},
                         {0.0, "amount_p0_24h"},
                         {1.0, "amount_p100_24h"},
                         {0.95, "amount_p95_24h"},
                         {0.125, "amount_p12_5_24h"},
                         {0.07, "amount_p7_24h"},  // 0.07 * 100 is 7.000000000000001
                         {0.001, "amount_p0_1_24h"},
                         {0.00001, "amount_p0_001_24h"},
                         {0.1, "amount_p10_24h"}}) {
    EXPECT_EQ(Agg("amount", "approx_percentile", 0, c.p).FeatureName(kDay), c.name) << c.p;
  }
}

TEST(AggregationOutputTypeTest, TheNewFunctions) {
  struct Case {
    const char* function;
    DataType input;
    DataType output;
  };
  const DataType i32 = DataType::Int32(), i64 = DataType::Int64(), f32 = DataType::Float(),
                 f64 = DataType::Double(), str = DataType::String(), ts = DataType::Timestamp(),
                 b = DataType::Bool(), emb = DataType::List(TypeId::kFloat);
  for (const Case& c : std::vector<Case>{
           {"var", i32, f64},
           {"var", f64, f64},
           {"stddev", f32, f64},
           {"first", str, str},
           {"first", ts, ts},
           {"last", b, b},
           {"last_n", f32, DataType::List(TypeId::kFloat)},
           {"last_n", f64, DataType::List(TypeId::kDouble)},
           {"last_n", i64, DataType::List(TypeId::kInt64)},
           {"last_n", i32, DataType::List(TypeId::kInt64)},  // int32 widens
           {"last_n", str, DataType::List(TypeId::kString)},
           {"count_distinct", ts, i64},
           {"approx_count_distinct", str, i64},
           {"approx_count_distinct", b, i64},
           {"approx_count_distinct", f64, i64},
           {"approx_percentile", i32, f64},
           {"approx_percentile", i64, f64},
           {"approx_percentile", f32, f64},
           {"approx_percentile", f64, f64},
       }) {
    Result<DataType> out = AggregationOutputType(c.function, c.input);
    ASSERT_TRUE(out.ok()) << c.function << " " << c.input.ToString() << ": "
                          << out.status().ToString();
    EXPECT_EQ(*out, c.output) << c.function << " " << c.input.ToString();
  }
  const char* kLastN =
      "last_n needs float, double, int64, int32 or string (a list holds its "
      "values), not ";
  EXPECT_EQ(AggregationOutputType("last_n", b).status().message(), std::string(kLastN) + "bool");
  EXPECT_EQ(AggregationOutputType("last_n", DataType::Bytes()).status().message(),
            std::string(kLastN) + "bytes");
  EXPECT_EQ(AggregationOutputType("last_n", ts).status().message(),
            std::string(kLastN) + "timestamp");
  EXPECT_EQ(AggregationOutputType("last_n", DataType::List(TypeId::kString)).status().message(),
            std::string(kLastN) + "list<string>");
  // first and last keep single values too (the engine has no list input).
  EXPECT_EQ(AggregationOutputType("first", DataType::List(TypeId::kFloat)).status().message(),
            "first needs a single value, not list<float>");
  EXPECT_EQ(AggregationOutputType("last", DataType::List(TypeId::kString)).status().message(),
            "last needs a single value, not list<string>");
  EXPECT_EQ(AggregationOutputType("approx_percentile", str).status().message(),
            "approx_percentile needs a number (int32, int64, float or double), not string");
  EXPECT_EQ(AggregationOutputType("var", ts).status().message(),
            "var needs a number (int32, int64, float or double), not timestamp");
  EXPECT_EQ(AggregationOutputType("approx_count_distinct", emb).status().message(),
            "approx_count_distinct needs a single value, not list<float>");
  EXPECT_EQ(AggregationOutputType("median", i64).status().message(),
            "unknown aggregation function 'median'");
}

// A repo using every function (and a tile width) plans clean; the names
// and the parsed parameters are as documented.
TEST(AggregationDefsTest, EveryFunctionPlansClean) {
  ScratchRepo repo;
  WriteTxns(&repo);
  repo.Write(
      "f.yaml",
      AggView("      - {function: count, windows: [1h, 24h]}\n"
              "      - {column: amount, function: count, windows: [24h]}\n"
              "      - {column: qty, function: sum, windows: [24h]}\n"
              "      - {column: amount, function: avg, windows: [24h]}\n"
              "      - {column: country, function: min, windows: [24h]}\n"
              "      - {column: amount, function: max, windows: [24h]}\n"
              "      - {column: score, function: var, windows: [24h]}\n"
              "      - {column: amount, function: stddev, windows: [24h]}\n"
              "      - {column: country, function: first, windows: [24h]}\n"
              "      - {column: country, function: last, windows: [24h]}\n"
              "      - {column: amount, function: last_n, k: 5, windows: [7d]}\n"
              "      - {column: qty, function: last_n, k: 1000, windows: [7d]}\n"
              "      - {column: flag, function: count_distinct, windows: [7d]}\n"
              "      - {column: country, function: approx_count_distinct, windows: [7d]}\n"
              "      - column: amount\n"
              "        function: approx_percentile\n"
              "        p: 0.99\n"
              "        windows: [24h, {window: 7d, tile: 6h}]\n"
              "      - {column: qty, function: approx_percentile, p: 5e-1, windows: [1h]}\n"));
  EXPECT_EQ(repo.Errors(), Lines{});
  Result<LoadedRepo> loaded = LoadRepo(repo.dir());
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const FeatureView& v = loaded->definitions.feature_views.at(0);
  EXPECT_EQ(FeatureNames(v),
            (Lines{"count_1h", "count_24h", "amount_count_24h", "qty_sum_24h", "amount_avg_24h",
                   "country_min_24h", "amount_max_24h", "score_var_24h", "amount_stddev_24h",
                   "country_first_24h", "country_last_24h", "amount_last5_7d", "qty_last1000_7d",
                   "flag_count_distinct_7d", "country_approx_count_distinct_7d", "amount_p99_24h",
                   "amount_p99_7d", "qty_p50_1h"}));
  ASSERT_EQ(v.aggregations.size(), 16u);
  EXPECT_EQ(v.aggregations[0].column, "");
  EXPECT_EQ(v.aggregations[10].k, 5);
  EXPECT_EQ(v.aggregations[11].k, 1000);
  EXPECT_EQ(v.aggregations[14].p, 0.99);
  EXPECT_EQ(v.aggregations[15].p, 0.5);
  EXPECT_EQ(v.aggregations[14].windows, (std::vector<int64_t>{kDay, 7 * kDay}));
  EXPECT_EQ(v.aggregations[14].tile_widths, (std::vector<int64_t>{0, 6 * kHour}));
  // Every aggregation has one tile width per window, 0 (the default) unless given.
  EXPECT_EQ(v.aggregations[0].tile_widths, (std::vector<int64_t>{0, 0}));
  for (const Aggregation& a : v.aggregations) EXPECT_EQ(a.tile_widths.size(), a.windows.size());
}

TEST(AggregationDefsTest, FunctionColumnAndParameterErrors) {
  ScratchRepo repo;
  repo.Write(
      "f.yaml",
      AggView("      - {column: amount, function: median, windows: [1h]}\n"             // 11
              "      - {function: sum, windows: [1h]}\n"                                // 12
              "      - {column: amount, function: last_n, windows: [1h]}\n"             // 13
              "      - {column: amount, function: last_n, k: 0, windows: [2h]}\n"       // 14
              "      - {column: amount, function: last_n, k: 1001, windows: [3h]}\n"    // 15
              "      - {column: amount, function: last_n, k: 2.5, windows: [4h]}\n"     // 16
              "      - {column: amount, function: sum, k: 3, windows: [1h]}\n"          // 17
              "      - {column: amount, function: approx_percentile, windows: [1h]}\n"  // 18
              "      - {column: amount, function: approx_percentile, p: 99, windows: "
              "[2h]}\n"  // 19
              "      - {column: amount, function: approx_percentile, p: -0.1, windows: "
              "[3h]}\n"  // 20
              "      - {column: amount, function: approx_percentile, p: high, windows: "
              "[4h]}\n"                                                                    // 21
              "      - {column: amount, function: avg, p: 0.5, windows: [1h]}\n"           // 22
              "      - {column: amount, function: last_n, k: 3, p: 0.5, windows: [5h]}\n"  // 23
              "      - {column: amount, function: count, k: 3, windows: [1h]}\n"));        // 24
  const std::string agg = "aggregation of feature view 'v': ";
  EXPECT_EQ(
      repo.Errors(),
      (Lines{"load: f.yaml:11: " + agg +
                 "unknown function 'median' (expected count, sum, avg, min, max, var, "
                 "stddev, first, last, last_n, count_distinct, approx_count_distinct or "
                 "approx_percentile)",
             "load: f.yaml:12: " + agg +
                 "sum needs a 'column' (only count may omit it, to count events)",
             "load: f.yaml:13: " + agg +
                 "last_n needs 'k', how many of the latest values to keep (1 to 1000)",
             "load: f.yaml:14: " + agg + "k: expected a whole number from 1 to 1000, got '0'",
             "load: f.yaml:15: " + agg + "k: expected a whole number from 1 to 1000, got '1001'",
             "load: f.yaml:16: " + agg + "k: expected a whole number from 1 to 1000, got '2.5'",
             "load: f.yaml:17: " + agg + "'k' applies only to last_n, not sum",
             "load: f.yaml:18: " + agg +
                 "approx_percentile needs 'p', the quantile from 0 to 1 (0.99 for the 99th "
                 "percentile)",
             "load: f.yaml:19: " + agg + "p: expected a number from 0 to 1, got '99'",
             "load: f.yaml:20: " + agg + "p: expected a number from 0 to 1, got '-0.1'",
             "load: f.yaml:21: " + agg + "p: expected a number, got 'high'",
             "load: f.yaml:22: " + agg + "'p' applies only to approx_percentile, not avg",
             "load: f.yaml:23: " + agg + "'p' applies only to approx_percentile, not last_n",
             "load: f.yaml:24: " + agg + "'k' applies only to last_n, not count"}));
}

TEST(AggregationDefsTest, WindowAndTileErrors) {
  ScratchRepo repo;
  repo.Write("f.yaml", AggView("      - column: amount\n"                  // 11
                               "        function: sum\n"                   // 12
                               "        windows:\n"                        // 13
                               "          - {window: 1h, tile: 2h}\n"      // 14
                               "          - {window: 2h, tile: 0}\n"       // 15
                               "          - {window: 3h, tile: 1 hour}\n"  // 16
                               "          - {tile: 1h}\n"                  // 17
                               "          - {window: 4h, tiel: 1h}\n"      // 18
                               "          - {window: 5h, tile: 5h}\n"      // 19
                               "          - {window: 300m, tile: 1h}\n"    // 20
                               "          - [6h]\n"                        // 21
                               "          - {window: 0, tile: 1h}\n"       // 22
                               "          - 7h\n"));                       // 23
  const std::string what = "aggregation of feature view 'v'";
  const std::string agg = what + ": ";
  EXPECT_EQ(repo.Errors(),
            (Lines{"load: f.yaml:14: " + agg + "tile '2h' is longer than its window '1h'",
                   "load: f.yaml:15: " + agg + "tile must be positive, got '0'",
                   "load: f.yaml:16: " + agg +
                       "tile: invalid duration '1 hour' (expected 0 or a positive integer with a "
                       "unit: 30s, 15m, 24h, 7d)",
                   "load: f.yaml:17: missing required key 'window' in window of " + what,
                   "load: f.yaml:18: unknown key 'tiel' in window of " + what,
                   "load: f.yaml:20: " + agg + "duplicate window '300m'",
                   "load: f.yaml:21: " + agg + "window: expected a duration such as 1h or 7d",
                   "load: f.yaml:22: " + agg + "window must be positive, got '0'"}));
  LoadedRepo loaded;
  (void)LoadRepoCollectErrors(repo.dir(), &loaded);
  const Aggregation& a = loaded.definitions.feature_views.at(0).aggregations.at(0);
  // What was valid is kept, each window with its tile width.
  EXPECT_EQ(a.windows, (std::vector<int64_t>{4 * kHour, 5 * kHour, 7 * kHour}));
  EXPECT_EQ(a.tile_widths, (std::vector<int64_t>{0, 5 * kHour, 0}));
}

TEST(AggregationDefsTest, TtlOnAViewWithAggregationsIsAnError) {
  ScratchRepo repo;
  repo.Write("f.yaml",
             AggView("      - {function: count, windows: [1h]}\n"             // 11
                     "  - name: w\n    entities: [user]\n    source: txns\n"  // 12-14
                     "    ttl: 7d\n"                                          // 15
                     "    features: [{name: amount, type: double}]\n"         // 16
                     "    aggregations: [{column: amount, function: sum, windows: [1h]}]\n"  // 17
                     "  - name: zero_ttl\n    entities: [user]\n    source: txns\n"  // 18-20
                     "    ttl: 0\n"                                                  // 21
                     "    aggregations: [{function: count, windows: [1h]}]\n"        // 22
                     "  - name: plain\n    entities: [user]\n    source: txns\n"     // 23-25
                     "    ttl: 7d\n"                                                 // 26
                     "    features: [{name: amount, type: double}]\n"));             // 27
  EXPECT_EQ(repo.Errors(),
            (Lines{"load: f.yaml:15: feature view 'w': ttl does not apply to a view with "
                   "aggregations (its windows say what is recent); remove 'ttl'"}));
}

// Generated names collide with each other or with declared features
// however they are spelled (p 0.99 and 0.990, k 5 and 05, 1w and 7d); the
// message names both places.
TEST(AggregationDefsTest, OneNameFromTwoPlacesIsAnError) {
  ScratchRepo repo;
  repo.Write(
      "f.yaml",
      AggView(
          "      - {column: amount, function: approx_percentile, p: 0.99, windows: [24h]}\n"  // 11
          "      - {column: amount, function: approx_percentile, p: 0.990, windows: [1d]}\n"  // 12
          "      - {column: amount, function: last_n, k: 5, windows: [7d]}\n"                 // 13
          "      - {column: amount, function: last_n, k: 05, windows: [1w]}\n"                // 14
          "      - {function: count, windows: [24h]}\n"                                       // 15
          "    features:\n"                                                                   // 16
          "      - {name: count_24h, type: int64}\n"                                          // 17
          "      - {name: amount_p50_1h, type: double}\n"                                     // 18
          "  - name: w\n    entities: [user]\n    source: txns\n"                           // 19-21
          "    aggregations:\n"                                                             // 22
          "      - {column: amount, function: approx_percentile, p: 0.5, windows: [1h]}\n"  // 23
          "      - {column: amount, function: approx_percentile, p: 0.5, windows: [2h]}\n"  // 24
          "      - {function: count, windows: [1h]}\n"));                                   // 25
  EXPECT_EQ(repo.Errors(),
            (Lines{"load: f.yaml:12: feature view 'v': duplicate feature 'amount_p99_24h' (first "
                   "declared at f.yaml:11)",
                   "load: f.yaml:14: feature view 'v': duplicate feature 'amount_last5_7d' (first "
                   "declared at f.yaml:13)",
                   "load: f.yaml:15: feature view 'v': duplicate feature 'count_24h' (first "
                   "declared at f.yaml:17)"}));
}

// A generated name is a name: at most 128 characters.
TEST(AggregationDefsTest, OverlongGeneratedNamesAreAnError) {
  ScratchRepo repo;
  const std::string column(111, 'c');
  repo.Write("f.yaml", AggView("      - {column: " + column +
                               ", function: count_distinct, windows: [1h]}\n"  // 11
                               "      - {column: x, function: approx_percentile, p: 1e-125, "
                               "windows: [1h]}\n"  // 12
                               "      - {column: " +
                               column + ", function: max, windows: [1h]}\n"));  // 13
  const std::string tiny_p = "x_p0_" + std::string(122, '0') + "1_1h";
  EXPECT_EQ(repo.Errors(),
            (Lines{"load: f.yaml:11: feature view 'v': the generated feature name '" + column +
                       "_count_distinct_1h' is longer than 128 characters (shorten the column "
                       "name)",
                   "load: f.yaml:12: feature view 'v': the generated feature name '" + tiny_p +
                       "' is longer than 128 characters (shorten the column name or p)"}));
}

// Column types are checked at plan against the source's files.
TEST(AggregationDefsTest, FunctionsMustSuitTheColumnType) {
  ScratchRepo repo;
  WriteTxns(&repo);
  repo.Write(
      "f.yaml",
      AggView("      - {column: flag, function: last_n, k: 2, windows: [1h]}\n"  // 11
              "      - {column: raw, function: last_n, k: 2, windows: [1h]}\n"   // 12
              "      - {column: ts, function: last_n, k: 2, windows: [1h]}\n"    // 13
              "      - {column: emb, function: last_n, k: 2, windows: [1h]}\n"   // 14
              "      - {column: country, function: approx_percentile, p: 0.5, windows: "
              "[1h]}\n"                                                                  // 15
              "      - {column: emb, function: approx_count_distinct, windows: [1h]}\n"  // 16
              "      - {column: country, function: var, windows: [1h]}\n"                // 17
              "      - {column: amont, function: first, windows: [1h]}\n"                // 18
              "      - {function: count, windows: [2h]}\n"));                            // 19
  auto last_n = [](const std::string& type, const std::string& column) {
    return "aggregation last_n of column '" + column +
           "': last_n needs float, double, int64, int32 or string (a list holds its values), "
           "not " +
           type + " (column '" + column + "' of data/t.parquet)";
  };
  EXPECT_EQ(
      repo.Errors(),
      (Lines{"f.yaml:11: " + last_n("bool", "flag"), "f.yaml:12: " + last_n("bytes", "raw"),
             "f.yaml:13: " + last_n("timestamp", "ts"),
             "f.yaml:14: " + last_n("list<float>", "emb"),
             "f.yaml:15: aggregation approx_percentile of column 'country': approx_percentile "
             "needs a number (int32, int64, float or double), not string (column 'country' "
             "of data/t.parquet)",
             "f.yaml:16: aggregation approx_count_distinct of column 'emb': "
             "approx_count_distinct needs a single value, not list<float> (column 'emb' of "
             "data/t.parquet)",
             "f.yaml:17: aggregation var of column 'country': var needs a number (int32, "
             "int64, float or double), not string (column 'country' of data/t.parquet)",
             "f.yaml:18: aggregation first of column 'amont': 'amont' is not a column of "
             "data/t.parquet (did you mean 'amount'?)"}));
}

// On-demand features see the new outputs with their types.
TEST(AggregationDefsTest, OnDemandFeaturesSeeTheNewOutputTypes) {
  ScratchRepo repo;
  WriteTxns(&repo);
  repo.Write(
      "f.yaml",
      AggView("      - {function: count, windows: [24h]}\n"  // 11
              "      - {column: amount, function: approx_percentile, p: 0.99, windows: "
              "[24h]}\n"                                                                     // 12
              "      - {column: qty, function: last_n, k: 5, windows: [7d]}\n"               // 13
              "      - {column: country, function: approx_count_distinct, windows: [7d]}\n"  // 14
              "on_demand_feature_views:\n  - name: o\n    inputs: [v]\n    features:\n"  // 15-18
              "      - {name: a, type: int32, expr: \"count_24h\"}\n"                    // 19
              "      - {name: b, type: double, expr: \"amount_p99_24h / 2\"}\n"          // 20
              "      - {name: c, type: int64, expr: \"count_24h + "
              "country_approx_count_distinct_7d\"}\n"                        // 21
              "      - {name: d, type: int64, expr: \"qty_last5_7d\"}\n"));  // 22
  EXPECT_EQ(repo.Errors(),
            (Lines{"f.yaml:19: feature 'a' is int32 but expression 'count_24h' is int64",
                   "f.yaml:22: feature 'd' is int64 but expression 'qty_last5_7d' is "
                   "list<int64>"}));
}

}  // namespace
}  // namespace tessera::registry
