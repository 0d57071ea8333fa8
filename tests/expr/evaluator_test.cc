// The evaluator against a brute-force per-row reference written here
// independently (Values, __int128 overflow checks, the operators' SQL
// definitions), on random columns with nulls and edge values, plus exact
// cases checked with DuckDB 1.5 (its output quoted in comments).
#include "tessera/expr/evaluator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "tessera/expr/eval_util.h"
#include "test_seed.h"
#include "tree_builder.h"

namespace tessera::expr {
namespace {

using namespace testing;  // NOLINT: the test tree builder

constexpr int64_t kI64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kI64Max = std::numeric_limits<int64_t>::max();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ---- random columns with edge values --------------------------------------

Value RandomValue(TypeId t, std::mt19937_64& rng) {
  std::uniform_int_distribution<int> pick(0, 9);
  if (pick(rng) == 0) return Value::Null(DataType(t));
  const int edge = pick(rng);
  switch (t) {
    case TypeId::kInt32: {
      const int32_t edges[] = {0, 1, -1, INT32_MIN, INT32_MAX, 7, -7, 3};
      if (edge < 4) return Value::Int32(edges[rng() % 8]);
      return Value::Int32(static_cast<int32_t>(rng() % 2001) - 1000);
    }
    case TypeId::kInt64: {
      const int64_t edges[] = {0, 1, -1, kI64Min, kI64Max, 7, -7, 3037000500};
      if (edge < 4) return Value::Int64(edges[rng() % 8]);
      return Value::Int64(static_cast<int64_t>(rng() % 2001) - 1000);
    }
    case TypeId::kFloat:
    case TypeId::kDouble: {
      const double edges[] = {0.0, -0.0, kNaN, kInf, -kInf, 1e308, -2.5, 0.5};
      const double v =
          edge < 4 ? edges[rng() % 8] : std::uniform_real_distribution<double>(-100, 100)(rng);
      return t == TypeId::kFloat ? Value::Float(static_cast<float>(v)) : Value::Double(v);
    }
    case TypeId::kBool: return Value::Bool(rng() & 1);
    case TypeId::kTimestamp: return Value::Timestamp(static_cast<int64_t>(rng() % 1000) - 500);
    case TypeId::kString: {
      // Valid UTF-8 only: a string column holds UTF-8 (the readers check it).
      const char* edges[] = {"", "a", "ab", "abc", "é", "b", "a%", "€"};
      if (edge < 6) return Value::String(edges[rng() % 8]);
      std::string s;
      const int len = static_cast<int>(rng() % 5);
      const char* pieces[] = {"a", "b", "c", "é"};
      for (int i = 0; i < len; ++i) s.append(pieces[rng() % 4]);
      return Value::String(s);
    }
    default: return Value::Null(DataType(t));
  }
}

std::vector<Value> RandomColumn(TypeId t, int n, std::mt19937_64& rng) {
  std::vector<Value> v;
  for (int i = 0; i < n; ++i) v.push_back(RandomValue(t, rng));
  return v;
}

// ---- evaluation helpers -----------------------------------------------------

struct Evaluated {
  std::vector<Value> values;
  EvalStats stats;
};

Evaluated EvalRows(const Node& root, const std::vector<ArrayPtr>& cols, int64_t n) {
  Evaluated e;
  Result<ArrayPtr> r = EvaluateTree(root, cols, n, &e.stats);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return e;
  EXPECT_EQ((*r)->length(), n);
  EXPECT_EQ((*r)->type(), root.type);
  for (int64_t i = 0; i < n; ++i) e.values.push_back((*r)->GetValue(i));
  return e;
}

// One row of the reference: the value, or an error (DuckDB raises).
struct Ref {
  Value value;
  bool error = false;
};

// Checks a binary operator over two columns, and with either side a
// constant, against `ref`.
void CheckBinary(Op op, TypeId in, DataType out,
                 const std::function<Ref(const Value&, const Value&)>& ref, uint64_t seed) {
  std::mt19937_64 rng(seed);
  const int n = 300;
  const std::vector<Value> a = RandomColumn(in, n, rng), b = RandomColumn(in, n, rng);
  const DataType t(in);
  const std::vector<ArrayPtr> cols = {ArrayOf(t, a), ArrayOf(t, b)};
  for (int shape = 0; shape < 3; ++shape) {
    // shape 0: col op col; 1: col op b[0]; 2: a[0] op col
    NodePtr lhs = shape == 2 ? Lit(a[0]) : Col(0, t);
    NodePtr rhs = shape == 1 ? Lit(b[0]) : Col(1, t);
    if (a[0].is_null() && shape == 2) lhs->value = Value::Null(t), lhs->type = t;
    NodePtr root = Bin(op, std::move(lhs), std::move(rhs), out);
    const Evaluated got = EvalRows(*root, cols, n);
    ASSERT_EQ(got.values.size(), static_cast<size_t>(n));
    int64_t errors = 0;
    int64_t first = -1;
    for (int i = 0; i < n; ++i) {
      const Value& x = shape == 2 ? a[0] : a[i];
      const Value& y = shape == 1 ? b[0] : b[i];
      const Ref want = ref(x, y);
      if (want.error) {
        ++errors;
        if (first < 0) first = i;
        EXPECT_TRUE(got.values[i].is_null()) << "row " << i;
      } else {
        EXPECT_TRUE(SameValue(got.values[i], want.value))
            << "row " << i << " shape " << shape << ": " << x.ToString() << " , " << y.ToString()
            << " gave " << got.values[i].ToString() << ", want " << want.value.ToString();
      }
    }
    EXPECT_EQ(got.stats.error_rows, errors) << "shape " << shape;
    EXPECT_EQ(got.stats.first_error_row, first) << "shape " << shape;
  }
}

Value MakeNumber(TypeId t, __int128 v) {
  return t == TypeId::kInt32 ? Value::Int32(static_cast<int32_t>(v))
                             : Value::Int64(static_cast<int64_t>(v));
}

// Integer + - * % by the SQL definition, overflow found with __int128.
Ref IntRef(Op op, TypeId t, const Value& x, const Value& y) {
  if (x.is_null() || y.is_null()) return {Value::Null(DataType(t))};
  const __int128 a = x.int_value(), b = y.int_value();
  __int128 r = 0;
  switch (op) {
    case Op::kAdd: r = a + b; break;
    case Op::kSub: r = a - b; break;
    case Op::kMul: r = a * b; break;
    case Op::kMod:
      if (b == 0) return {Value::Null(DataType(t))};  // DuckDB: 7 % 0 -> NULL
      r = a % b;                                      // sign of the dividend
      // DuckDB: MIN % -1 -> "Overflow in division of -9223372036854775808 / -1"
      if (b == -1 && a == (t == TypeId::kInt32 ? INT32_MIN : kI64Min))
        return {Value::Null(DataType(t)), true};
      break;
    default: break;
  }
  const __int128 lo = t == TypeId::kInt32 ? INT32_MIN : kI64Min;
  const __int128 hi = t == TypeId::kInt32 ? INT32_MAX : kI64Max;
  if (r < lo || r > hi) return {Value::Null(DataType(t)), true};
  return {MakeNumber(t, r)};
}

template <typename T>
Ref FloatRef(Op op, const Value& x, const Value& y) {
  const DataType t = std::is_same_v<T, float> ? DataType::Float() : DataType::Double();
  if (x.is_null() || y.is_null()) return {Value::Null(t)};
  const T a = static_cast<T>(x.double_value()), b = static_cast<T>(y.double_value());
  T r = 0;
  switch (op) {
    case Op::kAdd: r = a + b; break;
    case Op::kSub: r = a - b; break;
    case Op::kMul: r = a * b; break;
    case Op::kDiv: r = a / b; break;            // DuckDB 1.5: 1/0 -> Infinity, 0/0 -> NaN
    case Op::kMod: r = std::fmod(a, b); break;  // DuckDB: 7.0 % 0.0 -> NaN, -7.5 % 2 -> -1.5
    default: break;
  }
  return {std::is_same_v<T, float> ? Value::Float(static_cast<float>(r)) : Value::Double(r)};
}

TEST(EvaluatorArith, IntegersMatchReference) {
  const tessera::testing::RandomTestParams params(71, 1);
  SCOPED_TRACE(params.Trace());
  for (TypeId t : {TypeId::kInt32, TypeId::kInt64}) {
    for (Op op : {Op::kAdd, Op::kSub, Op::kMul, Op::kMod}) {
      SCOPED_TRACE(std::string(TypeIdName(t)) + " op " + std::to_string(static_cast<int>(op)));
      CheckBinary(
          op, t, DataType(t), [&](const Value& x, const Value& y) { return IntRef(op, t, x, y); },
          params.seed + static_cast<uint64_t>(op));
    }
  }
}

TEST(EvaluatorArith, FloatingPointIsIeee) {
  const tessera::testing::RandomTestParams params(72, 1);
  SCOPED_TRACE(params.Trace());
  for (Op op : {Op::kAdd, Op::kSub, Op::kMul, Op::kDiv, Op::kMod}) {
    CheckBinary(
        op, TypeId::kFloat, DataType::Float(),
        [&](const Value& x, const Value& y) { return FloatRef<float>(op, x, y); },
        params.seed + static_cast<uint64_t>(op));
    CheckBinary(
        op, TypeId::kDouble, DataType::Double(),
        [&](const Value& x, const Value& y) { return FloatRef<double>(op, x, y); },
        params.seed + 100 + static_cast<uint64_t>(op));
  }
}

TEST(EvaluatorArith, DuckDbEdgeCases) {
  auto eval = [](NodePtr root) {
    const Evaluated e = EvalRows(*root, {}, 1);
    return std::make_pair(e.values.at(0), e.stats);
  };
  // DuckDB: SELECT 7 % -3, -7 % 3, 7 % 0 -> [1,-1,null]
  EXPECT_EQ(
      eval(Bin(Op::kMod, Lit(Value::Int64(7)), Lit(Value::Int64(-3)), DataType::Int64())).first,
      Value::Int64(1));
  EXPECT_EQ(
      eval(Bin(Op::kMod, Lit(Value::Int64(-7)), Lit(Value::Int64(3)), DataType::Int64())).first,
      Value::Int64(-1));
  auto mod0 = eval(Bin(Op::kMod, Lit(Value::Int64(7)), Lit(Value::Int64(0)), DataType::Int64()));
  EXPECT_TRUE(mod0.first.is_null());
  EXPECT_TRUE(mod0.second.ok());  // null, not an error
  // DuckDB: SELECT 9223372036854775807::BIGINT * 2::BIGINT ->
  //   "Overflow in multiplication of INT64 (9223372036854775807 * 2)!"
  auto ovf =
      eval(Bin(Op::kMul, Lit(Value::Int64(kI64Max)), Lit(Value::Int64(2)), DataType::Int64()));
  EXPECT_TRUE(ovf.first.is_null());
  EXPECT_EQ(ovf.second.error_rows, 1);
  EXPECT_EQ(ovf.second.first_error, "integer overflow in '*'");
  // DuckDB: SELECT -((-2147483647-1)::INTEGER) -> "Overflow in negation of numeric value!"
  auto neg = eval(Un(Op::kNeg, Lit(Value::Int32(INT32_MIN)), DataType::Int32()));
  EXPECT_TRUE(neg.first.is_null());
  EXPECT_EQ(neg.second.first_error, "integer overflow in unary '-'");
  // DuckDB: SELECT -(0.0::DOUBLE) -> -0.0
  auto negz = eval(Un(Op::kNeg, Lit(Value::Double(0.0)), DataType::Double()));
  EXPECT_TRUE(std::signbit(negz.first.double_value()));
  // DuckDB: SELECT 5::DOUBLE / -0.0::DOUBLE, 0.0::DOUBLE/0.0::DOUBLE -> [-Infinity, NaN]
  EXPECT_EQ(eval(Bin(Op::kDiv, Lit(Value::Double(5)), Lit(Value::Double(-0.0)), DataType::Double()))
                .first,
            Value::Double(-kInf));
  EXPECT_TRUE(std::isnan(
      eval(Bin(Op::kDiv, Lit(Value::Double(0)), Lit(Value::Double(0)), DataType::Double()))
          .first.double_value()));
  // DuckDB: SELECT 1e308::DOUBLE * 10::DOUBLE -> Infinity (no error)
  auto big =
      eval(Bin(Op::kMul, Lit(Value::Double(1e308)), Lit(Value::Double(10)), DataType::Double()));
  EXPECT_EQ(big.first, Value::Double(kInf));
  EXPECT_TRUE(big.second.ok());
}

// ---- comparisons --------------------------------------------------------------

// DuckDB's total order on doubles: NaN = NaN, NaN above +inf, -0.0 = 0.0.
int RefOrder(const Value& x, const Value& y) {
  switch (x.type().id()) {
    case TypeId::kFloat:
    case TypeId::kDouble: {
      const double a = x.double_value(), b = y.double_value();
      if (std::isnan(a) || std::isnan(b)) return std::isnan(a) - std::isnan(b);
      return a < b ? -1 : (a > b ? 1 : 0);
    }
    case TypeId::kString: {
      const std::string& a = x.string_value();
      const std::string& b = y.string_value();
      // byte order, as unsigned bytes
      for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
        const unsigned char p = static_cast<unsigned char>(a[i]),
                            q = static_cast<unsigned char>(b[i]);
        if (p != q) return p < q ? -1 : 1;
      }
      return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
    }
    case TypeId::kBool: return static_cast<int>(x.bool_value()) - static_cast<int>(y.bool_value());
    default: return x.int_value() < y.int_value() ? -1 : (x.int_value() > y.int_value() ? 1 : 0);
  }
}

Ref CompareRef(Op op, const Value& x, const Value& y) {
  if (x.is_null() || y.is_null()) return {Value::Null(DataType::Bool())};
  const int c = RefOrder(x, y);
  bool r = false;
  switch (op) {
    case Op::kEq: r = c == 0; break;
    case Op::kNe: r = c != 0; break;
    case Op::kLt: r = c < 0; break;
    case Op::kLe: r = c <= 0; break;
    case Op::kGt: r = c > 0; break;
    default: r = c >= 0; break;
  }
  return {Value::Bool(r)};
}

TEST(EvaluatorCompare, AllTypesMatchReference) {
  const tessera::testing::RandomTestParams params(73, 1);
  SCOPED_TRACE(params.Trace());
  for (TypeId t : {TypeId::kInt32, TypeId::kInt64, TypeId::kFloat, TypeId::kDouble, TypeId::kString,
                   TypeId::kBool, TypeId::kTimestamp}) {
    for (Op op : {Op::kEq, Op::kNe, Op::kLt, Op::kLe, Op::kGt, Op::kGe}) {
      SCOPED_TRACE(std::string(TypeIdName(t)));
      CheckBinary(
          op, t, DataType::Bool(),
          [&](const Value& x, const Value& y) { return CompareRef(op, x, y); },
          params.seed + static_cast<uint64_t>(op) * 31 + static_cast<uint64_t>(t));
    }
  }
}

TEST(EvaluatorCompare, NaNOrderAsDuckDb) {
  // DuckDB: SELECT 'nan'::DOUBLE = 'nan'::DOUBLE, 'nan'::DOUBLE > 'inf'::DOUBLE,
  //   'nan'::DOUBLE < 1, -0.0::DOUBLE = 0.0::DOUBLE -> [true,true,false,true]
  auto cmp = [](Op op, double a, double b) {
    NodePtr root = Bin(op, Lit(Value::Double(a)), Lit(Value::Double(b)), DataType::Bool());
    return EvalRows(*root, {}, 1).values.at(0);
  };
  EXPECT_EQ(cmp(Op::kEq, kNaN, kNaN), Value::Bool(true));
  EXPECT_EQ(cmp(Op::kGt, kNaN, kInf), Value::Bool(true));
  EXPECT_EQ(cmp(Op::kLt, kNaN, 1), Value::Bool(false));
  EXPECT_EQ(cmp(Op::kEq, -0.0, 0.0), Value::Bool(true));
}

// ---- logic --------------------------------------------------------------------

Ref AndOrRef(Op op, const Value& x, const Value& y) {
  // Truth tables of SQL's three-valued logic.
  const int a = x.is_null() ? 2 : x.bool_value(), b = y.is_null() ? 2 : y.bool_value();
  if (op == Op::kAnd) {
    if (a == 0 || b == 0) return {Value::Bool(false)};
    if (a == 2 || b == 2) return {Value::Null(DataType::Bool())};
    return {Value::Bool(true)};
  }
  if (a == 1 || b == 1) return {Value::Bool(true)};
  if (a == 2 || b == 2) return {Value::Null(DataType::Bool())};
  return {Value::Bool(false)};
}

TEST(EvaluatorLogic, AndOrThreeValued) {
  for (Op op : {Op::kAnd, Op::kOr}) {
    CheckBinary(
        op, TypeId::kBool, DataType::Bool(),
        [&](const Value& x, const Value& y) { return AndOrRef(op, x, y); }, 74);
  }
}

TEST(EvaluatorLogic, NotIsNullInBetween) {
  std::mt19937_64 rng(75);
  const int n = 200;
  const std::vector<Value> b = RandomColumn(TypeId::kBool, n, rng);
  const std::vector<Value> x = RandomColumn(TypeId::kInt64, n, rng);
  const std::vector<ArrayPtr> cols = {ArrayOf(DataType::Bool(), b), ArrayOf(DataType::Int64(), x)};
  const Evaluated nots =
      EvalRows(*Un(Op::kNot, Col(0, DataType::Bool()), DataType::Bool()), cols, n);
  NodePtr isnull = MakeNode(NodeKind::kIsNull, DataType::Bool(), Kids(Col(1, DataType::Int64())));
  isnull->negated = true;
  const Evaluated notnull = EvalRows(*isnull, cols, n);
  // x IN (7, NULL, -1) and x NOT BETWEEN -7 AND 7
  NodePtr in = MakeNode(NodeKind::kIn, DataType::Bool(),
                        Kids(Col(1, DataType::Int64()), Lit(Value::Int64(7)),
                             Lit(Value::Null(DataType::Int64())), Lit(Value::Int64(-1))));
  const Evaluated ins = EvalRows(*in, cols, n);
  NodePtr between =
      MakeNode(NodeKind::kBetween, DataType::Bool(),
               Kids(Col(1, DataType::Int64()), Lit(Value::Int64(-7)), Lit(Value::Int64(7))));
  between->negated = true;
  const Evaluated betweens = EvalRows(*between, cols, n);
  for (int i = 0; i < n; ++i) {
    EXPECT_EQ(nots.values[i], b[i].is_null() ? b[i] : Value::Bool(!b[i].bool_value()));
    EXPECT_EQ(notnull.values[i], Value::Bool(!x[i].is_null()));
    // SQL: true on a match; else null because the list holds a NULL.
    const bool match = !x[i].is_null() && (x[i].int_value() == 7 || x[i].int_value() == -1);
    EXPECT_EQ(ins.values[i], match ? Value::Bool(true) : Value::Null(DataType::Bool())) << i;
    const Value want = x[i].is_null() ? Value::Null(DataType::Bool())
                                      : Value::Bool(x[i].int_value() < -7 || x[i].int_value() > 7);
    EXPECT_EQ(betweens.values[i], want) << i;
  }
}

TEST(EvaluatorLogic, InAndBetweenNullRulesAsDuckDb) {
  auto one = [](NodePtr root) { return EvalRows(*root, {}, 1).values.at(0); };
  const Value null_bool = Value::Null(DataType::Bool());
  auto in = [](int64_t x, bool negated) {
    NodePtr n = MakeNode(
        NodeKind::kIn, DataType::Bool(),
        Kids(Lit(Value::Int64(x)), Lit(Value::Int64(1)), Lit(Value::Null(DataType::Int64()))));
    n->negated = negated;
    return n;
  };
  // DuckDB: SELECT 1 IN (1, NULL), 2 IN (1, NULL), 2 NOT IN (1, NULL) -> [true,null,null]
  EXPECT_EQ(one(in(1, false)), Value::Bool(true));
  EXPECT_EQ(one(in(2, false)), null_bool);
  EXPECT_EQ(one(in(2, true)), null_bool);
  // DuckDB: SELECT 2 BETWEEN 1 AND NULL, 0 BETWEEN 1 AND NULL, 3 BETWEEN 5 AND 1 ->
  // [null,false,false]
  auto between = [](int64_t x, Value lo, Value hi) {
    return MakeNode(NodeKind::kBetween, DataType::Bool(),
                    Kids(Lit(Value::Int64(x)), Lit(std::move(lo)), Lit(std::move(hi))));
  };
  EXPECT_EQ(one(between(2, Value::Int64(1), Value::Null(DataType::Int64()))), null_bool);
  EXPECT_EQ(one(between(0, Value::Int64(1), Value::Null(DataType::Int64()))), Value::Bool(false));
  EXPECT_EQ(one(between(3, Value::Int64(5), Value::Int64(1))), Value::Bool(false));
}

// ---- strings -------------------------------------------------------------------

// LIKE by recursion over code points (independent of the evaluator's loop).
std::vector<std::string> CodePoints(const std::string& s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    len = std::min(len, s.size() - i);
    out.push_back(s.substr(i, len));
    i += len;
  }
  return out;
}

bool RefLike(const std::vector<std::string>& t, size_t i, const std::string& p, size_t j) {
  if (j == p.size()) return i == t.size();
  if (p[j] == '%') {
    for (size_t k = i; k <= t.size(); ++k) {
      if (RefLike(t, k, p, j + 1)) return true;
    }
    return false;
  }
  if (i == t.size()) return false;
  if (p[j] == '_') return RefLike(t, i + 1, p, j + 1);
  const std::string& cp = t[i];
  if (p.compare(j, cp.size(), cp) != 0) return false;
  return RefLike(t, i + 1, p, j + cp.size());
}

TEST(EvaluatorString, LikeMatchesReference) {
  std::mt19937_64 rng(76);
  const int n = 400;
  const std::vector<Value> text = RandomColumn(TypeId::kString, n, rng);
  const std::vector<std::string> patterns = {"%",   "a%", "%a", "%b%", "a_",   "_",  "__",   "a%c",
                                             "%é%", "é",  "",   "%_%", "a\\%", "ab", "%a%b%"};
  std::vector<Value> pat_col;
  for (int i = 0; i < n; ++i) {
    pat_col.push_back(i % 13 == 0 ? Value::Null(DataType::String())
                                  : Value::String(patterns[rng() % patterns.size()]));
  }
  const std::vector<ArrayPtr> cols = {ArrayOf(DataType::String(), text),
                                      ArrayOf(DataType::String(), pat_col)};
  for (size_t shape = 0; shape <= patterns.size(); ++shape) {
    // shape < size: a constant pattern (fast paths); else the pattern column.
    const bool constant = shape < patterns.size();
    NodePtr like =
        MakeNode(NodeKind::kLike, DataType::Bool(),
                 Kids(Col(0, DataType::String()),
                      constant ? Lit(Value::String(patterns[shape])) : Col(1, DataType::String())));
    like->negated = shape % 2 == 1;
    const Evaluated got = EvalRows(*like, cols, n);
    for (int i = 0; i < n; ++i) {
      const Value& p = constant ? Value::String(patterns[shape]) : pat_col[i];
      Value want = Value::Null(DataType::Bool());
      if (!text[i].is_null() && !p.is_null()) {
        want = Value::Bool(RefLike(CodePoints(text[i].string_value()), 0, p.string_value(), 0) !=
                           like->negated);
      }
      EXPECT_EQ(got.values[i], want) << text[i].ToString() << " LIKE " << p.ToString();
    }
  }
}

TEST(EvaluatorString, LikeAsDuckDb) {
  auto like = [](const char* t, const char* p) {
    NodePtr n = MakeNode(NodeKind::kLike, DataType::Bool(),
                         Kids(Lit(Value::String(t)), Lit(Value::String(p))));
    return EvalRows(*n, {}, 1).values.at(0);
  };
  // DuckDB: SELECT 'é' LIKE '_', 'a%c' LIKE 'a\%c', 'abc' LIKE 'A%', '' LIKE '%'
  //   -> [true,false,false,true]   (no default escape character)
  EXPECT_EQ(like("é", "_"), Value::Bool(true));
  EXPECT_EQ(like("a%c", "a\\%c"), Value::Bool(false));
  EXPECT_EQ(like("abc", "A%"), Value::Bool(false));
  EXPECT_EQ(like("", "%"), Value::Bool(true));
}

TEST(EvaluatorString, ConcatPropagatesNull) {
  std::mt19937_64 rng(77);
  const int n = 200;
  const std::vector<Value> a = RandomColumn(TypeId::kString, n, rng),
                           b = RandomColumn(TypeId::kString, n, rng);
  // DuckDB: SELECT 'a' || NULL -> null
  CheckBinary(
      Op::kConcat, TypeId::kString, DataType::String(),
      [](const Value& x, const Value& y) -> Ref {
        if (x.is_null() || y.is_null()) return {Value::Null(DataType::String())};
        return {Value::String(x.string_value() + y.string_value())};
      },
      78);
}

TEST(EvaluatorCompare, StringEqualsConstantOfEveryShortLength) {
  // col = 'abc...' and col != ... for needles of 0 to 12 bytes, over values
  // that differ in length, in the first or the last byte, and that sit at
  // the very end of the data buffer (where a word read would overrun).
  const std::string alphabet = "abcdefghijkl";
  std::vector<Value> col;
  for (size_t len = 0; len <= alphabet.size(); ++len) {
    std::string v = alphabet.substr(0, len);
    col.push_back(Value::String(v));
    if (len > 0) {
      std::string last = v, first = v;
      last.back() = 'z';
      first.front() = 'z';
      col.push_back(Value::String(last));
      col.push_back(Value::String(first));
    }
  }
  col.push_back(Value::Null(DataType::String()));
  const DataType str = DataType::String();
  for (size_t len = 0; len <= alphabet.size(); ++len) {
    const std::string needle = alphabet.substr(0, len);
    // The needle's own value last, so it ends the data buffer.
    std::vector<Value> values = col;
    values.push_back(Value::String(needle));
    const std::vector<ArrayPtr> cols = {ArrayOf(str, values)};
    for (Op op : {Op::kEq, Op::kNe}) {
      for (bool constant_first : {false, true}) {
        NodePtr root = constant_first
                           ? Bin(op, Lit(Value::String(needle)), Col(0, str), DataType::Bool())
                           : Bin(op, Col(0, str), Lit(Value::String(needle)), DataType::Bool());
        const Evaluated got = EvalRows(*root, cols, static_cast<int64_t>(values.size()));
        ASSERT_EQ(got.values.size(), values.size());
        for (size_t i = 0; i < values.size(); ++i) {
          Value want = Value::Null(DataType::Bool());
          if (!values[i].is_null()) {
            want = Value::Bool((values[i].string_value() == needle) == (op == Op::kEq));
          }
          EXPECT_EQ(got.values[i], want) << "needle '" << needle << "' row " << i;
        }
      }
    }
  }
}

TEST(EvaluatorUtil, SliceMatchesRowByRowCopy) {
  // Slices at offsets that are and are not on a byte of the validity
  // bitmap, of fixed-width, string and list columns with nulls.
  std::mt19937_64 rng(85);
  const int n = 203;
  const DataType list = DataType::List(TypeId::kInt32);
  std::vector<Value> lists;
  for (int i = 0; i < n; ++i) {
    if (i % 7 == 3) {
      lists.push_back(Value::Null(list));
      continue;
    }
    std::vector<Value> items;
    const uint64_t count = rng() % 4;
    for (uint64_t k = 0; k < count; ++k) items.push_back(RandomValue(TypeId::kInt32, rng));
    lists.push_back(Value::List(list, items));
  }
  const std::vector<std::pair<DataType, std::vector<Value>>> columns = {
      {DataType::Int32(), RandomColumn(TypeId::kInt32, n, rng)},
      {DataType::Bool(), RandomColumn(TypeId::kBool, n, rng)},
      {DataType::String(), RandomColumn(TypeId::kString, n, rng)},
      {list, lists}};
  for (const auto& [type, values] : columns) {
    const ArrayPtr a = ArrayOf(type, values);
    ASSERT_NE(a, nullptr);
    for (const auto& [offset, len] : std::vector<std::pair<int64_t, int64_t>>{
             {0, n}, {0, 5}, {8, 64}, {3, 100}, {13, 0}, {190, 13}, {1, n - 1}}) {
      Result<ArrayPtr> r = Slice(*a, offset, len);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      ASSERT_EQ((*r)->length(), len);
      ASSERT_EQ((*r)->type(), type);
      int64_t nulls = 0;
      for (int64_t i = 0; i < len; ++i) {
        EXPECT_EQ((*r)->GetValue(i), values[static_cast<size_t>(offset + i)])
            << type.ToString() << " offset " << offset << " row " << i;
        nulls += values[static_cast<size_t>(offset + i)].is_null();
      }
      EXPECT_EQ((*r)->null_count(), nulls);
    }
  }
}

// ---- CASE, if, coalesce ---------------------------------------------------------

TEST(EvaluatorCase, BranchesRunOnlyOnTheirRows) {
  // CASE WHEN c1 <> 0 THEN c0 * 2 WHEN c1 = 0 THEN c0 + 1 END: the overflow
  // of c0 * 2 counts only where c1 <> 0; rows with c1 null take no branch.
  std::mt19937_64 rng(79);
  const int n = 500;
  const std::vector<Value> a = RandomColumn(TypeId::kInt64, n, rng),
                           b = RandomColumn(TypeId::kInt64, n, rng);
  const std::vector<ArrayPtr> cols = {ArrayOf(DataType::Int64(), a), ArrayOf(DataType::Int64(), b)};
  const DataType i64 = DataType::Int64();
  NodePtr root = MakeNode(NodeKind::kCase, i64,
                          Kids(Bin(Op::kNe, Col(1, i64), Lit(Value::Int64(0)), DataType::Bool()),
                               Bin(Op::kMul, Col(0, i64), Lit(Value::Int64(2)), i64),
                               Bin(Op::kEq, Col(1, i64), Lit(Value::Int64(0)), DataType::Bool()),
                               Bin(Op::kAdd, Col(0, i64), Lit(Value::Int64(1)), i64)));
  const Evaluated got = EvalRows(*root, cols, n);
  int64_t errors = 0, first = -1;
  for (int i = 0; i < n; ++i) {
    Ref want{Value::Null(i64)};
    if (!b[i].is_null()) {
      want = IntRef(b[i].int_value() != 0 ? Op::kMul : Op::kAdd, TypeId::kInt64, a[i],
                    Value::Int64(b[i].int_value() != 0 ? 2 : 1));
    }
    if (want.error) {
      ++errors;
      if (first < 0) first = i;
      EXPECT_TRUE(got.values[i].is_null());
    } else {
      EXPECT_EQ(got.values[i], want.value) << i;
    }
  }
  EXPECT_GT(errors, 0);  // the data has overflows in both branches' rows
  EXPECT_EQ(got.stats.error_rows, errors);
  EXPECT_EQ(got.stats.first_error_row, first);
}

TEST(EvaluatorCase, ElseStringsAndNestedCase) {
  // CASE WHEN c0 > 0 THEN 'pos' ELSE CASE WHEN c0 < 0 THEN 'neg' END END
  std::mt19937_64 rng(80);
  const int n = 300;
  const std::vector<Value> a = RandomColumn(TypeId::kInt32, n, rng);
  const std::vector<ArrayPtr> cols = {ArrayOf(DataType::Int32(), a)};
  const DataType s = DataType::String();
  NodePtr inner =
      MakeNode(NodeKind::kCase, s,
               Kids(Bin(Op::kLt, Col(0, DataType::Int32()), Lit(Value::Int32(0)), DataType::Bool()),
                    Lit(Value::String("neg"))));
  NodePtr root =
      MakeNode(NodeKind::kCase, s,
               Kids(Bin(Op::kGt, Col(0, DataType::Int32()), Lit(Value::Int32(0)), DataType::Bool()),
                    Lit(Value::String("pos")), std::move(inner)));
  root->has_else = true;
  const Evaluated got = EvalRows(*root, cols, n);
  for (int i = 0; i < n; ++i) {
    Value want = Value::Null(s);
    if (!a[i].is_null() && a[i].int_value() > 0) want = Value::String("pos");
    if (!a[i].is_null() && a[i].int_value() < 0) want = Value::String("neg");
    EXPECT_EQ(got.values[i], want) << i;
  }
}

TEST(EvaluatorCase, NestedSelectionMapsErrorsToInputRows) {
  // CASE WHEN c1 THEN CASE WHEN c2 THEN c0 * 2 END END: the inner branch runs
  // on a selection of a selection; its errors must name input rows.
  const DataType i64 = DataType::Int64(), b = DataType::Bool();
  const std::vector<Value> a = {Value::Int64(kI64Max), Value::Int64(kI64Max), Value::Int64(1),
                                Value::Int64(kI64Max), Value::Int64(kI64Max)};
  const std::vector<Value> c1 = {Value::Bool(false), Value::Bool(true), Value::Bool(true),
                                 Value::Bool(true), Value::Bool(false)};
  const std::vector<Value> c2 = {Value::Bool(true), Value::Bool(false), Value::Bool(true),
                                 Value::Bool(true), Value::Bool(true)};
  const std::vector<ArrayPtr> cols = {ArrayOf(i64, a), ArrayOf(b, c1), ArrayOf(b, c2)};
  NodePtr inner = MakeNode(NodeKind::kCase, i64,
                           Kids(Col(2, b), Bin(Op::kMul, Col(0, i64), Lit(Value::Int64(2)), i64)));
  NodePtr root = MakeNode(NodeKind::kCase, i64, Kids(Col(1, b), std::move(inner)));
  const Evaluated got = EvalRows(*root, cols, 5);
  EXPECT_EQ(got.stats.error_rows, 1);  // only row 3 takes both branches and overflows
  EXPECT_EQ(got.stats.first_error_row, 3);
  EXPECT_EQ(got.values[2], Value::Int64(2));
}

TEST(EvaluatorCase, StringBranchesOverSelectionsMatchReference) {
  // CASE WHEN s = 'a' THEN t
  //      WHEN s = '' OR s <> t THEN 'x'
  //      WHEN s > 'a' AND t IS NOT NULL THEN CAST(i * 2 AS string)
  //      ELSE t END
  // over more than one chunk: later WHENs see fewer rows than the frame
  // (conditions that cannot fail may run on every row, values may come
  // from whole columns), strings compare with a constant of length 0 and
  // 1, nulls on both sides; the overflow of i * 2 counts only on rows that
  // reach that THEN.
  const int n = static_cast<int>(kChunkRows) + 300;
  std::mt19937_64 rng(84);
  const char* kWords[] = {"a", "b", "", "ab", "ba", "aa"};
  std::vector<Value> s, t, i;
  for (int r = 0; r < n; ++r) {
    const uint64_t x = rng();
    s.push_back(x % 9 == 0 ? Value::Null(DataType::String()) : Value::String(kWords[x % 6]));
    t.push_back((x >> 8) % 11 == 0 ? Value::Null(DataType::String())
                                   : Value::String(kWords[(x >> 16) % 6]));
    i.push_back((x >> 24) % 7 == 0 ? Value::Int64(kI64Max)
                                   : Value::Int64(static_cast<int64_t>(x >> 40) - 1000));
  }
  const DataType str = DataType::String(), i64 = DataType::Int64(), b = DataType::Bool();
  const std::vector<ArrayPtr> cols = {ArrayOf(str, s), ArrayOf(str, t), ArrayOf(i64, i)};
  NodePtr not_null = MakeNode(NodeKind::kIsNull, b, Kids(Col(1, str)));
  not_null->negated = true;
  NodePtr root =
      MakeNode(NodeKind::kCase, str,
               Kids(Bin(Op::kEq, Col(0, str), Lit(Value::String("a")), b), Col(1, str),
                    Bin(Op::kOr, Bin(Op::kEq, Col(0, str), Lit(Value::String("")), b),
                        Bin(Op::kNe, Col(0, str), Col(1, str), b), b),
                    Lit(Value::String("x")),
                    Bin(Op::kAnd, Bin(Op::kGt, Col(0, str), Lit(Value::String("a")), b),
                        std::move(not_null), b),
                    Cast(Bin(Op::kMul, Col(2, i64), Lit(Value::Int64(2)), i64), str), Col(1, str)));
  root->has_else = true;
  const Evaluated got = EvalRows(*root, cols, n);
  ASSERT_EQ(got.values.size(), static_cast<size_t>(n));
  int64_t errors = 0, first = -1;
  for (int r = 0; r < n; ++r) {
    // Three-valued: a null s makes every condition null or false (s <> t
    // is null, s = '' is null, so the OR is null), so those rows take ELSE.
    Value want = t[r];
    if (!s[r].is_null()) {
      const std::string& sv = s[r].string_value();
      const bool ne_t = !t[r].is_null() && sv != t[r].string_value();
      if (sv == "a") {
        want = t[r];
      } else if (sv.empty() || ne_t) {
        want = Value::String("x");
      } else if (sv > "a" && !t[r].is_null()) {
        if (i[r].int_value() == kI64Max) {
          ++errors;
          if (first < 0) first = r;
          want = Value::Null(str);
        } else {
          want = Value::String(std::to_string(i[r].int_value() * 2));
        }
      }
    }
    ASSERT_EQ(got.values[r], want) << "row " << r;
  }
  EXPECT_GT(errors, 0);
  EXPECT_EQ(got.stats.error_rows, errors);
  EXPECT_EQ(got.stats.first_error_row, first);
}

// ---- CAST ------------------------------------------------------------------------

Value CastOne(Value v, DataType to, EvalStats* stats = nullptr) {
  NodePtr root = Cast(Lit(std::move(v)), to);
  Evaluated e = EvalRows(*root, {}, 1);
  if (stats) *stats = e.stats;
  return e.values.at(0);
}

TEST(EvaluatorCast, NumbersAsDuckDb) {
  // DuckDB: SELECT CAST(2.5::DOUBLE AS INTEGER), CAST(-2.5::DOUBLE AS BIGINT),
  //   CAST(3.5::DOUBLE AS INTEGER), CAST(2.5::FLOAT AS INTEGER) -> [2,-2,4,2] (half to even)
  EXPECT_EQ(CastOne(Value::Double(2.5), DataType::Int32()), Value::Int32(2));
  EXPECT_EQ(CastOne(Value::Double(-2.5), DataType::Int64()), Value::Int64(-2));
  EXPECT_EQ(CastOne(Value::Double(3.5), DataType::Int32()), Value::Int32(4));
  EXPECT_EQ(CastOne(Value::Float(2.5f), DataType::Int32()), Value::Int32(2));
  // DuckDB: CAST('nan'::DOUBLE AS INTEGER) and CAST(9223372036854775807::DOUBLE AS BIGINT)
  //   -> Conversion Error; CAST(-9223372036854775808::DOUBLE AS BIGINT) -> -9223372036854775808
  EvalStats st;
  EXPECT_TRUE(CastOne(Value::Double(kNaN), DataType::Int32(), &st).is_null());
  EXPECT_EQ(st.error_rows, 1);
  EXPECT_TRUE(CastOne(Value::Double(9223372036854775807.0), DataType::Int64(), &st).is_null());
  EXPECT_EQ(st.error_rows, 1);
  EXPECT_EQ(CastOne(Value::Double(-9223372036854775808.0), DataType::Int64()),
            Value::Int64(kI64Min));
  // DuckDB: CAST(1e39::DOUBLE AS FLOAT) -> Conversion Error
  EXPECT_TRUE(CastOne(Value::Double(1e39), DataType::Float(), &st).is_null());
  EXPECT_EQ(st.error_rows, 1);
  EXPECT_TRUE(CastOne(Value::Int64(int64_t{1} << 40), DataType::Int32(), &st).is_null());
  EXPECT_EQ(st.error_rows, 1);
  // DuckDB: SELECT CAST(2 AS BOOLEAN), CAST(0.5::DOUBLE AS BOOLEAN), CAST('nan'::DOUBLE AS
  // BOOLEAN),
  //   CAST(true AS INTEGER) -> [true,true,true,1]
  EXPECT_EQ(CastOne(Value::Int64(2), DataType::Bool()), Value::Bool(true));
  EXPECT_EQ(CastOne(Value::Double(0.5), DataType::Bool()), Value::Bool(true));
  EXPECT_EQ(CastOne(Value::Double(kNaN), DataType::Bool()), Value::Bool(true));
  EXPECT_EQ(CastOne(Value::Bool(true), DataType::Int32()), Value::Int32(1));
}

TEST(EvaluatorCast, StringsParseAsDuckDb) {
  // DuckDB: CAST(' 42 ' AS INTEGER), CAST('+7' AS INTEGER), CAST('42.5' AS INTEGER),
  //   CAST('1e2' AS INTEGER), CAST('0x10' AS INTEGER), CAST('1_000' AS INTEGER)
  //   -> [42,7,43,100,16,1000]; CAST('-42.5' AS BIGINT) -> -43; CAST('.5' AS INTEGER) -> 1
  const std::pair<const char*, int64_t> ints[] = {
      {" 42 ", 42},
      {"+7", 7},
      {"42.5", 43},
      {"1e2", 100},
      {"0x10", 16},
      {"1_000", 1000},
      {"-42.5", -43},
      {".5", 1},
      {"42.", 42},
      // DuckDB: '0X1f' -> 31, '1.5e3' -> 1500, '1e-1' -> 0
      {"0X1f", 31},
      {"1.5e3", 1500},
      {"1e-1", 0}};
  for (const auto& [text, want] : ints) {
    EXPECT_EQ(CastOne(Value::String(text), DataType::Int64()), Value::Int64(want)) << text;
  }
  // DuckDB: CAST('abc' AS INTEGER), CAST('' AS INTEGER) -> Conversion Error
  // DuckDB: '1_', '4 2', '9223372036854775808', '-0x10', '+0x10', '0x', '1__0' -> Conversion Error
  for (const char* bad :
       {"abc", "", "1_", "9223372036854775808", "4 2", "-0x10", "+0x10", "0x", "1__0"}) {
    EvalStats st;
    EXPECT_TRUE(CastOne(Value::String(bad), DataType::Int64(), &st).is_null()) << bad;
    EXPECT_EQ(st.first_error, "CAST of a string to int64 failed") << bad;
  }
  EXPECT_TRUE(CastOne(Value::String("2147483648"), DataType::Int32()).is_null());
  // DuckDB: CAST(' 1.5 ' AS DOUBLE), 'nan', '-Infinity', '1e400', '1_0.5' ->
  // [1.5,NaN,-Infinity,Infinity,10.5]
  EXPECT_EQ(CastOne(Value::String(" 1.5 "), DataType::Double()), Value::Double(1.5));
  EXPECT_TRUE(std::isnan(CastOne(Value::String("nan"), DataType::Double()).double_value()));
  EXPECT_EQ(CastOne(Value::String("-Infinity"), DataType::Double()), Value::Double(-kInf));
  EXPECT_EQ(CastOne(Value::String("1e400"), DataType::Double()), Value::Double(kInf));
  EXPECT_EQ(CastOne(Value::String("1_0.5"), DataType::Double()), Value::Double(10.5));
  // DuckDB: CAST('0x10' AS DOUBLE) -> Conversion Error
  EXPECT_TRUE(CastOne(Value::String("0x10"), DataType::Double()).is_null());
  // DuckDB: 't' -> true, '0' -> false, 'F' -> false, 'n' -> false, 'Yes' -> true;
  //   ' TRUE ', 'off', '2' -> Conversion Error
  EXPECT_EQ(CastOne(Value::String("t"), DataType::Bool()), Value::Bool(true));
  EXPECT_EQ(CastOne(Value::String("0"), DataType::Bool()), Value::Bool(false));
  EXPECT_EQ(CastOne(Value::String("F"), DataType::Bool()), Value::Bool(false));
  EXPECT_EQ(CastOne(Value::String("Yes"), DataType::Bool()), Value::Bool(true));
  for (const char* bad : {" TRUE ", "off", "2"}) {
    EXPECT_TRUE(CastOne(Value::String(bad), DataType::Bool()).is_null()) << bad;
  }
  // DuckDB: CAST('2024-03-01T12:00:00Z' AS TIMESTAMP) -> 1709294400000000,
  //   CAST('2024-03-01' AS TIMESTAMP) -> 1709251200000000
  EXPECT_EQ(CastOne(Value::String("2024-03-01T12:00:00Z"), DataType::Timestamp()),
            Value::Timestamp(1709294400000000));
  EXPECT_EQ(CastOne(Value::String(" 2024-03-01 "), DataType::Timestamp()),
            Value::Timestamp(1709251200000000));
}

TEST(EvaluatorCast, ToStringAsDuckDb) {
  // DuckDB: CAST(0.1::DOUBLE AS VARCHAR), 1e20, 1.0, -0.0, nan, -inf, 0.1::FLOAT, 1e-7,
  //   1.2345678901234568e+20, 1e16, 1e15, 0.0001, 0.00001 ->
  //   ["0.1","1e+20","1.0","-0.0","nan","-inf","0.1","1e-07","1.2345678901234568e+20",
  //    "1e+16","1000000000000000.0","0.0001","1e-05"]
  const std::pair<double, const char*> doubles[] = {
      {0.1, "0.1"},       {1e20, "1e+20"},
      {1.0, "1.0"},       {-0.0, "-0.0"},
      {kNaN, "nan"},      {-kInf, "-inf"},
      {1e-7, "1e-07"},    {123456789012345680000.0, "1.2345678901234568e+20"},
      {1e16, "1e+16"},    {1e15, "1000000000000000.0"},
      {0.0001, "0.0001"}, {0.00001, "1e-05"}};
  for (const auto& [v, want] : doubles) {
    EXPECT_EQ(CastOne(Value::Double(v), DataType::String()), Value::String(want)) << want;
  }
  EXPECT_EQ(CastOne(Value::Float(0.1f), DataType::String()), Value::String("0.1"));
  // DuckDB: CAST(123456789.0::FLOAT AS VARCHAR), CAST(3.4028235e38::FLOAT AS VARCHAR) ->
  //   ["123456790.0","3.4028235e+38"]
  EXPECT_EQ(CastOne(Value::Float(123456789.0f), DataType::String()), Value::String("123456790.0"));
  EXPECT_EQ(CastOne(Value::Float(3.4028235e38f), DataType::String()),
            Value::String("3.4028235e+38"));
  // DuckDB: CAST('\xAB\x01a'::BLOB AS VARCHAR) -> "\xAB\x01a"
  EXPECT_EQ(CastOne(Value::Bytes("\xAB\x01"
                                 "a"),
                    DataType::String()),
            Value::String("\\xAB\\x01a"));
  EXPECT_EQ(CastOne(Value::String("\\xAB\\x01a"), DataType::Bytes()), Value::Bytes("\xAB\x01"
                                                                                   "a"));
  // DuckDB: CAST(true AS VARCHAR), CAST(TIMESTAMP '2024-03-01 12:00:00.5' AS VARCHAR) ->
  //   ["true","2024-03-01 12:00:00.5"]
  EXPECT_EQ(CastOne(Value::Bool(true), DataType::String()), Value::String("true"));
  EXPECT_EQ(CastOne(Value::Timestamp(1709294400500000), DataType::String()),
            Value::String("2024-03-01 12:00:00.5"));
  EXPECT_EQ(CastOne(Value::Timestamp(1709294400000123), DataType::String()),
            Value::String("2024-03-01 12:00:00.000123"));
  EXPECT_EQ(CastOne(Value::Int64(kI64Min), DataType::String()),
            Value::String("-9223372036854775808"));
}

TEST(EvaluatorCast, ListsAsDuckDb) {
  const DataType ints = DataType::List(TypeId::kInt64);
  const DataType strs = DataType::List(TypeId::kString);
  const Value null_i = Value::Null(DataType::Int64());
  // DuckDB: SELECT CAST('[1, 2, NULL]' AS INTEGER[]) -> [[1,2,null]];
  //   CAST('[]' AS INTEGER[]) -> [[]]
  EXPECT_EQ(CastOne(Value::String("[1, 2, NULL]"), ints),
            Value::List(ints, {Value::Int64(1), Value::Int64(2), null_i}));
  EXPECT_EQ(CastOne(Value::String("[]"), ints), Value::List(ints, {}));
  // DuckDB: CAST('[a, b , "c d", \' e\']' AS VARCHAR[]) -> [["a","b","c d"," e"]]
  EXPECT_EQ(CastOne(Value::String("[a, b , \"c d\", ' e']"), strs),
            Value::List(strs, {Value::String("a"), Value::String("b"), Value::String("c d"),
                               Value::String(" e")}));
  // DuckDB: CAST('1,2' AS INTEGER[]), CAST('[1,x]' AS INTEGER[]) -> Conversion Error
  for (const char* bad : {"1,2", "[1,x]"}) {
    EvalStats st;
    EXPECT_TRUE(CastOne(Value::String(bad), ints, &st).is_null()) << bad;
    EXPECT_EQ(st.error_rows, 1) << bad;
  }
  // DuckDB: CAST(['a', NULL, 'b c'] AS VARCHAR) -> "[a, NULL, b c]";
  //   CAST([1.5, 2] AS VARCHAR) -> "[1.5, 2.0]"
  EXPECT_EQ(CastOne(Value::List(strs, {Value::String("a"), Value::Null(DataType::String()),
                                       Value::String("b c")}),
                    DataType::String()),
            Value::String("[a, NULL, b c]"));
  const DataType dbls = DataType::List(TypeId::kDouble);
  EXPECT_EQ(CastOne(Value::List(dbls, {Value::Double(1.5), Value::Double(2)}), DataType::String()),
            Value::String("[1.5, 2.0]"));
  // list<string> -> list<int64>: an element that fails fails its row.
  EvalStats st;
  EXPECT_TRUE(
      CastOne(Value::List(strs, {Value::String("1"), Value::String("x")}), ints, &st).is_null());
  EXPECT_EQ(st.error_rows, 1);
}

TEST(EvaluatorCast, WideningIsExactOnColumns) {
  std::mt19937_64 rng(81);
  const int n = 200;
  const std::vector<Value> a = RandomColumn(TypeId::kInt32, n, rng);
  const std::vector<Value> f = RandomColumn(TypeId::kFloat, n, rng);
  const std::vector<ArrayPtr> cols = {ArrayOf(DataType::Int32(), a), ArrayOf(DataType::Float(), f)};
  const Evaluated wide = EvalRows(*Cast(Col(0, DataType::Int32()), DataType::Int64()), cols, n);
  const Evaluated dbl = EvalRows(*Cast(Col(1, DataType::Float()), DataType::Double()), cols, n);
  for (int i = 0; i < n; ++i) {
    EXPECT_EQ(wide.values[i],
              a[i].is_null() ? Value::Null(DataType::Int64()) : Value::Int64(a[i].int_value()));
    EXPECT_TRUE(SameValue(dbl.values[i], f[i].is_null() ? Value::Null(DataType::Double())
                                                        : Value::Double(f[i].double_value())));
  }
}

// ---- lists, index, intervals --------------------------------------------------------

TEST(EvaluatorList, IndexAsDuckDb) {
  // DuckDB: SELECT [1,2,3][0], [1,2,3][-1], [1,2,3][4], [1,2,3][1], [1,2,3][-4], [1,2,NULL][3]
  //   -> [null,3,null,1,null,null]
  const DataType list = DataType::List(TypeId::kInt64);
  auto index = [&](std::vector<Value> elems, int64_t i) {
    std::vector<NodePtr> kids;
    for (Value& e : elems) kids.push_back(Lit(std::move(e)));
    NodePtr l = MakeNode(NodeKind::kList, list, std::move(kids));
    NodePtr root =
        MakeNode(NodeKind::kIndex, DataType::Int64(), Kids(std::move(l), Lit(Value::Int64(i))));
    return EvalRows(*root, {}, 1).values.at(0);
  };
  const std::vector<Value> abc = {Value::Int64(1), Value::Int64(2), Value::Int64(3)};
  const Value null = Value::Null(DataType::Int64());
  EXPECT_EQ(index(abc, 0), null);
  EXPECT_EQ(index(abc, -1), Value::Int64(3));
  EXPECT_EQ(index(abc, 4), null);
  EXPECT_EQ(index(abc, 1), Value::Int64(1));
  EXPECT_EQ(index(abc, -4), null);
  EXPECT_EQ(index({Value::Int64(1), Value::Int64(2), null}, 3), null);
}

TEST(EvaluatorList, IndexOverColumns) {
  std::mt19937_64 rng(82);
  const int n = 200;
  const DataType list = DataType::List(TypeId::kString);
  std::vector<Value> lists, idx;
  for (int i = 0; i < n; ++i) {
    if (i % 17 == 0) {
      lists.push_back(Value::Null(list));
    } else {
      lists.push_back(
          Value::List(list, RandomColumn(TypeId::kString, static_cast<int>(rng() % 4), rng)));
    }
    idx.push_back(i % 11 == 0 ? Value::Null(DataType::Int64())
                              : Value::Int64(static_cast<int64_t>(rng() % 11) - 5));
  }
  const std::vector<ArrayPtr> cols = {ArrayOf(list, lists), ArrayOf(DataType::Int64(), idx)};
  NodePtr root =
      MakeNode(NodeKind::kIndex, DataType::String(), Kids(Col(0, list), Col(1, DataType::Int64())));
  const Evaluated got = EvalRows(*root, cols, n);
  for (int i = 0; i < n; ++i) {
    Value want = Value::Null(DataType::String());
    if (!lists[i].is_null() && !idx[i].is_null()) {
      const auto& v = lists[i].list_value();
      const int64_t k = idx[i].int_value(), len = static_cast<int64_t>(v.size());
      if (k >= 1 && k <= len) want = v[static_cast<size_t>(k - 1)];
      if (k <= -1 && -k <= len) want = v[static_cast<size_t>(len + k)];
    }
    EXPECT_EQ(got.values[i], want) << i;
  }
}

TEST(EvaluatorList, ListLiteralOverColumns) {
  const std::vector<Value> a = {Value::Double(1.5), Value::Null(DataType::Double()),
                                Value::Double(-0.0)};
  const std::vector<ArrayPtr> cols = {ArrayOf(DataType::Double(), a)};
  const DataType list = DataType::List(TypeId::kDouble);
  NodePtr root =
      MakeNode(NodeKind::kList, list, Kids(Col(0, DataType::Double()), Lit(Value::Double(2.0))));
  const Evaluated got = EvalRows(*root, cols, 3);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(got.values[i], Value::List(list, {a[i], Value::Double(2.0)})) << i;
  }
}

TEST(EvaluatorInterval, TimestampPlusMinusInterval) {
  const DataType ts = DataType::Timestamp();
  const std::vector<Value> t = {Value::Timestamp(0), Value::Timestamp(kI64Max - 10),
                                Value::Null(ts), Value::Timestamp(kI64Min + 5)};
  const std::vector<ArrayPtr> cols = {ArrayOf(ts, t)};
  const int64_t day = 86400000000;
  const Evaluated plus = EvalRows(*Bin(Op::kAdd, Col(0, ts), Interval(day), ts), cols, 4);
  EXPECT_EQ(plus.values[0], Value::Timestamp(day));
  // DuckDB: SELECT TIMESTAMP '294247-01-01' + INTERVAL 100 DAY ->
  //   "Conversion Error: Date and time not in timestamp range"
  EXPECT_TRUE(plus.values[1].is_null());
  EXPECT_TRUE(plus.values[2].is_null());
  EXPECT_EQ(plus.values[3], Value::Timestamp(kI64Min + 5 + day));
  EXPECT_EQ(plus.stats.error_rows, 1);
  EXPECT_EQ(plus.stats.first_error_row, 1);
  const Evaluated minus = EvalRows(*Bin(Op::kSub, Col(0, ts), Interval(day), ts), cols, 4);
  EXPECT_EQ(minus.values[0], Value::Timestamp(-day));
  EXPECT_TRUE(minus.values[3].is_null());
  EXPECT_EQ(minus.stats.error_rows, 1);
  EXPECT_EQ(minus.stats.first_error, "timestamp out of range in '-' interval");
}

// ---- shapes: 0 rows, 1 row, errors make the whole row null ---------------------------

TEST(EvaluatorShape, ZeroAndOneRow) {
  const DataType i64 = DataType::Int64();
  const std::vector<ArrayPtr> empty = {ArrayOf(i64, {})};
  NodePtr root = Bin(Op::kAdd, Col(0, i64), Lit(Value::Int64(1)), i64);
  EXPECT_TRUE(EvalRows(*root, empty, 0).values.empty());
  NodePtr c = MakeNode(
      NodeKind::kCase, i64,
      Kids(Bin(Op::kGt, Col(0, i64), Lit(Value::Int64(0)), DataType::Bool()), Col(0, i64)));
  EXPECT_TRUE(EvalRows(*c, empty, 0).values.empty());
  const std::vector<ArrayPtr> one = {ArrayOf(i64, {Value::Int64(41)})};
  EXPECT_EQ(EvalRows(*root, one, 1).values.at(0), Value::Int64(42));
  // A constant over many rows: every row gets it.
  NodePtr lit = Lit(Value::String("x"));
  const Evaluated many = EvalRows(*lit, {}, 3);
  EXPECT_EQ(many.values, std::vector<Value>(3, Value::String("x")));
}

TEST(EvaluatorShape, LongInputsAcrossChunksMatchReference) {
  // More rows than one chunk (kChunkRows): results, error rows and the
  // first error's row number must not depend on the chunking.
  const int n = static_cast<int>(kChunkRows) * 2 + 77;
  std::mt19937_64 rng(83);
  std::vector<Value> a = RandomColumn(TypeId::kInt64, n, rng);
  std::vector<Value> s = RandomColumn(TypeId::kString, n, rng);
  a[static_cast<size_t>(kChunkRows) + 5] = Value::Int64(kI64Max);  // overflows in the 2nd chunk
  for (int i = 0; i < static_cast<int>(kChunkRows); ++i) {
    if (!a[i].is_null() && (a[i].int_value() > kI64Max / 2 || a[i].int_value() < kI64Min / 2)) {
      a[i] = Value::Int64(1);  // none in the first chunk
    }
  }
  const DataType i64 = DataType::Int64(), str = DataType::String();
  const std::vector<ArrayPtr> cols = {ArrayOf(i64, a), ArrayOf(str, s)};
  // CASE WHEN c1 LIKE 'a%' THEN c1 || 'x' ELSE CAST(c0 * 2 AS string) END
  NodePtr like =
      MakeNode(NodeKind::kLike, DataType::Bool(), Kids(Col(1, str), Lit(Value::String("a%"))));
  NodePtr root =
      MakeNode(NodeKind::kCase, str,
               Kids(std::move(like), Bin(Op::kConcat, Col(1, str), Lit(Value::String("x")), str),
                    Cast(Bin(Op::kMul, Col(0, i64), Lit(Value::Int64(2)), i64), str)));
  root->has_else = true;
  const Evaluated got = EvalRows(*root, cols, n);
  int64_t errors = 0, first = -1;
  for (int i = 0; i < n; ++i) {
    Value want = Value::Null(str);
    const bool takes = !s[i].is_null() && s[i].string_value().rfind("a", 0) == 0;
    if (takes) {
      want = Value::String(s[i].string_value() + "x");
    } else {
      const Ref r = IntRef(Op::kMul, TypeId::kInt64, a[i], Value::Int64(2));
      if (r.error) {
        ++errors;
        if (first < 0) first = i;
      } else if (!r.value.is_null()) {
        want = Value::String(std::to_string(r.value.int_value()));
      }
    }
    ASSERT_EQ(got.values[i], want) << "row " << i;
  }
  EXPECT_GT(errors, 0);
  EXPECT_EQ(got.stats.error_rows, errors);
  EXPECT_EQ(got.stats.first_error_row, first);
  EXPECT_GE(first, kChunkRows);
}

TEST(EvaluatorShape, ChunkedResultsOfEveryShapeMatchRowByRow) {
  // Results assembled chunk by chunk: nulls first appearing in a later
  // chunk, an empty string in every row of the first chunk, a list result.
  const int n = static_cast<int>(kChunkRows) * 2 + 77;
  std::mt19937_64 rng(86);
  const DataType i64 = DataType::Int64(), str = DataType::String();
  const DataType list = DataType::List(TypeId::kInt64);
  std::vector<Value> a, s;
  for (int i = 0; i < n; ++i) {
    const bool later = i >= kChunkRows;
    a.push_back(later && rng() % 5 == 0 ? Value::Null(i64)
                                        : Value::Int64(static_cast<int64_t>(rng() % 1000)));
    s.push_back(!later
                    ? Value::String("")
                    : (rng() % 4 == 0 ? Value::Null(str) : Value::String("v" + std::to_string(i))));
  }
  const std::vector<ArrayPtr> cols = {ArrayOf(i64, a), ArrayOf(str, s)};
  NodePtr sum = Bin(Op::kAdd, Col(0, i64), Lit(Value::Int64(1)), i64);
  NodePtr cat = Bin(Op::kConcat, Col(1, str), Lit(Value::String("")), str);
  NodePtr pair = MakeNode(NodeKind::kList, list, Kids(Col(0, i64), Lit(Value::Int64(5))));
  const Evaluated got_sum = EvalRows(*sum, cols, n);
  const Evaluated got_cat = EvalRows(*cat, cols, n);
  const Evaluated got_pair = EvalRows(*pair, cols, n);
  for (int i = 0; i < n; ++i) {
    const Value want_sum = a[i].is_null() ? Value::Null(i64) : Value::Int64(a[i].int_value() + 1);
    ASSERT_EQ(got_sum.values[i], want_sum) << "row " << i;
    ASSERT_EQ(got_cat.values[i], s[i]) << "row " << i;
    ASSERT_EQ(got_pair.values[i], Value::List(list, {a[i], Value::Int64(5)})) << "row " << i;
  }
}

TEST(EvaluatorShape, UnfoldedFailingConstantCountsEveryRow) {
  // (INT64_MAX + 1) IS NULL over 3 rows: the failed addition makes every
  // row's result null and is counted 3 times, not once.
  const DataType i64 = DataType::Int64();
  NodePtr add = Bin(Op::kAdd, Lit(Value::Int64(kI64Max)), Lit(Value::Int64(1)), i64);
  NodePtr root = MakeNode(NodeKind::kIsNull, DataType::Bool(), Kids(std::move(add)));
  const Evaluated e = EvalRows(*root, {}, 3);
  EXPECT_EQ(e.stats.error_rows, 3);
  for (const Value& v : e.values) EXPECT_TRUE(v.is_null());
}

}  // namespace
}  // namespace tessera::expr
