// Expression: compile (parse + bind + fold) once, evaluate on many batches,
// from many threads. Values are checked against a per-row reference
// computed here.
#include "tessera/expr/expression.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <thread>
#include <vector>

#include "tessera/expr/binder.h"
#include "tessera/expr/folding.h"
#include "tessera/expr/parser.h"
#include "tree_builder.h"

namespace tessera::expr {
namespace {

using testing::ArrayOf;

constexpr int64_t kI64Max = std::numeric_limits<int64_t>::max();

Scope TwoInts() { return Scope({{"", "a", DataType::Int64()}, {"", "b", DataType::Int64()}}); }

std::vector<Value> Values(const Array& a) {
  std::vector<Value> v;
  for (int64_t i = 0; i < a.length(); ++i) v.push_back(a.GetValue(i));
  return v;
}

TEST(Expression, CompileAndEvaluateMatchesReference) {
  // CASE WHEN b <> 0 THEN a % b ELSE a * 2 END, over a and b with nulls,
  // zeros and extremes.
  Result<std::shared_ptr<const Expression>> e =
      Expression::Compile("CASE WHEN b <> 0 THEN a % b ELSE a * 2 END", TwoInts());
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ((*e)->type(), DataType::Int64());
  EXPECT_EQ((*e)->referenced_columns(), (std::vector<int>{0, 1}));
  std::mt19937_64 rng(91);
  std::vector<Value> a, b;
  const int64_t picks[] = {0, 1, -1, 7, -3, kI64Max, std::numeric_limits<int64_t>::min()};
  for (int i = 0; i < 400; ++i) {
    a.push_back(i % 9 == 0 ? Value::Null(DataType::Int64()) : Value::Int64(picks[rng() % 7]));
    b.push_back(i % 7 == 0 ? Value::Null(DataType::Int64()) : Value::Int64(picks[rng() % 7]));
  }
  EvalStats stats;
  Result<ArrayPtr> out =
      (*e)->Evaluate({ArrayOf(DataType::Int64(), a), ArrayOf(DataType::Int64(), b)}, 400, &stats);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  int64_t errors = 0;
  for (int i = 0; i < 400; ++i) {
    Value want = Value::Null(DataType::Int64());
    bool error = false;
    const bool mod = !b[i].is_null() && b[i].int_value() != 0;
    if (!a[i].is_null() && mod) {
      const __int128 x = a[i].int_value(), y = b[i].int_value();
      if (y == -1 && x == std::numeric_limits<int64_t>::min()) {
        error = true;  // DuckDB: Overflow in division
      } else {
        want = Value::Int64(static_cast<int64_t>(x % y));
      }
    } else if (!a[i].is_null()) {
      const __int128 r = static_cast<__int128>(a[i].int_value()) * 2;
      if (r > kI64Max || r < std::numeric_limits<int64_t>::min()) {
        error = true;
      } else {
        want = Value::Int64(static_cast<int64_t>(r));
      }
    }
    errors += error;
    EXPECT_EQ((*out)->GetValue(i), want) << "row " << i;
  }
  EXPECT_EQ(stats.error_rows, errors);
  EXPECT_GT(errors, 0);
}

TEST(Expression, FoldsConstantSubtreesButNotFailingOnes) {
  Result<NodePtr> tree = Parse("a + (1 + 2 * 3)");
  ASSERT_TRUE(tree.ok());
  ASSERT_TRUE(Bind(tree->get(), TwoInts()).ok());
  NodePtr root = std::move(*tree);
  ASSERT_TRUE(FoldConstants(&root).ok());
  ASSERT_EQ(root->kind, NodeKind::kBinary);
  EXPECT_EQ(root->children[1]->kind, NodeKind::kLiteral);
  EXPECT_EQ(root->children[1]->value, Value::Int64(7));

  Result<NodePtr> bad = Parse("9223372036854775807 + 1");
  ASSERT_TRUE(bad.ok());
  ASSERT_TRUE(Bind(bad->get(), TwoInts()).ok());
  NodePtr bad_root = std::move(*bad);
  ASSERT_TRUE(FoldConstants(&bad_root).ok());
  EXPECT_EQ(bad_root->kind, NodeKind::kBinary);  // kept: the error counts per row

  // Through Compile: every row of the batch reports the overflow.
  Result<std::shared_ptr<const Expression>> e =
      Expression::Compile("9223372036854775807 + 1", TwoInts());
  ASSERT_TRUE(e.ok());
  EvalStats stats;
  const ArrayPtr col =
      ArrayOf(DataType::Int64(), {Value::Int64(1), Value::Int64(2), Value::Int64(3)});
  Result<ArrayPtr> out = (*e)->Evaluate({col, col}, 3, &stats);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ((*out)->null_count(), 3);
  EXPECT_EQ(stats.error_rows, 3);
  EXPECT_EQ(
      stats.Summary(),
      "3 rows evaluated to null because of an error; first at row 0: integer overflow in '+'");
}

TEST(Expression, CanonicalTextIsTheUnfoldedTree) {
  Result<std::shared_ptr<const Expression>> e = Expression::Compile("a+(1+2)", TwoInts());
  ASSERT_TRUE(e.ok());
  EXPECT_EQ((*e)->canonical(), "a + (1 + 2)");
}

TEST(Expression, WrongColumnCountIsAnError) {
  Result<std::shared_ptr<const Expression>> e = Expression::Compile("a + 1", TwoInts());
  ASSERT_TRUE(e.ok());
  Result<ArrayPtr> out =
      (*e)->Evaluate({ArrayOf(DataType::Int64(), {Value::Int64(1)})}, 1, nullptr);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().message(), "expression 'a + 1': given 1 columns, the scope has 2");
}

TEST(Expression, UnreadColumnsMayBeNull) {
  Result<std::shared_ptr<const Expression>> e = Expression::Compile("b * 3", TwoInts());
  ASSERT_TRUE(e.ok());
  Result<ArrayPtr> out =
      (*e)->Evaluate({nullptr, ArrayOf(DataType::Int64(), {Value::Int64(5)})}, 1, nullptr);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ((*out)->GetValue(0), Value::Int64(15));
}

TEST(Expression, EvaluateFromFourThreadsGivesTheSameResult) {
  Result<std::shared_ptr<const Expression>> e = Expression::Compile(
      "CASE WHEN a > b THEN CAST(a AS string) || 'x' WHEN a IS NULL THEN 'none' ELSE 'le' END",
      TwoInts());
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  std::mt19937_64 rng(92);
  std::vector<Value> a, b;
  for (int i = 0; i < 5000; ++i) {
    a.push_back(i % 5 == 0 ? Value::Null(DataType::Int64())
                           : Value::Int64(static_cast<int64_t>(rng() % 100)));
    b.push_back(Value::Int64(static_cast<int64_t>(rng() % 100)));
  }
  const std::vector<ArrayPtr> cols = {ArrayOf(DataType::Int64(), a), ArrayOf(DataType::Int64(), b)};
  Result<ArrayPtr> single = (*e)->Evaluate(cols, 5000, nullptr);
  ASSERT_TRUE(single.ok());
  const std::vector<Value> want = Values(**single);
  for (int i = 0; i < 5000; ++i) {
    Value w = Value::String("le");
    if (a[i].is_null())
      w = Value::String("none");
    else if (a[i].int_value() > b[i].int_value())
      w = Value::String(std::to_string(a[i].int_value()) + "x");
    ASSERT_EQ(want[i], w) << i;
  }
  std::vector<std::vector<Value>> got(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int k = 0; k < 20; ++k) {
        Result<ArrayPtr> r = (*e)->Evaluate(cols, 5000, nullptr);
        if (!r.ok()) return;
        got[t] = Values(**r);
        if (got[t] != want) return;
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(got[t], want) << "thread " << t;
}

TEST(Expression, EvaluatesARecordBatch) {
  Result<std::shared_ptr<const Expression>> e = Expression::Compile("a - b", TwoInts());
  ASSERT_TRUE(e.ok());
  Result<SchemaPtr> schema =
      Schema::Make({Field{"a", DataType::Int64()}, Field{"b", DataType::Int64()}});
  ASSERT_TRUE(schema.ok());
  Result<RecordBatchPtr> batch = RecordBatch::Make(
      *schema, {ArrayOf(DataType::Int64(), {Value::Int64(10), Value::Null(DataType::Int64())}),
                ArrayOf(DataType::Int64(), {Value::Int64(3), Value::Int64(1)})});
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  Result<ArrayPtr> out = (*e)->Evaluate(**batch, nullptr);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(Values(**out), (std::vector<Value>{Value::Int64(7), Value::Null(DataType::Int64())}));
}

// Rows of (a, b) with nulls and values whose doubling overflows.
std::vector<ArrayPtr> OverflowColumns(std::vector<Value>* a, std::vector<Value>* b) {
  const Value null = Value::Null(DataType::Int64());
  *a = {Value::Int64(kI64Max), Value::Int64(kI64Max), Value::Int64(3), null,
        Value::Int64(kI64Max), Value::Int64(-4)};
  *b = {Value::Int64(1), null, null, null, Value::Int64(-2), Value::Int64(0)};
  return {ArrayOf(DataType::Int64(), *a), ArrayOf(DataType::Int64(), *b)};
}

TEST(Expression, CoalesceEvaluatesLaterArgumentsOnlyWhereStillNull) {
  // coalesce(b, a * 2): a * 2 runs only on rows 1, 2, 3 (b null); row 1
  // overflows, rows 0 and 4 would have but take b.
  std::vector<Value> a, b;
  const std::vector<ArrayPtr> cols = OverflowColumns(&a, &b);
  Result<std::shared_ptr<const Expression>> e =
      Expression::Compile("coalesce(b, a * 2)", TwoInts());
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EvalStats stats;
  Result<ArrayPtr> out = (*e)->Evaluate(cols, 6, &stats);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  const Value null = Value::Null(DataType::Int64());
  EXPECT_EQ(Values(**out), (std::vector<Value>{Value::Int64(1), null, Value::Int64(6), null,
                                               Value::Int64(-2), Value::Int64(0)}));
  EXPECT_EQ(stats.error_rows, 1);
  EXPECT_EQ(stats.first_error_row, 1);
}

TEST(Expression, CoalesceOverManyRowsMatchesReference) {
  // coalesce(a * 2, b, 7) over more rows than one chunk, with nulls and
  // overflows: b (a plain column) and 7 fill only the rows still null; a
  // row whose a * 2 overflows is null and counted, whatever b holds.
  std::mt19937_64 rng(91);
  const int n = 5000;
  const Value null = Value::Null(DataType::Int64());
  std::vector<Value> a, b;
  for (int i = 0; i < n; ++i) {
    const uint64_t x = rng();
    a.push_back(x % 5 == 0 ? null
                           : Value::Int64(x % 13 == 0 ? kI64Max : static_cast<int64_t>(x >> 44)));
    b.push_back((x >> 8) % 3 == 0 ? null : Value::Int64(static_cast<int64_t>(x >> 50)));
  }
  const std::vector<ArrayPtr> cols = {ArrayOf(DataType::Int64(), a), ArrayOf(DataType::Int64(), b)};
  Result<std::shared_ptr<const Expression>> e =
      Expression::Compile("coalesce(a * 2, b, 7)", TwoInts());
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EvalStats stats;
  Result<ArrayPtr> out = (*e)->Evaluate(cols, n, &stats);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  int64_t errors = 0, first = -1;
  for (int i = 0; i < n; ++i) {
    Value want = Value::Int64(7);
    if (!a[i].is_null() && a[i].int_value() == kI64Max) {
      want = null;
      ++errors;
      if (first < 0) first = i;
    } else if (!a[i].is_null()) {
      want = Value::Int64(a[i].int_value() * 2);
    } else if (!b[i].is_null()) {
      want = b[i];
    }
    ASSERT_EQ((*out)->GetValue(i), want) << "row " << i;
  }
  EXPECT_GT(errors, 0);
  EXPECT_EQ(stats.error_rows, errors);
  EXPECT_EQ(stats.first_error_row, first);
}

TEST(Expression, IfEvaluatesEachBranchOnItsRows) {
  // if(b > 0, a * 2, a - 1): row 0 doubles INT64_MAX (error); row 4 takes
  // the else branch (no error); rows with b null take the else branch.
  std::vector<Value> a, b;
  const std::vector<ArrayPtr> cols = OverflowColumns(&a, &b);
  Result<std::shared_ptr<const Expression>> e =
      Expression::Compile("if(b > 0, a * 2, a - 1)", TwoInts());
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EvalStats stats;
  Result<ArrayPtr> out = (*e)->Evaluate(cols, 6, &stats);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  const Value null = Value::Null(DataType::Int64());
  EXPECT_EQ(Values(**out), (std::vector<Value>{null, Value::Int64(kI64Max - 1), Value::Int64(2),
                                               null, Value::Int64(kI64Max - 1), Value::Int64(-5)}));
  EXPECT_EQ(stats.error_rows, 1);
  EXPECT_EQ(stats.first_error_row, 0);
}

TEST(Expression, KernelCallsRunOverColumns) {
  // a / nullif(b, 0): DuckDB: SELECT 3 / NULLIF(0, 0) -> NULL; 7 / 2 -> 3.5
  Result<std::shared_ptr<const Expression>> e = Expression::Compile("a / nullif(b, 0)", TwoInts());
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  const ArrayPtr a =
      ArrayOf(DataType::Int64(), {Value::Int64(7), Value::Int64(3), Value::Int64(-1)});
  const ArrayPtr b = ArrayOf(DataType::Int64(),
                             {Value::Int64(2), Value::Int64(0), Value::Null(DataType::Int64())});
  Result<ArrayPtr> out = (*e)->Evaluate({a, b}, 3, nullptr);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(Values(**out), (std::vector<Value>{Value::Double(3.5), Value::Null(DataType::Double()),
                                               Value::Null(DataType::Double())}));
}

}  // namespace
}  // namespace tessera::expr
