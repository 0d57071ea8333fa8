// The properties checked on each input of expr_eval_fuzz, shared with the
// corpus replay test (tests/expr/expr_eval_fuzz_corpus_test.cc). Header-only.
//
// The input is expression text. It is compiled (Expression::Compile) against
// a fixed scope of a column of every type; a text that does not compile must
// fail with one line "at col N: reason" (as expr_parse_fuzz checks). A
// compiled expression is evaluated over a fixed batch of kEvalRows rows
// holding nulls and edge values (0, -0.0, NaN, infinities, the integer
// limits, empty, long and non-ASCII strings, empty and long lists, extreme
// timestamps, valid, invalid and oversized regular expressions). Evaluation
// may fail with a Status (one printable line), but when it succeeds:
//   - the result has kEvalRows values of the compiled type;
//   - EvalStats is consistent: 0 <= error_rows <= rows, first_error_row is
//     -1 with an empty reason exactly when error_rows is 0, else a row
//     whose result is null, with a one-line printable reason;
//   - evaluating the same batch again gives a bit-identical result and the
//     same stats (determinism);
//   - evaluating each row alone (a batch of one row, the serving case) gives
//     bit-identical values, and the rows that fail alone are exactly the
//     batch's error rows, each null in the batch result, the lowest one
//     with the same reason (offline = online);
//   - a batch of kChunkRows + kEvalRows rows, whose last 2 * kEvalRows rows
//     are the batch's rows and the others null, crossing the evaluator's
//     chunk boundary, agrees row by row the same way;
//   - a batch of 0 rows gives 0 values.
#pragma once

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/expr_parse_check.h"
#include "tessera/core/builder.h"
#include "tessera/core/utf8.h"
#include "tessera/expr/evaluator.h"
#include "tessera/expr/expression.h"

namespace tessera::fuzz {

inline constexpr int64_t kEvalRows = 24;

// The scope: the typed columns ExprFuzzScope starts with (so the texts of
// one corpus bind in the other), plus `vec` (list<double>) and
// `pat` (strings meant as regular expressions).
inline expr::Scope ExprEvalScope() {
  std::vector<expr::ScopeColumn> columns = ExprFuzzTypedColumns();
  columns.push_back({"", "vec", DataType::List(TypeId::kDouble)});
  columns.push_back({"", "pat", DataType::String()});
  return expr::Scope(std::move(columns));
}

namespace eval_detail {

inline std::string LongText() {
  // 2,000 code points, 3,000 bytes: ASCII, two-byte and three-byte ones.
  std::string s;
  for (int i = 0; i < 500; ++i) s += "ab\xC3\xA9\xE2\x82\xAC";
  return s;
}

inline Value DoubleList(std::vector<double> v, bool with_null = false) {
  std::vector<Value> e;
  if (with_null) e.push_back(Value::Null(DataType::Double()));
  for (double x : v) e.push_back(Value::Double(x));
  return Value::List(DataType::List(TypeId::kDouble), std::move(e));
}

// The edge values of each scope column. Row r holds value r % size of each
// column's list; every list starts with null (so row 0 is all null) and the
// sizes differ, so the rows mix the edges of different columns.
inline std::vector<std::vector<Value>> EdgeValues() {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const float finf = std::numeric_limits<float>::infinity();
  const float fnan = std::numeric_limits<float>::quiet_NaN();
  const int64_t i64min = std::numeric_limits<int64_t>::min();
  const int64_t i64max = std::numeric_limits<int64_t>::max();
  auto i32 = [](int32_t v) { return Value::Int32(v); };
  auto i64 = [](int64_t v) { return Value::Int64(v); };
  auto f = [](float v) { return Value::Float(v); };
  auto d = [](double v) { return Value::Double(v); };
  auto s = [](std::string v) { return Value::String(std::move(v)); };
  auto ts = [](int64_t v) { return Value::Timestamp(v); };
  auto bin = [](std::string v) { return Value::Bytes(std::move(v)); };
  const DataType fl = DataType::List(TypeId::kFloat);
  const DataType il = DataType::List(TypeId::kInt64);
  const DataType sl = DataType::List(TypeId::kString);
  std::vector<double> ramp;
  for (int i = 0; i < 1000; ++i) ramp.push_back(i * 0.5 - 100);
  std::vector<std::vector<Value>> cols(13);
  // The edge values of a column read best packed:
  // clang-format off
  cols[0] = {Value::Null(DataType::Int32()), i32(0), i32(1), i32(-1),
             i32(std::numeric_limits<int32_t>::min()), i32(std::numeric_limits<int32_t>::max()),
             i32(7), i32(-3), i32(1000)};
  cols[1] = {Value::Null(DataType::Int64()), i64(0), i64(1), i64(-1), i64(i64min), i64(i64max),
             i64(7), i64(-3), i64(86400000000), i64(int64_t{1} << 32)};
  cols[2] = {Value::Null(DataType::Float()), f(0.0f), f(-0.0f), f(fnan), f(finf), f(-finf),
             f(FLT_MAX), f(std::numeric_limits<float>::denorm_min()), f(1.5f), f(-2.5f), f(0.1f)};
  cols[3] = {Value::Null(DataType::Double()), d(0.0), d(-0.0), d(nan), d(inf), d(-inf),
             d(DBL_MAX), d(5e-324), d(-2.5), d(0.5), d(9223372036854775808.0), d(-1e-300)};
  cols[4] = {Value::Null(DataType::String()), s(""), s("a"), s("h\xC3\xA9llo w\xC3\xB6rld"),
             s(LongText()), s("\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD"), s(" 42 "),
             s("-9223372036854775808"), s("1e400"), s("2024-03-01T12:00:00Z"),
             s("\xC4\xB0 stra\xC3\x9F" "e \xCE\x91\xCE\xA3"), s("[1, 2, NULL]"),
             s(std::string("a%_\0b", 5))};
  // Regular expressions: valid, invalid, one whose program exceeds RE2's
  // memory budget, one long.
  std::string long_pattern;
  for (int i = 0; i < 300; ++i) long_pattern += "(a|b)";
  cols[12] = {Value::Null(DataType::String()), s(""), s("b"), s("("), s("^(a|b)*$"),
              s("\\p{Greek}+"), s("(((.{100}){100}){100})"), s(long_pattern), s("\\")};
  cols[5] = {Value::Null(DataType::Bool()), Value::Bool(true), Value::Bool(false)};
  cols[6] = {Value::Null(DataType::Timestamp()), ts(0), ts(-1), ts(i64min), ts(i64max),
             ts(1709294400000000),    // 2024-03-01T12:00:00Z
             ts(-62167219200000000),  // 0000-01-01T00:00:00Z
             ts(253402300799999999)};  // 9999-12-31T23:59:59.999999Z
  cols[7] = {Value::Null(DataType::Bytes()), bin(""), bin(std::string("\0\xFF\x80", 3)),
             bin("abc"), bin("\\x41")};
  cols[8] = {Value::Null(fl), Value::List(fl, {}),
             Value::List(fl, {Value::Null(DataType::Float()), f(1.0f)}),
             Value::List(fl, {f(1.0f), f(2.0f), f(3.0f)}),
             Value::List(fl, {f(fnan), f(-0.0f), f(finf)}),
             Value::List(fl, {f(FLT_MAX), f(FLT_MAX)})};
  cols[9] = {Value::Null(il), Value::List(il, {}), Value::List(il, {i64(i64min), i64(i64max)}),
             Value::List(il, {i64(1), Value::Null(DataType::Int64()), i64(3)}),
             Value::List(il, {i64(i64max), i64(1)})};
  cols[10] = {Value::Null(sl), Value::List(sl, {}), Value::List(sl, {Value::Null(DataType::String())}),
              Value::List(sl, {s(""), s("a")}), Value::List(sl, {s("h\xC3\xA9llo"), s(LongText())}),
              Value::List(sl, {s("x"), s("y"), s("z")})};
  cols[11] = {Value::Null(DataType::List(TypeId::kDouble)), DoubleList({}), DoubleList({}, true),
              DoubleList({1.0, -0.0, nan}), DoubleList({inf, -inf, DBL_MAX}),
              DoubleList({0.5, 2.0, 3.0}), DoubleList({1e308, 1e308}), DoubleList(ramp)};
  // clang-format on
  return cols;
}

// Column c of the rows listed (each an index into the kEvalRows rows, or -1
// for a row of nulls).
inline ArrayPtr BuildColumn(const std::vector<Value>& edges, DataType type,
                            const std::vector<int64_t>& rows) {
  auto builder = ArrayBuilder::Make(type);
  for (int64_t r : rows) {
    const Status st = r < 0 ? builder->AppendNull()
                            : builder->AppendValue(edges[static_cast<size_t>(r) % edges.size()]);
    if (!st.ok()) std::abort();
  }
  return builder->Finish().value();
}

struct Batch {
  std::vector<ArrayPtr> columns;
  int64_t rows = 0;
};

inline Batch BuildBatch(const std::vector<int64_t>& rows) {
  static const std::vector<std::vector<Value>> edges = EdgeValues();
  const expr::Scope scope = ExprEvalScope();
  Batch b;
  b.rows = static_cast<int64_t>(rows.size());
  for (int c = 0; c < scope.size(); ++c) {
    b.columns.push_back(BuildColumn(edges[static_cast<size_t>(c)], scope.column(c).type, rows));
  }
  return b;
}

// The batches, built once: the kEvalRows rows; each row alone; the long
// batch crossing the chunk boundary; the empty batch.
struct Batches {
  Batch whole;
  std::vector<Batch> single;
  Batch chunked;  // kChunkRows + kEvalRows rows; see ChunkedRow
  Batch empty;
};

// The row of the kEvalRows rows that row r of the chunked batch holds, or -1.
inline int64_t ChunkedRow(int64_t r) {
  const int64_t first = expr::kChunkRows - kEvalRows;
  return r < first ? -1 : (r - first) % kEvalRows;
}

inline const Batches& TheBatches() {
  static const Batches batches = [] {
    Batches b;
    std::vector<int64_t> all;
    for (int64_t r = 0; r < kEvalRows; ++r) {
      all.push_back(r);
      b.single.push_back(BuildBatch({r}));
    }
    b.whole = BuildBatch(all);
    std::vector<int64_t> chunked;
    for (int64_t r = 0; r < expr::kChunkRows + kEvalRows; ++r) chunked.push_back(ChunkedRow(r));
    b.chunked = BuildBatch(chunked);
    b.empty = BuildBatch({});
    return b;
  }();
  return batches;
}

}  // namespace eval_detail

// True when a and b are the same value bit for bit: -0.0 differs from 0.0,
// NaNs compare by their bits (a float's bits survive its widening in Value).
inline bool Identical(const Value& a, const Value& b) {
  if (a.type() != b.type() || a.is_null() != b.is_null()) return false;
  if (a.is_null()) return true;
  switch (a.type().id()) {
    case TypeId::kFloat:
    case TypeId::kDouble: {
      const double x = a.double_value(), y = b.double_value();
      return std::memcmp(&x, &y, sizeof x) == 0;
    }
    case TypeId::kList: {
      const auto& x = a.list_value();
      const auto& y = b.list_value();
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i) {
        if (!Identical(x[i], y[i])) return false;
      }
      return true;
    }
    default: return a == b;
  }
}

// Empty when `text` is one line of printable UTF-8 (a message or a reason).
inline std::string CheckOneLine(std::string_view what, const std::string& text) {
  if (!IsValidUtf8(text)) return std::string(what) + " is not valid UTF-8";
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7F) return std::string(what) + " holds a control character";
  }
  if (text.size() > 400) return std::string(what) + " is longer than 400 bytes";
  return "";
}

// Empty when `stats` are consistent for `out` of `rows` rows.
inline std::string CheckStats(const expr::EvalStats& stats, const Array& out, int64_t rows) {
  if (stats.error_rows < 0 || stats.error_rows > rows) {
    return "error_rows " + std::to_string(stats.error_rows) + " of " + std::to_string(rows);
  }
  if (stats.error_rows == 0) {
    if (stats.first_error_row != -1 || !stats.first_error.empty()) {
      return "no error rows but first_error_row " + std::to_string(stats.first_error_row) + " '" +
             stats.first_error + "'";
    }
    return "";
  }
  if (stats.first_error_row < 0 || stats.first_error_row >= rows) {
    return "first_error_row " + std::to_string(stats.first_error_row) + " of " +
           std::to_string(rows);
  }
  if (stats.first_error.empty()) return "error rows without a reason";
  if (out.IsValid(stats.first_error_row)) {
    return "first error row " + std::to_string(stats.first_error_row) + " is not null";
  }
  if (stats.error_rows > out.null_count()) return "more error rows than nulls";
  return CheckOneLine("error reason", stats.first_error);
}

// What one evaluation gave.
struct Evaluation {
  Status status;
  ArrayPtr out;
  expr::EvalStats stats;
};

inline Evaluation Run(const expr::Expression& e, const eval_detail::Batch& b) {
  Evaluation ev;
  Result<ArrayPtr> r = e.Evaluate(b.columns, b.rows, &ev.stats);
  if (r.ok()) {
    ev.out = std::move(r).value();
  } else {
    ev.status = r.status();
  }
  return ev;
}

// Empty when `ev` is a clean outcome over `rows` rows of `e`.
inline std::string CheckOutcome(const expr::Expression& e, const Evaluation& ev, int64_t rows) {
  if (!ev.status.ok()) return CheckOneLine("evaluation error", ev.status.message());
  if (ev.out == nullptr) return "no result";
  if (ev.out->length() != rows) {
    return std::to_string(ev.out->length()) + " values for " + std::to_string(rows) + " rows";
  }
  if (ev.out->type() != e.type()) {
    return "result type " + ev.out->type().ToString() + ", compiled type " + e.type().ToString();
  }
  return CheckStats(ev.stats, *ev.out, rows);
}

// Empty when `a` and `b` are the same outcome (same status, or bit-identical
// arrays and equal stats).
inline std::string CheckSame(const Evaluation& a, const Evaluation& b) {
  if (a.status.ok() != b.status.ok() || a.status.message() != b.status.message()) {
    return "status '" + a.status.ToString() + "' then '" + b.status.ToString() + "'";
  }
  if (!a.status.ok()) return "";
  for (int64_t i = 0; i < a.out->length(); ++i) {
    if (!Identical(a.out->GetValue(i), b.out->GetValue(i))) {
      return "row " + std::to_string(i) + ": " + a.out->GetValue(i).ToString() + " then " +
             b.out->GetValue(i).ToString();
    }
  }
  if (a.stats.error_rows != b.stats.error_rows ||
      a.stats.first_error_row != b.stats.first_error_row ||
      a.stats.first_error != b.stats.first_error) {
    return "stats '" + a.stats.Summary() + "' then '" + b.stats.Summary() + "'";
  }
  return "";
}

// Empty when `batch` (rows mapped to the kEvalRows rows by `row_of`, -1 for
// a row of nulls, whose value is `null_row`) agrees with the rows evaluated
// alone.
template <typename RowOf>
inline std::string CheckAgainstRows(const Evaluation& batch, const std::vector<Evaluation>& alone,
                                    const Evaluation& null_row, RowOf row_of) {
  int64_t errors = 0;
  int64_t first = -1;
  std::string first_reason;
  for (int64_t i = 0; i < batch.out->length(); ++i) {
    const int64_t r = row_of(i);
    const Evaluation& one = r < 0 ? null_row : alone[static_cast<size_t>(r)];
    if (!one.status.ok())
      return "row " + std::to_string(i) + " alone fails: " + one.status.ToString();
    const Value whole = batch.out->GetValue(i);
    const Value single = one.out->GetValue(0);
    if (!Identical(whole, single)) {
      return "row " + std::to_string(i) + ": " + whole.ToString() + " in the batch, " +
             single.ToString() + " alone";
    }
    if (one.stats.error_rows == 1) {
      ++errors;
      if (first < 0) {
        first = i;
        first_reason = one.stats.first_error;
      }
    }
  }
  if (errors != batch.stats.error_rows || first != batch.stats.first_error_row ||
      first_reason != batch.stats.first_error) {
    return "stats '" + batch.stats.Summary() +
           "' in the batch, rows alone: " + std::to_string(errors) + " errors, first at row " +
           std::to_string(first) + ": " + first_reason;
  }
  return "";
}

// Runs every check on one input; empty when all hold, else what failed.
inline std::string CheckExprEvalInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Result<std::shared_ptr<const expr::Expression>> compiled =
      expr::Expression::Compile(text, ExprEvalScope());
  if (!compiled.ok()) {
    const std::string problem = CheckExprError(compiled.status());
    return problem.empty() ? "" : "compile: " + problem;
  }
  const expr::Expression& e = **compiled;
  const std::string where = " (canonical '" + e.canonical() + "')";
  const eval_detail::Batches& batches = eval_detail::TheBatches();

  const Evaluation whole = Run(e, batches.whole);
  std::string problem = CheckOutcome(e, whole, kEvalRows);
  if (!problem.empty()) return "batch: " + problem + where;
  problem = CheckSame(whole, Run(e, batches.whole));
  if (!problem.empty()) return "evaluated twice: " + problem + where;

  const Evaluation empty = Run(e, batches.empty);
  problem = CheckOutcome(e, empty, 0);
  if (!problem.empty()) return "empty batch: " + problem + where;

  std::vector<Evaluation> alone;
  for (int64_t r = 0; r < kEvalRows; ++r) {
    alone.push_back(Run(e, batches.single[static_cast<size_t>(r)]));
    problem = CheckOutcome(e, alone.back(), 1);
    if (!problem.empty()) return "row " + std::to_string(r) + " alone: " + problem + where;
  }
  if (!whole.status.ok()) {
    // A batch may fail as a whole (a resource limit) where its rows do not;
    // nothing more to compare.
    return "";
  }
  problem = CheckAgainstRows(whole, alone, alone[0], [](int64_t i) { return i; });
  if (!problem.empty()) return "batch vs rows alone: " + problem + where;

  const Evaluation chunked = Run(e, batches.chunked);
  problem = CheckOutcome(e, chunked, batches.chunked.rows);
  if (!problem.empty()) return "chunked batch: " + problem + where;
  if (chunked.status.ok()) {
    // Row 0 of the kEvalRows rows is all null, as are the filler rows.
    problem = CheckAgainstRows(chunked, alone, alone[0], eval_detail::ChunkedRow);
    if (!problem.empty()) return "chunked batch vs rows alone: " + problem + where;
  }
  return "";
}

}  // namespace tessera::fuzz
