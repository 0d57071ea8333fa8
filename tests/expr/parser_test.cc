// Parser and lexer: precedence (as DuckDB/PostgreSQL: checked with DuckDB,
// docs/EXPRESSIONS.md "Grammar"), literals, exact error texts and columns,
// deep nesting.
#include "tessera/expr/parser.h"

#include <gtest/gtest.h>

#include <string>

#include "tessera/expr/lexer.h"
#include "tessera/expr/printer.h"

namespace tessera::expr {
namespace {

// The canonical text, or the error message.
std::string Canon(std::string_view text) {
  Result<std::string> r = Canonicalize(text);
  return r.ok() ? *r : "error: " + r.status().message();
}

std::string Error(std::string_view text) {
  Result<NodePtr> r = Parse(text);
  if (r.ok()) return "parsed: " + Print(**r);
  EXPECT_TRUE(r.status().IsInvalid());
  return r.status().message();
}

// The tree as nested kinds and operators, for checking the shape directly
// (independent of the printer).
std::string Shape(const Node& n) {
  std::string s;
  switch (n.kind) {
    case NodeKind::kLiteral: return n.value.ToString() + ":" + n.value.type().ToString();
    case NodeKind::kColumn: return n.qualifier.empty() ? n.name : n.qualifier + "." + n.name;
    case NodeKind::kUnary: s = n.op == Op::kNot ? "not" : "neg"; break;
    case NodeKind::kBinary: s = "bin" + std::to_string(static_cast<int>(n.op)); break;
    case NodeKind::kIsNull: s = n.negated ? "isnotnull" : "isnull"; break;
    case NodeKind::kIn: s = n.negated ? "notin" : "in"; break;
    case NodeKind::kBetween: s = n.negated ? "notbetween" : "between"; break;
    case NodeKind::kLike: s = n.negated ? "notlike" : "like"; break;
    case NodeKind::kCase: s = n.has_else ? "case_else" : "case"; break;
    case NodeKind::kCast: s = "cast_" + n.type.ToString(); break;
    case NodeKind::kIndex: s = "index"; break;
    case NodeKind::kCall: s = "call_" + n.name; break;
    case NodeKind::kList: s = "list"; break;
    case NodeKind::kInterval: return "interval" + std::to_string(n.value.int_value());
  }
  s += "(";
  for (size_t i = 0; i < n.children.size(); ++i) s += (i ? " " : "") + Shape(*n.children[i]);
  return s + ")";
}

std::string ShapeOf(std::string_view text) {
  Result<NodePtr> r = Parse(text);
  return r.ok() ? Shape(**r) : "error: " + r.status().message();
}

TEST(Lexer, ColumnsCountCodePoints) {
  Result<std::vector<Token>> t = Tokenize("'é€😀' + ä");
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(t->size(), 4u);
  EXPECT_EQ((*t)[0].col, 1);
  EXPECT_EQ((*t)[0].text, "é€😀");
  EXPECT_EQ((*t)[1].col, 7);
  EXPECT_EQ((*t)[2].col, 9);
  EXPECT_EQ((*t)[2].text, "ä");
  EXPECT_EQ((*t)[3].kind, TokenKind::kEnd);
  EXPECT_EQ((*t)[3].col, 10);
}

TEST(Lexer, KeywordsAreCaseInsensitiveNamesAreNot) {
  Result<std::vector<Token>> t = Tokenize("aNd Amount");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ((*t)[0].kind, TokenKind::kKeyword);
  EXPECT_EQ((*t)[0].text, "AND");
  EXPECT_EQ((*t)[1].kind, TokenKind::kIdent);
  EXPECT_EQ((*t)[1].text, "Amount");
}

TEST(Lexer, QuotesUnescape) {
  Result<std::vector<Token>> t = Tokenize(R"('it''s' "a ""b""")");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ((*t)[0].text, "it's");
  EXPECT_EQ((*t)[1].kind, TokenKind::kQuotedIdent);
  EXPECT_EQ((*t)[1].text, "a \"b\"");
}

TEST(Parser, PrecedenceMatchesDuckDB) {
  // DuckDB: 'a' || 1 + 2 = 'a3' (+ binds tighter than ||).
  EXPECT_EQ(ShapeOf("'a' || 1 + 2"), "bin8(\"a\":string bin3(1:int32 2:int32))");
  // 'a' || 'b' = 'ab' is true: || binds tighter than =.
  EXPECT_EQ(ShapeOf("a || b = c"), "bin9(bin8(a b) c)");
  // 1 = 1 IS NULL is false: IS binds looser than =.
  EXPECT_EQ(ShapeOf("a = b IS NULL"), "isnull(bin9(a b))");
  // NOT 2 IS NULL is true: NOT binds looser than IS.
  EXPECT_EQ(ShapeOf("NOT a IS NULL"), "not(isnull(a))");
  // 2 BETWEEN 1 AND 3 = true: BETWEEN binds tighter than =.
  EXPECT_EQ(ShapeOf("a BETWEEN b AND c = d"), "bin9(between(a b c) d)");
  EXPECT_EQ(ShapeOf("a + 1 BETWEEN b AND c + 1"), "between(bin3(a 1:int32) b bin3(c 1:int32))");
  EXPECT_EQ(ShapeOf("a LIKE b || c"), "like(a bin8(b c))");
  EXPECT_EQ(ShapeOf("a OR b AND NOT c"), "bin16(a bin15(b not(c)))");
  EXPECT_EQ(ShapeOf("a - b - c"), "bin4(bin4(a b) c)");
  EXPECT_EQ(ShapeOf("a + b * c % d"), "bin3(a bin7(bin5(b c) d))");
  // -[1,2][1] is -1 in DuckDB: postfix [] binds tighter than unary minus.
  EXPECT_EQ(ShapeOf("-x[1]"), "neg(index(x 1:int32))");
  EXPECT_EQ(ShapeOf("x[1][2]"), "index(index(x 1:int32) 2:int32)");
  // 1 = NOT false is accepted by DuckDB.
  EXPECT_EQ(ShapeOf("a = NOT b AND c"), "bin15(bin9(a not(b)) c)");
  EXPECT_EQ(ShapeOf("a IS NULL IS NOT NULL"), "isnotnull(isnull(a))");
  EXPECT_EQ(
      ShapeOf("a NOT IN (1, b) AND c NOT BETWEEN 1 AND 2 OR d NOT LIKE 'x'"),
      "bin16(bin15(notin(a 1:int32 b) notbetween(c 1:int32 2:int32)) notlike(d \"x\":string))");
  EXPECT_EQ(ShapeOf("a <> b"), ShapeOf("a != b"));
}

TEST(Parser, Literals) {
  EXPECT_EQ(ShapeOf("2147483647"), "2147483647:int32");
  EXPECT_EQ(ShapeOf("2147483648"), "2147483648:int64");        // DuckDB: BIGINT
  EXPECT_EQ(ShapeOf("-2147483648"), "neg(2147483648:int64)");  // DuckDB: BIGINT
  EXPECT_EQ(ShapeOf("-9223372036854775808"), "-9223372036854775808:int64");
  EXPECT_EQ(ShapeOf("1.5"), "1.5:double");
  EXPECT_EQ(ShapeOf(".5"), "0.5:double");
  EXPECT_EQ(ShapeOf("5."), "5:double");
  EXPECT_EQ(ShapeOf("1e3"), "1000:double");
  EXPECT_EQ(ShapeOf("2.5E-1"), "0.25:double");
  EXPECT_EQ(ShapeOf("TrUe"), "true:bool");
  EXPECT_EQ(ShapeOf("null"), "null:int64");
  EXPECT_EQ(ShapeOf("'it''s'"), "\"it's\":string");
  EXPECT_EQ(ShapeOf("timestamp '2024-03-01T12:00:00Z'"), "2024-03-01T12:00:00.000000Z:timestamp");
  EXPECT_EQ(ShapeOf("INTERVAL '24h'"), "interval86400000000");
  EXPECT_EQ(ShapeOf("[1.0, 2.0]"), "list(1:double 2:double)");
  EXPECT_EQ(ShapeOf("[]"), "list()");
  // A column may be called timestamp: the literal needs the string after it.
  EXPECT_EQ(ShapeOf("timestamp > 3"), "bin13(timestamp 3:int32)");
}

TEST(Parser, NamesCallsCaseCast) {
  EXPECT_EQ(ShapeOf("v.f + \"odd name\".\"x\""), "bin3(v.f odd name.x)");
  EXPECT_EQ(ShapeOf("ROUND(x, 2)"), "call_round(x 2:int32)");
  EXPECT_EQ(ShapeOf("f()"), "call_f()");
  EXPECT_EQ(ShapeOf("CASE WHEN a THEN 1 WHEN b THEN 2 END"), "case(a 1:int32 b 2:int32)");
  EXPECT_EQ(ShapeOf("case when a then 1 else 2 end"), "case_else(a 1:int32 2:int32)");
  // Simple CASE becomes the searched form.
  EXPECT_EQ(ShapeOf("CASE x WHEN 1 THEN 'a' ELSE 'b' END"),
            "case_else(bin9(x 1:int32) \"a\":string \"b\":string)");
  EXPECT_EQ(ShapeOf("CAST(x AS INT64)"), "cast_int64(x)");
  EXPECT_EQ(ShapeOf("cast(x as list < float >)"), "cast_list<float>(x)");
}

TEST(Parser, ErrorsNameTheColumn) {
  EXPECT_EQ(Error(""), "at col 1: empty expression");
  EXPECT_EQ(Error("   "), "at col 4: empty expression");
  EXPECT_EQ(Error("a b"), "at col 3: unexpected 'b' after the expression");
  EXPECT_EQ(Error("(a AND b"), "at col 9: expected ')' but found the end of the expression");
  EXPECT_EQ(Error("x = 'abc"), "at col 5: unterminated string");
  EXPECT_EQ(Error("\"abc"), "at col 1: unterminated quoted name");
  EXPECT_EQ(Error("a + "), "at col 5: expected an expression but found the end of the expression");
  EXPECT_EQ(Error("a = b = c"),
            "at col 7: comparisons do not chain: put '=' or the comparison "
            "before it in parentheses");
  EXPECT_EQ(Error("a LIKE b LIKE c"),
            "at col 10: BETWEEN, IN and LIKE do not chain: put one in parentheses");
  EXPECT_EQ(Error("a IS 1"), "at col 6: expected NULL or NOT after IS but found '1'");
  EXPECT_EQ(Error("a IN ()"), "at col 7: expected an expression but found ')'");
  EXPECT_EQ(Error("f(a,)"), "at col 5: expected an expression but found ')'");
  EXPECT_EQ(Error("CASE END"), "at col 6: expected 'WHEN' but found 'END'");
  EXPECT_EQ(Error("CASE WHEN a THEN b"),
            "at col 19: expected 'WHEN', 'ELSE' or 'END' but found the end of the expression");
  EXPECT_EQ(Error("CAST(x AS integr)"),
            "at col 11: unknown type 'integr' (expected bool, int32, int64, float, double, "
            "string, bytes, timestamp or list<float|double|int64|string>)");
  EXPECT_EQ(Error("CAST(x AS VARCHAR)"), "at col 11: unknown type 'varchar': write string");
  EXPECT_EQ(Error("CAST(x AS integer)"), "at col 11: unknown type 'integer': write int32");
  EXPECT_EQ(Error("x # 1"), "at col 3: unexpected character '#'");
  EXPECT_EQ(Error("x\x01"), "at col 2: unexpected character U+0001");
  EXPECT_EQ(Error("x::int64"), "at col 2: '::' casts are not supported: write CAST(x AS type)");
  EXPECT_EQ(Error("a == b"), "at col 3: unexpected '==': write '=' for equality");
  EXPECT_EQ(Error("1e"), "at col 2: malformed number: expected digits after the exponent 'e'");
  EXPECT_EQ(Error("12abc"), "at col 1: malformed number: a letter follows the digits");
  EXPECT_EQ(Error("99999999999999999999"),
            "at col 1: integer 99999999999999999999 is out of the range of int64 (write it as a "
            "decimal, e.g. 99999999999999999999.0, for a double)");
  EXPECT_EQ(Error("1e400"), "at col 1: number 1e400 is out of the range of double");
  EXPECT_EQ(Error("timestamp '2024-13-01'"),
            "at col 11: bad timestamp '2024-13-01' (expected e.g. '2024-03-01T12:00:00Z')");
  EXPECT_EQ(Error("interval '24 hours'"),
            "at col 10: bad interval '24 hours' (expected a count and a unit: us, ms, s, m, h, d "
            "or w, e.g. '24h')");
  EXPECT_EQ(Error("a.b.c"), "at col 4: unexpected '.': a column is 'name' or 'view.name'");
  EXPECT_EQ(Error("\"f\"(x)"), "at col 1: a function name cannot be quoted");
  EXPECT_EQ(Error("\"\""), "at col 1: empty quoted name");
}

TEST(Parser, ErrorColumnsCountCodePoints) {
  // 'é€😀' takes 5 columns (quotes included) but 11 bytes.
  EXPECT_EQ(Error("'é€😀' = = 1"), "at col 9: expected an expression but found '='");
  EXPECT_EQ(Error("ä + ("), "at col 6: expected an expression but found the end of the expression");
}

TEST(Parser, BadUtf8IsACleanError) {
  EXPECT_EQ(Error("ab\xC3"), "at col 3: invalid UTF-8 (byte 0xC3)");
  EXPECT_EQ(Error("'é'\xFF"), "at col 4: invalid UTF-8 (byte 0xFF)");
  EXPECT_EQ(Error("x = '\xED\xA0\x80'"), "at col 6: invalid UTF-8 (byte 0xED)");  // surrogate
}

TEST(Parser, MessagesNeverEchoControlCharactersOrLongTexts) {
  EXPECT_EQ(Error("a 'x\ny'"), "at col 3: unexpected string 'x\\x0Ay' after the expression");
  const std::string long_name(100, 'n');
  EXPECT_EQ(Error("a " + long_name),
            "at col 3: unexpected '" + std::string(40, 'n') + "...' after the expression");
}

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

TEST(Parser, NestingLimitIsExact) {
  EXPECT_EQ(ShapeOf(Repeat("(", 256) + "x" + Repeat(")", 256)), "x");
  EXPECT_EQ(Error(Repeat("(", 257) + "x" + Repeat(")", 257)),
            "at col 257: expression nested deeper than 256 levels");
  EXPECT_EQ(Error(Repeat("-", 257) + "x"), "at col 257: expression nested deeper than 256 levels");
  EXPECT_TRUE(Parse(Repeat("-", 256) + "x").ok());
  // A chain builds a tree as deep as it is long.
  EXPECT_TRUE(Parse("x" + Repeat(" + x", 256)).ok());
  EXPECT_EQ(Error("x" + Repeat("+x", 257)), "at col 514: expression nested deeper than 256 levels");
}

// 10,000 levels of each nesting form are a clean error, not a stack
// overflow (also under ASan, `make sanitize`).
TEST(Parser, TenThousandLevelsAreACleanError) {
  const std::string limit = "expression nested deeper than 256 levels";
  for (const std::string& text :
       {Repeat("(", 10000) + "x" + Repeat(")", 10000), Repeat("-", 10000) + "x",
        Repeat("NOT ", 10000) + "x", Repeat("f(", 10000) + Repeat(")", 10000),
        Repeat("[", 10000) + Repeat("]", 10000), "x" + Repeat("[1]", 10000),
        "x" + Repeat(" OR x", 10000), "x" + Repeat(" IS NULL", 10000),
        Repeat("CASE WHEN ", 10000) + "x", Repeat("CAST(", 10000) + "x",
        Repeat("a = NOT ", 10000) + "x", Repeat("x IN (", 10000) + "x"}) {
    const std::string err = Error(text);
    EXPECT_NE(err.find(limit), std::string::npos) << err.substr(0, 100);
    EXPECT_EQ(err.rfind("at col ", 0), 0u) << err.substr(0, 100);
  }
}

TEST(Parser, SimpleCaseCopiesAreBounded) {
  // The operand is copied into each WHEN; a huge operand times many WHENs
  // is refused instead of growing the tree quadratically.
  const std::string operand = "x" + Repeat(" + x", 200);
  const std::string text = "CASE " + operand + Repeat(" WHEN 1 THEN 1", 300) + " END";
  EXPECT_EQ(Error(text).find("expression too large (more than 100000 nodes)"), 12u) << Error(text);
}

}  // namespace
}  // namespace tessera::expr

namespace tessera::expr {
namespace {

// The canonical form may add parentheses the text did not have (`a = NOT b`
// prints `a = (NOT b)`; simple CASE prints `x = v`): the parser counts
// them, so every text that parses has a canonical text that parses too,
// right up to the limit.
TEST(Parser, CanonicalTextOfAnyParsedTextIsWithinTheLimit) {
  std::string simple_case = "c = d";
  std::string not_chain = "x";
  std::string min_index = "-9223372036854775808[1]";
  int parsed[3] = {0, 0, 0};
  for (int n = 1; n <= 300; ++n) {
    simple_case = "CASE a = b WHEN " + simple_case + " THEN 1 END";
    not_chain = "x = NOT " + not_chain;
    min_index = "(" + min_index + ")";
    const std::string texts[3] = {simple_case, not_chain, min_index};
    for (int k = 0; k < 3; ++k) {
      Result<NodePtr> tree = Parse(texts[k]);
      if (!tree.ok()) continue;
      ++parsed[k];
      const std::string canonical = Print(**tree);
      Result<std::string> again = Canonicalize(canonical);
      ASSERT_TRUE(again.ok()) << "form " << k << ", n = " << n << ": " << again.status().ToString();
      EXPECT_EQ(*again, canonical);
    }
  }
  // Each form parsed up to near the limit, then stopped.
  EXPECT_GT(parsed[0], 60);
  EXPECT_LT(parsed[0], 300);
  EXPECT_GT(parsed[1], 80);
  EXPECT_LT(parsed[1], 300);
  EXPECT_GT(parsed[2], 200);
  EXPECT_LT(parsed[2], 300);
}

}  // namespace
}  // namespace tessera::expr
