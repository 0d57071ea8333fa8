// A generator of random well-typed expressions for the DuckDB differential
// test (duckdb_differential_test.cc): each generated expression is printed
// twice, in Tessera's syntax and as DuckDB SQL meaning the same thing, over
// the columns of DifferentialTable (one per type, with nulls and edge
// values). Header-only; deterministic for a given std::mt19937_64 state.
//
// Where the two languages differ the SQL side is adjusted:
//   - decimal literals are typed explicitly in SQL ((0.5)::DOUBLE), since
//     DuckDB types 0.5 as DECIMAL; small integer literals are int32 in both
//     (DuckDB: INTEGER), so they are printed as they are;
//   - functions spelt otherwise in DuckDB: day_of_week -> dayofweek,
//     list_mean -> list_avg, dot -> list_dot_product, cosine_similarity ->
//     list_cosine_similarity, l2_norm -> sqrt(list_dot_product(l, l));
//     epoch_seconds -> epoch; interval '5h' -> INTERVAL 5 HOUR.
// Errors: DuckDB's AND, OR and BETWEEN skip an operand on rows the others
// decide, in an order its optimizer picks by cost, so whether a row whose
// skipped operand would raise errs in DuckDB depends on its plan; Tessera
// evaluates every operand. Their operands are therefore generated free of
// anything that can raise (MayError), so the comparison stays exact.
// Functions whose results IEEE 754 does not define exactly (exp, ln, log10,
// pow, epoch_seconds, and the list reductions, whose summation order is the engine's) are
// only generated at the root of an expression, so they are compared within
// one ulp and their error cannot grow through later operations.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace tessera::expr::testing {

enum class GenType { kInt32, kInt64, kDouble, kString, kBool, kTimestamp, kList };

struct GenExpr {
  std::string tessera;
  std::string sql;
  bool approx = false;  // compare within one ulp
};

class ExpressionGenerator {
 public:
  explicit ExpressionGenerator(uint64_t seed) : rng_(seed) {}

  // A random expression of a random result type, nested at most
  // `max_depth` levels.
  GenExpr Generate(int max_depth) {
    if (Chance(0.15)) return Approx(max_depth);
    static const GenType kRoots[] = {GenType::kInt32,  GenType::kInt64,     GenType::kDouble,
                                     GenType::kDouble, GenType::kString,    GenType::kBool,
                                     GenType::kBool,   GenType::kTimestamp, GenType::kList};
    return Gen(kRoots[Uniform(0, 8)], max_depth);
  }

 private:
  // --- random helpers ---
  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[static_cast<size_t>(Uniform(0, static_cast<int>(v.size()) - 1))];
  }

  static GenExpr Make(std::string t, std::string s) { return GenExpr{std::move(t), std::move(s)}; }
  static GenExpr Unary(const char* tf, const char* sf, const GenExpr& x) {
    return Make(std::string(tf) + "(" + x.tessera + ")", std::string(sf) + "(" + x.sql + ")");
  }
  static GenExpr Call2(const char* tf, const char* sf, const GenExpr& x, const GenExpr& y) {
    return Make(std::string(tf) + "(" + x.tessera + ", " + y.tessera + ")",
                std::string(sf) + "(" + x.sql + ", " + y.sql + ")");
  }
  static GenExpr Infix(const GenExpr& x, const char* op, const GenExpr& y) {
    return Make("(" + x.tessera + " " + op + " " + y.tessera + ")",
                "(" + x.sql + " " + op + " " + y.sql + ")");
  }

  // Forms every type has: CASE, if, coalesce, a typed null.
  bool Generic(GenType t, int depth, GenExpr* out) {
    if (depth <= 0) return false;
    switch (Uniform(0, 9)) {
      case 0: {
        GenExpr c = Gen(GenType::kBool, depth - 1), x = Gen(t, depth - 1), y = Gen(t, depth - 1);
        if (Chance(0.3)) {
          *out = Make("CASE WHEN " + c.tessera + " THEN " + x.tessera + " END",
                      "CASE WHEN " + c.sql + " THEN " + x.sql + " END");
        } else {
          *out =
              Make("CASE WHEN " + c.tessera + " THEN " + x.tessera + " ELSE " + y.tessera + " END",
                   "CASE WHEN " + c.sql + " THEN " + x.sql + " ELSE " + y.sql + " END");
        }
        return true;
      }
      case 1: {
        GenExpr c = Gen(GenType::kBool, depth - 1), x = Gen(t, depth - 1), y = Gen(t, depth - 1);
        *out = Make("if(" + c.tessera + ", " + x.tessera + ", " + y.tessera + ")",
                    "if(" + c.sql + ", " + x.sql + ", " + y.sql + ")");
        return true;
      }
      case 2:
        *out = Call2("coalesce", "coalesce", Gen(t, depth - 1), Gen(t, depth - 1));
        return true;
      case 3: {
        GenExpr x = Gen(t, depth - 1);
        // An untyped NULL on both sides: it takes the type of x, whatever
        // that is (a "double" leaf may be the int64 column b).
        *out = Make("coalesce(null, " + x.tessera + ")", "coalesce(NULL, " + x.sql + ")");
        return true;
      }
      default: return false;
    }
  }

  // True when `tessera` may raise for some row (integer overflow, a failed
  // CAST, sqrt or ln of a negative number): over-approximated from the text.
  static bool MayError(const std::string& tessera) {
    static const char* kRisky[] = {"CAST(", "sqrt(", "abs(",   " * ",  " + ",  " - ",   "(-",
                                   " % ",   "ln(",   "log10(", "pow(", "exp(", "round("};
    for (const char* r : kRisky) {
      if (tessera.find(r) != std::string::npos) return true;
    }
    return false;
  }

  // An operand of AND / OR / BETWEEN: free of errors (see the header).
  // Shallow, and few retries: a retry at every level would be exponential.
  GenExpr SafeBool(int d) {
    for (int i = 0; i < 4; ++i) {
      GenExpr g = Bool(std::min(d, 2));
      if (!MayError(g.tessera)) return g;
    }
    return Make("p", "p");
  }
  GenExpr SafeDouble(int d) {
    for (int i = 0; i < 4; ++i) {
      GenExpr g = Double(std::min(d, 2));
      if (!MayError(g.tessera)) return g;
    }
    return Make("c", "c");
  }

  GenExpr Gen(GenType t, int depth) {
    GenExpr g;
    if (Generic(t, depth, &g)) return g;
    switch (t) {
      case GenType::kInt32: return Int32(depth);
      case GenType::kInt64: return Int64(depth);
      case GenType::kDouble: return Double(depth);
      case GenType::kString: return String(depth);
      case GenType::kBool: return Bool(depth);
      case GenType::kTimestamp: return Timestamp(depth);
      case GenType::kList: return Make("l", "l");
    }
    return Make("a", "a");
  }

  GenExpr Int32(int depth) {
    if (depth <= 0 || Chance(0.25)) return Make("a", "a");
    const int d = depth - 1;
    switch (Uniform(0, 6)) {
      case 0: return Infix(Int32(d), "+", Int32(d));
      case 1: return Infix(Int32(d), "-", Int32(d));
      case 2: return Infix(Int32(d), "*", Int32(d));
      case 3: return Infix(Int32(d), "%", Int32(d));
      case 4: {
        GenExpr x = Int32(d);
        return Make("(-" + x.tessera + ")", "(-" + x.sql + ")");
      }
      case 5: return Unary("abs", "abs", Int32(d));
      default: {
        GenExpr x = Int64(d);
        return Make("CAST(" + x.tessera + " AS int32)", "CAST(" + x.sql + " AS INTEGER)");
      }
    }
  }

  GenExpr IntLiteral() {
    static const std::vector<int> kValues = {0, 1, 2, 3, 7, 10, 100, 1000000};
    int v = Pick(kValues);
    if (Chance(0.3)) v = -v;
    // Both type a small integer literal as int32 (DuckDB: INTEGER).
    // Parenthesized, so that unary minus never prints as "--".
    const std::string text = v < 0 ? "(" + std::to_string(v) + ")" : std::to_string(v);
    return Make(text, "(" + std::to_string(v) + ")");
  }

  GenExpr Int64(int depth) {
    if (depth <= 0 || Chance(0.2)) {
      switch (Uniform(0, 3)) {
        case 0: return IntLiteral();
        case 1: return Make("a", "a");
        default: return Make("b", "b");
      }
    }
    const int d = depth - 1;
    switch (Uniform(0, 21)) {
      case 0: return Infix(Int64(d), "+", Int64(d));
      case 1: return Infix(Int64(d), "-", Int64(d));
      case 2: return Infix(Int64(d), "*", Int64(d));
      case 3: return Infix(Int64(d), "%", Int64(d));
      case 4: {
        GenExpr x = Int64(d);
        return Make("(-" + x.tessera + ")", "(-" + x.sql + ")");
      }
      case 5: return Unary("abs", "abs", Int64(d));
      case 6: return Unary("sign", "sign", Int64(d));
      case 7: return Call2("least", "least", Int64(d), Int64(d));
      case 8: return Call2("greatest", "greatest", Int64(d), Int64(d));
      case 9: return Call2("nullif", "nullif", Int64(d), Int64(d));
      case 10: return Unary("length", "length", String(d));
      case 11: return Make("len(l)", "len(l)");
      case 12: return Unary("year", "year", Timestamp(d));
      case 13: return Unary("month", "month", Timestamp(d));
      case 14: return Unary("day", "day", Timestamp(d));
      case 15: return Unary("hour", "hour", Timestamp(d));
      case 16: return Unary("minute", "minute", Timestamp(d));
      case 17: return Unary("day_of_week", "dayofweek", Timestamp(d));
      case 18: {
        static const std::vector<std::string> kUnits = {"day", "hour", "minute"};
        const std::string unit = Pick(kUnits);
        GenExpr x = Timestamp(d), y = Timestamp(d);
        return Make("date_diff('" + unit + "', " + x.tessera + ", " + y.tessera + ")",
                    "date_diff('" + unit + "', " + x.sql + ", " + y.sql + ")");
      }
      case 19: {
        GenExpr x = Double(d);
        return Make("CAST(" + x.tessera + " AS int64)", "CAST(" + x.sql + " AS BIGINT)");
      }
      case 20: {
        GenExpr x = String(d);
        return Make("CAST(" + x.tessera + " AS int64)", "CAST(" + x.sql + " AS BIGINT)");
      }
      default: return Int32(d);
    }
  }

  GenExpr DoubleLiteral() {
    static const std::vector<std::string> kValues = {"0.0", "0.5",  "2.0",   "3.25",
                                                     "0.1", "1e10", "1e300", "1.5"};
    const std::string v = Pick(kValues);
    // A negative literal is unary minus on both sides: DuckDB's (-0.0)::DOUBLE
    // would be a DECIMAL -0.0, which is +0.0 as a double.
    if (Chance(0.3)) return Make("(-" + v + ")", "(-(" + v + ")::DOUBLE)");
    return Make(v, "(" + v + ")::DOUBLE");
  }

  GenExpr Double(int depth) {
    if (depth <= 0 || Chance(0.2)) {
      switch (Uniform(0, 4)) {
        case 0: return DoubleLiteral();
        case 1: return Make("d", "d");
        case 2: return Make("b", "b");  // widened
        default: return Make("c", "c");
      }
    }
    const int d = depth - 1;
    switch (Uniform(0, 22)) {
      case 0: return Infix(Double(d), "+", Double(d));
      case 1: return Infix(Double(d), "-", Double(d));
      case 2: return Infix(Double(d), "*", Double(d));
      case 3: return Infix(Double(d), "/", Double(d));
      case 4: return Infix(Double(d), "%", Double(d));
      case 5: return Infix(Int64(d), "/", Int64(d));
      case 6: {
        GenExpr x = Double(d);
        return Make("(-" + x.tessera + ")", "(-" + x.sql + ")");
      }
      case 7: return Unary("abs", "abs", Double(d));
      case 8: return Unary("floor", "floor", Double(d));
      case 9: return Unary("ceil", "ceil", Double(d));
      case 10: return Unary("round", "round", Double(d));
      case 11: {
        // Over a double only: DuckDB's round(BIGINT, -k) wraps around near
        // the int64 limits (round(-9223372036854775808, -1) is positive),
        // where Tessera counts an overflow.
        GenExpr x = Double(d);
        const std::string k = std::to_string(Uniform(-2, 3));
        return Make("round(CAST(" + x.tessera + " AS double), " + k + ")",
                    "round(CAST(" + x.sql + " AS DOUBLE), " + k + ")");
      }
      case 12: return Unary("sqrt", "sqrt", Double(d));
      case 13: return Call2("least", "least", Double(d), Double(d));
      case 14: return Call2("greatest", "greatest", Double(d), Double(d));
      case 15: return Call2("nullif", "nullif", Double(d), Double(d));
      case 16: {
        GenExpr x = Int64(d);
        return Make("CAST(" + x.tessera + " AS double)", "CAST(" + x.sql + " AS DOUBLE)");
      }
      case 17: {
        const std::string k = std::to_string(Uniform(-3, 4));
        return Make("l[" + k + "]", "l[" + k + "]");
      }
      case 18: return Make("list_min(l)", "list_min(l)");
      case 19: return Make("list_max(l)", "list_max(l)");
      case 20: {
        GenExpr x = String(d);
        return Make("CAST(" + x.tessera + " AS double)", "CAST(" + x.sql + " AS DOUBLE)");
      }
      default: return Int64(d);
    }
  }

  // A function IEEE 754 leaves inexact, at the root only.
  GenExpr Approx(int depth) {
    const int d = std::max(0, depth - 1);
    GenExpr g;
    switch (Uniform(0, 10)) {
      case 0: g = Unary("exp", "exp", Double(d)); break;
      case 10: g = Unary("epoch_seconds", "epoch", Timestamp(d)); break;
      case 1: g = Unary("ln", "ln", Double(d)); break;
      case 2: g = Unary("log10", "log10", Double(d)); break;
      case 3: g = Call2("pow", "pow", Double(d), Double(d)); break;
      case 4: g = Make("list_sum(l)", "list_sum(l)"); break;
      case 5: g = Make("list_mean(l)", "list_avg(l)"); break;
      case 6: g = Make("dot(l, l)", "list_dot_product(l, l)"); break;
      case 7: g = Make("l2_norm(l)", "sqrt(list_dot_product(l, l))"); break;
      case 8:
        g = Make("cosine_similarity(l, [1.0, 2.0, 3.0])",
                 "list_cosine_similarity(l, [1.0, 2.0, 3.0]::DOUBLE[])");
        break;
      default: g = Make("cosine_similarity(l, l)", "list_cosine_similarity(l, l)"); break;
    }
    g.approx = true;
    return g;
  }

  GenExpr StringLiteral() {
    static const std::vector<std::string> kValues = {
        "", "a", "ab", "\xC3\x89", "\xC3\x9F", "日本", "%", " x ", "Z\xC3\xBCrich", "12"};
    const std::string& v = Pick(kValues);
    return Make("'" + v + "'", "'" + v + "'");
  }

  GenExpr String(int depth) {
    if (depth <= 0 || Chance(0.25)) return Chance(0.6) ? Make("s", "s") : StringLiteral();
    const int d = depth - 1;
    switch (Uniform(0, 10)) {
      case 0: return Infix(String(d), "||", String(d));
      case 1: return Call2("concat", "concat", String(d), String(d));
      case 2: return Unary("lower", "lower", String(d));
      case 3: return Unary("upper", "upper", String(d));
      case 4: return Unary("trim", "trim", String(d));
      case 5: {
        GenExpr x = String(d);
        const std::string k = std::to_string(Uniform(-2, 5)), m = std::to_string(Uniform(0, 4));
        return Make("substr(" + x.tessera + ", " + k + ", " + m + ")",
                    "substr(" + x.sql + ", " + k + ", " + m + ")");
      }
      case 6: {
        GenExpr x = String(d), from = StringLiteral(), to = StringLiteral();
        return Make("replace(" + x.tessera + ", " + from.tessera + ", " + to.tessera + ")",
                    "replace(" + x.sql + ", " + from.sql + ", " + to.sql + ")");
      }
      case 7: {
        GenExpr x = Int64(d);
        return Make("CAST(" + x.tessera + " AS string)", "CAST(" + x.sql + " AS VARCHAR)");
      }
      default: return Make("s", "s");
    }
  }

  GenExpr Compare(int d) {
    static const std::vector<std::string> kOps = {"=", "!=", "<>", "<", "<=", ">", ">="};
    const std::string op = Pick(kOps);
    switch (Uniform(0, 4)) {
      case 0: return Infix(Int64(d), op.c_str(), Int64(d));
      case 1:
      case 2: return Infix(Double(d), op.c_str(), Double(d));
      case 3: return Infix(String(d), op.c_str(), String(d));
      default: return Infix(Timestamp(d), op.c_str(), Timestamp(d));
    }
  }

  GenExpr Bool(int depth) {
    if (depth <= 0 || Chance(0.15)) {
      switch (Uniform(0, 3)) {
        case 0: return Make("true", "true");
        case 1: return Make("false", "false");
        default: return Make("p", "p");
      }
    }
    const int d = depth - 1;
    switch (Uniform(0, 14)) {
      case 0:
      case 1: return Compare(d);
      case 2: return Infix(SafeBool(d), "AND", SafeBool(d));
      case 3: return Infix(SafeBool(d), "OR", SafeBool(d));
      case 4: {
        GenExpr x = Bool(d);
        return Make("(NOT " + x.tessera + ")", "(NOT " + x.sql + ")");
      }
      case 5: {
        static const GenType kAny[] = {GenType::kInt64, GenType::kDouble,    GenType::kString,
                                       GenType::kBool,  GenType::kTimestamp, GenType::kList};
        GenExpr x = Gen(kAny[Uniform(0, 5)], d);
        const char* is = Chance(0.5) ? " IS NULL)" : " IS NOT NULL)";
        return Make("(" + x.tessera + is, "(" + x.sql + is);
      }
      case 6: {
        GenExpr x = Int64(d), y = IntLiteral(), z = IntLiteral();
        const char* in = Chance(0.5) ? " IN (" : " NOT IN (";
        return Make("(" + x.tessera + in + y.tessera + ", " + z.tessera + "))",
                    "(" + x.sql + in + y.sql + ", " + z.sql + "))");
      }
      case 7: {
        GenExpr x = String(d), y = StringLiteral(), z = StringLiteral();
        const char* in = Chance(0.5) ? " IN (" : " NOT IN (";
        return Make("(" + x.tessera + in + y.tessera + ", " + z.tessera + "))",
                    "(" + x.sql + in + y.sql + ", " + z.sql + "))");
      }
      case 8: {
        GenExpr x = SafeDouble(d), lo = SafeDouble(d), hi = SafeDouble(d);
        const char* between = Chance(0.5) ? " BETWEEN " : " NOT BETWEEN ";
        return Make("(" + x.tessera + between + lo.tessera + " AND " + hi.tessera + ")",
                    "(" + x.sql + between + lo.sql + " AND " + hi.sql + ")");
      }
      case 9: {
        static const std::vector<std::string> kPatterns = {"a%", "%b", "_",   "%\xC3\x89%",
                                                           "",   "%",  "__%", "Z%h"};
        GenExpr x = String(d);
        const std::string p = Pick(kPatterns);
        const char* like = Chance(0.5) ? " LIKE '" : " NOT LIKE '";
        return Make("(" + x.tessera + like + p + "')", "(" + x.sql + like + p + "')");
      }
      case 10: return Call2("starts_with", "starts_with", String(d), StringLiteral());
      case 11: return Call2("ends_with", "ends_with", String(d), StringLiteral());
      case 12: return Call2("contains", "contains", String(d), StringLiteral());
      case 13: {
        static const std::vector<std::string> kRegex = {"^a", "b$", "[0-9]", "\xC3\xBC", "^$"};
        GenExpr x = String(d);
        const std::string r = Pick(kRegex);
        return Make("regexp_matches(" + x.tessera + ", '" + r + "')",
                    "regexp_matches(" + x.sql + ", '" + r + "')");
      }
      default: return Make("p", "p");
    }
  }

  GenExpr Timestamp(int depth) {
    if (depth <= 0 || Chance(0.4)) {
      if (Chance(0.8)) return Make("ts", "ts");
      return Make("timestamp '2024-03-01T12:00:00Z'", "TIMESTAMP '2024-03-01 12:00:00'");
    }
    GenExpr x = Timestamp(depth - 1);
    const int n = Uniform(1, 100);  // Tessera's durations are positive
    const bool hours = Chance(0.5);
    const char* sign = Chance(0.5) ? " + " : " - ";
    return Make(
        "(" + x.tessera + sign + "interval '" + std::to_string(n) + (hours ? "h" : "m") + "')",
        "(" + x.sql + sign + "INTERVAL " + std::to_string(n) + (hours ? " HOUR" : " MINUTE") + ")");
  }

  std::mt19937_64 rng_;
};

}  // namespace tessera::expr::testing
