#include "tessera/expr/lexer.h"

#include <array>
#include <cctype>

#include "tessera/core/utf8.h"

namespace tessera::expr {
namespace {

constexpr std::array<std::string_view, 17> kReserved = {
    "AND",  "OR",   "NOT",  "IS",  "NULL", "IN", "BETWEEN", "LIKE", "CASE",
    "WHEN", "THEN", "ELSE", "END", "CAST", "AS", "TRUE",    "FALSE"};

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool IsIdentStart(unsigned char c) { return std::isalpha(c) || c == '_' || c >= 0x80; }
bool IsIdentChar(unsigned char c) { return IsIdentStart(c) || std::isdigit(c); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

Status ErrorAt(int32_t col, const std::string& reason) {
  return Status::Invalid("at col " + std::to_string(col) + ": " + reason);
}

// Walks the text keeping the code-point column of the current byte.
class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  Result<std::vector<Token>> Run() {
    std::vector<Token> tokens;
    for (;;) {
      SkipSpace();
      Token token;
      token.col = col_;
      if (pos_ >= text_.size()) {
        tokens.push_back(std::move(token));
        return tokens;
      }
      TS_RETURN_NOT_OK(Next(&token));
      tokens.push_back(std::move(token));
    }
  }

 private:
  char Peek(size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  bool AtEnd(size_t ahead = 0) const { return pos_ + ahead >= text_.size(); }
  // Advances one byte; only lead bytes count as a column.
  // col_ stays the column of the code point holding byte pos_.
  void Advance() {
    ++pos_;
    if (AtEnd() || (static_cast<unsigned char>(text_[pos_]) & 0xC0) != 0x80) ++col_;
  }
  void SkipSpace() {
    while (!AtEnd() && (Peek() == ' ' || Peek() == '\t' || Peek() == '\n' || Peek() == '\r')) {
      Advance();
    }
  }

  Status Next(Token* token) {
    const unsigned char c = static_cast<unsigned char>(Peek());
    if (IsDigit(c) || (c == '.' && IsDigit(Peek(1)))) return Number(token);
    if (c == '\'') return Quoted('\'', TokenKind::kString, "string", token);
    if (c == '"') return Quoted('"', TokenKind::kQuotedIdent, "quoted name", token);
    if (IsIdentStart(c)) return Word(token);
    return Operator(token);
  }

  Status Number(Token* token) {
    const size_t start = pos_;
    bool decimal = false;
    while (IsDigit(Peek())) Advance();
    if (Peek() == '.') {
      decimal = true;
      Advance();
      while (IsDigit(Peek())) Advance();
    }
    if (Peek() == 'e' || Peek() == 'E') {
      size_t k = 1;
      if (Peek(1) == '+' || Peek(1) == '-') k = 2;
      if (!IsDigit(Peek(k))) {
        return ErrorAt(col_, "malformed number: expected digits after the exponent 'e'");
      }
      decimal = true;
      for (size_t i = 0; i < k; ++i) Advance();
      while (IsDigit(Peek())) Advance();
    }
    if (!AtEnd() && IsIdentStart(static_cast<unsigned char>(Peek()))) {
      return ErrorAt(token->col, "malformed number: a letter follows the digits");
    }
    token->kind = decimal ? TokenKind::kDecimal : TokenKind::kInteger;
    token->text = std::string(text_.substr(start, pos_ - start));
    return Status::OK();
  }

  Status Quoted(char quote, TokenKind kind, const char* what, Token* token) {
    Advance();  // the opening quote
    std::string out;
    for (;;) {
      if (AtEnd()) return ErrorAt(token->col, std::string("unterminated ") + what);
      if (Peek() == quote) {
        if (Peek(1) != quote) break;
        out.push_back(quote);
        Advance();
        Advance();
        continue;
      }
      out.push_back(Peek());
      Advance();
    }
    Advance();  // the closing quote
    if (kind == TokenKind::kQuotedIdent && out.empty()) {
      return ErrorAt(token->col, "empty quoted name");
    }
    token->kind = kind;
    token->text = std::move(out);
    return Status::OK();
  }

  Status Word(Token* token) {
    const size_t start = pos_;
    while (!AtEnd() && IsIdentChar(static_cast<unsigned char>(Peek()))) Advance();
    const std::string_view word = text_.substr(start, pos_ - start);
    if (IsReservedKeyword(word)) {
      token->kind = TokenKind::kKeyword;
      token->text = Upper(word);
    } else {
      token->kind = TokenKind::kIdent;
      token->text = std::string(word);
    }
    return Status::OK();
  }

  Status Operator(Token* token) {
    static constexpr std::array<std::string_view, 7> kTwo = {
        "||", "!=", "<>", "<=", ">=", "==", "::"};
    for (std::string_view op : kTwo) {
      if (Peek() == op[0] && Peek(1) == op[1]) {
        if (op == "==") return ErrorAt(col_, "unexpected '==': write '=' for equality");
        if (op == "::") return ErrorAt(col_, "'::' casts are not supported: write CAST(x AS type)");
        token->kind = TokenKind::kOp;
        token->text = std::string(op);
        Advance();
        Advance();
        return Status::OK();
      }
    }
    static constexpr std::string_view kOne = "+-*/%=<>()[],.";
    const char c = Peek();
    if (kOne.find(c) == std::string_view::npos) {
      return ErrorAt(col_, "unexpected character " + CharName());
    }
    token->kind = TokenKind::kOp;
    token->text = std::string(1, c);
    Advance();
    return Status::OK();
  }

  // 'x' for a printable character, U+XXXX otherwise.
  std::string CharName() const {
    const unsigned char c = static_cast<unsigned char>(Peek());
    if (c >= 0x21 && c < 0x7F) return std::string("'") + static_cast<char>(c) + "'";
    if (c < 0x80) {
      static const char kHex[] = "0123456789ABCDEF";
      return std::string("U+00") + kHex[c >> 4] + kHex[c & 0xF];
    }
    const size_t len = Utf8SequenceLength(text_, pos_);
    return "'" + std::string(text_.substr(pos_, len)) + "'";
  }

  std::string_view text_;
  size_t pos_ = 0;
  int32_t col_ = 1;
};

}  // namespace

bool IsReservedKeyword(std::string_view word) {
  if (word.size() > 7) return false;
  const std::string upper = Upper(word);
  for (std::string_view k : kReserved) {
    if (upper == k) return true;
  }
  return false;
}

Result<std::vector<Token>> Tokenize(std::string_view text) {
  const size_t bad = FindInvalidUtf8(text);
  if (bad != std::string_view::npos) {
    int32_t col = 1;
    for (size_t i = 0; i < bad; ++i) {
      if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++col;
    }
    return ErrorAt(col,
                   "invalid UTF-8 (byte " + ByteHex(static_cast<unsigned char>(text[bad])) + ")");
  }
  return Lexer(text).Run();
}

std::string QuoteForMessage(std::string_view text) {
  std::string out;
  int points = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) != 0x80 && ++points > 40) {
      out += "...";
      break;
    }
    if (c < 0x20 || c == 0x7F) {
      out += "\\x" + ByteHex(c).substr(2);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

std::string DescribeToken(const Token& token) {
  switch (token.kind) {
    case TokenKind::kEnd: return "the end of the expression";
    case TokenKind::kString: return "string '" + QuoteForMessage(token.text) + "'";
    case TokenKind::kQuotedIdent: return "'\"" + QuoteForMessage(token.text) + "\"'";
    default: return "'" + QuoteForMessage(token.text) + "'";
  }
}

}  // namespace tessera::expr
