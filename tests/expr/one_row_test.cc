// The one-row (serving) case: the evaluator shares per-thread constant
// arrays for boolean results on one row, keeps per-row error flags on the
// stack for short frames and adds errors straight to the caller's
// EvalStats. These tests evaluate the same compiled expressions over and
// over on one-row inputs (with nulls, interleaved with longer ones) and
// check every result, including ones kept from earlier calls, against the
// same expression evaluated once over all the rows (the vectorised path),
// and the error counts against fresh EvalStats merged by EvalStats::Merge.
#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "tessera/expr/expression.h"
#include "tree_builder.h"

namespace tessera::expr {
namespace {

using testing::ArrayOf;

constexpr int64_t kRows = 100;  // more than the evaluator's stack flags (64)

Scope Columns() {
  return Scope({{"", "a", DataType::Int64()},
                {"", "b", DataType::Int64()},
                {"", "s", DataType::String()},
                {"", "t", DataType::Bool()}});
}

// Rows with nulls, zeros, equal pairs and values whose product overflows.
struct Table {
  std::vector<std::vector<Value>> cols;  // a, b, s, t
  std::vector<ArrayPtr> arrays;

  Table() {
    cols.resize(4);
    const int64_t picks[] = {0, 1, -1, 3, 7, std::numeric_limits<int64_t>::max()};
    const char* strings[] = {"x", "yy", "", "m", "zz", "héllo"};
    for (int64_t i = 0; i < kRows; ++i) {
      cols[0].push_back(i % 7 == 3 ? Value::Null(DataType::Int64())
                                   : Value::Int64(picks[(i * 5 + 1) % 6]));
      cols[1].push_back(i % 5 == 2 ? Value::Null(DataType::Int64())
                                   : Value::Int64(picks[(i * 3) % 6]));
      cols[2].push_back(i % 11 == 4 ? Value::Null(DataType::String())
                                    : Value::String(strings[(i * 7) % 6]));
      cols[3].push_back(i % 13 == 6 ? Value::Null(DataType::Bool()) : Value::Bool(i % 3 == 0));
    }
    const DataType types[] = {DataType::Int64(), DataType::Int64(), DataType::String(),
                              DataType::Bool()};
    for (int c = 0; c < 4; ++c) arrays.push_back(ArrayOf(types[c], cols[c]));
  }

  // Rows [from, from + n) as columns.
  std::vector<ArrayPtr> Rows(int64_t from, int64_t n) const {
    const DataType types[] = {DataType::Int64(), DataType::Int64(), DataType::String(),
                              DataType::Bool()};
    std::vector<ArrayPtr> out;
    for (int c = 0; c < 4; ++c) {
      std::vector<Value> v(cols[c].begin() + from, cols[c].begin() + from + n);
      out.push_back(ArrayOf(types[c], v));
    }
    return out;
  }
};

const char* const kExpressions[] = {
    "a > b",
    "a = b OR t",
    "NOT (a < b)",
    "a IS NULL",
    "b IS NOT NULL AND t",
    "t AND a > 0",
    "t OR a > 0",
    "NOT t",
    "s = 'x'",
    "s != 'yy'",
    "s < 'm'",
    "s >= s",
    "a BETWEEN 1 AND b",
    "a IN (1, b, 3)",
    "a NOT IN (0, 7)",
    "CASE WHEN s = 'x' THEN a WHEN a > b THEN b ELSE a * b END",
    "if(t, a > b, s = '')",
    "coalesce(a > 1, t, false)",
    "a * b > 0",
};

TEST(OneRow, RepeatedOneRowResultsEqualTheBatchResult) {
  const Table table;
  for (const char* text : kExpressions) {
    SCOPED_TRACE(text);
    Result<std::shared_ptr<const Expression>> e = Expression::Compile(text, Columns());
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    EvalStats batch_stats;
    Result<ArrayPtr> batch = (*e)->Evaluate(table.arrays, kRows, &batch_stats);
    ASSERT_TRUE(batch.ok()) << batch.status().ToString();
    // Every row alone, twice, with a three-row frame in between; every
    // result is kept and checked only at the end, so a result shared or
    // reused by a later call would show.
    std::vector<ArrayPtr> kept;
    int64_t one_row_errors = 0;
    for (int pass = 0; pass < 2; ++pass) {
      for (int64_t i = 0; i < kRows; ++i) {
        EvalStats stats;
        Result<ArrayPtr> one = (*e)->Evaluate(table.Rows(i, 1), 1, &stats);
        ASSERT_TRUE(one.ok()) << one.status().ToString();
        ASSERT_EQ((*one)->length(), 1);
        kept.push_back(*one);
        if (pass == 0) one_row_errors += stats.error_rows;
        if (i + 3 <= kRows) {
          Result<ArrayPtr> three = (*e)->Evaluate(table.Rows(i, 3), 3, nullptr);
          ASSERT_TRUE(three.ok());
          for (int64_t k = 0; k < 3; ++k) {
            ASSERT_EQ((*three)->GetValue(k), (*batch)->GetValue(i + k)) << "rows " << i << "+" << k;
          }
        }
      }
    }
    for (size_t k = 0; k < kept.size(); ++k) {
      const int64_t row = static_cast<int64_t>(k) % kRows;
      EXPECT_EQ(kept[k]->GetValue(0), (*batch)->GetValue(row)) << "row " << row;
      EXPECT_EQ(kept[k]->type(), (*batch)->type());
    }
    EXPECT_EQ(one_row_errors, batch_stats.error_rows);
  }
}

// Errors of one-row evaluations go straight into the caller's EvalStats;
// the outcome must be what merging fresh EvalStats gives.
TEST(OneRow, ErrorsAccumulateInTheCallersStatsAsMergeWould) {
  const Table table;
  Result<std::shared_ptr<const Expression>> e =
      Expression::Compile("CAST(s AS int32) + a * b", Columns());
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EvalStats shared, merged;
  int64_t failing = 0;
  for (int64_t i = kRows - 1; i >= 0; --i) {  // later rows first: the lowest wins
    EvalStats fresh;
    const std::vector<ArrayPtr> row = table.Rows(i, 1);
    ASSERT_TRUE((*e)->Evaluate(row, 1, &fresh).ok());
    ASSERT_TRUE((*e)->Evaluate(row, 1, &shared).ok());
    merged.Merge(fresh);
    failing += fresh.error_rows;
  }
  EXPECT_GT(failing, 0);
  EXPECT_EQ(shared.error_rows, merged.error_rows);
  EXPECT_EQ(shared.first_error_row, merged.first_error_row);
  EXPECT_EQ(shared.first_error, merged.first_error);
  EXPECT_EQ(shared.first_error_row, 0);  // every row is row 0 of its frame
  EXPECT_FALSE(shared.first_error.empty());
  // A failing row is null in the result, whatever stats held before.
  EvalStats prior = merged;
  for (int64_t i = 0; i < kRows; ++i) {
    EvalStats fresh;
    const std::vector<ArrayPtr> row = table.Rows(i, 1);
    Result<ArrayPtr> a = (*e)->Evaluate(row, 1, &fresh);
    Result<ArrayPtr> b = (*e)->Evaluate(row, 1, &prior);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ((*a)->GetValue(0), (*b)->GetValue(0)) << "row " << i;
    if (fresh.error_rows > 0) {
      EXPECT_TRUE((*b)->IsNull(0)) << "row " << i;
    }
  }
}

// The per-thread constants: threads evaluating one-row frames at once each
// get the right values.
TEST(OneRow, ConcurrentOneRowEvaluationsAgree) {
  const Table table;
  Result<std::shared_ptr<const Expression>> e =
      Expression::Compile("(a > b OR s = 'x') AND NOT (t IS NULL)", Columns());
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  Result<ArrayPtr> batch = (*e)->Evaluate(table.arrays, kRows, nullptr);
  ASSERT_TRUE(batch.ok());
  std::vector<std::vector<std::vector<ArrayPtr>>> rows(4);
  std::vector<int64_t> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int pass = 0; pass < 5; ++pass) {
        for (int64_t i = 0; i < kRows; ++i) {
          const int64_t row = (i * (t + 1) + pass) % kRows;
          Result<ArrayPtr> r = (*e)->Evaluate(table.Rows(row, 1), 1, nullptr);
          if (!r.ok() || (*r)->GetValue(0) != (*batch)->GetValue(row)) ++mismatches[t];
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(mismatches[t], 0) << "thread " << t;
}

}  // namespace
}  // namespace tessera::expr
