// Binder: name resolution, typing rules (docs/EXPRESSIONS.md "Types"),
// implicit widening casts and exact error texts with columns.
#include "tessera/expr/binder.h"

#include <gtest/gtest.h>

#include "tessera/expr/functions.h"
#include "tessera/expr/parser.h"
#include "tessera/expr/printer.h"

namespace tessera::expr {
namespace {

Scope TestScope() {
  return Scope({{"", "i32", DataType::Int32()},
                {"", "i64", DataType::Int64()},
                {"", "f", DataType::Float()},
                {"", "d", DataType::Double()},
                {"", "s", DataType::String()},
                {"", "b", DataType::Bool()},
                {"", "ts", DataType::Timestamp()},
                {"", "bin", DataType::Bytes()},
                {"", "emb", DataType::List(TypeId::kFloat)},
                {"", "amount", DataType::Double()},
                {"u", "x", DataType::Int64()},
                {"t", "x", DataType::Double()},
                {"t", "y", DataType::String()}});
}

// The bound tree with every node's type; implicit casts shown as ^type(..).
std::string Typed(const Node& n) {
  EXPECT_TRUE(n.bound);
  std::string kids;
  for (size_t i = 0; i < n.children.size(); ++i) kids += (i ? ", " : "") + Typed(*n.children[i]);
  if (n.kind == NodeKind::kCast && n.implicit) return "^" + n.type.ToString() + "(" + kids + ")";
  if (n.kind == NodeKind::kColumn || n.kind == NodeKind::kLiteral ||
      n.kind == NodeKind::kInterval) {
    return Print(n) + ":" + n.type.ToString();
  }
  std::string head =
      n.kind == NodeKind::kCall ? n.name : "op" + std::to_string(static_cast<int>(n.kind));
  return head + "<" + n.type.ToString() + ">(" + kids + ")";
}

std::string BindText(std::string_view text, const Scope& scope = TestScope()) {
  Result<NodePtr> tree = Parse(text);
  if (!tree.ok()) return "parse error: " + tree.status().message();
  const Status st = Bind(tree->get(), scope);
  if (!st.ok()) {
    EXPECT_TRUE(st.IsInvalid()) << st.ToString();
    return st.message();
  }
  // Implicit casts are not printed: the bound tree prints as the text's
  // canonical form.
  EXPECT_EQ(Print(**tree), *Canonicalize(text));
  return Typed(**tree);
}

std::string TypeOf(std::string_view text) {
  Result<NodePtr> tree = Parse(text);
  if (!tree.ok()) return "parse error";
  const Status st = Bind(tree->get(), TestScope());
  return st.ok() ? (*tree)->type.ToString() : st.message();
}

TEST(Binder, ColumnsResolveExactly) {
  EXPECT_EQ(BindText("i32"), "i32:int32");
  EXPECT_EQ(BindText("u.x"), "u.x:int64");
  EXPECT_EQ(BindText("y"), "y:string");  // unique among qualifiers
  EXPECT_EQ(BindText("amout"), "at col 1: unknown column 'amout' (did you mean 'amount'?)");
  EXPECT_EQ(BindText("1 + Amount"), "at col 5: unknown column 'Amount' (did you mean 'amount'?)");
  EXPECT_EQ(BindText("zzz"), "at col 1: unknown column 'zzz'");
  // Columns count code points: the string takes 5 columns and 11 bytes.
  EXPECT_EQ(BindText("'é€😀' || amout"),
            "at col 10: unknown column 'amout' (did you mean 'amount'?)");
  EXPECT_EQ(BindText("\"çà\" + 1"), "at col 1: unknown column 'çà'");
  EXPECT_EQ(BindText("'é' + 1"), "at col 5: cannot apply '+' to string and int32");
  EXPECT_EQ(BindText("d + x"), "at col 5: column 'x' is ambiguous: write u.x or t.x");
  EXPECT_EQ(BindText("t.yy"), "at col 1: unknown column 't.yy' (did you mean 't.y'?)");
  EXPECT_EQ(BindText("v.x"), "at col 1: unknown column 'v.x' (did you mean 'u.x'?)");
}

TEST(Binder, ColumnIndexIsTheScopePosition) {
  Result<NodePtr> tree = Parse("t.y");
  ASSERT_TRUE(tree.ok());
  ASSERT_TRUE(Bind(tree->get(), TestScope()).ok());
  EXPECT_EQ((*tree)->column, 12);
}

TEST(Binder, ArithmeticWidensImplicitly) {
  EXPECT_EQ(BindText("i32 + 1"), "op4<int32>(i32:int32, 1:int32)");
  EXPECT_EQ(BindText("i32 + i64"), "op4<int64>(^int64(i32:int32), i64:int64)");
  EXPECT_EQ(BindText("i64 * d"), "op4<double>(^double(i64:int64), d:double)");
  EXPECT_EQ(BindText("f - d"), "op4<double>(^double(f:float), d:double)");
  EXPECT_EQ(BindText("f % f"), "op4<float>(f:float, f:float)");
  // int with float: both widen to double (int -> float is not a widening).
  EXPECT_EQ(BindText("i32 + f"), "op4<double>(^double(i32:int32), ^double(f:float))");
  // `/` is always double.
  EXPECT_EQ(BindText("i32 / 2"), "op4<double>(^double(i32:int32), ^double(2:int32))");
  EXPECT_EQ(BindText("-i32"), "op3<int32>(i32:int32)");
  EXPECT_EQ(BindText("i64 + NULL"), "op4<int64>(i64:int64, NULL:int64)");
  EXPECT_EQ(TypeOf("NULL + NULL"), "int64");  // DuckDB: BIGINT
  EXPECT_EQ(TypeOf("NULL"), "int64");
  EXPECT_EQ(TypeOf("2147483648 + 1"), "int64");
}

TEST(Binder, OperatorTypeErrors) {
  EXPECT_EQ(BindText("s + 1"), "at col 3: cannot apply '+' to string and int32");
  EXPECT_EQ(BindText("b AND i32"), "at col 3: cannot apply 'AND' to bool and int32");
  EXPECT_EQ(BindText("NOT s"), "at col 1: cannot apply 'NOT' to string");
  EXPECT_EQ(BindText("-s"), "at col 1: cannot apply '-' to string");
  EXPECT_EQ(BindText("s || 1"), "at col 3: cannot apply '||' to string and int32");
  EXPECT_EQ(BindText("s = 1"), "at col 3: cannot apply '=' to string and int32");
  EXPECT_EQ(BindText("emb = emb"), "at col 5: cannot apply '=' to list<float> and list<float>");
  EXPECT_EQ(BindText("ts - ts"), "at col 4: cannot subtract timestamps: use date_diff(unit, a, b)");
  EXPECT_EQ(BindText("i32 LIKE 'a'"), "at col 5: cannot apply 'LIKE' to int32 and string");
  EXPECT_EQ(BindText("s IN (1, 2)"), "at col 7: cannot compare string and int32 in IN");
  EXPECT_EQ(BindText("NULL IN ('a', 1)"), "at col 15: cannot compare string and int32 in IN");
  EXPECT_EQ(BindText("i32 BETWEEN 'a' AND 'b'"),
            "at col 13: cannot compare int32 and string in BETWEEN");
  EXPECT_EQ(BindText("CASE WHEN i32 THEN 1 END"),
            "at col 11: a WHEN condition must be bool, got int32");
  EXPECT_EQ(BindText("CASE WHEN b THEN 1 ELSE 'x' END"),
            "at col 25: CASE results have no common type: int32 and string");
}

TEST(Binder, ComparisonsAndPredicates) {
  EXPECT_EQ(BindText("i32 < d"), "op4<bool>(^double(i32:int32), d:double)");
  EXPECT_EQ(BindText("s = NULL"), "op4<bool>(s:string, NULL:string)");
  EXPECT_EQ(BindText("i32 IN (1, i64, NULL)"),
            "op6<bool>(^int64(i32:int32), ^int64(1:int32), i64:int64, NULL:int64)");
  EXPECT_EQ(BindText("d BETWEEN 1 AND i64"),
            "op7<bool>(d:double, ^double(1:int32), ^double(i64:int64))");
  EXPECT_EQ(BindText("s NOT LIKE NULL"), "op8<bool>(s:string, NULL:string)");
  EXPECT_EQ(BindText("s IS NULL"), "op5<bool>(s:string)");
  EXPECT_EQ(BindText("NULL IS NULL"), "op5<bool>(NULL:int64)");
  EXPECT_EQ(BindText("b OR NULL"), "op4<bool>(b:bool, NULL:bool)");
  EXPECT_EQ(BindText("s || NULL"), "op4<string>(s:string, NULL:string)");
  EXPECT_EQ(BindText("ts >= timestamp '2024-01-01'"),
            "op4<bool>(ts:timestamp, TIMESTAMP '2024-01-01T00:00:00.000000Z':timestamp)");
}

TEST(Binder, TimestampIntervalArithmetic) {
  EXPECT_EQ(BindText("ts + interval '1h'"), "op4<timestamp>(ts:timestamp, INTERVAL '1h':int64)");
  EXPECT_EQ(BindText("interval '1d' + ts"), "op4<timestamp>(INTERVAL '24h':int64, ts:timestamp)");
  EXPECT_EQ(BindText("ts - interval '7d'"), "op4<timestamp>(ts:timestamp, INTERVAL '7d':int64)");
  EXPECT_EQ(BindText("interval '1h' - ts"),
            "at col 1: an interval can only be added to or subtracted from a timestamp");
  EXPECT_EQ(BindText("interval '1h'"),
            "at col 1: an interval can only be added to or subtracted from a timestamp");
  EXPECT_EQ(BindText("i64 + interval '1h'"), "at col 5: cannot apply '+' to int64 and interval");
  EXPECT_EQ(BindText("interval '1h' + interval '1h'"),
            "at col 1: an interval can only be added to or subtracted from a timestamp");
}

TEST(Binder, CaseTakesTheCommonType) {
  EXPECT_EQ(BindText("CASE WHEN b THEN i32 WHEN NULL THEN NULL ELSE d END"),
            "op9<double>(b:bool, ^double(i32:int32), NULL:bool, NULL:double, d:double)");
  EXPECT_EQ(TypeOf("CASE WHEN b THEN NULL END"), "int64");
  EXPECT_EQ(TypeOf("CASE i32 WHEN 1 THEN 'a' END"), "string");
}

TEST(Binder, CastMatrix) {
  EXPECT_EQ(BindText("CAST(i32 AS string)"), "op10<string>(i32:int32)");
  EXPECT_EQ(BindText("CAST(NULL AS double)"), "op10<double>(NULL:double)");
  for (const char* ok :
       {"CAST(s AS timestamp)", "CAST(ts AS string)", "CAST(b AS double)", "CAST(d AS bool)",
        "CAST(bin AS string)", "CAST(s AS bytes)", "CAST(emb AS list<double>)",
        "CAST(emb AS string)", "CAST(s AS list<int64>)", "CAST(f AS int32)"}) {
    EXPECT_TRUE(Parse(ok).ok() && Bind(Parse(ok)->get(), TestScope()).ok()) << ok;
  }
  EXPECT_EQ(BindText("CAST(ts AS int64)"), "at col 1: cannot cast timestamp to int64");
  EXPECT_EQ(BindText("CAST(i64 AS timestamp)"), "at col 1: cannot cast int64 to timestamp");
  EXPECT_EQ(BindText("CAST(bin AS int32)"), "at col 1: cannot cast bytes to int32");
  EXPECT_EQ(BindText("CAST(emb AS double)"), "at col 1: cannot cast list<float> to double");
}

TEST(Binder, ListsAndIndex) {
  EXPECT_EQ(BindText("[1, 2.5]"), "op13<list<double>>(^double(1:int32), 2.5:double)");
  EXPECT_EQ(BindText("[1, 2]"), "op13<list<int64>>(^int64(1:int32), ^int64(2:int32))");
  EXPECT_EQ(BindText("['a', NULL]"), "op13<list<string>>('a':string, NULL:string)");
  EXPECT_EQ(BindText("emb[i32]"), "op11<float>(emb:list<float>, ^int64(i32:int32))");
  EXPECT_EQ(BindText("CAST([] AS list<double>)"), "op10<list<double>>(op13<list<double>>())");
  EXPECT_EQ(BindText("CAST([1, 2] AS list<double>)"),
            "op10<list<double>>(op13<list<double>>(^double(1:int32), ^double(2:int32)))");
  EXPECT_EQ(BindText("[]"),
            "at col 1: the type of an empty list is unknown: write CAST([] AS list<double>)");
  EXPECT_EQ(BindText("[true]"),
            "at col 1: list elements must be float, double, int64 or string, got bool");
  EXPECT_EQ(BindText("[1, 'a']"), "at col 5: list elements have no common type: int32 and string");
  EXPECT_EQ(BindText("s[1]"), "at col 2: '[ ]' needs a list, got string");
  EXPECT_EQ(BindText("emb[1.5]"), "at col 5: a list index must be an integer, got double");
}

TEST(Binder, CallsUseTheCatalog) {
  EXPECT_EQ(BindText("ROUND(i32, 2)"), "round<int32>(i32:int32, ^int64(2:int32))");
  EXPECT_EQ(BindText("coalesce(i32, d, NULL)"),
            "coalesce<double>(^double(i32:int32), d:double, NULL:double)");
  EXPECT_EQ(BindText("upper(NULL)"), "upper<string>(NULL:string)");
  EXPECT_EQ(BindText("date_diff('day', ts, ts)"),
            "date_diff<int64>('day':string, ts:timestamp, ts:timestamp)");
  EXPECT_EQ(BindText("uper(s)"), "at col 1: unknown function 'uper' (did you mean 'upper'?)");
  EXPECT_EQ(BindText("nosuchthing(s)"), "at col 1: unknown function 'nosuchthing'");
  EXPECT_EQ(BindText("1 + round()"),
            "at col 5: round takes 1 to 2 arguments, got 0 (round(x [, digits]))");
  EXPECT_EQ(BindText("abs(1, 2)"), "at col 1: abs takes 1 argument, got 2 (abs(x))");
  EXPECT_EQ(BindText("coalesce()"),
            "at col 1: coalesce takes at least 1 argument, got 0 (coalesce(x, ...))");
  EXPECT_EQ(BindText("upper(i32)"), "at col 1: upper: expects a string as argument 1, got int32");
  Result<NodePtr> tree = Parse("lower(s)");
  ASSERT_TRUE(Bind(tree->get(), TestScope()).ok());
  EXPECT_EQ((*tree)->function, FindFunction("lower"));
}

TEST(Binder, ScopeFromSchema) {
  Result<SchemaPtr> schema = Schema::Make({{"a", DataType::Int32()}, {"b", DataType::String()}});
  ASSERT_TRUE(schema.ok());
  const Scope scope = Scope::FromSchema(**schema);
  ASSERT_EQ(scope.size(), 2);
  EXPECT_EQ(scope.column(1).name, "b");
  EXPECT_EQ(scope.column(1).qualifier, "");
  EXPECT_EQ(BindText("a || b", scope), "at col 3: cannot apply '||' to int32 and string");
}

TEST(Binder, DeepTreesBind) {
  std::string text = "i32";
  for (int i = 0; i < 250; ++i) text = "(" + text + " + 1)";
  EXPECT_EQ(TypeOf(text), "int32");
}

}  // namespace
}  // namespace tessera::expr
