// Kernels of the numeric and comparison functions, called directly through
// the catalog. Expected values are DuckDB 1.5.6's, checked with
// tests/duckdb/duckdb_query.mjs (the query is quoted above each block), or
// computed by hand where stated.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "function_test_util.h"

namespace tessera::expr {
namespace {

using namespace fn_test;  // NOLINT

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr int64_t kI64Min = std::numeric_limits<int64_t>::min();
constexpr int32_t kI32Min = std::numeric_limits<int32_t>::min();

// DuckDB: abs((-9223372036854775807 - 1)::BIGINT) and abs(INT32_MIN)
// raise "Overflow on abs"; abs(-0.0::DOUBLE) = 0 (positive zero).
TEST(MathKernels, AbsOverflowIsAnErrorRowAndOtherRowsStand) {
  Call c = Invoke("abs", {Col(DataType::Int64(),
                              {I64(-5), I64(kI64Min), Null(DataType::Int64()), I64(kI64Min + 1)})});
  EXPECT_EQ(c.values(), (std::vector<Value>{I64(5), Null(DataType::Int64()),
                                            Null(DataType::Int64()), I64(-(kI64Min + 1))}));
  EXPECT_EQ(c.stats.error_rows, 1);
  EXPECT_EQ(c.stats.first_error_row, 1);
  EXPECT_EQ(c.stats.first_error, "integer overflow in abs");
  EXPECT_EQ(c.error_rows, (std::vector<uint8_t>{0, 1, 0, 0}));

  Call c32;
  EXPECT_TRUE(One("abs", {I32(kI32Min)}, &c32).is_null());
  EXPECT_EQ(c32.stats.error_rows, 1);
  EXPECT_EQ(One("abs", {I32(-7)}), I32(7));
  EXPECT_EQ(Bits(One("abs", {D(-0.0)}).double_value()), Bits(0.0));
  EXPECT_EQ(One("abs", {F(-1.5f)}), F(1.5f));
}

// DuckDB: sign(-0.0::DOUBLE), sign('NaN'::DOUBLE), sign(-3::INTEGER) =
// 0, 0, -1 (TINYINT, int32 here).
TEST(MathKernels, SignOfZerosAndNaNIsZero) {
  EXPECT_EQ(One("sign", {D(-0.0)}), I32(0));
  EXPECT_EQ(One("sign", {D(kNaN)}), I32(0));
  EXPECT_EQ(One("sign", {I32(-3)}), I32(-1));
  EXPECT_EQ(One("sign", {I64(kI64Min)}), I32(-1));
  EXPECT_EQ(One("sign", {F(2.5f)}), I32(1));
}

// DuckDB: floor(-0.5::DOUBLE) = -1, ceil(-0.5::DOUBLE) = -0.0.
TEST(MathKernels, FloorAndCeil) {
  EXPECT_EQ(One("floor", {D(-0.5)}), D(-1));
  const Value c = One("ceil", {D(-0.5)});
  EXPECT_EQ(Bits(c.double_value()), Bits(-0.0));
  EXPECT_EQ(One("floor", {F(2.7f)}), F(2.0f));
  EXPECT_EQ(One("ceil", {F(2.1f)}), F(3.0f));
  EXPECT_EQ(One("ceil", {D(kInf)}), D(kInf));
}

// DuckDB: round(2.5::DOUBLE), round(-2.5::DOUBLE), round(0.5::FLOAT),
// round(1.25::DOUBLE, 1), round(1.005::DOUBLE, 2), round(15::INTEGER, -1),
// round(-15::BIGINT, -1), round(123.456::DOUBLE, -1), round(1.5::DOUBLE,
// 400), round(1e300::DOUBLE, -400), round(1.5::DOUBLE, -400),
// round(25::INTEGER, -5), round('NaN'::DOUBLE), round('inf'::DOUBLE, 2),
// round(-0.4::DOUBLE), round(5::BIGINT, 3) =
// 3, -3, 1, 1.3, 1, 20, -20, 120, 1.5, 0, 0, 0, NaN, Infinity, -0.0, 5;
// round('NaN'::DOUBLE, -1), round('inf'::DOUBLE, -1) = 0, 0;
// round(1234::BIGINT, -19), round(1234::INTEGER, -2147483647) = 0, 0.
TEST(MathKernels, RoundHalfAwayFromZeroAsDuckDb) {
  EXPECT_EQ(One("round", {D(2.5)}), D(3));
  EXPECT_EQ(One("round", {D(-2.5)}), D(-3));
  EXPECT_EQ(One("round", {F(0.5f)}), F(1));
  EXPECT_EQ(One("round", {D(1.25), I64(1)}), D(1.3));
  EXPECT_EQ(One("round", {D(1.005), I64(2)}), D(1));
  EXPECT_EQ(One("round", {I32(15), I64(-1)}), I32(20));
  EXPECT_EQ(One("round", {I64(-15), I64(-1)}), I64(-20));
  EXPECT_EQ(One("round", {I64(14), I64(-1)}), I64(10));
  EXPECT_EQ(One("round", {D(123.456), I64(-1)}), D(120));
  EXPECT_EQ(One("round", {D(1.5), I64(400)}), D(1.5));
  EXPECT_EQ(One("round", {D(1e300), I64(-400)}), D(0));
  EXPECT_EQ(One("round", {D(1.5), I64(-400)}), D(0));
  EXPECT_EQ(One("round", {I32(25), I64(-5)}), I32(0));
  EXPECT_TRUE(std::isnan(One("round", {D(kNaN)}).double_value()));
  EXPECT_EQ(One("round", {D(kInf), I64(2)}), D(kInf));
  EXPECT_EQ(Bits(One("round", {D(-0.4)}).double_value()), Bits(-0.0));
  EXPECT_EQ(One("round", {I64(5), I64(3)}), I64(5));
  EXPECT_EQ(One("round", {D(kNaN), I64(-1)}), D(0));
  EXPECT_EQ(One("round", {D(kInf), I64(-1)}), D(0));
  EXPECT_EQ(One("round", {I64(1234), I64(-19)}), I64(0));
  EXPECT_EQ(One("round", {I32(1234), I64(-2147483647)}), I32(0));
  // DuckDB: round(1.5::FLOAT, 1) = 1.5; round(2.5::DOUBLE, 0) = 3.
  EXPECT_EQ(One("round", {F(1.5f), I64(1)}), F(1.5f));
  EXPECT_EQ(One("round", {D(2.5), I64(0)}), D(3));
}

// DuckDB wraps round(2147483647::INTEGER, -1) to -2147483646 and
// round((-2147483647-1)::INTEGER, -1) to 2147483646; the true results do not
// fit, so Tessera counts them as overflow errors.
TEST(MathKernels, RoundIntegerOverflowIsAnError) {
  Call c = Invoke("round", {Col(DataType::Int32(), {I32(2147483647), I32(kI32Min), I32(7)}),
                            Col(DataType::Int64(), {I64(-1), I64(-1), I64(-1)})});
  EXPECT_EQ(c.values(),
            (std::vector<Value>{Null(DataType::Int32()), Null(DataType::Int32()), I32(10)}));
  EXPECT_EQ(c.stats.error_rows, 2);
  EXPECT_EQ(c.stats.first_error, "integer overflow in round");
  // DuckDB wraps round(9223372036854775807::BIGINT, -1) to
  // -9223372036854775800; by hand, ...807 rounds to ...810 (overflow) at -1
  // and to ...800 at -2.
  EXPECT_TRUE(One("round", {I64(std::numeric_limits<int64_t>::max()), I64(-1)}).is_null());
  EXPECT_EQ(One("round", {I64(std::numeric_limits<int64_t>::max()), I64(-2)}),
            I64(9223372036854775800));
}

// DuckDB: sqrt(-1) "cannot take square root of a negative number",
// sqrt(-0.0) = -0.0; ln(0) "cannot take logarithm of zero", ln(-1)
// "... of a negative number", log10('NaN') = NaN, ln('inf') = Infinity;
// exp(1000) = Infinity; pow(10, 400) = Infinity, pow(-8, 1/3) = NaN,
// pow(0, -1) = Infinity.
TEST(MathKernels, DomainErrorsAndSpecialValues) {
  Call c = Invoke("sqrt", {Col(DataType::Double(), {D(4), D(-1), D(-0.0), D(kNaN)})});
  EXPECT_EQ(c.at(0), D(2));
  EXPECT_TRUE(c.at(1).is_null());
  EXPECT_EQ(Bits(c.at(2).double_value()), Bits(-0.0));
  EXPECT_TRUE(std::isnan(c.at(3).double_value()));
  EXPECT_EQ(c.stats.error_rows, 1);
  EXPECT_EQ(c.stats.first_error, "sqrt of a negative number");

  Call ln = Invoke("ln", {Col(DataType::Double(), {D(0), D(-1), D(kInf), D(1)})});
  EXPECT_EQ(ln.values(), (std::vector<Value>{Null(DataType::Double()), Null(DataType::Double()),
                                             D(kInf), D(0)}));
  EXPECT_EQ(ln.stats.error_rows, 2);
  EXPECT_EQ(ln.stats.first_error, "ln of zero");
  Call lg;
  EXPECT_TRUE(One("log10", {D(0)}, &lg).is_null());
  EXPECT_EQ(lg.stats.first_error, "log10 of zero");
  EXPECT_TRUE(std::isnan(One("log10", {D(kNaN)}).double_value()));
  EXPECT_EQ(One("log10", {D(1000)}), D(3));
  EXPECT_EQ(One("exp", {D(1000)}), D(kInf));
  EXPECT_EQ(One("exp", {D(0)}), D(1));
  EXPECT_EQ(One("pow", {D(10), D(400)}), D(kInf));
  EXPECT_TRUE(std::isnan(One("pow", {D(-8), D(1.0 / 3)}).double_value()));
  EXPECT_EQ(One("pow", {D(0), D(-1)}), D(kInf));
  EXPECT_EQ(One("pow", {D(2), D(10)}), D(1024));
}

TEST(MathKernels, NullsPropagateAndEmptyInputGivesEmptyOutput) {
  Call c = Invoke("pow", {Col(DataType::Double(), {D(2), Null(DataType::Double()), D(3)}),
                          Col(DataType::Double(), {Null(DataType::Double()), D(2), D(2)})});
  EXPECT_EQ(c.values(),
            (std::vector<Value>{Null(DataType::Double()), Null(DataType::Double()), D(9)}));
  EXPECT_EQ(c.stats.error_rows, 0);
  Call e = Invoke("abs", {Col(DataType::Int64(), {})});
  EXPECT_EQ(e.out->length(), 0);
  Call r = Invoke("round", {Col(DataType::Double(), {}), Col(DataType::Int64(), {})});
  EXPECT_EQ(r.out->length(), 0);
}

// DuckDB: least(1, NULL, 3) = 1, greatest(NULL::INT, NULL) = NULL,
// least('b', 'a', NULL) = 'a', least(1.0, 'NaN') = 1, greatest(1.0, 'NaN')
// = NaN, least(0.0, -0.0) = 0 (the first), greatest(-0.0, 0.0) = -0.0.
TEST(CompareKernels, LeastGreatestSkipNullsAndOrderNaNLast) {
  const DataType i64 = DataType::Int64();
  Call c = Invoke("least", {Col(i64, {I64(1), Null(i64)}), Col(i64, {Null(i64), Null(i64)}),
                            Col(i64, {I64(3), Null(i64)})});
  EXPECT_EQ(c.values(), (std::vector<Value>{I64(1), Null(i64)}));
  EXPECT_EQ(One("least", {S("b"), S("a"), Null(DataType::String())}), S("a"));
  EXPECT_EQ(One("greatest", {S("b"), S("ab")}), S("b"));
  EXPECT_EQ(One("least", {D(1), D(kNaN)}), D(1));
  EXPECT_TRUE(std::isnan(One("greatest", {D(1), D(kNaN)}).double_value()));
  EXPECT_EQ(Bits(One("least", {D(0.0), D(-0.0)}).double_value()), Bits(0.0));
  EXPECT_EQ(Bits(One("greatest", {D(-0.0), D(0.0)}).double_value()), Bits(-0.0));
  EXPECT_EQ(One("greatest", {Ts("2024-01-01"), Ts("2023-01-01")}), Ts("2024-01-01"));
  EXPECT_EQ(One("least", {B(true), B(false)}), B(false));
  // Bytes compare unsigned: "\xff" sorts after "a".
  EXPECT_EQ(One("greatest", {S("a"), S("\xc3\xa9")}), S("\xc3\xa9"));
}

// DuckDB: nullif(1, 1) = NULL, nullif(NULL::INT, 1) = NULL, nullif(1,
// NULL::INT) = 1, nullif('NaN', 'NaN') = NULL, nullif(0.0, -0.0) = NULL.
TEST(CompareKernels, NullIf) {
  EXPECT_TRUE(One("nullif", {I64(1), I64(1)}).is_null());
  EXPECT_TRUE(One("nullif", {Null(DataType::Int64()), I64(1)}).is_null());
  EXPECT_EQ(One("nullif", {I64(1), Null(DataType::Int64())}), I64(1));
  EXPECT_EQ(One("nullif", {I64(1), I64(2)}), I64(1));
  EXPECT_TRUE(One("nullif", {D(kNaN), D(kNaN)}).is_null());
  EXPECT_TRUE(One("nullif", {D(0.0), D(-0.0)}).is_null());
  EXPECT_EQ(One("nullif", {D(kNaN), D(1)}).type(), DataType::Double());
  EXPECT_TRUE(One("nullif", {S("x"), S("x")}).is_null());
  EXPECT_EQ(One("nullif", {S("x"), S("y")}), S("x"));
}

// A kernel run on a selection of the rows (one CASE branch) reports its
// row i as input row row_ids[i].
TEST(MathKernels, ErrorsOnASelectionMapToInputRows) {
  const FunctionDef* f = FindFunction("sqrt");
  ArrayPtr x = Col(DataType::Double(), {D(1), D(-1), D(-4)});
  std::vector<uint8_t> error_rows(10, 0);
  EvalStats stats;
  KernelContext base(&error_rows, &stats);
  const int64_t row_ids[] = {2, 5, 9};
  KernelContext ctx = base.WithRowIds(row_ids);
  ArrayPtr out;
  ASSERT_TRUE(f->kernel(&ctx, {x.get()}, 3, DataType::Double(), &out).ok());
  EXPECT_EQ(out->GetValue(0), D(1));
  EXPECT_TRUE(out->IsNull(1));
  EXPECT_TRUE(out->IsNull(2));
  EXPECT_EQ(stats.error_rows, 2);
  EXPECT_EQ(stats.first_error_row, 5);
  EXPECT_EQ(error_rows[5], 1);
  EXPECT_EQ(error_rows[9], 1);
  EXPECT_EQ(error_rows[1], 0);
}

}  // namespace
}  // namespace tessera::expr
