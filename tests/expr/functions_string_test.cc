// Kernels of the string functions. Expected values are DuckDB 1.5.6's
// (query quoted above each block) unless stated as hand-computed.
#include <gtest/gtest.h>

#include <string>

#include "function_test_util.h"

namespace tessera::expr {
namespace {

using namespace fn_test;  // NOLINT

const DataType kStr = DataType::String();

// DuckDB: length('héllo'), length(''), length('日本語'), length('👍🏽') =
// 5, 0, 3, 2 (code points, not bytes or graphemes).
TEST(StringKernels, LengthCountsCodePoints) {
  Call c =
      Invoke("length", {Col(kStr, {S("héllo"), S(""), S("日本語"), S("👍🏽"), Null(kStr)})});
  EXPECT_EQ(c.values(),
            (std::vector<Value>{I64(5), I64(0), I64(3), I64(2), Null(DataType::Int64())}));
}

// DuckDB: upper('straße'), lower('ÀÉÎ'), upper('ǆ'), lower('İ'),
// upper('ﬁ'), upper('ǳ'), lower('ẞ'), upper('ŉ'), lower('Σ'), upper('ı'),
// lower('ΑΣ'), lower('ÀB'), upper('ÿ') = 'STRAẞE', 'àéî', 'Ǆ', 'i', 'ﬁ',
// 'Ǳ', 'ß', 'ŉ', 'σ', 'I', 'ασ', 'àb', 'Ÿ' (one-to-one mappings only).
TEST(StringKernels, UpperLowerUseUnicodeSimpleCaseMapping) {
  Call up = Invoke("upper", {Col(kStr, {S("straße"), S("ǆ"), S("ﬁ"), S("ǳ"), S("ŉ"), S("ı"), S("ÿ"),
                                        S("abc-XYZ 1"), S(""), Null(kStr)})});
  EXPECT_EQ(up.values(), (std::vector<Value>{S("STRAẞE"), S("Ǆ"), S("ﬁ"), S("Ǳ"), S("ŉ"), S("I"),
                                             S("Ÿ"), S("ABC-XYZ 1"), S(""), Null(kStr)}));
  Call low = Invoke("lower", {Col(kStr, {S("ÀÉÎ"), S("İ"), S("ẞ"), S("Σ"), S("ΑΣ"), S("ÀB")})});
  EXPECT_EQ(low.values(), (std::vector<Value>{S("àéî"), S("i"), S("ß"), S("σ"), S("ασ"), S("àb")}));
}

// DuckDB: trim('  a b  '), trim(chr(9) || 'a' || chr(10)), trim('　a　'),
// trim(chr(160) || 'a' || chr(8195)), length(trim(chr(133) || 'a')),
// length(trim('   ')) = 'a b', E'\ta\n', 'a', 'a', 2, 0: space separators
// (Zs) only.
TEST(StringKernels, TrimRemovesSpaceSeparatorsOnly) {
  Call c = Invoke("trim", {Col(kStr, {S("  a b  "), S("\ta\n"), S("\u3000a\u3000"),
                                      S("\u00a0a\u2003"), S("\u0085a"), S("   "), S("")})});
  EXPECT_EQ(c.values(),
            (std::vector<Value>{S("a b"), S("\ta\n"), S("a"), S("a"), S("\u0085a"), S(""), S("")}));
}

// DuckDB: substr('hello', 0), substr('hello', -2), substr('hello', 2, 2),
// substr('hello', 0, 2), substr('hello', -10, 3), substr('hello', 10),
// substr('hello', 2, -1), substr('héllo', 2, 2), substr('hello', -3, 2),
// substr('hello', 1, 0) = 'hello', 'lo', 'el', 'h', '', '', 'h', 'él',
// 'll', ''; substr('hello', -5, 2), (-6, 2), (-7, 3), (5, 100), (6),
// (3, -2) = 'he', 'h', 'h', 'o', '', 'he'; substr('hello', 0, -1) = '',
// substr('hello', 4294967295, 2) = '', substr('hello', -4294967295, 2) =
// '', substr('hello', -4294967296) = 'hell', substr('hello', 2,
// 4294967295) = 'ello', substr('hello', 2, -4294967296) = 'h',
// substr('hello', -10) = 'hello', substr('héllo', -4, 2) = 'él',
// substr('日本語', 2) = '本語'.
TEST(StringKernels, SubstrWindowAsDuckDb) {
  struct Case {
    const char* s;
    int64_t offset;
    bool has_count;
    int64_t count;
    const char* want;
  } cases[] = {
      {"hello", 0, false, 0, "hello"},
      {"hello", -2, false, 0, "lo"},
      {"hello", 2, true, 2, "el"},
      {"hello", 0, true, 2, "h"},
      {"hello", -10, true, 3, ""},
      {"hello", 10, false, 0, ""},
      {"hello", 2, true, -1, "h"},
      {"héllo", 2, true, 2, "él"},
      {"hello", -3, true, 2, "ll"},
      {"hello", 1, true, 0, ""},
      {"hello", -5, true, 2, "he"},
      {"hello", -6, true, 2, "h"},
      {"hello", -7, true, 3, "h"},
      {"hello", 5, true, 100, "o"},
      {"hello", 6, false, 0, ""},
      {"hello", 3, true, -2, "he"},
      {"hello", 0, true, -1, ""},
      {"hello", 4294967295, true, 2, ""},
      {"hello", -4294967295, true, 2, ""},
      {"hello", -4294967296, false, 0, "hell"},
      {"hello", 2, true, 4294967295, "ello"},
      {"hello", 2, true, -4294967296, "h"},
      {"hello", -10, false, 0, "hello"},
      {"héllo", -4, true, 2, "él"},
      {"日本語", 2, false, 0, "本語"},
      {"", 1, true, 2, ""},
  };
  for (const Case& k : cases) {
    std::vector<Value> args = {S(k.s), I64(k.offset)};
    if (k.has_count) args.push_back(I64(k.count));
    Call c;
    EXPECT_EQ(One("substr", args, &c), S(k.want))
        << "substr('" << k.s << "', " << k.offset
        << (k.has_count ? ", " + std::to_string(k.count) : "") << ")";
    EXPECT_EQ(c.stats.error_rows, 0);
  }
}

// DuckDB: substr('hello', 4294967296, 2) "Substring offset outside of
// supported range (> 4294967295)"; substr('hello', 2, 4294967296) "...
// length ..."; a null offset or length gives null.
TEST(StringKernels, SubstrOutOfRangeIsAnError) {
  const DataType i64 = DataType::Int64();
  Call c = Invoke("substr", {Col(kStr, {S("hello"), S("hello"), S("hello"), S("hello")}),
                             Col(i64, {I64(4294967296), I64(2), Null(i64), I64(-4294967297)}),
                             Col(i64, {I64(2), I64(4294967296), I64(1), I64(1)})});
  EXPECT_EQ(c.values(), (std::vector<Value>{Null(kStr), Null(kStr), Null(kStr), Null(kStr)}));
  EXPECT_EQ(c.stats.error_rows, 3);
  EXPECT_EQ(c.error_rows, (std::vector<uint8_t>{1, 1, 0, 1}));
  EXPECT_EQ(c.stats.first_error, "substr offset outside [-2^32, 2^32 - 1]");
}

// DuckDB: replace('aaa', 'a', 'bb'), replace('abc', '', 'x'),
// replace('héllo', 'é', 'e'), replace('aaaa', 'aa', 'b'), replace('', '',
// 'x'), replace('abc', 'b', '') = 'bbbbbb', 'abc', 'hello', 'bb', '', 'ac'.
TEST(StringKernels, Replace) {
  Call c =
      Invoke("replace",
             {Col(kStr, {S("aaa"), S("abc"), S("héllo"), S("aaaa"), S(""), S("abc"), Null(kStr)}),
              Col(kStr, {S("a"), S(""), S("é"), S("aa"), S(""), S("b"), S("a")}),
              Col(kStr, {S("bb"), S("x"), S("e"), S("b"), S("x"), S(""), S("b")})});
  EXPECT_EQ(c.values(), (std::vector<Value>{S("bbbbbb"), S("abc"), S("hello"), S("bb"), S(""),
                                            S("ac"), Null(kStr)}));
}

// DuckDB: concat('a', NULL, 'b'), concat(NULL::VARCHAR), concat(NULL,
// NULL), concat('', '') = 'ab', '', '', '' (nulls are skipped; never null).
TEST(StringKernels, ConcatSkipsNulls) {
  Call c = Invoke(
      "concat", {Col(kStr, {S("a"), Null(kStr), S("")}), Col(kStr, {Null(kStr), Null(kStr), S("")}),
                 Col(kStr, {S("b"), Null(kStr), S("é")})});
  EXPECT_EQ(c.values(), (std::vector<Value>{S("ab"), S(""), S("é")}));
  EXPECT_EQ(c.out->null_count(), 0);
}

// DuckDB: starts_with('abc', ''), ends_with('abc', 'bc'), contains('abc',
// ''), contains('', ''), starts_with('', 'a'), contains('héllo', 'é') =
// true, true, true, true, false, true.
TEST(StringKernels, Predicates) {
  EXPECT_EQ(One("starts_with", {S("abc"), S("")}), B(true));
  EXPECT_EQ(One("ends_with", {S("abc"), S("bc")}), B(true));
  EXPECT_EQ(One("ends_with", {S("abc"), S("ab")}), B(false));
  EXPECT_EQ(One("contains", {S("abc"), S("")}), B(true));
  EXPECT_EQ(One("contains", {S(""), S("")}), B(true));
  EXPECT_EQ(One("starts_with", {S(""), S("a")}), B(false));
  EXPECT_EQ(One("contains", {S("héllo"), S("é")}), B(true));
  EXPECT_TRUE(One("contains", {Null(kStr), S("a")}).is_null());
  EXPECT_TRUE(One("starts_with", {S("a"), Null(kStr)}).is_null());
}

// DuckDB: regexp_matches('abc', 'b'), ('abc', '^b'), ('', ''), ('héllo',
// 'h.l'), ('aXb', 'x'), (E'a\nb', 'a.b'), ('ab', '^a$') = true, false,
// true, true, false, false, false; regexp_matches('a', '(') raises
// "missing ): (".
TEST(StringKernels, RegexpMatchesIsAPartialRe2Match) {
  Call c = Invoke("regexp_matches", {Col(kStr, {S("abc"), S("abc"), S(""), S("héllo"), S("aXb"),
                                                S("a\nb"), S("ab"), S("a"), S("abc"), Null(kStr)}),
                                     Col(kStr, {S("b"), S("^b"), S(""), S("h.l"), S("x"), S("a.b"),
                                                S("^a$"), S("("), S("c$"), S("a")})});
  EXPECT_EQ(c.values(),
            (std::vector<Value>{B(true), B(false), B(true), B(true), B(false), B(false), B(false),
                                Null(DataType::Bool()), B(true), Null(DataType::Bool())}));
  EXPECT_EQ(c.stats.error_rows, 1);
  EXPECT_EQ(c.stats.first_error_row, 7);
  EXPECT_EQ(c.stats.first_error, "invalid regular expression in regexp_matches");
}

TEST(StringKernels, RegexpMatchesRejectsAConstantBadPatternAtBind) {
  const FunctionDef* f = FindFunction("regexp_matches");
  const Value bad = S("a(");
  const Value good = S("a+");
  std::vector<DataType> params;
  DataType result;
  Status st =
      f->bind({BindArg{kStr, false, nullptr}, BindArg{kStr, false, &bad}}, &params, &result);
  EXPECT_EQ(st.message(), "invalid regular expression in argument 2");
  EXPECT_TRUE(
      f->bind({BindArg{kStr, false, nullptr}, BindArg{kStr, false, &good}}, &params, &result).ok());
}

// Hand-computed: a 1 MiB string of 'é' (2 bytes each) has 524288 code
// points; upper maps each to 'É'; substr near the end and trim of a long
// padded value.
TEST(StringKernels, LongStrings) {
  std::string s;
  for (int i = 0; i < 524288; ++i) s += "é";
  std::string up;
  for (int i = 0; i < 524288; ++i) up += "É";
  EXPECT_EQ(One("length", {S(s)}), I64(524288));
  EXPECT_EQ(One("upper", {S(s)}), S(up));
  EXPECT_EQ(One("substr", {S(s + "xyz"), I64(-3)}), S("xyz"));
  EXPECT_EQ(One("substr", {S(s), I64(524288), I64(5)}), S("é"));
  const std::string pad(100000, ' ');
  EXPECT_EQ(One("trim", {S(pad + s + pad)}), S(s));
  EXPECT_EQ(One("contains", {S(s + "needle" + s), S("needle")}), B(true));
  EXPECT_EQ(One("replace", {S(s), S("é"), S("e")}), S(std::string(524288, 'e')));
}

TEST(StringKernels, EmptyInput) {
  EXPECT_EQ(Invoke("upper", {Col(kStr, {})}).out->length(), 0);
  EXPECT_EQ(Invoke("concat", {Col(kStr, {}), Col(kStr, {})}).out->length(), 0);
  EXPECT_EQ(Invoke("regexp_matches", {Col(kStr, {}), Col(kStr, {})}).out->length(), 0);
}

// Nested replace() grows a value geometrically (each occurrence copies
// `to`); a result longer than both 16 MiB and its input is an error row, so
// a short expression cannot exhaust memory. One that does not grow never
// fails, however long.
TEST(StringKernels, ReplaceGrowthIsBounded) {
  const std::string a5000(5000, 'a');
  const std::string big((size_t{1} << 24) + 10, 'a');
  Call c = Invoke("replace",
                  {Col(kStr, {S(a5000), S(a5000), S(big), S(big), S("abc")}),
                   Col(kStr, {S("a"), S("aa"), S("a"), S("a"), S("b")}),
                   Col(kStr, {S(a5000), S(std::string(6710, 'b')), S("b"), S("bb"), S(a5000)})});
  // 5000 * 5000 bytes; 2500 * 6710 = 16,775,000 bytes (under 2^24 =
  // 16,777,216); the same length as big; one byte longer than big.
  EXPECT_TRUE(c.at(0).is_null());
  ASSERT_FALSE(c.at(1).is_null());
  EXPECT_EQ(c.at(1).string_value().size(), 16775000u);
  ASSERT_FALSE(c.at(2).is_null());
  EXPECT_EQ(c.at(2).string_value(), std::string(big.size(), 'b'));
  EXPECT_TRUE(c.at(3).is_null());
  EXPECT_EQ(c.at(4), S("a" + a5000 + "c"));
  EXPECT_EQ(c.error_rows, (std::vector<uint8_t>{1, 0, 0, 1, 0}));
  EXPECT_EQ(c.stats.first_error, "replace result longer than 16 MiB");
}

}  // namespace
}  // namespace tessera::expr
