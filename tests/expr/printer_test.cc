// The canonical form: exact spellings, and the round-trip property on many
// generated trees: Print(Parse(Print(t))) == Print(t) and Parse(Print(t))
// is structurally t.
#include "tessera/expr/printer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "tessera/core/time.h"
#include "tessera/expr/parser.h"

namespace tessera::expr {
namespace {

std::string Canon(std::string_view text) {
  Result<std::string> r = Canonicalize(text);
  return r.ok() ? *r : "error: " + r.status().message();
}

TEST(Printer, CanonicalSpellings) {
  EXPECT_EQ(Canon("a+b"), "a + b");
  EXPECT_EQ(Canon("  a   +b "), "a + b");
  EXPECT_EQ(Canon("a<>b"), "a != b");
  EXPECT_EQ(Canon("(a + b) + c"), "a + b + c");
  EXPECT_EQ(Canon("a + (b + c)"), "a + (b + c)");
  EXPECT_EQ(Canon("(a + b) * c"), "(a + b) * c");
  EXPECT_EQ(Canon("a - (b - c)"), "a - (b - c)");
  EXPECT_EQ(Canon("((a))"), "a");
  EXPECT_EQ(Canon("x is not null and not y or z"), "x IS NOT NULL AND NOT y OR z");
  EXPECT_EQ(Canon("(a or b) and c"), "(a OR b) AND c");
  EXPECT_EQ(Canon("x in (1,2) "), "x IN (1, 2)");
  EXPECT_EQ(Canon("x not between 1 and 2"), "x NOT BETWEEN 1 AND 2");
  EXPECT_EQ(Canon("x not like 'a%'"), "x NOT LIKE 'a%'");
  EXPECT_EQ(Canon("(a = b) = c"), "(a = b) = c");
  EXPECT_EQ(Canon("a = (b = c)"), "a = (b = c)");
  EXPECT_EQ(Canon("1 = not b"), "1 = (NOT b)");
  EXPECT_EQ(Canon("(not a) = b"), "(NOT a) = b");
  EXPECT_EQ(Canon("(a between 1 and 2) between c and d"), "(a BETWEEN 1 AND 2) BETWEEN c AND d");
  EXPECT_EQ(Canon("a between (b and c) and d"), "a BETWEEN (b AND c) AND d");
  EXPECT_EQ(Canon("a between b + 1 and c || d"), "a BETWEEN b + 1 AND c || d");
  EXPECT_EQ(Canon("(a IS NULL) IS NULL"), "a IS NULL IS NULL");
  EXPECT_EQ(Canon("-(-x)"), "- -x");
  EXPECT_EQ(Canon("-(a + b)"), "-(a + b)");
  EXPECT_EQ(Canon("(-x)[1]"), "(-x)[1]");
  EXPECT_EQ(Canon("CAST(x as INT64)"), "CAST(x AS int64)");
  EXPECT_EQ(Canon("cast(x as LIST<Float>)"), "CAST(x AS list<float>)");
  EXPECT_EQ(Canon("ROUND(x,2)"), "round(x, 2)");
  EXPECT_EQ(Canon("case x when 1 then 'a' else 'b' end"), "CASE WHEN x = 1 THEN 'a' ELSE 'b' END");
  EXPECT_EQ(Canon("[1.0,2]"), "[1.0, 2]");
  EXPECT_EQ(Canon("x [ 1 ]"), "x[1]");
}

TEST(Printer, LiteralSpellings) {
  EXPECT_EQ(Canon("1e3"), "1000.0");
  EXPECT_EQ(Canon("0.1"), "0.1");
  EXPECT_EQ(Canon("1e22"), "1e+22");
  EXPECT_EQ(Canon("1.7976931348623157e308"), "1.7976931348623157e+308");
  EXPECT_EQ(Canon("000.50"), "0.5");
  EXPECT_EQ(Canon("007"), "7");
  EXPECT_EQ(Canon("'it''s'"), "'it''s'");
  EXPECT_EQ(Canon("true AND False OR null"), "TRUE AND FALSE OR NULL");
  EXPECT_EQ(Canon("timestamp '2024-03-01'"), "TIMESTAMP '2024-03-01T00:00:00.000000Z'");
  EXPECT_EQ(Canon("Timestamp '2024-03-01T14:00:00+02:00'"),
            "TIMESTAMP '2024-03-01T12:00:00.000000Z'");
  EXPECT_EQ(Canon("interval '60m'"), "INTERVAL '1h'");
  EXPECT_EQ(Canon("-9223372036854775808"), "-9223372036854775808");
  EXPECT_EQ(Canon("-2147483648"), "-2147483648");
}

TEST(Printer, NamesAreQuotedOnlyWhenNeeded) {
  EXPECT_EQ(Canon("\"amount\""), "amount");
  EXPECT_EQ(Canon("Amount_2"), "Amount_2");
  EXPECT_EQ(Canon("\"odd name\""), "\"odd name\"");
  EXPECT_EQ(Canon("\"end\" + \"End\""), "\"end\" + \"End\"");
  EXPECT_EQ(Canon("\"say \"\"hi\"\"\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(Canon("\"2x\""), "\"2x\"");
  EXPECT_EQ(Canon("café"), "\"café\"");
  EXPECT_EQ(Canon("v.\"f g\""), "v.\"f g\"");
}

NodePtr Lit(Value v) {
  auto n = std::make_unique<Node>();
  n->kind = NodeKind::kLiteral;
  n->value = std::move(v);
  return n;
}

// Values only constant folding makes print as expressions of the same
// meaning that parse back.
TEST(Printer, FoldedValuesPrintAsEquivalentExpressions) {
  EXPECT_EQ(Print(*Lit(Value::Int64(5))), "CAST(5 AS int64)");
  EXPECT_EQ(Print(*Lit(Value::Int64(-5000000000))), "-5000000000");
  EXPECT_EQ(Print(*Lit(Value::Int32(-5))), "-5");
  EXPECT_EQ(Print(*Lit(Value::Int32(std::numeric_limits<int32_t>::min()))),
            "CAST(-2147483648 AS int32)");
  EXPECT_EQ(Print(*Lit(Value::Double(-0.0))), "-0.0");
  EXPECT_EQ(Print(*Lit(Value::Double(std::nan("")))), "CAST('NaN' AS double)");
  EXPECT_EQ(Print(*Lit(Value::Double(-INFINITY))), "CAST('-Infinity' AS double)");
  EXPECT_EQ(Print(*Lit(Value::Float(1.5f))), "CAST(1.5 AS float)");
  EXPECT_EQ(Print(*Lit(Value::Null(DataType::String()))), "NULL");
  EXPECT_EQ(Print(*Lit(Value::List(DataType::List(TypeId::kDouble),
                                   {Value::Double(1), Value::Null(DataType::Double())}))),
            "CAST([1.0, NULL] AS list<double>)");
  // A negative literal under a postfix operator keeps its parentheses.
  auto index = std::make_unique<Node>();
  index->kind = NodeKind::kIndex;
  index->children.push_back(Lit(Value::Int32(-1)));
  index->children.push_back(Lit(Value::Int32(1)));
  EXPECT_EQ(Print(*index), "(-1)[1]");
  for (const std::string text : {"CAST(5 AS int64)", "-5000000000", "(-1)[1]"}) {
    EXPECT_EQ(Canon(text), text);
  }
}

// --- the round-trip property over generated trees -------------------------

class TreeGen {
 public:
  explicit TreeGen(uint32_t seed) : rng_(seed) {}

  NodePtr Gen(int depth) {
    if (depth <= 0 || Pick(4) == 0) return Leaf();
    switch (Pick(11)) {
      case 0: return Make(NodeKind::kUnary, Pick(2) ? Op::kNeg : Op::kNot, Kids(1, depth));
      case 1:
      case 2: {
        static constexpr Op kOps[] = {Op::kAdd,    Op::kSub, Op::kMul, Op::kDiv, Op::kMod,
                                      Op::kConcat, Op::kEq,  Op::kNe,  Op::kLt,  Op::kLe,
                                      Op::kGt,     Op::kGe,  Op::kAnd, Op::kOr};
        return Make(NodeKind::kBinary, kOps[Pick(14)], Kids(2, depth));
      }
      case 3: return Negated(Make(NodeKind::kIsNull, Op::kNone, Kids(1, depth)));
      case 4: return Negated(Make(NodeKind::kIn, Op::kNone, Kids(2 + Pick(3), depth)));
      case 5: return Negated(Make(NodeKind::kBetween, Op::kNone, Kids(3, depth)));
      case 6: return Negated(Make(NodeKind::kLike, Op::kNone, Kids(2, depth)));
      case 7: {
        const bool has_else = Pick(2);
        NodePtr n = Make(NodeKind::kCase, Op::kNone, Kids(2 * (1 + Pick(2)) + has_else, depth));
        n->has_else = has_else;
        return n;
      }
      case 8: {
        NodePtr n = Make(NodeKind::kCast, Op::kNone, Kids(1, depth));
        static const DataType kTypes[] = {DataType::Int32(), DataType::Double(), DataType::String(),
                                          DataType::List(TypeId::kFloat)};
        n->type = kTypes[Pick(4)];
        return n;
      }
      case 9: return Make(NodeKind::kIndex, Op::kNone, Kids(2, depth));
      default: {
        static const char* kNames[] = {"f", "coalesce", "if", "timestamp", "round"};
        NodePtr n =
            Make(Pick(3) ? NodeKind::kCall : NodeKind::kList, Op::kNone, Kids(Pick(4), depth));
        if (n->kind == NodeKind::kCall) n->name = kNames[Pick(5)];
        return n;
      }
    }
  }

 private:
  int Pick(int n) { return static_cast<int>(rng_() % static_cast<uint32_t>(n)); }

  NodePtr Make(NodeKind kind, Op op, std::vector<NodePtr> kids) {
    auto n = std::make_unique<Node>();
    n->kind = kind;
    n->op = op;
    n->children = std::move(kids);
    return n;
  }
  NodePtr Negated(NodePtr n) {
    n->negated = Pick(2);
    return n;
  }
  std::vector<NodePtr> Kids(int count, int depth) {
    std::vector<NodePtr> kids;
    for (int i = 0; i < count; ++i) kids.push_back(Gen(depth - 1));
    return kids;
  }

  NodePtr Leaf() {
    switch (Pick(9)) {
      case 0: return Lit(Value::Int32(static_cast<int32_t>(rng_() >> 1)));
      case 1: {
        const int64_t big = int64_t{std::numeric_limits<int32_t>::max()} + 1 +
                            static_cast<int64_t>((uint64_t{rng_()} << 31) % (uint64_t{1} << 62));
        return Lit(Value::Int64(Pick(8) ? big : std::numeric_limits<int64_t>::min()));
      }
      case 2: {
        static const double kDoubles[] = {0.0,     0.1,      1.0 / 3,    1e22,
                                          1e-300,  2.5e-310, 123456.789, 1.7976931348623157e308,
                                          4.9e-324};
        double d = kDoubles[Pick(9)];
        if (Pick(2)) d = std::ldexp(static_cast<double>(rng_()), Pick(200) - 100);
        return Lit(Value::Double(d));
      }
      case 3: {
        static const char* kStrings[] = {"", "it's", "''", "é€😀", "a\nb", "%_", "\"q\""};
        return Lit(Value::String(kStrings[Pick(7)]));
      }
      case 4: {
        static const Value kValues[] = {Value::Bool(true), Value::Bool(false),
                                        Value::Null(DataType::Int64())};
        return Lit(kValues[Pick(3)]);
      }
      case 5: {
        const int64_t micros = static_cast<int64_t>(uint64_t{rng_()} * 73'000'000'000ull %
                                                    253'402'300'799'000'000ull) -
                               (Pick(2) ? 62'135'596'800'000'000 : 0);
        return Lit(Value::Timestamp(micros));
      }
      case 6: {
        auto n = Make(NodeKind::kInterval, Op::kNone, {});
        static const int64_t kMicros[] = {
            0, 1, 1000, kMicrosPerHour, 90 * kMicrosPerMinute, 7 * kMicrosPerDay, 123456789};
        n->value = Value::Int64(kMicros[Pick(7)]);
        return n;
      }
      default: {
        static const char* kNames[] = {"a",  "Amount", "end",       "odd name", "say \"hi\"", "é",
                                       "x1", "_",      "timestamp", "interval", "NOT",        "2x"};
        auto n = Make(NodeKind::kColumn, Op::kNone, {});
        n->name = kNames[Pick(12)];
        if (Pick(4) == 0) n->qualifier = kNames[Pick(12)];
        return n;
      }
    }
  }

  std::mt19937 rng_;
};

// Kind, operator, flags, value, names, cast type and children; not pos.
::testing::AssertionResult SameTree(const Node& a, const Node& b) {
  if (a.kind != b.kind || a.op != b.op || a.negated != b.negated || a.has_else != b.has_else ||
      a.name != b.name || a.qualifier != b.qualifier || a.children.size() != b.children.size()) {
    return ::testing::AssertionFailure() << "node differs: " << Print(a) << " vs " << Print(b);
  }
  if ((a.kind == NodeKind::kLiteral || a.kind == NodeKind::kInterval) &&
      (a.value != b.value || a.value.type() != b.value.type())) {
    return ::testing::AssertionFailure()
           << "value differs: " << a.value.ToString() << " vs " << b.value.ToString();
  }
  if (a.kind == NodeKind::kCast && a.type != b.type) {
    return ::testing::AssertionFailure() << "cast type differs";
  }
  for (size_t i = 0; i < a.children.size(); ++i) {
    auto r = SameTree(*a.children[i], *b.children[i]);
    if (!r) return r;
  }
  return ::testing::AssertionSuccess();
}

TEST(Printer, RoundTripOnGeneratedTrees) {
  for (uint32_t seed = 1; seed <= 3000; ++seed) {
    TreeGen gen(seed);
    NodePtr tree = gen.Gen(1 + static_cast<int>(seed % 6));
    const std::string printed = Print(*tree);
    Result<NodePtr> again = Parse(printed);
    ASSERT_TRUE(again.ok()) << "seed " << seed << ": " << printed << "\n"
                            << again.status().ToString();
    ASSERT_EQ(Print(**again), printed) << "seed " << seed;
    ASSERT_TRUE(SameTree(*tree, **again)) << "seed " << seed << ": " << printed;
  }
}

}  // namespace
}  // namespace tessera::expr
