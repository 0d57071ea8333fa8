// Recursive descent, one function per precedence level, lowest first (the
// levels of PostgreSQL's grammar, which DuckDB uses; docs/EXPRESSIONS.md
// "Grammar"):
//   OR < AND < NOT < IS [NOT] NULL < comparison (non-associative)
//   < [NOT] BETWEEN/IN/LIKE (non-associative) < || < + - < * / %
//   < unary - < postfix [i] < primary
// depth_ counts nesting (parentheses, arguments, prefix operators, and each
// operator of a chain, since `a + b + ...` builds a tree as deep as it is
// long): the tree's height never exceeds it, so the recursion of the parser
// and of every later pass over the tree is bounded.
#include "tessera/expr/parser.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <utility>

#include "tessera/core/time.h"
#include "tessera/expr/lexer.h"

namespace tessera::expr {
namespace {

// Total nodes per expression, simple CASE's copies of its operand
// included: hostile text cannot make the tree quadratic in its length.
constexpr int64_t kMaxNodes = 100000;

Status ErrorAt(int32_t col, const std::string& reason) {
  return Status::Invalid("at col " + std::to_string(col) + ": " + reason);
}

std::string AsciiLower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && AsciiLower(std::string(a)) == AsciiLower(std::string(b));
}

// Tessera's name for a common SQL type name (DuckDB's, PostgreSQL's), or
// null: CAST(x AS VARCHAR) gets a hint instead of a bare "unknown type".
const char* SqlTypeAlias(std::string_view lower) {
  static constexpr std::pair<std::string_view, const char*> kAliases[] = {
      {"boolean", "bool"}, {"integer", "int32"}, {"int", "int32"},      {"int4", "int32"},
      {"bigint", "int64"}, {"int8", "int64"},    {"long", "int64"},     {"real", "float"},
      {"float4", "float"}, {"float8", "double"}, {"varchar", "string"}, {"text", "string"},
      {"blob", "bytes"},   {"bytea", "bytes"}};
  for (const auto& [sql, ours] : kAliases) {
    if (sql == lower) return ours;
  }
  return nullptr;
}

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  Result<NodePtr> Run() {
    if (Peek().kind == TokenKind::kEnd) return ErrorAt(Peek().col, "empty expression");
    TS_ASSIGN_OR_RETURN(NodePtr root, ParseOr());
    if (Peek().kind != TokenKind::kEnd) {
      return ErrorAt(Peek().col, "unexpected " + DescribeToken(Peek()) + " after the expression");
    }
    return root;
  }

 private:
  // Restores depth_ on scope exit; `levels` nestings were entered.
  struct Nesting {
    Parser* parser;
    int levels = 0;
    ~Nesting() { parser->depth_ -= levels; }
    Status Enter(int32_t col) {
      ++levels;
      if (++parser->depth_ > kMaxNestingDepth) {
        return ErrorAt(
            col, "expression nested deeper than " + std::to_string(kMaxNestingDepth) + " levels");
      }
      return Status::OK();
    }
  };

  const Token& Peek(size_t ahead = 0) const {
    const size_t i = std::min(next_ + ahead, tokens_.size() - 1);
    return tokens_[i];
  }
  const Token& Take() {
    const Token& t = tokens_[next_];
    if (next_ + 1 < tokens_.size()) ++next_;
    return t;
  }
  bool IsKeyword(std::string_view kw, size_t ahead = 0) const {
    return Peek(ahead).kind == TokenKind::kKeyword && Peek(ahead).text == kw;
  }
  bool IsOp(std::string_view op, size_t ahead = 0) const {
    return Peek(ahead).kind == TokenKind::kOp && Peek(ahead).text == op;
  }
  Status Expect(bool ok, const std::string& what) {
    if (ok) {
      Take();
      return Status::OK();
    }
    return ErrorAt(Peek().col, "expected " + what + " but found " + DescribeToken(Peek()));
  }
  Status ExpectOp(std::string_view op) { return Expect(IsOp(op), "'" + std::string(op) + "'"); }
  Status ExpectKeyword(std::string_view kw) {
    return Expect(IsKeyword(kw), "'" + std::string(kw) + "'");
  }

  Result<NodePtr> NewNode(NodeKind kind, int32_t pos) {
    if (++nodes_ > kMaxNodes) {
      return ErrorAt(pos,
                     "expression too large (more than " + std::to_string(kMaxNodes) + " nodes)");
    }
    auto node = std::make_unique<Node>();
    node->kind = kind;
    node->pos = pos;
    return node;
  }
  Result<NodePtr> NewBinary(Op op, int32_t pos, NodePtr a, NodePtr b) {
    TS_ASSIGN_OR_RETURN(NodePtr node, NewNode(NodeKind::kBinary, pos));
    node->op = op;
    node->children.push_back(std::move(a));
    node->children.push_back(std::move(b));
    return node;
  }
  Result<NodePtr> Clone(const Node& node) {
    int64_t count = 0;
    CountNodes(node, &count);
    nodes_ += count;
    if (nodes_ > kMaxNodes) {
      return ErrorAt(node.pos,
                     "expression too large (more than " + std::to_string(kMaxNodes) + " nodes)");
    }
    return CloneNode(node);
  }
  static void CountNodes(const Node& node, int64_t* count) {
    ++*count;
    for (const NodePtr& c : node.children) CountNodes(*c, count);
  }

  // A full expression nested inside another (parentheses, arguments, ...).
  // `col`: where the nesting opens (a parenthesis), else where the nested
  // expression starts.
  Result<NodePtr> ParseNested(int32_t col = 0) {
    Nesting nesting{this};
    TS_RETURN_NOT_OK(nesting.Enter(col > 0 ? col : Peek().col));
    return ParseOr();
  }

  // Left-associative chains: OR, AND, ||, + -, * / %.
  template <typename Next, typename Match>
  Result<NodePtr> ParseChain(Next next, Match match) {
    TS_ASSIGN_OR_RETURN(NodePtr left, (this->*next)());
    Nesting nesting{this};
    for (Op op = match(); op != Op::kNone; op = match()) {
      const int32_t col = Take().col;
      TS_RETURN_NOT_OK(nesting.Enter(col));
      TS_ASSIGN_OR_RETURN(NodePtr right, (this->*next)());
      TS_ASSIGN_OR_RETURN(left, NewBinary(op, col, std::move(left), std::move(right)));
    }
    return left;
  }

  Result<NodePtr> ParseOr() {
    return ParseChain(&Parser::ParseAnd, [this] { return IsKeyword("OR") ? Op::kOr : Op::kNone; });
  }
  Result<NodePtr> ParseAnd() {
    return ParseChain(&Parser::ParseNot,
                      [this] { return IsKeyword("AND") ? Op::kAnd : Op::kNone; });
  }

  Result<NodePtr> ParseNot() {
    if (!IsKeyword("NOT")) return ParseIs();
    const int32_t col = Take().col;
    Nesting nesting{this};
    TS_RETURN_NOT_OK(nesting.Enter(col));
    TS_ASSIGN_OR_RETURN(NodePtr operand, ParseNot());
    TS_ASSIGN_OR_RETURN(NodePtr node, NewNode(NodeKind::kUnary, col));
    node->op = Op::kNot;
    node->children.push_back(std::move(operand));
    return node;
  }

  Result<NodePtr> ParseIs() {
    TS_ASSIGN_OR_RETURN(NodePtr left, ParseComparison());
    Nesting nesting{this};
    while (IsKeyword("IS")) {
      const int32_t col = Take().col;
      TS_RETURN_NOT_OK(nesting.Enter(col));
      const bool negated = IsKeyword("NOT");
      if (negated) Take();
      TS_RETURN_NOT_OK(
          Expect(IsKeyword("NULL"), negated ? "NULL after IS NOT" : "NULL or NOT after IS"));
      TS_ASSIGN_OR_RETURN(NodePtr node, NewNode(NodeKind::kIsNull, col));
      node->negated = negated;
      node->children.push_back(std::move(left));
      left = std::move(node);
    }
    return left;
  }

  Op ComparisonOp() const {
    if (Peek().kind != TokenKind::kOp) return Op::kNone;
    const std::string& t = Peek().text;
    if (t == "=") return Op::kEq;
    if (t == "!=" || t == "<>") return Op::kNe;
    if (t == "<") return Op::kLt;
    if (t == "<=") return Op::kLe;
    if (t == ">") return Op::kGt;
    if (t == ">=") return Op::kGe;
    return Op::kNone;
  }

  Result<NodePtr> ParseComparison() {
    TS_ASSIGN_OR_RETURN(NodePtr left, ParsePredicate());
    const Op op = ComparisonOp();
    if (op == Op::kNone) return left;
    const int32_t col = Take().col;
    Nesting nesting{this};
    TS_RETURN_NOT_OK(nesting.Enter(col));
    TS_ASSIGN_OR_RETURN(NodePtr right, ParsePredicate());
    if (ComparisonOp() != Op::kNone) {
      return ErrorAt(Peek().col, "comparisons do not chain: put '" + QuoteForMessage(Peek().text) +
                                     "' or the comparison before it in parentheses");
    }
    return NewBinary(op, col, std::move(left), std::move(right));
  }

  // [NOT] BETWEEN / IN / LIKE after an operand, looking past NOT.
  bool AtPredicate() const {
    const size_t k = IsKeyword("NOT") ? 1 : 0;
    return IsKeyword("BETWEEN", k) || IsKeyword("IN", k) || IsKeyword("LIKE", k);
  }

  Result<NodePtr> ParsePredicate() {
    TS_ASSIGN_OR_RETURN(NodePtr left, ParseConcat());
    if (!AtPredicate()) return left;
    const int32_t col = Peek().col;
    const bool negated = IsKeyword("NOT");
    if (negated) Take();
    const std::string keyword = Take().text;
    Nesting nesting{this};
    TS_RETURN_NOT_OK(nesting.Enter(col));
    NodePtr node;
    if (keyword == "BETWEEN") {
      TS_ASSIGN_OR_RETURN(node, NewNode(NodeKind::kBetween, col));
      node->children.push_back(std::move(left));
      TS_ASSIGN_OR_RETURN(NodePtr low, ParseConcat());
      TS_RETURN_NOT_OK(ExpectKeyword("AND"));
      TS_ASSIGN_OR_RETURN(NodePtr high, ParseConcat());
      node->children.push_back(std::move(low));
      node->children.push_back(std::move(high));
    } else if (keyword == "LIKE") {
      TS_ASSIGN_OR_RETURN(node, NewNode(NodeKind::kLike, col));
      node->children.push_back(std::move(left));
      TS_ASSIGN_OR_RETURN(NodePtr pattern, ParseConcat());
      node->children.push_back(std::move(pattern));
    } else {
      TS_ASSIGN_OR_RETURN(node, NewNode(NodeKind::kIn, col));
      node->children.push_back(std::move(left));
      TS_RETURN_NOT_OK(ExpectOp("("));
      TS_RETURN_NOT_OK(ParseList(")", &node->children));
    }
    node->negated = negated;
    if (AtPredicate()) {
      return ErrorAt(Peek().col, "BETWEEN, IN and LIKE do not chain: put one in parentheses");
    }
    return node;
  }

  // Comma-separated expressions up to `close` (consumed); at least one.
  Status ParseList(std::string_view close, std::vector<NodePtr>* out) {
    for (;;) {
      TS_ASSIGN_OR_RETURN(NodePtr item, ParseNested());
      out->push_back(std::move(item));
      if (IsOp(",")) {
        Take();
        continue;
      }
      return Expect(IsOp(close), "',' or '" + std::string(close) + "'");
    }
  }

  Result<NodePtr> ParseConcat() {
    return ParseChain(&Parser::ParseAdditive,
                      [this] { return IsOp("||") ? Op::kConcat : Op::kNone; });
  }
  Result<NodePtr> ParseAdditive() {
    return ParseChain(&Parser::ParseMultiplicative, [this] {
      return IsOp("+") ? Op::kAdd : IsOp("-") ? Op::kSub : Op::kNone;
    });
  }
  Result<NodePtr> ParseMultiplicative() {
    return ParseChain(&Parser::ParseUnary, [this] {
      return IsOp("*") ? Op::kMul : IsOp("/") ? Op::kDiv : IsOp("%") ? Op::kMod : Op::kNone;
    });
  }

  Result<NodePtr> ParseUnary() {
    if (!IsOp("-")) return ParsePostfix();
    const int32_t col = Take().col;
    Nesting nesting{this};
    TS_RETURN_NOT_OK(nesting.Enter(col));
    // -9223372036854775808 is the one int64 literal whose magnitude is not
    // an int64: read it as the value, as DuckDB does.
    if (Peek().kind == TokenKind::kInteger && StripZeros(Peek().text) == "9223372036854775808") {
      Take();
      // Under `[i]` the canonical form prints it in parentheses: count them.
      if (IsOp("[")) TS_RETURN_NOT_OK(nesting.Enter(col));
      TS_ASSIGN_OR_RETURN(NodePtr lit, NewNode(NodeKind::kLiteral, col));
      lit->value = Value::Int64(std::numeric_limits<int64_t>::min());
      return ParsePostfixOf(std::move(lit));
    }
    TS_ASSIGN_OR_RETURN(NodePtr operand, ParseUnary());
    TS_ASSIGN_OR_RETURN(NodePtr node, NewNode(NodeKind::kUnary, col));
    node->op = Op::kNeg;
    node->children.push_back(std::move(operand));
    return node;
  }

  static std::string StripZeros(const std::string& digits) {
    const size_t first = digits.find_first_not_of('0');
    return first == std::string::npos ? "0" : digits.substr(first);
  }

  Result<NodePtr> ParsePostfix() {
    TS_ASSIGN_OR_RETURN(NodePtr primary, ParsePrimary());
    return ParsePostfixOf(std::move(primary));
  }

  Result<NodePtr> ParsePostfixOf(NodePtr left) {
    Nesting nesting{this};
    while (IsOp("[")) {
      const int32_t col = Take().col;
      TS_RETURN_NOT_OK(nesting.Enter(col));
      TS_ASSIGN_OR_RETURN(NodePtr index, ParseNested());
      TS_RETURN_NOT_OK(ExpectOp("]"));
      TS_ASSIGN_OR_RETURN(NodePtr node, NewNode(NodeKind::kIndex, col));
      node->children.push_back(std::move(left));
      node->children.push_back(std::move(index));
      left = std::move(node);
    }
    return left;
  }

  Result<NodePtr> ParsePrimary() {
    const Token& t = Peek();
    switch (t.kind) {
      case TokenKind::kInteger: return ParseInteger();
      case TokenKind::kDecimal: return ParseDecimal();
      case TokenKind::kString: return Literal(Value::String(t.text));
      case TokenKind::kIdent:
      case TokenKind::kQuotedIdent: return ParseName();
      case TokenKind::kKeyword: return ParseKeyword();
      case TokenKind::kOp:
        if (t.text == "(") {
          TS_ASSIGN_OR_RETURN(NodePtr inner, ParseNested(Take().col));
          TS_RETURN_NOT_OK(ExpectOp(")"));
          return inner;
        }
        if (t.text == "[") return ParseListLiteral();
        break;
      case TokenKind::kEnd: break;
    }
    return ErrorAt(t.col, "expected an expression but found " + DescribeToken(t));
  }

  Result<NodePtr> Literal(Value value) {
    TS_ASSIGN_OR_RETURN(NodePtr node, NewNode(NodeKind::kLiteral, Take().col));
    node->value = std::move(value);
    return node;
  }

  // int32 when it fits, else int64, as DuckDB types integer literals.
  Result<NodePtr> ParseInteger() {
    const Token& t = Peek();
    int64_t v = 0;
    const char* end = t.text.data() + t.text.size();
    const auto [ptr, ec] = std::from_chars(t.text.data(), end, v);
    if (ec != std::errc() || ptr != end) {
      return ErrorAt(t.col, "integer " + QuoteForMessage(t.text) +
                                " is out of the range of int64 (write it as a decimal, e.g. " +
                                QuoteForMessage(t.text) + ".0, for a double)");
    }
    if (v <= std::numeric_limits<int32_t>::max())
      return Literal(Value::Int32(static_cast<int32_t>(v)));
    return Literal(Value::Int64(v));
  }

  Result<NodePtr> ParseDecimal() {
    const Token& t = Peek();
    double v = 0;
    const char* end = t.text.data() + t.text.size();
    const auto [ptr, ec] = std::from_chars(t.text.data(), end, v);
    if (ec != std::errc() || ptr != end || !std::isfinite(v)) {
      return ErrorAt(t.col, "number " + QuoteForMessage(t.text) + " is out of the range of double");
    }
    return Literal(Value::Double(v));
  }

  Result<NodePtr> ParseKeyword() {
    const Token& t = Peek();
    if (t.text == "TRUE") return Literal(Value::Bool(true));
    if (t.text == "FALSE") return Literal(Value::Bool(false));
    if (t.text == "NULL") return Literal(Value::Null(DataType::Int64()));
    if (t.text == "CASE") return ParseCase();
    if (t.text == "CAST") return ParseCast();
    if (t.text == "NOT") {
      // `a = NOT b`, as PostgreSQL and DuckDB. Counted as the parenthesis
      // the canonical form prints, `a = (NOT b)`, so that the canonical
      // text of any text that parses is within the limit too.
      Nesting nesting{this};
      TS_RETURN_NOT_OK(nesting.Enter(t.col));
      return ParseNot();
    }
    return ErrorAt(t.col, "expected an expression but found " + DescribeToken(t));
  }

  Result<NodePtr> ParseName() {
    const Token& first = Peek();
    if (first.kind == TokenKind::kIdent && Peek(1).kind == TokenKind::kString) {
      if (EqualsIgnoreCase(first.text, "timestamp")) return ParseTimestampLiteral();
      if (EqualsIgnoreCase(first.text, "interval")) return ParseIntervalLiteral();
    }
    if (IsOp("(", 1)) {
      if (first.kind == TokenKind::kQuotedIdent) {
        return ErrorAt(first.col, "a function name cannot be quoted");
      }
      return ParseCall();
    }
    TS_ASSIGN_OR_RETURN(NodePtr node, NewNode(NodeKind::kColumn, first.col));
    node->name = Take().text;
    if (IsOp(".")) {
      Take();
      if (Peek().kind != TokenKind::kIdent && Peek().kind != TokenKind::kQuotedIdent) {
        return ErrorAt(Peek().col, "expected a name after '.' but found " + DescribeToken(Peek()));
      }
      node->qualifier = std::move(node->name);
      node->name = Take().text;
      if (IsOp(".") || IsOp("(")) {
        return ErrorAt(Peek().col, "unexpected " + DescribeToken(Peek()) +
                                       ": a column is 'name' or 'view.name'");
      }
    }
    return node;
  }

  Result<NodePtr> ParseTimestampLiteral() {
    const int32_t col = Take().col;
    const Token& text = Take();
    Result<int64_t> micros = ParseTimestamp(text.text);
    if (!micros.ok()) {
      return ErrorAt(text.col, "bad timestamp '" + QuoteForMessage(text.text) +
                                   "' (expected e.g. '2024-03-01T12:00:00Z')");
    }
    TS_ASSIGN_OR_RETURN(NodePtr node, NewNode(NodeKind::kLiteral, col));
    node->value = Value::Timestamp(*micros);
    return node;
  }

  Result<NodePtr> ParseIntervalLiteral() {
    const int32_t col = Take().col;
    const Token& text = Take();
    Result<int64_t> micros = ParseDuration(text.text);
    if (!micros.ok()) {
      return ErrorAt(text.col, "bad interval '" + QuoteForMessage(text.text) +
                                   "' (expected a count and a unit: us, ms, s, m, h, d or w, "
                                   "e.g. '24h')");
    }
    TS_ASSIGN_OR_RETURN(NodePtr node, NewNode(NodeKind::kInterval, col));
    node->value = Value::Int64(*micros);
    return node;
  }

  Result<NodePtr> ParseCall() {
    TS_ASSIGN_OR_RETURN(NodePtr node, NewNode(NodeKind::kCall, Peek().col));
    node->name = AsciiLower(Take().text);
    Take();  // (
    if (IsOp(")")) {
      Take();
      return node;
    }
    TS_RETURN_NOT_OK(ParseList(")", &node->children));
    return node;
  }

  Result<NodePtr> ParseListLiteral() {
    TS_ASSIGN_OR_RETURN(NodePtr node, NewNode(NodeKind::kList, Take().col));
    if (IsOp("]")) {
      Take();
      return node;
    }
    TS_RETURN_NOT_OK(ParseList("]", &node->children));
    return node;
  }

  // CASE [operand] WHEN a THEN b ... [ELSE c] END. The simple form (with an
  // operand) becomes the searched form: WHEN operand = a.
  Result<NodePtr> ParseCase() {
    TS_ASSIGN_OR_RETURN(NodePtr node, NewNode(NodeKind::kCase, Take().col));
    NodePtr operand;
    // The simple form prints as `operand = value`, maybe with parentheses
    // around either side: its parts count those levels (see ParseKeyword).
    Nesting simple{this};
    if (!IsKeyword("WHEN") && !IsKeyword("END") && !IsKeyword("ELSE") && !IsKeyword("THEN")) {
      TS_RETURN_NOT_OK(simple.Enter(Peek().col));
      TS_ASSIGN_OR_RETURN(operand, ParseNested());
    }
    if (!IsKeyword("WHEN")) return Expect(false, "'WHEN'");
    while (IsKeyword("WHEN")) {
      Take();
      const int32_t col = Peek().col;
      Nesting value{this};
      if (operand) TS_RETURN_NOT_OK(value.Enter(col));
      TS_ASSIGN_OR_RETURN(NodePtr when, ParseNested());
      if (operand) {
        TS_ASSIGN_OR_RETURN(NodePtr copy, Clone(*operand));
        TS_ASSIGN_OR_RETURN(when, NewBinary(Op::kEq, col, std::move(copy), std::move(when)));
      }
      TS_RETURN_NOT_OK(ExpectKeyword("THEN"));
      TS_ASSIGN_OR_RETURN(NodePtr then, ParseNested());
      node->children.push_back(std::move(when));
      node->children.push_back(std::move(then));
    }
    if (IsKeyword("ELSE")) {
      Take();
      TS_ASSIGN_OR_RETURN(NodePtr otherwise, ParseNested());
      node->children.push_back(std::move(otherwise));
      node->has_else = true;
    }
    TS_RETURN_NOT_OK(
        Expect(IsKeyword("END"), node->has_else ? "'END'" : "'WHEN', 'ELSE' or 'END'"));
    return node;
  }

  Result<NodePtr> ParseCast() {
    TS_ASSIGN_OR_RETURN(NodePtr node, NewNode(NodeKind::kCast, Take().col));
    TS_RETURN_NOT_OK(ExpectOp("("));
    TS_ASSIGN_OR_RETURN(NodePtr operand, ParseNested());
    node->children.push_back(std::move(operand));
    TS_RETURN_NOT_OK(ExpectKeyword("AS"));
    TS_ASSIGN_OR_RETURN(node->type, ParseTypeName());
    TS_RETURN_NOT_OK(ExpectOp(")"));
    return node;
  }

  // A type of DESIGN.md section 2, any case: int64, list<float>, ...
  Result<DataType> ParseTypeName() {
    const int32_t col = Peek().col;
    if (Peek().kind != TokenKind::kIdent) {
      return ErrorAt(col, "expected a type name but found " + DescribeToken(Peek()));
    }
    std::string text = AsciiLower(Take().text);
    if (IsOp("<")) {
      Take();
      if (Peek().kind != TokenKind::kIdent) {
        return ErrorAt(Peek().col, "expected an element type but found " + DescribeToken(Peek()));
      }
      text += "<" + AsciiLower(Take().text) + ">";
      TS_RETURN_NOT_OK(ExpectOp(">"));
    }
    Result<DataType> type = DataType::Parse(text);
    if (!type.ok()) {
      if (const char* ours = SqlTypeAlias(text)) {
        return ErrorAt(col, "unknown type '" + QuoteForMessage(text) + "': write " + ours);
      }
      return ErrorAt(col, type.status().message());
    }
    return type;
  }

  std::vector<Token> tokens_;
  size_t next_ = 0;
  int depth_ = 0;
  int64_t nodes_ = 0;
};

}  // namespace

Result<NodePtr> Parse(std::string_view text) {
  TS_ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(text));
  return Parser(std::move(tokens)).Run();
}

}  // namespace tessera::expr
