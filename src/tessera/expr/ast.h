// Node: one node of an expression tree (docs/EXPRESSIONS.md has the
// language). The parser (parser.h) builds the tree from text; the binder
// (binder.h) resolves names against a Scope, sets every node's `type`,
// inserts implicit widening casts and picks each call's FunctionDef; the
// evaluator (evaluator.h) runs the bound tree over columns.
//
// Invariants of a bound tree (what the evaluator may rely on):
//   - every node has `bound == true` and its result `type` set;
//   - operands of arithmetic, comparison, IN, BETWEEN, CASE results,
//     least/greatest/coalesce/nullif arguments already have one common type:
//     the binder wraps narrower operands in kCast nodes with implicit = true;
//   - a kColumn node's `column` indexes the Scope it was bound against;
//   - a kCall node's `function` points into the static catalog (functions.h);
//   - a literal null has the type its context gave it.
//
// Children layout by kind:
//   kLiteral   value                     (no children)
//   kInterval  value = micros, Int64     (no children; only as an operand of
//                                         timestamp +/- interval)
//   kColumn    qualifier, name, column   (no children)
//   kUnary     op in {kNeg, kNot}        [x]
//   kBinary    op (arithmetic, kConcat, comparison, kAnd, kOr)   [a, b]
//   kIsNull    negated: IS NOT NULL      [x]
//   kIn        negated: NOT IN           [x, item1, item2, ...]
//   kBetween   negated: NOT BETWEEN      [x, low, high]
//   kLike      negated: NOT LIKE         [x, pattern]
//   kCase      has_else                  [when1, then1, ..., whenN, thenN, (else)]
//   kCast      type = the target         [x]  (implicit: inserted by the binder)
//   kIndex     1-based, as DuckDB        [list, index]
//   kCall      name (lower case), function after binding   [args...]
//   kList      list literal              [elements...]
//
// Ownership: a node owns its children. Thread-safety: a tree is immutable
// once bound, and may then be read from any number of threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tessera/core/types.h"
#include "tessera/core/value.h"

namespace tessera::expr {

struct FunctionDef;  // functions.h

enum class NodeKind : uint8_t {
  kLiteral,
  kInterval,
  kColumn,
  kUnary,
  kBinary,
  kIsNull,
  kIn,
  kBetween,
  kLike,
  kCase,
  kCast,
  kIndex,
  kCall,
  kList,
};

enum class Op : uint8_t {
  kNone,
  // unary
  kNeg,
  kNot,
  // arithmetic
  kAdd,
  kSub,
  kMul,
  kDiv,  // always double, as DuckDB's `/`
  kMod,
  kConcat,  // ||
  // comparison (`<>` parses as kNe)
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  // logic (three-valued)
  kAnd,
  kOr,
};

struct Node;
using NodePtr = std::unique_ptr<Node>;

struct Node {
  NodeKind kind = NodeKind::kLiteral;
  Op op = Op::kNone;
  bool negated = false;   // IS NOT NULL, NOT IN, NOT BETWEEN, NOT LIKE
  bool has_else = false;  // kCase
  bool implicit = false;  // kCast inserted by the binder (not printed)
  // 1-based column (in code points) in the expression text, for error
  // messages ("at col 14"): an operator node's operator (`+`, `=`, `IS`,
  // `NOT IN`, `BETWEEN`, `LIKE`, the `[` of an index), else the node's
  // first character.
  int32_t pos = 0;

  // kLiteral (a null literal before binding: value.is_null()), kInterval.
  Value value = Value::Null(DataType::Int64());
  // kColumn: the name and the optional qualifier (`view.feature`); kCall:
  // the function name, lower case.
  std::string qualifier;
  std::string name;

  // Set by the binder.
  bool bound = false;
  DataType type;                          // the node's result type
  int column = -1;                        // kColumn: index into the Scope
  const FunctionDef* function = nullptr;  // kCall

  std::vector<NodePtr> children;
};

// How an operator is written in canonical text and in messages: "+", "!=",
// "AND", ... ("?" for kNone).
const char* OpSpelling(Op op);

// A deep copy (the FunctionDef pointer is shared: it is static).
NodePtr CloneNode(const Node& node);

}  // namespace tessera::expr
