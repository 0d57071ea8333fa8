// Kernels of the list functions. Expected values are DuckDB 1.5.6's
// (list_avg for list_mean, list_dot_product for dot,
// list_cosine_similarity for cosine_similarity; queries quoted above each
// block) or hand-computed where stated.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "function_test_util.h"

namespace tessera::expr {
namespace {

using namespace fn_test;  // NOLINT

const DataType kLI = DataType::List(TypeId::kInt64);
const DataType kLD = DataType::List(TypeId::kDouble);
const DataType kLF = DataType::List(TypeId::kFloat);
const DataType kLS = DataType::List(TypeId::kString);
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Value LI(std::vector<Value> v) { return List(TypeId::kInt64, std::move(v)); }
Value LD(std::vector<Value> v) { return List(TypeId::kDouble, std::move(v)); }
Value LF(std::vector<Value> v) { return List(TypeId::kFloat, std::move(v)); }
Value NI() { return Null(DataType::Int64()); }

// DuckDB: len([]::BIGINT[]), list_sum([]::BIGINT[]), list_avg([]::DOUBLE[]),
// list_min([]::DOUBLE[]), list_sum([1, NULL, 2]), list_avg([1, NULL, 2]),
// list_min([NULL::INT]), list_sum([NULL::BIGINT]), len([NULL, 1]) =
// 0, NULL, NULL, NULL, 3, 1.5, NULL, NULL, 2.
TEST(ListKernels, AggregatesSkipNullElementsAndAreNullWhenEmpty) {
  Call len = Invoke("len", {Col(kLI, {LI({}), LI({NI(), I64(1)}), Null(kLI)})});
  EXPECT_EQ(len.values(), (std::vector<Value>{I64(0), I64(2), NI()}));
  Call sum =
      Invoke("list_sum", {Col(kLI, {LI({}), LI({I64(1), NI(), I64(2)}), LI({NI()}), Null(kLI)})});
  EXPECT_EQ(sum.values(), (std::vector<Value>{NI(), I64(3), NI(), NI()}));
  EXPECT_EQ(sum.stats.error_rows, 0);
  EXPECT_EQ(One("list_mean", {LI({I64(1), NI(), I64(2)})}), D(1.5));
  EXPECT_TRUE(One("list_mean", {LD({})}).is_null());
  EXPECT_TRUE(One("list_min", {LD({})}).is_null());
  EXPECT_TRUE(One("list_max", {LI({NI()})}).is_null());
}

// DuckDB: list_sum([9223372036854775807, 1]) = 9223372036854775808
// (HUGEINT); Tessera's int64 cannot hold it: an error row. By hand,
// [INT64_MAX, 1, -1] sums to INT64_MAX (the running sum may leave the
// range). DuckDB: list_avg([9223372036854775807, 9223372036854775807]) =
// 9223372036854776000.
TEST(ListKernels, IntegerSumOverflowIsAnError) {
  const int64_t max = std::numeric_limits<int64_t>::max();
  Call c =
      Invoke("list_sum", {Col(kLI, {LI({I64(max), I64(1)}), LI({I64(max), I64(1), I64(-1)})})});
  EXPECT_EQ(c.values(), (std::vector<Value>{NI(), I64(max)}));
  EXPECT_EQ(c.stats.error_rows, 1);
  EXPECT_EQ(c.stats.first_error, "integer overflow in list_sum");
  EXPECT_EQ(One("list_mean", {LI({I64(max), I64(max)})}), D(9223372036854776000.0));
}

// DuckDB: list_sum([16777216::FLOAT, 1 x 17]) = 16777233 (DOUBLE: summed in
// double), list_sum([0.1, 0.2, 0.3]::DOUBLE[]) = 0.6000000000000001 (in
// order), list_sum([1.5::FLOAT, 'NaN']) = NaN, list_avg([1::BIGINT, 2]) =
// 1.5.
TEST(ListKernels, FloatingSumsRunInDoubleInListOrder) {
  std::vector<Value> f = {F(16777216.0f)};
  for (int i = 0; i < 17; ++i) f.push_back(F(1));
  EXPECT_EQ(One("list_sum", {LF(f)}), D(16777233));
  EXPECT_EQ(One("list_sum", {LD({D(0.1), D(0.2), D(0.3)})}), D(0.6000000000000001));
  EXPECT_TRUE(std::isnan(One("list_sum", {LF({F(1.5f), F(NAN)})}).double_value()));
  EXPECT_EQ(One("list_mean", {LI({I64(1), I64(2)})}), D(1.5));
}

// DuckDB: list_min([1.0, 'NaN']) = 1, list_max([1.0, 'NaN']) = NaN,
// list_min([-0.0, 0.0]) = -0.0, list_min([0.0, -0.0]) = 0, list_max(['b',
// 'a']) = 'b'; list_min([1.0::FLOAT]) is FLOAT.
TEST(ListKernels, MinMaxOrderNaNLastAndKeepTheFirstOfTies) {
  EXPECT_EQ(One("list_min", {LD({D(1), D(kNaN)})}), D(1));
  EXPECT_TRUE(std::isnan(One("list_max", {LD({D(1), D(kNaN)})}).double_value()));
  EXPECT_EQ(Bits(One("list_min", {LD({D(-0.0), D(0.0)})}).double_value()), Bits(-0.0));
  EXPECT_EQ(Bits(One("list_min", {LD({D(0.0), D(-0.0)})}).double_value()), Bits(0.0));
  Call s = Invoke("list_max",
                  {Col(kLS, {List(TypeId::kString, {S("b"), S("a")}),
                             List(TypeId::kString, {Null(DataType::String())}),
                             List(TypeId::kString, {S("é"), S("z"), Null(DataType::String())})})});
  EXPECT_EQ(s.values(), (std::vector<Value>{S("b"), Null(DataType::String()), S("é")}));
  EXPECT_EQ(One("list_min", {LF({F(2.5f), F(-1.5f)})}), F(-1.5f));
  EXPECT_EQ(One("list_max", {LI({I64(3), NI(), I64(9), I64(-4)})}), I64(9));
}

// DuckDB: list_dot_product([]::DOUBLE[], []::DOUBLE[]) = 0;
// list_dot_product([1.0, 2.0], [1.0]) raises "list dimensions must be
// equal"; a NULL element raises "can not contain NULL values";
// list_dot_product([1::BIGINT], [1::BIGINT]) is DOUBLE.
TEST(ListKernels, DotRejectsUnequalLengthsAndNullElements) {
  Call c = Invoke(
      "dot",
      {Col(kLD, {LD({}), LD({D(1), D(2)}), LD({D(1), Null(DataType::Double())}),
                 LD({D(1), D(2), D(3)}), Null(kLD)}),
       Col(kLD, {LD({}), LD({D(1)}), LD({D(1), D(2)}), LD({D(4), D(-5), D(0.5)}), LD({D(1)})})});
  EXPECT_EQ(c.values(),
            (std::vector<Value>{D(0), Null(DataType::Double()), Null(DataType::Double()), D(-4.5),
                                Null(DataType::Double())}));
  EXPECT_EQ(c.stats.error_rows, 2);
  EXPECT_EQ(c.stats.first_error_row, 1);
  EXPECT_EQ(c.stats.first_error, "lists of different lengths in dot");
  EXPECT_EQ(One("dot", {LI({I64(3), I64(4)}), LI({I64(5), I64(6)})}), D(39));
  EXPECT_EQ(One("dot", {LF({F(1.5f), F(2)}), LF({F(2), F(0.25f)})}), F(3.5f));
}

// DuckDB: list_cosine_similarity([1, 2, 3], [4, 5, 6]) = 0.9746318461970762
// (DOUBLE); for FLOAT lists DuckDB accumulates in float (0.9746319055557251)
// where Tessera accumulates in double and rounds once, one float ulp lower
// here (docs/EXPRESSIONS.md). Of a zero vector
// ([0.0, 0.0], [1.0, 2.0]) = -1 and of ([1.0, 'NaN'], [1.0, 2.0]) = -1
// (DuckDB 1.5.6 clamps NaN with max(-1, min(x, 1))); of two empty lists
// NULL; ([1e200, 0], [1e200, 0]) = -1 (the norms overflow).
TEST(ListKernels, CosineSimilarityAsDuckDb) {
  EXPECT_EQ(One("cosine_similarity", {LD({D(1), D(2), D(3)}), LD({D(4), D(5), D(6)})}),
            D(0.9746318461970762));
  EXPECT_EQ(One("cosine_similarity", {LF({F(1), F(2), F(3)}), LF({F(4), F(5), F(6)})}),
            F(static_cast<float>(0.9746318461970762)));
  EXPECT_NE(static_cast<float>(0.9746318461970762), 0.9746319055557251f);
  EXPECT_EQ(One("cosine_similarity", {LD({D(0), D(0)}), LD({D(1), D(2)})}), D(-1));
  EXPECT_EQ(One("cosine_similarity", {LD({D(1), D(kNaN)}), LD({D(1), D(2)})}), D(-1));
  EXPECT_TRUE(One("cosine_similarity", {LD({}), LD({})}).is_null());
  EXPECT_EQ(One("cosine_similarity", {LD({D(1e200), D(0)}), LD({D(1e200), D(0)})}), D(-1));
  // Hand-computed: parallel vectors give 1, opposite ones -1.
  EXPECT_EQ(One("cosine_similarity", {LD({D(3), D(4)}), LD({D(6), D(8)})}), D(1));
  EXPECT_EQ(One("cosine_similarity", {LI({I64(1), I64(0)}), LI({I64(-2), I64(0)})}), D(-1));
}

// Hand-computed: l2_norm([3, 4]) = 5, of [] = 0; l2_norm equals
// sqrt(dot(x, x)) (DuckDB has no l2_norm); a null element is an error row
// as in dot.
TEST(ListKernels, L2Norm) {
  Call c = Invoke(
      "l2_norm",
      {Col(kLF, {LF({F(3), F(4)}), LF({}), LF({F(1), Null(DataType::Float())}), Null(kLF)})});
  EXPECT_EQ(c.values(),
            (std::vector<Value>{D(5), D(0), Null(DataType::Double()), Null(DataType::Double())}));
  EXPECT_EQ(c.stats.error_rows, 1);
  EXPECT_EQ(c.stats.first_error, "null list element in l2_norm");
  EXPECT_EQ(One("l2_norm", {LI({I64(1), I64(2), I64(2)})}), D(3));
}

TEST(ListKernels, EmbeddingSizedListsAndEmptyInput) {
  // Hand-computed: 64 elements of 0.5 and 64 of 2: dot = 64, norms 4 and 16.
  std::vector<Value> a, b;
  for (int i = 0; i < 64; ++i) {
    a.push_back(F(0.5f));
    b.push_back(F(2.0f));
  }
  EXPECT_EQ(One("dot", {LF(a), LF(b)}), F(64));
  EXPECT_EQ(One("cosine_similarity", {LF(a), LF(b)}), F(1));
  EXPECT_EQ(One("l2_norm", {LF(a)}), D(4));
  EXPECT_EQ(Invoke("cosine_similarity", {Col(kLF, {}), Col(kLF, {})}).out->length(), 0);
  EXPECT_EQ(Invoke("list_min", {Col(kLS, {})}).out->length(), 0);
}

}  // namespace
}  // namespace tessera::expr
