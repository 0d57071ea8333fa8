// Golden tests of the expression language: every tests/expr/golden/*.txt
// (format in tests/expr/golden/README.md) is read, each table built, each
// case compiled against the table's columns and evaluated, and the result
// compared value by value with the expected values, which come from DuckDB
// or hand computation, never from Tessera. The values of the files are read
// here by a small reader of its own, not by Tessera's parser, so a parser
// bug cannot hide in both sides.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tessera/core/builder.h"
#include "tessera/core/record_batch.h"
#include "tessera/core/schema.h"
#include "tessera/expr/binder.h"
#include "tessera/expr/expression.h"

namespace tessera::expr {
namespace {

std::string GoldenDir() { return std::string(TESSERA_SOURCE_DIR) + "/tests/expr/golden"; }

std::string Trim(std::string s) {
  size_t b = s.find_first_not_of(" \t\r"), e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// Splits at `sep` outside quotes and brackets.
std::vector<std::string> SplitTop(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::string cur;
  bool quote = false;
  int depth = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote) {
      cur += c;
      if (c == '\'') {
        if (i + 1 < text.size() && text[i + 1] == '\'') {
          cur += '\'';
          ++i;
        } else {
          quote = false;
        }
      }
      continue;
    }
    if (c == '\'') quote = true;
    if (c == '[' || c == '(' || c == '<') ++depth;
    if (c == ']' || c == ')' || c == '>') --depth;
    if (c == sep && depth == 0) {
      out.push_back(Trim(cur));
      cur.clear();
      continue;
    }
    cur += c;
  }
  if (!Trim(cur).empty() || !out.empty()) out.push_back(Trim(cur));
  return out;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
// days_from_civil).
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

std::optional<int64_t> ParseGoldenTimestamp(const std::string& s) {
  static const std::regex re(R"((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.(\d{1,6}))?Z)");
  std::smatch m;
  if (!std::regex_match(s, m, re)) return std::nullopt;
  auto n = [&](int i) { return std::stoll(m[i].str()); };
  int64_t micros = 0;
  if (m[8].matched) {
    std::string frac = m[8].str();
    frac.resize(6, '0');
    micros = std::stoll(frac);
  }
  return ((DaysFromCivil(n(1), n(2), n(3)) * 24 + n(4)) * 60 + n(5)) * 60 * 1000000 +
         n(6) * 1000000 + micros;
}

std::optional<std::string> ParseGoldenString(const std::string& s) {
  static const std::regex repeat(R"(repeat\('(.*)',\s*(\d+)\))");
  std::smatch m;
  if (std::regex_match(s, m, repeat)) {
    std::string out;
    for (long long i = 0, n = std::stoll(m[2].str()); i < n; ++i) out += m[1].str();
    return out;
  }
  if (s.size() < 2 || s.front() != '\'' || s.back() != '\'') return std::nullopt;
  std::string out;
  for (size_t i = 1; i + 1 < s.size(); ++i) {
    out += s[i];
    if (s[i] == '\'') ++i;  // '' -> '
  }
  return out;
}

std::optional<double> ParseGoldenDouble(const std::string& s) {
  if (s == "nan") return std::nan("");
  if (s == "inf") return HUGE_VAL;
  if (s == "-inf") return -HUGE_VAL;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0') return std::nullopt;
  return v;
}

// A golden value of type `type`, or nullopt when `text` is not one.
std::optional<Value> ParseGoldenValue(std::string text, DataType type) {
  text = Trim(text);
  if (!text.empty() && text[0] == '~') text = text.substr(1);
  if (text == "null") return Value::Null(type);
  switch (type.id()) {
    case TypeId::kBool:
      if (text == "true" || text == "false") return Value::Bool(text == "true");
      return std::nullopt;
    case TypeId::kInt32:
    case TypeId::kInt64: {
      char* end = nullptr;
      errno = 0;
      long long v = std::strtoll(text.c_str(), &end, 10);
      if (text.empty() || *end != '\0' || errno != 0) return std::nullopt;
      return type.id() == TypeId::kInt32 ? Value::Int32(static_cast<int32_t>(v)) : Value::Int64(v);
    }
    case TypeId::kFloat:
    case TypeId::kDouble: {
      auto d = ParseGoldenDouble(text);
      if (!d) return std::nullopt;
      return type.id() == TypeId::kFloat ? Value::Float(static_cast<float>(*d)) : Value::Double(*d);
    }
    case TypeId::kString: {
      auto s = ParseGoldenString(text);
      if (!s) return std::nullopt;
      return Value::String(*s);
    }
    case TypeId::kTimestamp: {
      auto t = ParseGoldenTimestamp(text);
      if (!t) return std::nullopt;
      return Value::Timestamp(*t);
    }
    case TypeId::kList: {
      if (text.size() < 2 || text.front() != '[' || text.back() != ']') return std::nullopt;
      std::vector<Value> items;
      for (const std::string& item : SplitTop(text.substr(1, text.size() - 2), ',')) {
        auto v = ParseGoldenValue(item, type.element_type());
        if (!v) return std::nullopt;
        items.push_back(*v);
      }
      return Value::List(type, std::move(items));
    }
    default: return std::nullopt;
  }
}

// Units in the last place between two finite doubles of the same sign.
uint64_t UlpDistance(double a, double b) {
  auto key = [](double x) {
    int64_t i = std::bit_cast<int64_t>(x);
    return i < 0 ? std::numeric_limits<int64_t>::min() - i : i;
  };
  int64_t ka = key(a), kb = key(b);
  return ka > kb ? static_cast<uint64_t>(ka) - static_cast<uint64_t>(kb)
                 : static_cast<uint64_t>(kb) - static_cast<uint64_t>(ka);
}

// Empty when `actual` matches the expected `text`; else why not.
std::string Mismatch(const Value& actual, const std::string& text, DataType type) {
  const bool approx = !Trim(text).empty() && Trim(text)[0] == '~';
  std::optional<Value> expected = ParseGoldenValue(text, type);
  if (!expected) return "cannot read expected value '" + text + "' as " + type.ToString();
  if (actual.is_null() || expected->is_null()) {
    return actual.is_null() == expected->is_null() ? "" : "got " + actual.ToString();
  }
  switch (type.id()) {
    case TypeId::kFloat:
    case TypeId::kDouble: {
      double a = actual.double_value(), e = expected->double_value();
      if (std::isnan(a) && std::isnan(e)) return "";
      if (std::bit_cast<uint64_t>(a) == std::bit_cast<uint64_t>(e)) return "";
      if (approx && std::isfinite(a) && std::isfinite(e) && UlpDistance(a, e) <= 1) return "";
      std::ostringstream os;
      os.precision(17);
      os << "got " << a << (approx ? " (more than 1 ulp away)" : " (not bit-equal)");
      return os.str();
    }
    case TypeId::kList: {
      const auto& av = actual.list_value();
      std::vector<std::string> items =
          SplitTop(Trim(text).substr(1 + approx, Trim(text).size() - 2 - approx), ',');
      if (av.size() != items.size()) return "got " + actual.ToString();
      for (size_t i = 0; i < av.size(); ++i) {
        std::string why = Mismatch(av[i], items[i], type.element_type());
        if (!why.empty()) return "element " + std::to_string(i + 1) + ": " + why;
      }
      return "";
    }
    case TypeId::kBool:
      return actual.bool_value() == expected->bool_value() ? "" : "got " + actual.ToString();
    case TypeId::kString:
      return actual.string_value() == expected->string_value() ? "" : "got " + actual.ToString();
    default: return actual.int_value() == expected->int_value() ? "" : "got " + actual.ToString();
  }
}

// {N*text} -> text repeated N times.
std::string ExpandRepeats(const std::string& expr) {
  static const std::regex re(R"(\{(\d+)\*([^}]*)\})");
  std::string out;
  auto begin = std::sregex_iterator(expr.begin(), expr.end(), re);
  size_t last = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    out += expr.substr(last, static_cast<size_t>(it->position()) - last);
    for (long long i = 0, n = std::stoll((*it)[1].str()); i < n; ++i) out += (*it)[2].str();
    last = static_cast<size_t>(it->position() + it->length());
  }
  return out + expr.substr(last);
}

struct GoldenCase {
  int line = 0;
  std::string expr;
  std::optional<std::string> type;
  std::optional<std::string> expect;  // the text after "expect:"
  std::optional<std::string> error;
  int64_t errors = 0;
  bool ulp = false;  // "ulp: 1": every value within one ulp
};

struct GoldenTable {
  int line = 0;
  std::string name;
  std::vector<Field> fields;
  std::vector<std::pair<int, std::string>> rows;  // line, text
  std::vector<GoldenCase> cases;
};

// Reads a golden file; a malformed line is a test failure naming it.
std::vector<GoldenTable> ReadGolden(const std::string& path) {
  std::ifstream in(path);
  std::vector<GoldenTable> tables;
  std::string line;
  int n = 0;
  auto directive = [&](const char* name, std::string* rest) {
    size_t len = std::strlen(name);
    if (line.compare(0, len, name) != 0) return false;
    *rest = Trim(line.substr(len));
    return true;
  };
  while (std::getline(in, line)) {
    ++n;
    std::string rest;
    if (Trim(line).empty() || line[0] == '#') continue;
    if (directive("table:", &rest)) {
      tables.push_back(GoldenTable{n, rest, {}, {}, {}});
      continue;
    }
    if (tables.empty()) {
      ADD_FAILURE() << path << ":" << n << ": directive before any 'table:'";
      continue;
    }
    GoldenTable& t = tables.back();
    GoldenCase* c = t.cases.empty() ? nullptr : &t.cases.back();
    if (directive("columns:", &rest)) {
      for (const std::string& col : SplitTop(rest, ',')) {
        size_t space = col.find(' ');
        Result<DataType> type = DataType::Parse(Trim(col.substr(space + 1)));
        if (space == std::string::npos || !type.ok()) {
          ADD_FAILURE() << path << ":" << n << ": bad column '" << col << "'";
          continue;
        }
        t.fields.push_back(Field{col.substr(0, space), *type});
      }
    } else if (directive("row:", &rest)) {
      t.rows.emplace_back(n, rest);
    } else if (directive("case:", &rest)) {
      t.cases.push_back(GoldenCase{n, ExpandRepeats(rest), {}, {}, {}, 0, false});
    } else if (c != nullptr && directive("duckdb:", &rest)) {
      // provenance only
    } else if (c != nullptr && directive("type:", &rest)) {
      c->type = rest;
    } else if (c != nullptr && directive("expect:", &rest)) {
      c->expect = rest;
    } else if (c != nullptr && directive("error:", &rest)) {
      c->error = rest;
    } else if (c != nullptr && directive("ulp:", &rest)) {
      c->ulp = rest == "1";
    } else if (c != nullptr && directive("errors:", &rest)) {
      c->errors = std::stoll(rest);
    } else {
      ADD_FAILURE() << path << ":" << n << ": unknown line '" << line << "'";
    }
  }
  return tables;
}

Result<RecordBatchPtr> BuildBatch(const std::string& path, const GoldenTable& t) {
  TS_ASSIGN_OR_RETURN(SchemaPtr schema, Schema::Make(t.fields));
  std::vector<std::unique_ptr<ArrayBuilder>> builders;
  for (const Field& f : t.fields) builders.push_back(ArrayBuilder::Make(f.type));
  for (const auto& [line, text] : t.rows) {
    std::vector<std::string> cells = SplitTop(text, '|');
    if (cells.size() != t.fields.size()) {
      return Status::Invalid(path + ":" + std::to_string(line) + ": " +
                             std::to_string(cells.size()) + " values for " +
                             std::to_string(t.fields.size()) + " columns");
    }
    for (size_t i = 0; i < cells.size(); ++i) {
      std::optional<Value> v = ParseGoldenValue(cells[i], t.fields[i].type);
      if (!v) {
        return Status::Invalid(path + ":" + std::to_string(line) + ": cannot read '" + cells[i] +
                               "' as " + t.fields[i].type.ToString());
      }
      TS_RETURN_NOT_OK(builders[i]->AppendValue(*v));
    }
  }
  std::vector<ArrayPtr> columns;
  for (auto& b : builders) {
    TS_ASSIGN_OR_RETURN(ArrayPtr a, b->Finish());
    columns.push_back(a);
  }
  return RecordBatch::Make(schema, std::move(columns));
}

void RunCase(const std::string& where, const GoldenCase& c, const Scope& scope,
             const RecordBatch& batch) {
  auto compiled = Expression::Compile(c.expr, scope);
  if (c.error) {
    ASSERT_FALSE(compiled.ok()) << where << ": compiled, expected error containing '" << *c.error
                                << "'";
    EXPECT_NE(compiled.status().message().find(*c.error), std::string::npos)
        << where << ": error '" << compiled.status().message() << "' does not contain '" << *c.error
        << "'";
    return;
  }
  ASSERT_TRUE(compiled.ok()) << where << ": " << compiled.status().ToString();
  const Expression& e = **compiled;
  if (c.type) EXPECT_EQ(e.type().ToString(), *c.type) << where << ": result type";
  ASSERT_TRUE(c.expect.has_value()) << where << ": case without expect: or error:";
  EvalStats stats;
  auto out = e.Evaluate(batch, &stats);
  ASSERT_TRUE(out.ok()) << where << ": " << out.status().ToString();
  const Array& result = **out;
  std::vector<std::string> expected = SplitTop(*c.expect, '|');
  ASSERT_EQ(result.length(), static_cast<int64_t>(expected.size())) << where << ": row count";
  EXPECT_EQ(result.type(), e.type()) << where;
  for (size_t r = 0; r < expected.size(); ++r) {
    const std::string text = (c.ulp ? "~" : "") + expected[r];
    std::string why = Mismatch(result.GetValue(static_cast<int64_t>(r)), text, e.type());
    EXPECT_TRUE(why.empty()) << where << ": row " << r + 1 << ": expected " << expected[r] << ", "
                             << why;
  }
  EXPECT_EQ(stats.error_rows, c.errors) << where << ": error rows (" << stats.Summary() << ")";
}

class GoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenTest, EveryCaseMatches) {
  const std::string path = GoldenDir() + "/" + GetParam();
  std::vector<GoldenTable> tables = ReadGolden(path);
  ASSERT_FALSE(tables.empty()) << path << ": no table";
  int cases = 0;
  for (const GoldenTable& t : tables) {
    auto batch = BuildBatch(path, t);
    ASSERT_TRUE(batch.ok()) << batch.status().ToString();
    auto schema = Schema::Make(t.fields);
    ASSERT_TRUE(schema.ok());
    Scope scope = Scope::FromSchema(**schema);
    for (const GoldenCase& c : t.cases) {
      const std::string where = GetParam() + ":" + std::to_string(c.line) + " (" +
                                (c.expr.size() > 80 ? c.expr.substr(0, 80) + "..." : c.expr) + ")";
      RunCase(where, c, scope, **batch);
      ++cases;
    }
  }
  EXPECT_GT(cases, 0) << path;
}

std::vector<std::string> GoldenFiles() {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(GoldenDir())) {
    if (entry.path().extension() == ".txt") files.push_back(entry.path().filename().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

INSTANTIATE_TEST_SUITE_P(Files, GoldenTest, ::testing::ValuesIn(GoldenFiles()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param.substr(0, info.param.size() - 4);
                           for (char& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

// The reader of the files itself: a value it misreads would make every
// comparison meaningless.
TEST(GoldenReaderTest, ReadsValuesExactly) {
  EXPECT_EQ(*ParseGoldenTimestamp("1969-12-31T23:59:59.999999Z"), -1);
  EXPECT_EQ(*ParseGoldenTimestamp("2024-03-01T12:00:00Z"), 1709294400000000);
  EXPECT_EQ(*ParseGoldenTimestamp("1900-01-01T00:00:00.5Z"), -2208988800000000 + 500000);
  EXPECT_EQ(ParseGoldenString("'it''s'").value(), "it's");
  EXPECT_EQ(ParseGoldenString("repeat('ab', 3)").value(), "ababab");
  EXPECT_TRUE(std::signbit(ParseGoldenDouble("-0.0").value()));
  EXPECT_EQ(ParseGoldenValue("-9223372036854775808", DataType::Int64())->int_value(),
            std::numeric_limits<int64_t>::min());
  EXPECT_EQ(SplitTop("'a|b' | [1.0, 2.0] | null", '|'),
            (std::vector<std::string>{"'a|b'", "[1.0, 2.0]", "null"}));
  EXPECT_EQ(ExpandRepeats("{3*(}x{3*)}"), "(((x)))");
  EXPECT_EQ(Mismatch(Value::Double(0.0), "-0.0", DataType::Double()), "got 0 (not bit-equal)");
  EXPECT_EQ(Mismatch(Value::Double(std::nextafter(1.0, 2.0)), "~1.0", DataType::Double()), "");
  EXPECT_NE(Mismatch(Value::Double(std::nextafter(1.0, 2.0)), "1.0", DataType::Double()), "");
}

}  // namespace
}  // namespace tessera::expr
