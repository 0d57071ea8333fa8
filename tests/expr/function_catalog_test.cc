// The function catalog: lookup and each function's bind rule (result
// types as DuckDB 1.5.6 gives them, checked with typeof(...) there; see
// the comments).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tessera/expr/functions.h"

namespace tessera::expr {
namespace {

BindArg Arg(DataType t) { return BindArg{t, false, nullptr}; }
BindArg NullArg() { return BindArg{DataType::Int64(), true, nullptr}; }

// Binds `name` over `args`; returns the result type spelled, or "error: ...".
std::string BindResult(const char* name, std::vector<BindArg> args,
                       std::vector<DataType>* params = nullptr) {
  const FunctionDef* f = FindFunction(name);
  if (f == nullptr) return "no such function";
  std::vector<DataType> p;
  DataType result;
  Status st = f->bind(args, &p, &result);
  if (!st.ok()) return "error: " + st.message();
  EXPECT_EQ(p.size(), args.size()) << name;
  if (params != nullptr) *params = p;
  return result.ToString();
}

const DataType kI32 = DataType::Int32(), kI64 = DataType::Int64(), kF = DataType::Float(),
               kD = DataType::Double(), kS = DataType::String(), kTs = DataType::Timestamp(),
               kB = DataType::Bool();

TEST(FunctionCatalog, EveryFunctionOfTheIssueIsThereInNameOrder) {
  const char* names[] = {"coalesce",    "nullif",
                         "if",          "least",
                         "greatest",    "abs",
                         "sign",        "floor",
                         "ceil",        "round",
                         "sqrt",        "exp",
                         "ln",          "log10",
                         "pow",         "lower",
                         "upper",       "length",
                         "trim",        "substr",
                         "replace",     "concat",
                         "starts_with", "ends_with",
                         "contains",    "regexp_matches",
                         "hash_bucket", "year",
                         "month",       "day",
                         "hour",        "minute",
                         "day_of_week", "epoch_seconds",
                         "date_diff",   "len",
                         "list_sum",    "list_mean",
                         "list_min",    "list_max",
                         "dot",         "cosine_similarity",
                         "l2_norm"};
  for (const char* n : names) {
    const FunctionDef* f = FindFunction(n);
    ASSERT_NE(f, nullptr) << n;
    EXPECT_STREQ(f->name, n);
    EXPECT_NE(f->bind, nullptr) << n;
    EXPECT_EQ(f->kernel != nullptr, f->form == FunctionDef::Form::kKernel) << n;
  }
  const auto& all = AllFunctions();
  EXPECT_EQ(all.size(), std::size(names));
  for (size_t i = 1; i < all.size(); ++i) EXPECT_LT(std::string(all[i - 1]->name), all[i]->name);
}

TEST(FunctionCatalog, LookupIsCaseInsensitiveAndRejectsUnknownNames) {
  EXPECT_EQ(FindFunction("ABS"), FindFunction("abs"));
  EXPECT_EQ(FindFunction("Cosine_Similarity"), FindFunction("cosine_similarity"));
  EXPECT_EQ(FindFunction("absx"), nullptr);
  EXPECT_EQ(FindFunction(""), nullptr);
  EXPECT_EQ(FindFunction("now"), nullptr);
  EXPECT_EQ(FindFunction("coalesce")->form, FunctionDef::Form::kCoalesce);
  EXPECT_EQ(FindFunction("if")->form, FunctionDef::Form::kIf);
  EXPECT_EQ(FindFunction("round")->min_args, 1);
  EXPECT_EQ(FindFunction("round")->max_args, 2);
  EXPECT_EQ(FindFunction("concat")->max_args, FunctionDef::kVariadic);
}

// DuckDB: typeof(abs(1::INTEGER)) = INTEGER, abs(BIGINT) BIGINT, abs(FLOAT)
// FLOAT; sign(...) TINYINT (int32 here); floor(INTEGER) DOUBLE, floor(FLOAT)
// FLOAT, ceil(BIGINT) DOUBLE; round(INTEGER) INTEGER, round(FLOAT, 2) FLOAT;
// sqrt(INTEGER), sqrt(FLOAT), exp(FLOAT), log10(INTEGER), pow(INTEGER,
// INTEGER) DOUBLE.
TEST(FunctionCatalog, MathResultTypesAreDuckDbs) {
  EXPECT_EQ(BindResult("abs", {Arg(kI32)}), "int32");
  EXPECT_EQ(BindResult("abs", {Arg(kI64)}), "int64");
  EXPECT_EQ(BindResult("abs", {Arg(kF)}), "float");
  EXPECT_EQ(BindResult("abs", {Arg(kD)}), "double");
  EXPECT_EQ(BindResult("sign", {Arg(kD)}), "int32");
  EXPECT_EQ(BindResult("floor", {Arg(kI32)}), "double");
  EXPECT_EQ(BindResult("floor", {Arg(kF)}), "float");
  EXPECT_EQ(BindResult("ceil", {Arg(kI64)}), "double");
  EXPECT_EQ(BindResult("round", {Arg(kI32)}), "int32");
  EXPECT_EQ(BindResult("round", {Arg(kI64), Arg(kI32)}), "int64");
  std::vector<DataType> params;
  EXPECT_EQ(BindResult("round", {Arg(kF), Arg(kI32)}, &params), "float");
  EXPECT_EQ(params, (std::vector<DataType>{kF, kI64}));
  EXPECT_EQ(BindResult("sqrt", {Arg(kI32)}, &params), "double");
  EXPECT_EQ(params, (std::vector<DataType>{kD}));
  EXPECT_EQ(BindResult("exp", {Arg(kF)}), "double");
  EXPECT_EQ(BindResult("pow", {Arg(kI32), Arg(kI32)}), "double");
  EXPECT_EQ(BindResult("abs", {Arg(kS)}), "error: expects a number as argument 1, got string");
  EXPECT_EQ(BindResult("round", {Arg(kD), Arg(kD)}),
            "error: expects an integer as argument 2, got double");
}

// DuckDB: least(INTEGER, BIGINT) BIGINT, least(INTEGER, DOUBLE) DOUBLE,
// coalesce(INTEGER, BIGINT) BIGINT, if(c, INTEGER, BIGINT) BIGINT.
TEST(FunctionCatalog, CommonTypeWidensOnly) {
  std::vector<DataType> params;
  EXPECT_EQ(BindResult("least", {Arg(kI32), Arg(kI64)}, &params), "int64");
  EXPECT_EQ(params, (std::vector<DataType>{kI64, kI64}));
  EXPECT_EQ(BindResult("greatest", {Arg(kI32), Arg(kD)}), "double");
  EXPECT_EQ(BindResult("greatest", {Arg(kI64), Arg(kF)}), "double");
  EXPECT_EQ(BindResult("greatest", {Arg(kS), Arg(kS)}), "string");
  EXPECT_EQ(BindResult("least", {Arg(kS), Arg(kI64)}),
            "error: cannot convert argument 2 (int64) and the arguments before it (string) to "
            "one type");
  EXPECT_EQ(BindResult("coalesce", {NullArg(), Arg(kI32), Arg(kI64)}, &params), "int64");
  EXPECT_EQ(params, (std::vector<DataType>{kI64, kI64, kI64}));
  EXPECT_EQ(BindResult("nullif", {Arg(kI32), Arg(kI64)}),
            "int32");  // DuckDB: typeof(nullif(1::INTEGER, 2::BIGINT)) = INTEGER
  EXPECT_EQ(BindResult("if", {Arg(kB), Arg(kI32), Arg(kI64)}, &params), "int64");
  EXPECT_EQ(params, (std::vector<DataType>{kB, kI64, kI64}));
  EXPECT_EQ(BindResult("if", {NullArg(), Arg(kS), NullArg()}, &params), "string");
  EXPECT_EQ(params, (std::vector<DataType>{kB, kS, kS}));
  EXPECT_EQ(BindResult("if", {Arg(kI64), Arg(kS), Arg(kS)}),
            "error: expects a bool as argument 1, got int64");
  EXPECT_EQ(BindResult("coalesce", {Arg(kTs), Arg(kS)}),
            "error: cannot convert argument 2 (string) and the arguments before it (timestamp) "
            "to one type");
}

// DuckDB: length(VARCHAR) BIGINT, contains/starts_with/regexp_matches
// BOOLEAN, substr VARCHAR.
TEST(FunctionCatalog, StringResultTypes) {
  EXPECT_EQ(BindResult("length", {Arg(kS)}), "int64");
  EXPECT_EQ(BindResult("lower", {Arg(kS)}), "string");
  EXPECT_EQ(BindResult("contains", {Arg(kS), Arg(kS)}), "bool");
  EXPECT_EQ(BindResult("regexp_matches", {Arg(kS), NullArg()}), "bool");
  std::vector<DataType> params;
  EXPECT_EQ(BindResult("substr", {Arg(kS), Arg(kI32), Arg(kI32)}, &params), "string");
  EXPECT_EQ(params, (std::vector<DataType>{kS, kI64, kI64}));
  EXPECT_EQ(BindResult("concat", {Arg(kS), NullArg(), Arg(kS)}), "string");
  EXPECT_EQ(BindResult("concat", {Arg(kS), Arg(kI64)}),
            "error: expects a string as argument 2, got int64");
  EXPECT_EQ(BindResult("upper", {Arg(DataType::Bytes())}),
            "error: expects a string as argument 1, got bytes");
}

// DuckDB: year/hour/dayofweek(TIMESTAMP) BIGINT, epoch(TIMESTAMP) DOUBLE,
// date_diff BIGINT.
TEST(FunctionCatalog, TimeResultTypesAndDateDiffUnitCheckedAtBind) {
  EXPECT_EQ(BindResult("year", {Arg(kTs)}), "int64");
  EXPECT_EQ(BindResult("day_of_week", {Arg(kTs)}), "int64");
  EXPECT_EQ(BindResult("epoch_seconds", {Arg(kTs)}), "double");
  EXPECT_EQ(BindResult("hour", {Arg(kI64)}), "error: expects a timestamp as argument 1, got int64");
  const Value day = Value::String("Day"), days = Value::String("days"),
              fortnight = Value::String("fortnight");
  EXPECT_EQ(BindResult("date_diff", {BindArg{kS, false, &day}, Arg(kTs), Arg(kTs)}), "int64");
  EXPECT_EQ(BindResult("date_diff", {BindArg{kS, false, &days}, Arg(kTs), NullArg()}), "int64");
  EXPECT_EQ(BindResult("date_diff", {BindArg{kS, false, &fortnight}, Arg(kTs), Arg(kTs)}),
            "error: unknown unit in argument 1 (expected 'microsecond', 'millisecond', 'second', "
            "'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year', 'decade', 'century' or "
            "'millennium')");
  EXPECT_EQ(BindResult("date_diff", {Arg(kS), Arg(kTs), Arg(kTs)}),
            "error: expects a constant unit string as argument 1 ('microsecond', 'millisecond', "
            "'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year', 'decade', "
            "'century', 'millennium')");
}

// DuckDB: len(list) BIGINT; list_sum(BIGINT[]) HUGEINT (int64 here),
// list_sum(FLOAT[]) DOUBLE; list_avg DOUBLE; list_min(FLOAT[]) FLOAT;
// list_dot_product(FLOAT[], FLOAT[]) FLOAT, of DOUBLE[] or BIGINT[] DOUBLE;
// list_cosine_similarity(FLOAT[], FLOAT[]) FLOAT.
TEST(FunctionCatalog, ListResultTypes) {
  const DataType lf = DataType::List(TypeId::kFloat), ld = DataType::List(TypeId::kDouble),
                 li = DataType::List(TypeId::kInt64), ls = DataType::List(TypeId::kString);
  EXPECT_EQ(BindResult("len", {Arg(ls)}), "int64");
  EXPECT_EQ(BindResult("list_sum", {Arg(li)}), "int64");
  EXPECT_EQ(BindResult("list_sum", {Arg(lf)}), "double");
  EXPECT_EQ(BindResult("list_mean", {Arg(li)}), "double");
  EXPECT_EQ(BindResult("list_min", {Arg(lf)}), "float");
  EXPECT_EQ(BindResult("list_max", {Arg(ls)}), "string");
  EXPECT_EQ(BindResult("dot", {Arg(lf), Arg(lf)}), "float");
  EXPECT_EQ(BindResult("dot", {Arg(li), Arg(li)}), "double");
  EXPECT_EQ(BindResult("cosine_similarity", {Arg(ld), Arg(ld)}), "double");
  EXPECT_EQ(BindResult("cosine_similarity", {Arg(lf), Arg(lf)}), "float");
  EXPECT_EQ(BindResult("l2_norm", {Arg(lf)}), "double");
  EXPECT_EQ(BindResult("list_sum", {Arg(ls)}),
            "error: expects a list of numbers as argument 1, got list<string>");
  EXPECT_EQ(BindResult("dot", {Arg(lf), Arg(ld)}),
            "error: expects two lists of the same element type, got list<float> and list<double>");
  EXPECT_EQ(BindResult("len", {Arg(kS)}), "error: expects a list as argument 1, got string");
}

TEST(FunctionCatalog, HashBucketKeepsTheValueType) {
  std::vector<DataType> params;
  EXPECT_EQ(BindResult("hash_bucket", {Arg(kI32), Arg(kI32)}, &params), "int64");
  EXPECT_EQ(params, (std::vector<DataType>{kI32, kI64}));
  EXPECT_EQ(BindResult("hash_bucket", {Arg(DataType::List(TypeId::kString)), Arg(kI64)}), "int64");
  EXPECT_EQ(BindResult("hash_bucket", {Arg(kS), Arg(kD)}),
            "error: expects an integer as argument 2, got double");
}

}  // namespace
}  // namespace tessera::expr
