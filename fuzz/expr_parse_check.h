// The properties checked on each input of expr_parse_fuzz, shared with the
// corpus replay test (tests/expr/expr_fuzz_corpus_test.cc). Header-only.
//
// The input is expression text. Parse (parser.h) either fails with one
// line "at col N: reason" of printable UTF-8, or gives a tree that:
//   - prints canonically (printer.h), and the canonical text parses again
//     and prints to the same text;
//   - binds (binder.h) against a fixed scope of every type, or fails with
//     a message of the same form; a bound tree has every node bound and
//     still prints to the canonical text (implicit casts do not print).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tessera/core/utf8.h"
#include "tessera/expr/binder.h"
#include "tessera/expr/parser.h"
#include "tessera/expr/printer.h"

namespace tessera::fuzz {

// One unqualified column of every type; both expression fuzz targets'
// scopes start with these, so the texts of one corpus bind in the other.
inline std::vector<expr::ScopeColumn> ExprFuzzTypedColumns() {
  return {{"", "i32", DataType::Int32()},
          {"", "i64", DataType::Int64()},
          {"", "f", DataType::Float()},
          {"", "d", DataType::Double()},
          {"", "s", DataType::String()},
          {"", "b", DataType::Bool()},
          {"", "ts", DataType::Timestamp()},
          {"", "bin", DataType::Bytes()},
          {"", "emb", DataType::List(TypeId::kFloat)},
          {"", "ids", DataType::List(TypeId::kInt64)},
          {"", "tags", DataType::List(TypeId::kString)}};
}

// The typed columns, plus `x` in two inputs (`v.x`, `w.x`: ambiguity).
inline expr::Scope ExprFuzzScope() {
  std::vector<expr::ScopeColumn> columns = ExprFuzzTypedColumns();
  columns.push_back({"v", "x", DataType::Int64()});
  columns.push_back({"w", "x", DataType::Double()});
  return expr::Scope(std::move(columns));
}

// Empty when `message` is a well-formed error; else what is wrong.
inline std::string CheckExprError(const Status& st) {
  const std::string& m = st.message();
  if (!st.IsInvalid()) return "not InvalidArgument: " + st.ToString();
  if (m.rfind("at col ", 0) != 0) return "message without 'at col': " + m;
  if (!IsValidUtf8(m)) return "message is not valid UTF-8";
  for (unsigned char c : m) {
    if (c < 0x20 || c == 0x7F) return "message holds a control character";
  }
  if (m.size() > 400) return "message longer than 400 bytes";
  return "";
}

inline bool AllBound(const expr::Node& n) {
  if (!n.bound) return false;
  for (const expr::NodePtr& c : n.children) {
    if (!AllBound(*c)) return false;
  }
  return true;
}

inline std::string CheckExprInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Result<expr::NodePtr> tree = expr::Parse(text);
  if (!tree.ok()) return CheckExprError(tree.status());
  const std::string canonical = expr::Print(**tree);
  Result<expr::NodePtr> again = expr::Parse(canonical);
  if (!again.ok())
    return "canonical text '" + canonical + "' does not parse: " + again.status().message();
  if (expr::Print(**again) != canonical)
    return "canonical text '" + canonical + "' prints differently";
  const Status bound = expr::Bind(tree->get(), ExprFuzzScope());
  if (!bound.ok()) return CheckExprError(bound);
  if (!AllBound(**tree)) return "a node of '" + canonical + "' is left unbound";
  if (expr::Print(**tree) != canonical)
    return "bound tree of '" + canonical + "' prints differently";
  return "";
}

}  // namespace tessera::fuzz
