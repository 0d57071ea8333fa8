// Binder: resolves an unbound tree (parser.h) against a Scope and
// type-checks it (docs/EXPRESSIONS.md "Types"): sets every node's type,
// inserts implicit widening casts (int32 -> int64 -> double, float ->
// double; nothing else is implicit), gives null literals the type of their
// context and picks each call's FunctionDef.
//
// Errors are InvalidArgument "at col N: reason", e.g.
//   "at col 14: unknown column 'amout' (did you mean 'amount'?)"
//   "at col 3: cannot apply '+' to string and int64"
// Thread-safety: reentrant; a Scope is immutable.
#pragma once

#include <string>
#include <vector>

#include "tessera/core/result.h"
#include "tessera/core/schema.h"
#include "tessera/expr/ast.h"

namespace tessera::expr {

// One column an expression can read: a source column (row transformation),
// an earlier feature of the same view, or an on-demand input (qualifier:
// the input view's name, so `view.feature` resolves; the bare name resolves
// when only one input has it).
struct ScopeColumn {
  std::string qualifier;  // may be empty
  std::string name;
  DataType type;
};

// What an expression can see. Column i of the Scope is column i of the
// batches the compiled expression is evaluated on.
class Scope {
 public:
  Scope() = default;
  explicit Scope(std::vector<ScopeColumn> columns) : columns_(std::move(columns)) {}
  // A scope of the schema's fields, unqualified, in order.
  static Scope FromSchema(const Schema& schema);

  const std::vector<ScopeColumn>& columns() const { return columns_; }
  int size() const { return static_cast<int>(columns_.size()); }
  const ScopeColumn& column(int i) const { return columns_[static_cast<size_t>(i)]; }

 private:
  std::vector<ScopeColumn> columns_;
};

// Binds `root` in place. On error the tree is left partly bound; discard it.
Status Bind(Node* root, const Scope& scope);

}  // namespace tessera::expr
