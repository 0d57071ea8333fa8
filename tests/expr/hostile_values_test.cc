// Regression tests for what expr_eval_fuzz found (fuzz/corpus/expr_eval/
// keeps each input): values at the edges of their types that crashed, hit
// undefined behaviour or could exhaust memory. Each expected value is
// computed independently (by hand or with Python, quoted).
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "tessera/core/builder.h"
#include "tessera/expr/expression.h"
#include "tessera/expr/kernels.h"

namespace tessera::expr {
namespace {

constexpr int64_t kI64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kI64Max = std::numeric_limits<int64_t>::max();

struct Outcome {
  std::vector<Value> values;
  EvalStats stats;
};

// Evaluates `text` over one column `x` of `type` holding `values`.
Outcome Eval(const std::string& text, DataType type, const std::vector<Value>& values) {
  Outcome o;
  auto e = Expression::Compile(text, Scope({{"", "x", type}}));
  EXPECT_TRUE(e.ok()) << text << ": " << e.status().ToString();
  if (!e.ok()) return o;
  auto builder = ArrayBuilder::Make(type);
  for (const Value& v : values) EXPECT_TRUE(builder->AppendValue(v).ok());
  const ArrayPtr column = builder->Finish().value();
  auto out = (*e)->Evaluate({column}, column->length(), &o.stats);
  EXPECT_TRUE(out.ok()) << text << ": " << out.status().ToString();
  if (!out.ok()) return o;
  for (int64_t i = 0; i < (*out)->length(); ++i) o.values.push_back((*out)->GetValue(i));
  return o;
}

// Python: divmod(-2**63, 86400 * 10**6), the day count shifted by whole
// 400-year cycles (146,097 days) into datetime.date's range:
// -290308-12-21 19:59:05.224192; 2**63 - 1: 294247-01-10 04:00:54.775807. The time of day was
// computed as micros - days * 86400000000, which overflows for the earliest instants.
TEST(HostileValues, TimestampLimitsCastToString) {
  Outcome o = Eval("CAST(x AS string)", DataType::Timestamp(),
                   {Value::Timestamp(kI64Min), Value::Timestamp(kI64Max), Value::Timestamp(-1)});
  EXPECT_EQ(o.values, (std::vector<Value>{Value::String("-290308-12-21 19:59:05.224192"),
                                          Value::String("294247-01-10 04:00:54.775807"),
                                          Value::String("1969-12-31 23:59:59.999999")}));
  EXPECT_TRUE(o.stats.ok());
}

// DuckDB 1.5.6: SELECT CAST(repeat('0', 400) || '1' AS BIGINT),
// CAST(repeat('0', 300) || '1.5' AS BIGINT), CAST(repeat('9', 400) AS
// DOUBLE), CAST(repeat('0', 100000) || '1' AS DOUBLE), CAST('0.' ||
// repeat('0', 400) || '1e401' AS DOUBLE), CAST(repeat('0', 100000) || '1' AS
// INTEGER) = 1, 2, Infinity, 1, 1, 1; TRY_CAST('1' || chr(0) AS BIGINT) and
// AS DOUBLE are NULL. Texts of 128 (integers) or 512 (doubles) bytes and
// more used to fail, and a NUL byte ended the number early.
TEST(HostileValues, LongNumericTextsCastAsDuckDB) {
  const std::string z400(400, '0');
  const std::string z100k(100000, '0');
  const std::vector<Value> texts = {
      Value::String(z400 + "1"), Value::String(std::string(300, '0') + "1.5"),
      Value::String(z100k + "1"), Value::String(std::string("1\0", 2))};
  Outcome i64 = Eval("CAST(x AS int64)", DataType::String(), texts);
  EXPECT_EQ(i64.values, (std::vector<Value>{Value::Int64(1), Value::Int64(2), Value::Int64(1),
                                            Value::Null(DataType::Int64())}));
  EXPECT_EQ(i64.stats.error_rows, 1);
  EXPECT_EQ(i64.stats.first_error_row, 3);
  Outcome i32 = Eval("CAST(x AS int32)", DataType::String(), {Value::String(z100k + "1")});
  EXPECT_EQ(i32.values, (std::vector<Value>{Value::Int32(1)}));
  Outcome d = Eval("CAST(x AS double)", DataType::String(),
                   {Value::String(std::string(400, '9')), Value::String(z100k + "1"),
                    Value::String("0." + z400 + "1e401"), Value::String(std::string("1\0", 2))});
  EXPECT_EQ(d.values, (std::vector<Value>{Value::Double(std::numeric_limits<double>::infinity()),
                                          Value::Double(1.0), Value::Double(1.0),
                                          Value::Null(DataType::Double())}));
  EXPECT_EQ(d.stats.error_rows, 1);
}

// replace() grows a value geometrically when nested: bounded, an error row
// (see StringKernels.ReplaceGrowthIsBounded), so this text, which asked for
// 5000^3 bytes per row, now evaluates at once.
TEST(HostileValues, NestedReplaceIsAnErrorRowNotAnOutOfMemory) {
  Outcome o = Eval("length(replace(replace(replace(x, 'a', x), 'a', x), 'a', x))",
                   DataType::String(), {Value::String(std::string(5000, 'a')), Value::String("b")});
  EXPECT_EQ(o.values, (std::vector<Value>{Value::Null(DataType::Int64()), Value::Int64(1)}));
  EXPECT_EQ(o.stats.Summary(),
            "1 row evaluated to null because of an error; first at row 0: replace result longer "
            "than 16 MiB");
}

// A per-row pattern is compiled once per distinct text within a kernel call
// (up to 16 at a time), not once per change of pattern: 4,000 rows
// alternating two 1,500-byte patterns compiled 2,000 programs (0.4 ms of CPU
// a row) and now compile each pattern once per 2,048-row chunk. A program
// over RE2's 8 MiB budget is an error row, like an invalid pattern.
TEST(HostileValues, AlternatingPerRowPatternsCompileOnce) {
  std::string p1, p2;
  for (int i = 0; i < 300; ++i) {
    p1 += "(a|b)";
    p2 += "(a|c)";
  }
  auto e =
      Expression::Compile("regexp_matches(s, p)",
                          Scope({{"", "s", DataType::String()}, {"", "p", DataType::String()}}));
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  BinaryBuilder s(DataType::String()), p(DataType::String());
  constexpr int kRows = 4000;
  for (int i = 0; i < kRows; ++i) {
    ASSERT_TRUE(s.Append(i % 2 ? std::string(300, 'b') : std::string(300, 'c')).ok());
    ASSERT_TRUE(p.Append(i % 4 < 2 ? p1 : p2).ok());
  }
  const std::vector<ArrayPtr> columns = {s.Finish().value(), p.Finish().value()};
  EvalStats stats;
  const int64_t compiled_before = RegexpCompilationsForTesting();
  auto out = (*e)->Evaluate(columns, kRows, &stats);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  // Two patterns in each of the two chunks the 4,000 rows make.
  EXPECT_EQ(RegexpCompilationsForTesting() - compiled_before, 4);
  for (int i = 0; i < kRows; ++i) {
    // Row i: 'b's (odd) or 'c's (even) against p1 (i % 4 in {0, 1}: a or b)
    // or p2 (a or c): a partial match needs 300 of them.
    const bool expected = (i % 2 == 1) == (i % 4 < 2);
    ASSERT_EQ((*out)->GetValue(i), Value::Bool(expected)) << "row " << i;
  }
  EXPECT_TRUE(stats.ok());

  Outcome bad = Eval("regexp_matches('abc', x)", DataType::String(),
                     {Value::String("(((.{100}){100}){100})"), Value::String("("),
                      Value::String("b"), Value::String("(((.{100}){100}){100})")});
  EXPECT_EQ(bad.values,
            (std::vector<Value>{Value::Null(DataType::Bool()), Value::Null(DataType::Bool()),
                                Value::Bool(true), Value::Null(DataType::Bool())}));
  EXPECT_EQ(bad.stats.error_rows, 3);
  EXPECT_EQ(bad.stats.first_error, "invalid regular expression in regexp_matches");
}

// Expressions as large as the parser allows evaluate, in time linear in
// their size: a 10,000-element list literal, an IN list of 50,000 items,
// CASE nested 100 deep in its ELSE.
TEST(HostileValues, LargeExpressionsEvaluate) {
  std::string list = "list_sum([x";
  for (int i = 1; i < 10000; ++i) list += ", x";
  list += "])";
  Outcome sum = Eval(list, DataType::Int64(),
                     {Value::Int64(3), Value::Int64(kI64Max), Value::Null(DataType::Int64())});
  EXPECT_EQ(sum.values, (std::vector<Value>{Value::Int64(30000), Value::Null(DataType::Int64()),
                                            Value::Null(DataType::Int64())}));
  EXPECT_EQ(sum.stats.first_error, "integer overflow in list_sum");

  std::string in = "x IN (0";
  for (int i = 1; i < 50000; ++i) in += ", " + std::to_string(2 * i);
  in += ")";
  Outcome found = Eval(
      in, DataType::Int64(),
      {Value::Int64(99998), Value::Int64(1), Value::Int64(100000), Value::Null(DataType::Int64())});
  EXPECT_EQ(found.values, (std::vector<Value>{Value::Bool(true), Value::Bool(false),
                                              Value::Bool(false), Value::Null(DataType::Bool())}));

  // CASE WHEN x = 0 THEN 0 ELSE CASE WHEN x = 1 THEN 10 ELSE ... ELSE -1 END
  std::string nested;
  for (int k = 0; k < 100; ++k) {
    nested += "CASE WHEN x = " + std::to_string(k) + " THEN " + std::to_string(10 * k) + " ELSE ";
  }
  nested += "-1";
  for (int k = 0; k < 100; ++k) nested += " END";
  Outcome cases =
      Eval(nested, DataType::Int64(),
           {Value::Int64(57), Value::Int64(99), Value::Int64(100), Value::Null(DataType::Int64())});
  EXPECT_EQ(cases.values, (std::vector<Value>{Value::Int32(570), Value::Int32(990),
                                              Value::Int32(-1), Value::Int32(-1)}));
}

// hash_bucket's bucket count at the int64 limits: n < 1 is an error row
// (INT64_MIN included, whose negation overflows); n = INT64_MAX reduces the
// documented XXH64 of '' (0xEF46DB3751D8E999, docs/EXPRESSIONS.md) modulo
// 2^63 - 1: Python 0xEF46DB3751D8E999 % (2**63 - 1) = 8018337217222601114.
TEST(HostileValues, HashBucketCountAtTheLimits) {
  Outcome o = Eval("hash_bucket('', x)", DataType::Int64(),
                   {Value::Int64(kI64Min), Value::Int64(0), Value::Int64(-1), Value::Int64(kI64Max),
                    Value::Int64(1)});
  const Value null = Value::Null(DataType::Int64());
  EXPECT_EQ(o.values, (std::vector<Value>{null, null, null, Value::Int64(8018337217222601114),
                                          Value::Int64(0)}));
  EXPECT_EQ(o.stats.Summary(),
            "3 rows evaluated to null because of an error; first at row 0: hash_bucket with a "
            "bucket count below 1");
}

// Timestamps at the ends of int64: arithmetic past them is an error row,
// never a wrap; date_diff in microseconds overflows (error), in days it is
// the floored day numbers' difference (Python: 2**63 // 86400000000 -
// (-2**63 // 86400000000) = 106751991 + 106751992), in years and millennia
// the calendar years' (294247 and -290308; millennia truncated toward zero:
// 294 - (-290)).
TEST(HostileValues, TimestampLimits) {
  const std::vector<Value> ends = {Value::Timestamp(kI64Min), Value::Timestamp(kI64Max)};
  Outcome plus = Eval("x + interval '1us'", DataType::Timestamp(), ends);
  EXPECT_EQ(plus.values, (std::vector<Value>{Value::Timestamp(kI64Min + 1),
                                             Value::Null(DataType::Timestamp())}));
  EXPECT_EQ(plus.stats.first_error, "timestamp out of range in '+' interval");
  Outcome minus = Eval("x - interval '1us'", DataType::Timestamp(), ends);
  EXPECT_EQ(minus.values, (std::vector<Value>{Value::Null(DataType::Timestamp()),
                                              Value::Timestamp(kI64Max - 1)}));
  EXPECT_EQ(minus.stats.error_rows, 1);

  auto a = ArrayBuilder::Make(DataType::Timestamp());
  auto b = ArrayBuilder::Make(DataType::Timestamp());
  ASSERT_TRUE(a->AppendValue(ends[0]).ok());
  ASSERT_TRUE(b->AppendValue(ends[1]).ok());
  const std::vector<ArrayPtr> columns = {a->Finish().value(), b->Finish().value()};
  const Scope scope({{"", "a", DataType::Timestamp()}, {"", "b", DataType::Timestamp()}});
  auto diff = [&](const std::string& unit, EvalStats* stats) {
    auto e = Expression::Compile("date_diff('" + unit + "', a, b)", scope);
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    auto out = (*e)->Evaluate(columns, 1, stats);
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    return (*out)->GetValue(0);
  };
  EvalStats micros;
  EXPECT_EQ(diff("microsecond", &micros), Value::Null(DataType::Int64()));
  EXPECT_EQ(micros.first_error, "integer overflow in date_diff");
  EvalStats others;
  EXPECT_EQ(diff("day", &others), Value::Int64(213503983));
  EXPECT_EQ(diff("year", &others), Value::Int64(584555));
  EXPECT_EQ(diff("millennium", &others), Value::Int64(584));
  EXPECT_TRUE(others.ok()) << others.Summary();
}

}  // namespace
}  // namespace tessera::expr
