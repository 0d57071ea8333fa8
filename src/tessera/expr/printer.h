// The canonical text of an expression: what the registry stores and hashes,
// so that `a+b` and `a + b` are the same version and any change of meaning
// is a different text. Keywords upper case, function names lower case, one
// space around binary operators, parentheses only where precedence needs
// them, literals in one spelling. Implicit casts (inserted by the binder)
// are not printed, so bound and unbound trees print alike.
//
// Invariant (tested): Print(Parse(Print(t))) == Print(t) for every tree t
// the parser produces, and Parse(Print(t)) means the same as t.
#pragma once

#include <string>
#include <string_view>

#include "tessera/core/result.h"
#include "tessera/expr/ast.h"

namespace tessera::expr {

std::string Print(const Node& node);

// Parse + Print: the canonical form of `text`.
Result<std::string> Canonicalize(std::string_view text);

}  // namespace tessera::expr
