// The type check of every `expr` at plan and apply (expr_check.h), through
// CheckSourceFiles as plan and apply run it: row transformations over a
// source's columns and earlier features, on-demand features over their
// inputs (aggregation outputs typed by AggregationOutputType, request
// fields), declared type against inferred type.
#include "tessera/registry/expr_check.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "scratch_repo.h"

namespace tessera::registry {
namespace {

using testing::ScratchRepo;
using Lines = std::vector<std::string>;

// features start at line 11; the source is data/u.parquet.
std::string RowView(const std::string& features) {
  return std::string(
             "entities:\n  - name: user\n    join_keys: [{name: user_id, type: int64}]\n"   // 1-3
             "sources:\n"                                                                   // 4
             "  - {name: users, kind: batch, path: data/u.parquet, timestamp_field: ts}\n"  // 5
             "feature_views:\n  - name: v\n    entities: [user]\n    source: users\n"       // 6-9
             "    features:\n") +                                                           // 10
         features;
}

void WriteUsers(ScratchRepo* repo) {
  repo->WriteParquet("data/u.parquet", {{"user_id", DataType::Int64()},
                                        {"age", DataType::Int32()},
                                        {"amount", DataType::Double()},
                                        {"country", DataType::String()},
                                        {"ts", DataType::Timestamp()}});
}

TEST(ExprCheckTest, RowTransformationsSeeColumnsAndEarlierFeatures) {
  ScratchRepo repo;
  WriteUsers(&repo);
  repo.Write("f.yaml",
             RowView("      - {name: age, type: int32}\n"
                     "      - {name: adult, type: bool, expr: \"age >= 18\"}\n"
                     "      - {name: big, type: double, expr: \"if(adult, amount, 0.0)\"}\n"
                     "      - {name: tag, type: string, expr: \"lower(country) || '!'\"}\n"
                     "      - {name: age_d, type: double, expr: \"age\"}\n"));
  EXPECT_EQ(repo.Errors(), Lines{});
}

TEST(ExprCheckTest, UnknownColumnHasColumnAndSuggestion) {
  ScratchRepo repo;
  WriteUsers(&repo);
  repo.Write("f.yaml", RowView("      - {name: x, type: double, expr: \"2 * amout\"}\n"
                               "      - {name: y, type: bool, expr: \"later > 1\"}\n"
                               "      - {name: later, type: int64, expr: \"1\"}\n"));
  EXPECT_EQ(repo.Errors(),
            (Lines{"f.yaml:11: expression '2 * amout': at col 5: unknown column 'amout' (did you "
                   "mean 'amount'?)",
                   "f.yaml:12: expression 'later > 1': at col 1: unknown column 'later'"}));
}

TEST(ExprCheckTest, SyntaxErrorIsReportedWithItsColumn) {
  ScratchRepo repo;
  WriteUsers(&repo);
  repo.Write("f.yaml", RowView("      - {name: x, type: double, expr: \"amount +\"}\n"));
  Lines errors = repo.Errors();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].rfind("f.yaml:11: expression 'amount +': at col 9: ", 0), 0u) << errors[0];
}

TEST(ExprCheckTest, DeclaredTypeMustEqualOrWidenTheInferredType) {
  ScratchRepo repo;
  WriteUsers(&repo);
  repo.Write("f.yaml", RowView("      - {name: a, type: int32, expr: \"amount * 2\"}\n"
                               "      - {name: b, type: string, expr: \"age > 1\"}\n"
                               "      - {name: c, type: double, expr: \"user_id\"}\n"
                               "      - {name: d, type: int32, expr: \"user_id\"}\n"));
  EXPECT_EQ(repo.Errors(),
            (Lines{"f.yaml:11: feature 'a' is int32 but expression 'amount * 2' is double",
                   "f.yaml:12: feature 'b' is string but expression 'age > 1' is bool",
                   "f.yaml:14: feature 'd' is int32 but expression 'user_id' is int64"}));
}

// An on-demand view over an aggregated view and a request source; its
// features start at line 18.
std::string OnDemand(const std::string& features) {
  return std::string(
             "entities:\n  - name: user\n    join_keys: [{name: user_id, type: int64}]\n"   // 1-3
             "sources:\n"                                                                   // 4
             "  - {name: users, kind: batch, path: data/u.parquet, timestamp_field: ts}\n"  // 5
             "  - {name: req, kind: request, schema: [{name: amount, type: double}]}\n"     // 6
             "feature_views:\n  - name: v\n    entities: [user]\n    source: users\n"       // 7-10
             "    aggregations:\n"                                                          // 11
             "      - {column: amount, function: sum, windows: [24h]}\n"                    // 12
             "      - {column: country, function: count_distinct, windows: [24h]}\n"        // 13
             "on_demand_feature_views:\n"                                                   // 14
             "  - name: od\n"                                                               // 15
             "    inputs: [v, req]\n"                                                       // 16
             "    features:\n") +                                                           // 17
         features;
}

TEST(ExprCheckTest, OnDemandFeaturesSeeAggregationOutputsAndRequestFields) {
  ScratchRepo repo;
  WriteUsers(&repo);
  repo.Write(
      "f.yaml",
      OnDemand("      - {name: r, type: double, expr: \"amount / nullif(amount_sum_24h, 0)\"}\n"
               "      - {name: many, type: bool, expr: \"v.country_count_distinct_24h > 3\"}\n"
               "      - {name: r2, type: double, expr: \"r * req.amount\"}\n"));
  EXPECT_EQ(repo.Errors(), Lines{});
}

TEST(ExprCheckTest, OnDemandTypeErrorsUseTheAggregationOutputType) {
  ScratchRepo repo;
  WriteUsers(&repo);
  repo.Write("f.yaml",
             OnDemand("      - {name: n, type: int32, expr: \"country_count_distinct_24h\"}\n"
                      "      - {name: s, type: int64, expr: \"amount_sum_24h\"}\n"
                      "      - {name: u, type: double, expr: \"v.amont\"}\n"));
  EXPECT_EQ(repo.Errors(),
            (Lines{"f.yaml:18: feature 'n' is int32 but expression 'country_count_distinct_24h' "
                   "is int64",
                   "f.yaml:19: feature 's' is int64 but expression 'amount_sum_24h' is double",
                   "f.yaml:20: expression 'v.amont': at col 1: unknown column 'v.amont'"}));
}

TEST(ExprCheckTest, ControlCharactersInAnExpressionAreEscaped) {
  ScratchRepo repo;
  WriteUsers(&repo);
  repo.Write("f.yaml", RowView("      - {name: x, type: double, expr: \"nope\\t\"}\n"));
  EXPECT_EQ(repo.Errors(),
            Lines{"f.yaml:11: expression 'nope\\t': at col 1: unknown column 'nope'"});
}

TEST(IsImplicitWideningTest, TheExpressionLanguagesWidenings) {
  EXPECT_TRUE(IsImplicitWidening(DataType::Int32(), DataType::Int64()));
  EXPECT_TRUE(IsImplicitWidening(DataType::Int64(), DataType::Double()));
  EXPECT_TRUE(IsImplicitWidening(DataType::Int32(), DataType::Double()));
  EXPECT_TRUE(IsImplicitWidening(DataType::Float(), DataType::Double()));
  EXPECT_TRUE(IsImplicitWidening(DataType::Bool(), DataType::Bool()));
  EXPECT_FALSE(IsImplicitWidening(DataType::Double(), DataType::Int64()));
  EXPECT_FALSE(IsImplicitWidening(DataType::Int64(), DataType::Float()));
  EXPECT_FALSE(IsImplicitWidening(DataType::Bool(), DataType::Int32()));
}

}  // namespace
}  // namespace tessera::registry
