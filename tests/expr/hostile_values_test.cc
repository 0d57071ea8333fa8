// Regression tests for what expr_eval_fuzz found (fuzz/corpus/expr_eval/
// keeps each input): values at the edges of their types that crashed, hit
// undefined behaviour or could exhaust memory. Each expected value is
// computed independently (by hand or with Python, quoted).
#include <gtest/gtest.h>

#include <cstdint>
#include <ctime>
#include <limits>
#include <string>
#include <vector>

#include "tessera/core/builder.h"
#include "tessera/expr/expression.h"

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
// -290308-12-21 19:59:05.224192; 2**63 - 1: 294247-01-10 04:00:54.775807. The time of day was computed as
// micros - days * 86400000000, which overflows for the earliest instants.
TEST(HostileValues, TimestampLimitsCastToString) {
  Outcome o = Eval("CAST(x AS string)", DataType::Timestamp(),
                   {Value::Timestamp(kI64Min), Value::Timestamp(kI64Max),
                    Value::Timestamp(-1)});
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
  const std::vector<Value> texts = {Value::String(z400 + "1"),
                                    Value::String(std::string(300, '0') + "1.5"),
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


// A per-row pattern is compiled once per distinct text within a call (up to
// 16 at a time), not once per change of pattern: 4,000 rows alternating two
// 1,500-byte patterns took 0.4 ms of CPU a row (1.7 s) and now take a few
// milliseconds. CPU time, not wall time, so a loaded machine does not fail
// it. A program over RE2's 8 MiB budget is an error row, like an invalid
// pattern.
TEST(HostileValues, AlternatingPerRowPatternsCompileOnce) {
  std::string p1, p2;
  for (int i = 0; i < 300; ++i) {
    p1 += "(a|b)";
    p2 += "(a|c)";
  }
  auto e = Expression::Compile("regexp_matches(s, p)", Scope({{"", "s", DataType::String()},
                                                              {"", "p", DataType::String()}}));
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  BinaryBuilder s(DataType::String()), p(DataType::String());
  constexpr int kRows = 4000;
  for (int i = 0; i < kRows; ++i) {
    ASSERT_TRUE(s.Append(i % 2 ? std::string(300, 'b') : std::string(300, 'c')).ok());
    ASSERT_TRUE(p.Append(i % 4 < 2 ? p1 : p2).ok());
  }
  const std::vector<ArrayPtr> columns = {s.Finish().value(), p.Finish().value()};
  EvalStats stats;
  const std::clock_t start = std::clock();
  auto out = (*e)->Evaluate(columns, kRows, &stats);
  const double cpu_seconds = static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_LT(cpu_seconds, 0.5);
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
  EXPECT_EQ(bad.values, (std::vector<Value>{Value::Null(DataType::Bool()), Value::Null(DataType::Bool()),
                                            Value::Bool(true), Value::Null(DataType::Bool())}));
  EXPECT_EQ(bad.stats.error_rows, 3);
  EXPECT_EQ(bad.stats.first_error, "invalid regular expression in regexp_matches");
}

}  // namespace
}  // namespace tessera::expr
