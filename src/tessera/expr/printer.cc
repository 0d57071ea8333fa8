// The canonical spelling (docs/EXPRESSIONS.md "Canonical form"):
//   - keywords upper case (AND, OR, NOT, IS NULL, IN, BETWEEN, LIKE, CASE,
//     CAST, TRUE, FALSE, NULL, TIMESTAMP, INTERVAL), function names and type
//     names lower case;
//   - one space around binary operators and after commas; `!=` for both
//     `!=` and `<>`;
//   - parentheses exactly where the precedence levels of the parser need
//     them to rebuild the same tree (parser.cc);
//   - names bare when they are plain ASCII identifiers that are not
//     reserved keywords, else double-quoted;
//   - integers in decimal; doubles in the shortest text that reads back to
//     the same bits, always with a '.' or an exponent; strings in single
//     quotes with '' for a quote; timestamps as TIMESTAMP
//     'YYYY-MM-DDTHH:MM:SS.ffffffZ'; intervals as INTERVAL '24h'.
// Values the parser never produces (from constant folding) print as an
// expression of the same meaning: CAST(5 AS int64), CAST('NaN' AS double).
#include "tessera/expr/printer.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "tessera/core/time.h"
#include "tessera/expr/lexer.h"
#include "tessera/expr/parser.h"

namespace tessera::expr {
namespace {

// Precedence levels, lowest first (parser.cc).
enum Level : int {
  kTop = 0,
  kOrLevel,
  kAndLevel,
  kNotLevel,
  kIsLevel,
  kCmpLevel,
  kPredLevel,
  kConcatLevel,
  kAddLevel,
  kMulLevel,
  kUnaryLevel,
  kPostfixLevel,
  kPrimaryLevel,
};

int BinaryLevel(Op op) {
  switch (op) {
    case Op::kOr: return kOrLevel;
    case Op::kAnd: return kAndLevel;
    case Op::kConcat: return kConcatLevel;
    case Op::kAdd:
    case Op::kSub: return kAddLevel;
    case Op::kMul:
    case Op::kDiv:
    case Op::kMod: return kMulLevel;
    default: return kCmpLevel;
  }
}

bool IsNegativeNumber(const Value& v) {
  if (v.is_null()) return false;
  switch (v.type().id()) {
    case TypeId::kInt32:
    case TypeId::kInt64: return v.int_value() < 0;
    case TypeId::kFloat:
    case TypeId::kDouble: return std::signbit(v.double_value()) && !std::isnan(v.double_value());
    default: return false;
  }
}

int LevelOf(const Node& node) {
  switch (node.kind) {
    case NodeKind::kLiteral: return IsNegativeNumber(node.value) ? kUnaryLevel : kPrimaryLevel;
    case NodeKind::kUnary: return node.op == Op::kNot ? kNotLevel : kUnaryLevel;
    case NodeKind::kBinary: return BinaryLevel(node.op);
    case NodeKind::kIsNull: return kIsLevel;
    case NodeKind::kIn:
    case NodeKind::kBetween:
    case NodeKind::kLike: return kPredLevel;
    case NodeKind::kIndex: return kPostfixLevel;
    case NodeKind::kCast:
      return node.implicit && !node.children.empty() ? LevelOf(*node.children[0]) : kPrimaryLevel;
    default: return kPrimaryLevel;
  }
}

bool IsPlainName(std::string_view name) {
  if (name.empty() || IsReservedKeyword(name)) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

void AppendQuoted(std::string_view text, char quote, std::string* out) {
  out->push_back(quote);
  for (char c : text) {
    if (c == quote) out->push_back(quote);
    out->push_back(c);
  }
  out->push_back(quote);
}

void AppendName(std::string_view name, std::string* out) {
  if (IsPlainName(name)) {
    out->append(name);
  } else {
    AppendQuoted(name, '"', out);
  }
}

std::string DoubleText(double v) {
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  std::string s(buf, end);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

class Printer {
 public:
  std::string Run(const Node& node) {
    Append(node, kTop);
    return std::move(out_);
  }

 private:
  void Append(const Node& node, int min_level) {
    if (node.kind == NodeKind::kCast && node.implicit && !node.children.empty()) {
      Append(*node.children[0], min_level);
      return;
    }
    const bool parens = LevelOf(node) < min_level;
    if (parens) out_ += "(";
    AppendBare(node);
    if (parens) out_ += ")";
  }

  void AppendList(const std::vector<NodePtr>& items, size_t from, size_t to) {
    for (size_t i = from; i < to; ++i) {
      if (i > from) out_ += ", ";
      Append(*items[i], kTop);
    }
  }

  void AppendBare(const Node& node) {
    const auto& c = node.children;
    switch (node.kind) {
      case NodeKind::kLiteral: return AppendValue(node.value);
      case NodeKind::kInterval:
        out_ += "INTERVAL ";
        return AppendQuoted(FormatDuration(node.value.int_value()), '\'', &out_);
      case NodeKind::kColumn:
        if (!node.qualifier.empty()) {
          AppendName(node.qualifier, &out_);
          out_ += ".";
        }
        return AppendName(node.name, &out_);
      case NodeKind::kUnary: return AppendUnary(node);
      case NodeKind::kBinary: {
        const int level = BinaryLevel(node.op);
        const bool chain = level != kCmpLevel;  // left-associative
        Append(*c[0], chain ? level : level + 1);
        out_ += " ";
        out_ += OpSpelling(node.op);
        out_ += " ";
        Append(*c[1], level + 1);
        return;
      }
      case NodeKind::kIsNull:
        Append(*c[0], kIsLevel);
        out_ += node.negated ? " IS NOT NULL" : " IS NULL";
        return;
      case NodeKind::kIn:
        Append(*c[0], kPredLevel + 1);
        out_ += node.negated ? " NOT IN (" : " IN (";
        AppendList(c, 1, c.size());
        out_ += ")";
        return;
      case NodeKind::kBetween:
        Append(*c[0], kPredLevel + 1);
        out_ += node.negated ? " NOT BETWEEN " : " BETWEEN ";
        Append(*c[1], kConcatLevel);
        out_ += " AND ";
        Append(*c[2], kConcatLevel);
        return;
      case NodeKind::kLike:
        Append(*c[0], kPredLevel + 1);
        out_ += node.negated ? " NOT LIKE " : " LIKE ";
        Append(*c[1], kConcatLevel);
        return;
      case NodeKind::kCase: return AppendCase(node);
      case NodeKind::kCast:
        out_ += "CAST(";
        Append(*c[0], kTop);
        out_ += " AS " + node.type.ToString() + ")";
        return;
      case NodeKind::kIndex:
        Append(*c[0], kPostfixLevel);
        out_ += "[";
        Append(*c[1], kTop);
        out_ += "]";
        return;
      case NodeKind::kCall:
        out_ += node.name + "(";
        AppendList(c, 0, c.size());
        out_ += ")";
        return;
      case NodeKind::kList:
        out_ += "[";
        AppendList(c, 0, c.size());
        out_ += "]";
        return;
    }
  }

  void AppendUnary(const Node& node) {
    if (node.op == Op::kNot) {
      out_ += "NOT ";
      Append(*node.children[0], kNotLevel);
      return;
    }
    out_ += "-";
    const size_t at = out_.size();
    Append(*node.children[0], kUnaryLevel);
    // "--x" would read as one token in most SQL dialects (a comment).
    if (out_.size() > at && out_[at] == '-') out_.insert(at, " ");
  }

  void AppendCase(const Node& node) {
    const auto& c = node.children;
    const size_t pairs = (c.size() - (node.has_else ? 1 : 0)) / 2;
    out_ += "CASE";
    for (size_t i = 0; i < pairs; ++i) {
      out_ += " WHEN ";
      Append(*c[2 * i], kTop);
      out_ += " THEN ";
      Append(*c[2 * i + 1], kTop);
    }
    if (node.has_else) {
      out_ += " ELSE ";
      Append(*c.back(), kTop);
    }
    out_ += " END";
  }

  void AppendValue(const Value& v) {
    if (v.is_null()) {
      out_ += "NULL";
      return;
    }
    switch (v.type().id()) {
      case TypeId::kBool: out_ += v.bool_value() ? "TRUE" : "FALSE"; return;
      case TypeId::kInt32: return AppendInt32(v.int_value());
      case TypeId::kInt64: return AppendInt64(v.int_value());
      case TypeId::kFloat:
        out_ += "CAST(";
        AppendDouble(v.double_value());
        out_ += " AS float)";
        return;
      case TypeId::kDouble: return AppendDouble(v.double_value());
      case TypeId::kString: return AppendQuoted(v.string_value(), '\'', &out_);
      case TypeId::kBytes:
        out_ += "CAST(";
        AppendQuoted(v.string_value(), '\'', &out_);
        out_ += " AS bytes)";
        return;
      case TypeId::kTimestamp:
        out_ += "TIMESTAMP ";
        return AppendQuoted(FormatTimestamp(v.int_value()), '\'', &out_);
      case TypeId::kList:
        out_ += "CAST([";
        for (size_t i = 0; i < v.list_value().size(); ++i) {
          if (i > 0) out_ += ", ";
          AppendValue(v.list_value()[i]);
        }
        out_ += "] AS " + v.type().ToString() + ")";
        return;
    }
  }

  // The parser reads 2147483648 and up as int64, and a minus sign as an
  // operator: only int32 values above INT32_MIN print bare.
  void AppendInt32(int64_t v) {
    if (v == std::numeric_limits<int32_t>::min()) {
      out_ += "CAST(" + std::to_string(v) + " AS int32)";
    } else {
      out_ += std::to_string(v);
    }
  }
  // Above INT32_MAX the parser reads int64; at or below INT32_MIN the
  // minus applied to an int64 magnitude gives int64 too.
  void AppendInt64(int64_t v) {
    if (v > std::numeric_limits<int32_t>::max() || v <= std::numeric_limits<int32_t>::min()) {
      out_ += std::to_string(v);
    } else {
      out_ += "CAST(" + std::to_string(v) + " AS int64)";
    }
  }
  void AppendDouble(double v) {
    if (std::isnan(v)) {
      out_ += "CAST('NaN' AS double)";
    } else if (std::isinf(v)) {
      out_ += v > 0 ? "CAST('Infinity' AS double)" : "CAST('-Infinity' AS double)";
    } else {
      out_ += DoubleText(v);
    }
  }

  std::string out_;
};

}  // namespace

std::string Print(const Node& node) { return Printer().Run(node); }

Result<std::string> Canonicalize(std::string_view text) {
  TS_ASSIGN_OR_RETURN(NodePtr root, Parse(text));
  return Print(*root);
}

}  // namespace tessera::expr
