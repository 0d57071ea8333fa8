// Lexer: expression text -> tokens (docs/EXPRESSIONS.md "Lexical rules").
// Every token carries the 1-based column of its first character, counted in
// Unicode code points, for "at col N" messages. The text must be valid
// UTF-8; keywords are matched case-insensitively, identifiers are kept as
// written (names are case-sensitive).
//
// Thread-safety: reentrant (no state beyond the call).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/core/result.h"

namespace tessera::expr {

enum class TokenKind : uint8_t {
  kEnd,          // after the last token
  kIdent,        // name as written
  kQuotedIdent,  // "name" ("" unescaped)
  kString,       // 'text' ('' unescaped)
  kInteger,      // digits only
  kDecimal,      // digits with '.' and/or an exponent
  kKeyword,      // text upper-cased: AND, OR, NOT, ...
  kOp,           // + - * / % || = != <> < <= > >= ( ) [ ] , .
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;  // see TokenKind; for kOp the operator's spelling
  int32_t col = 0;   // 1-based, in code points
};

// True when `word` (any case) is a reserved keyword of the language: it can
// name a column only when quoted.
bool IsReservedKeyword(std::string_view word);

// The whole text as tokens, ending with one kEnd token. InvalidArgument
// "at col N: reason" on bad UTF-8, an unterminated string or quoted name,
// or a character that starts no token.
Result<std::vector<Token>> Tokenize(std::string_view text);

// How a message names a token: the keyword or operator, or the text quoted
// ('amount', 'AND'); long texts are cut and control characters escaped, so
// a message is one line of printable UTF-8.
std::string DescribeToken(const Token& token);

// `text` as a message may quote it: at most 40 code points (then "..."),
// control characters as \xNN.
std::string QuoteForMessage(std::string_view text);

}  // namespace tessera::expr
