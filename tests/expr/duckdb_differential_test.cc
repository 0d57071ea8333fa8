// Randomized differential test of the expression language against DuckDB:
// random well-typed expressions (random_expression.h, nested up to 6 levels)
// over a table of random rows with nulls and edge values (0, -0.0, NaN,
// infinities, INT64_MIN, INT32_MAX, empty strings, Unicode) are evaluated
// by Tessera and, on the same rows, by one long-lived DuckDB
// (duckdb_session.h), and compared value by value:
//   - integers, strings, booleans, timestamps and nulls exactly;
//   - doubles bit for bit (IEEE 754 defines +, -, *, /, sqrt, fmod, floor,
//     ... exactly; NaN equals NaN), or within one ulp for the functions it
//     does not (exp, ln, log10, pow, list reductions; generated at the root
//     only);
//   - a row where DuckDB raises an error (found by re-running the query on
//     halves of the rows until the erring rows are isolated) must be null in
//     Tessera and counted in EvalStats, and no other row may be counted.
// DuckDB runs unoptimized (PRAGMA disable_optimizer), so that it evaluates
// what the expression says rather than a folded form: optimized, it folds a
// failing constant at plan time and raises for every row, even rows a CASE
// or coalesce never evaluates it on. Its AND, OR and BETWEEN skip operands
// on rows already decided, in an order its optimizer may change, so the
// generator keeps their operands free of errors (random_expression.h).
// Seeded: TESSERA_TEST_SEED / TESSERA_TEST_ITERATIONS (test_seed.h) replay a
// failure, which prints the seed, the expression's number and both texts.
// Skipped where DuckDB is absent, failed in CI (require_oracle.h).
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "duckdb_session.h"
#include "random_expression.h"
#include "require_oracle.h"
#include "tessera/core/builder.h"
#include "tessera/core/record_batch.h"
#include "tessera/core/schema.h"
#include "tessera/expr/binder.h"
#include "tessera/expr/expression.h"
#include "test_seed.h"

namespace tessera::expr {
namespace {

using tessera::testing::DuckDbAnswer;
using tessera::testing::DuckDbSession;

constexpr int kRows = 32;
constexpr int kExpressionsPerTable = 100;
constexpr int kMaxDepth = 6;
constexpr int kMaxReportedFailures = 10;

// --- the random table ---

class TableGenerator {
 public:
  explicit TableGenerator(uint64_t seed) : rng_(seed) {}

  std::vector<std::vector<Value>> Rows() {
    std::vector<std::vector<Value>> rows;
    for (int r = 0; r < kRows; ++r) {
      rows.push_back({Int32(), Int64(), Double(), Double(), String(), Bool(), Timestamp(), List()});
    }
    return rows;
  }

  static SchemaPtr MakeSchema() {
    return *Schema::Make({{"a", DataType::Int32()},
                          {"b", DataType::Int64()},
                          {"c", DataType::Double()},
                          {"d", DataType::Double()},
                          {"s", DataType::String()},
                          {"p", DataType::Bool()},
                          {"ts", DataType::Timestamp()},
                          {"l", DataType::List(TypeId::kDouble)}});
  }

 private:
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  template <typename T>
  T In(T lo, T hi) {
    return std::uniform_int_distribution<T>(lo, hi)(rng_);
  }

  Value Int32() {
    if (Chance(0.15)) return Value::Null(DataType::Int32());
    static const int32_t kEdges[] = {0,
                                     1,
                                     -1,
                                     7,
                                     -7,
                                     std::numeric_limits<int32_t>::max(),
                                     std::numeric_limits<int32_t>::min(),
                                     46341};
    if (Chance(0.4)) return Value::Int32(kEdges[In(0, 7)]);
    return Value::Int32(
        Chance(0.5) ? In(-100, 100)
                    : In(std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()));
  }

  Value Int64() {
    if (Chance(0.15)) return Value::Null(DataType::Int64());
    static const int64_t kEdges[] = {0,
                                     1,
                                     -1,
                                     3,
                                     std::numeric_limits<int64_t>::max(),
                                     std::numeric_limits<int64_t>::min(),
                                     std::numeric_limits<int32_t>::max(),
                                     (int64_t{1} << 53) + 1,
                                     3037000500};
    if (Chance(0.35)) return Value::Int64(kEdges[In(0, 8)]);
    return Value::Int64(
        Chance(0.6) ? In<int64_t>(-1000, 1000)
                    : In(std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()));
  }

  Value Double() {
    if (Chance(0.15)) return Value::Null(DataType::Double());
    static const double kEdges[] = {
        0.0,  -0.0, std::nan(""), HUGE_VAL, -HUGE_VAL, 1e308, 5e-324, 0.1,
        -2.5, 1.5,  2.5,          0.5,      -1.0,      3.0,   1e-310, 9007199254740993.0};
    if (Chance(0.4)) return Value::Double(kEdges[In(0, 15)]);
    switch (In(0, 2)) {
      case 0: return Value::Double(static_cast<double>(In(-1000, 1000)) / 8.0);
      case 1: return Value::Double(std::uniform_real_distribution<double>(-1e6, 1e6)(rng_));
      default: {
        double v = std::bit_cast<double>(In<uint64_t>(0, ~uint64_t{0}));
        return Value::Double(v);
      }
    }
  }

  Value String() {
    if (Chance(0.15)) return Value::Null(DataType::String());
    static const char* kEdges[] = {"",
                                   "a",
                                   "ab",
                                   "\xC3\x89",
                                   "\xC3\x9F"
                                   "e",
                                   "Z\xC3\xBCrich",
                                   "日本語",
                                   " pad ",
                                   "a%b_c",
                                   "12",
                                   "-3",
                                   "1e2",
                                   "ABC",
                                   "b",
                                   "nan",
                                   " 7 "};
    if (Chance(0.6)) return Value::String(kEdges[In(0, 15)]);
    std::string s;
    const int n = In(0, 8);
    for (int i = 0; i < n; ++i) s += static_cast<char>(In('a', 'e'));
    return Value::String(s);
  }

  Value Bool() {
    if (Chance(0.15)) return Value::Null(DataType::Bool());
    return Value::Bool(Chance(0.5));
  }

  Value Timestamp() {
    if (Chance(0.15)) return Value::Null(DataType::Timestamp());
    static const int64_t kEdges[] = {0, -1, 1709294400000000, 951782400000000};
    if (Chance(0.3)) return Value::Timestamp(kEdges[In(0, 3)]);
    // 1900-01-01 .. 2100-01-01, whole seconds or microseconds.
    int64_t micros = In<int64_t>(-2208988800, 4102444800) * 1000000;
    if (Chance(0.5)) micros += In<int64_t>(0, 999999);
    return Value::Timestamp(micros);
  }

  Value List() {
    const DataType type = DataType::List(TypeId::kDouble);
    if (Chance(0.15)) return Value::Null(type);
    std::vector<Value> items;
    const int n = In(0, 4);
    for (int i = 0; i < n; ++i) {
      Value v = Double();
      if (v.is_null()) v = Value::Double(1.0);
      items.push_back(v);
    }
    return Value::List(type, std::move(items));
  }

  std::mt19937_64 rng_;
};

// --- DuckDB literals of the rows ---

std::string SqlDouble(double v) {
  if (std::isnan(v)) return "'nan'::DOUBLE";
  if (std::isinf(v)) return v > 0 ? "'inf'::DOUBLE" : "'-inf'::DOUBLE";
  char buf[40];
  std::snprintf(buf, sizeof(buf), "'%.17g'::DOUBLE", v);
  return buf;
}

std::string SqlString(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string SqlValue(const Value& v) {
  static const std::map<TypeId, const char*> kTypes = {
      {TypeId::kInt32, "INTEGER"},  {TypeId::kInt64, "BIGINT"}, {TypeId::kDouble, "DOUBLE"},
      {TypeId::kString, "VARCHAR"}, {TypeId::kBool, "BOOLEAN"}, {TypeId::kTimestamp, "TIMESTAMP"},
      {TypeId::kList, "DOUBLE[]"}};
  if (v.is_null()) return std::string("NULL::") + kTypes.at(v.type().id());
  switch (v.type().id()) {
    case TypeId::kInt32: return "(" + std::to_string(v.int_value()) + ")::INTEGER";
    case TypeId::kInt64: return "(" + std::to_string(v.int_value()) + ")::BIGINT";
    case TypeId::kDouble: return SqlDouble(v.double_value());
    case TypeId::kString: return SqlString(v.string_value());
    case TypeId::kBool: return v.bool_value() ? "true" : "false";
    case TypeId::kTimestamp:
      return "make_timestamp((" + std::to_string(v.int_value()) + ")::BIGINT)";
    case TypeId::kList: {
      std::string out = "[";
      for (size_t i = 0; i < v.list_value().size(); ++i) {
        out += (i ? ", " : "") + SqlDouble(v.list_value()[i].double_value());
      }
      return out + "]::DOUBLE[]";
    }
    default: return "NULL";
  }
}

Status LoadIntoDuckDb(DuckDbSession* duck, const std::vector<std::vector<Value>>& rows) {
  TS_RETURN_NOT_OK(duck->Execute("DROP TABLE IF EXISTS t"));
  TS_RETURN_NOT_OK(duck->Execute(
      "CREATE TABLE t (rid INTEGER, a INTEGER, b BIGINT, c DOUBLE, d DOUBLE, s VARCHAR, "
      "p BOOLEAN, ts TIMESTAMP, l DOUBLE[])"));
  std::string insert = "INSERT INTO t VALUES ";
  for (size_t r = 0; r < rows.size(); ++r) {
    insert += (r ? ", (" : "(") + std::to_string(r);
    for (const Value& v : rows[r]) insert += ", " + SqlValue(v);
    insert += ")";
  }
  return duck->Execute(insert);
}

Result<RecordBatchPtr> MakeBatch(const std::vector<std::vector<Value>>& rows) {
  RecordBatchBuilder builder(TableGenerator::MakeSchema());
  for (const auto& row : rows) TS_RETURN_NOT_OK(builder.AppendRow(row));
  return builder.Finish();
}

// --- DuckDB's answers, row by row, with the rows that raise ---

struct RowAnswer {
  bool error = false;
  std::string message;
  std::shared_ptr<rapidjson::Document> doc;  // keeps `value` alive
  const rapidjson::Value* value = nullptr;
};

// Runs `sql` over the rows `rids`; on an error, halves the set until the
// rows that raise are isolated.
Status AnswerRows(DuckDbSession* duck, const std::string& sql, const std::vector<int>& rids,
                  std::vector<RowAnswer>* out) {
  if (rids.empty()) return Status::OK();
  std::string in;
  for (int r : rids) in += (in.empty() ? "" : ", ") + std::to_string(r);
  TS_ASSIGN_OR_RETURN(DuckDbAnswer a, duck->Query("SELECT rid, " + sql + " FROM t WHERE rid IN (" +
                                                  in + ") ORDER BY rid"));
  if (a.ok) {
    for (size_t i = 0; i < a.num_rows(); ++i) {
      RowAnswer& r = (*out)[static_cast<size_t>(a.at(i, 0).GetInt())];
      r.doc = a.document;
      r.value = &a.at(i, 1);
    }
    return Status::OK();
  }
  if (a.error.rfind("Binder Error", 0) == 0 || a.error.rfind("Parser Error", 0) == 0 ||
      a.error.rfind("Catalog Error", 0) == 0) {
    return Status::Invalid("the generated SQL does not compile in DuckDB: " + a.error);
  }
  if (rids.size() == 1) {
    (*out)[static_cast<size_t>(rids[0])].error = true;
    (*out)[static_cast<size_t>(rids[0])].message = a.error;
    return Status::OK();
  }
  const auto mid = rids.begin() + static_cast<std::ptrdiff_t>(rids.size() / 2);
  TS_RETURN_NOT_OK(AnswerRows(duck, sql, std::vector<int>(rids.begin(), mid), out));
  return AnswerRows(duck, sql, std::vector<int>(mid, rids.end()), out);
}

// DuckDB's answer for every row. When some rows raise, the rows where
// Tessera has a value and those where it has null are asked apart first
// (a cheap split: usually only the second set raises, and is then halved);
// every answer still comes from DuckDB.
Status AnswerAllRows(DuckDbSession* duck, const std::string& sql, const Array& tessera,
                     std::vector<RowAnswer>* out) {
  std::vector<int> valid, nulls;
  for (int64_t r = 0; r < tessera.length(); ++r) {
    (tessera.IsNull(r) ? nulls : valid).push_back(static_cast<int>(r));
  }
  TS_ASSIGN_OR_RETURN(DuckDbAnswer a, duck->Query("SELECT rid, " + sql + " FROM t ORDER BY rid"));
  if (a.ok) {
    for (size_t i = 0; i < a.num_rows(); ++i) {
      RowAnswer& r = (*out)[static_cast<size_t>(a.at(i, 0).GetInt())];
      r.doc = a.document;
      r.value = &a.at(i, 1);
    }
    return Status::OK();
  }
  if (a.error.rfind("Binder Error", 0) == 0 || a.error.rfind("Parser Error", 0) == 0 ||
      a.error.rfind("Catalog Error", 0) == 0) {
    return Status::Invalid("the generated SQL does not compile in DuckDB: " + a.error);
  }
  TS_RETURN_NOT_OK(AnswerRows(duck, sql, valid, out));
  return AnswerRows(duck, sql, nulls, out);
}

// --- comparison ---

std::optional<double> JsonDouble(const rapidjson::Value& j) {
  if (j.IsNumber()) return j.GetDouble();
  if (!j.IsString()) return std::nullopt;
  const std::string s = j.GetString();
  if (s == "NaN") return std::nan("");
  if (s == "Infinity") return HUGE_VAL;
  if (s == "-Infinity") return -HUGE_VAL;
  return std::nullopt;
}

bool WithinOneUlp(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  if (a == b) return std::signbit(a) == std::signbit(b) || a != 0;
  if (std::isinf(a) || std::isinf(b)) return false;
  return std::nextafter(a, b) == b;
}

bool SameDouble(double t, double d, bool approx) {
  if (std::isnan(t) && std::isnan(d)) return true;
  if (approx) return WithinOneUlp(t, d);
  return std::bit_cast<uint64_t>(t) == std::bit_cast<uint64_t>(d);
}

std::string JsonText(const rapidjson::Value& j) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  j.Accept(w);
  return buffer.GetString();
}

// Empty when Tessera's `v` equals DuckDB's `j`; else why not.
std::string Compare(const Value& v, const rapidjson::Value& j, bool approx) {
  if (v.is_null() || j.IsNull()) {
    return v.is_null() == j.IsNull() ? "" : "tessera " + v.ToString() + ", duckdb " + JsonText(j);
  }
  bool same = false;
  switch (v.type().id()) {
    case TypeId::kBool: same = j.IsBool() && j.GetBool() == v.bool_value(); break;
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      if (j.IsInt64()) {
        same = j.GetInt64() == v.int_value();
      } else if (auto d = JsonDouble(j)) {
        same = *d == static_cast<double>(v.int_value());
      }
      break;
    case TypeId::kFloat:
    case TypeId::kDouble:
      if (auto d = JsonDouble(j)) {
        // An integer answer (DuckDB kept an int type) converts exactly as
        // Tessera's widening does.
        double dd = j.IsInt64() ? static_cast<double>(j.GetInt64()) : *d;
        same = SameDouble(v.double_value(), dd, approx);
      }
      break;
    case TypeId::kString: same = j.IsString() && v.string_value() == j.GetString(); break;
    case TypeId::kList: {
      if (!j.IsArray() || j.Size() != v.list_value().size()) break;
      same = true;
      for (rapidjson::SizeType i = 0; i < j.Size(); ++i) {
        same = same && Compare(v.list_value()[i], j[i], approx).empty();
      }
      break;
    }
    default: break;
  }
  if (same) return "";
  char buf[64] = "";
  if (v.type().id() == TypeId::kDouble) {
    std::snprintf(buf, sizeof(buf), " (bits %016llx)",
                  static_cast<unsigned long long>(std::bit_cast<uint64_t>(v.double_value())));
  }
  return "tessera " + v.ToString() + buf + ", duckdb " + JsonText(j);
}

std::string RowText(const std::vector<Value>& row) {
  static const char* kNames[] = {"a", "b", "c", "d", "s", "p", "ts", "l"};
  std::string out;
  for (size_t i = 0; i < row.size(); ++i) {
    out += (i ? ", " : "") + std::string(kNames[i]) + "=" + row[i].ToString();
  }
  return out;
}

// Compares one expression; empty when both engines agree, else a report.
std::string CheckExpression(DuckDbSession* duck, const testing::GenExpr& g,
                            const std::vector<std::vector<Value>>& rows, const RecordBatch& batch,
                            const Scope& scope) {
  auto compiled = Expression::Compile(g.tessera, scope);
  if (!compiled.ok()) return "does not compile in Tessera: " + compiled.status().ToString();
  EvalStats stats;
  auto result = (*compiled)->Evaluate(batch, &stats);
  if (!result.ok()) return "evaluation failed: " + result.status().ToString();
  std::vector<RowAnswer> answers(rows.size());
  Status s = AnswerAllRows(duck, g.sql, **result, &answers);
  if (!s.ok()) return s.ToString();
  int64_t duck_errors = 0, first_error = -1;
  std::string duck_error_rows;
  for (size_t r = 0; r < rows.size(); ++r) {
    const Value v = (*result)->GetValue(static_cast<int64_t>(r));
    std::string why;
    if (answers[r].error) {
      ++duck_errors;
      if (first_error < 0) first_error = static_cast<int64_t>(r);
      duck_error_rows += "\n    row " + std::to_string(r) + " [" + RowText(rows[r]) +
                         "]: " + answers[r].message.substr(0, 120);
      if (!v.is_null()) why = "duckdb raised (" + answers[r].message + "), tessera " + v.ToString();
    } else if (answers[r].value == nullptr) {
      why = "no answer from duckdb";
    } else {
      why = Compare(v, *answers[r].value, g.approx);
    }
    if (!why.empty()) return "row " + std::to_string(r) + " [" + RowText(rows[r]) + "]: " + why;
  }
  if (stats.error_rows != duck_errors ||
      (duck_errors > 0 && stats.first_error_row != first_error)) {
    return "error rows: tessera counted " + std::to_string(stats.error_rows) + " (first " +
           std::to_string(stats.first_error_row) + ": " + stats.first_error +
           "), duckdb raised on " + std::to_string(duck_errors) + " (first " +
           std::to_string(first_error) + "):" + duck_error_rows;
  }
  return "";
}

TEST(DuckDbDifferentialTest, RandomExpressionsAgreeWithDuckDb) {
  if (auto why = tessera::testing::DuckDbSessionUnavailable()) {
    TESSERA_MISSING_ORACLE("DuckDB: " << *why);
  }
  const tessera::testing::RandomTestParams params(20261130, 2000);
  SCOPED_TRACE(params.Trace());
  auto duck = DuckDbSession::Start();
  ASSERT_TRUE(duck.ok()) << duck.status().ToString();
  // DuckDB's optimizer folds constants at plan time: a constant that raises
  // would fail every row, even rows a CASE or coalesce never evaluates it
  // on, and `x AND false` would skip x's errors. Unoptimized, DuckDB
  // evaluates what the expression says, row by row, as Tessera does.
  ASSERT_TRUE((*duck)->Execute("PRAGMA disable_optimizer").ok());
  // Thousands of 32-row queries: threads would only add scheduling.
  ASSERT_TRUE((*duck)->Execute("SET threads = 1").ok());
  const SchemaPtr schema = TableGenerator::MakeSchema();
  const Scope scope = Scope::FromSchema(*schema);
  int failures = 0;
  std::vector<std::vector<Value>> rows;
  RecordBatchPtr batch;
  for (int i = 0; i < params.iterations && failures < kMaxReportedFailures; ++i) {
    if (i % kExpressionsPerTable == 0) {
      // A new table every kExpressionsPerTable expressions, from its own seed.
      rows = TableGenerator(params.seed * 1000003 + static_cast<uint64_t>(i)).Rows();
      ASSERT_TRUE(LoadIntoDuckDb(duck->get(), rows).ok());
      auto made = MakeBatch(rows);
      ASSERT_TRUE(made.ok()) << made.status().ToString();
      batch = *made;
    }
    const testing::GenExpr g = testing::ExpressionGenerator(
                                   params.seed ^ (static_cast<uint64_t>(i) * 0x9E3779B97F4A7C15ull))
                                   .Generate(kMaxDepth);
    const std::string why = CheckExpression(duck->get(), g, rows, *batch, scope);
    if (!why.empty()) {
      ++failures;
      ADD_FAILURE() << "expression #" << i << " (replay: " << params.Trace() << ")\n"
                    << "  tessera: " << g.tessera << "\n"
                    << "  duckdb:  " << g.sql << "\n"
                    << "  " << why;
    }
  }
}

// The comparison itself: it must see -0.0 against 0.0, one ulp in exact
// mode, and int64 digits beyond 2^53.
TEST(DuckDbDifferentialTest, ComparisonIsExact) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseFullPrecisionFlag>(
      R"([-0.0, 0.30000000000000004, "NaN", 9007199254740993, null, "x", [1.5]])");
  ASSERT_FALSE(doc.HasParseError());
  EXPECT_NE(Compare(Value::Double(0.0), doc[0], false), "");
  EXPECT_EQ(Compare(Value::Double(-0.0), doc[0], false), "");
  EXPECT_NE(Compare(Value::Double(0.3), doc[1], false), "");
  EXPECT_EQ(Compare(Value::Double(0.3), doc[1], true), "");  // one ulp apart
  EXPECT_EQ(Compare(Value::Double(std::nan("")), doc[2], false), "");
  EXPECT_NE(Compare(Value::Int64(9007199254740992), doc[3], false), "");
  EXPECT_EQ(Compare(Value::Int64(9007199254740993), doc[3], false), "");
  EXPECT_NE(Compare(Value::Int64(0), doc[4], false), "");
  EXPECT_EQ(Compare(Value::Null(DataType::String()), doc[4], false), "");
  EXPECT_NE(Compare(Value::String("y"), doc[5], false), "");
  const DataType list = DataType::List(TypeId::kDouble);
  EXPECT_EQ(Compare(Value::List(list, {Value::Double(1.5)}), doc[6], false), "");
  EXPECT_NE(Compare(Value::List(list, {Value::Double(1.5), Value::Double(1.5)}), doc[6], false),
            "");
}

// The generator itself: deterministic per seed, and every text it prints
// is valid SQL for DuckDB (a generator bug must not pass for an engine
// disagreement).
TEST(DuckDbDifferentialTest, GeneratorIsDeterministicAndItsSqlCompiles) {
  const tessera::testing::RandomTestParams params(7, 200);
  for (int i = 0; i < 50; ++i) {
    testing::ExpressionGenerator g1(params.seed + static_cast<uint64_t>(i));
    testing::ExpressionGenerator g2(params.seed + static_cast<uint64_t>(i));
    const testing::GenExpr a = g1.Generate(kMaxDepth), b = g2.Generate(kMaxDepth);
    EXPECT_EQ(a.tessera, b.tessera);
    EXPECT_EQ(a.sql, b.sql);
  }
  if (auto why = tessera::testing::DuckDbSessionUnavailable()) {
    TESSERA_MISSING_ORACLE("DuckDB: " << *why);
  }
  auto duck = DuckDbSession::Start();
  ASSERT_TRUE(duck.ok()) << duck.status().ToString();
  ASSERT_TRUE(LoadIntoDuckDb(duck->get(), TableGenerator(params.seed).Rows()).ok());
  for (int i = 0; i < params.iterations; ++i) {
    const testing::GenExpr g =
        testing::ExpressionGenerator(params.seed + static_cast<uint64_t>(i)).Generate(kMaxDepth);
    auto a = (*duck)->Query("EXPLAIN SELECT " + g.sql + " FROM t");
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    EXPECT_TRUE(a->ok) << g.sql << "\n" << a->error;
  }
}

}  // namespace
}  // namespace tessera::expr
