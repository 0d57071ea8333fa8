#include "tessera/expr/ast.h"

namespace tessera::expr {

NodePtr CloneNode(const Node& node) {
  auto copy = std::make_unique<Node>();
  copy->kind = node.kind;
  copy->op = node.op;
  copy->negated = node.negated;
  copy->has_else = node.has_else;
  copy->implicit = node.implicit;
  copy->pos = node.pos;
  copy->value = node.value;
  copy->qualifier = node.qualifier;
  copy->name = node.name;
  copy->bound = node.bound;
  copy->type = node.type;
  copy->column = node.column;
  copy->function = node.function;
  copy->children.reserve(node.children.size());
  // Recursion is bounded: the parser limits nesting (kMaxNestingDepth).
  for (const NodePtr& child : node.children) copy->children.push_back(CloneNode(*child));
  return copy;
}

const char* OpSpelling(Op op) {
  switch (op) {
    case Op::kNeg: return "-";
    case Op::kNot: return "NOT";
    case Op::kAdd: return "+";
    case Op::kSub: return "-";
    case Op::kMul: return "*";
    case Op::kDiv: return "/";
    case Op::kMod: return "%";
    case Op::kConcat: return "||";
    case Op::kEq: return "=";
    case Op::kNe: return "!=";
    case Op::kLt: return "<";
    case Op::kLe: return "<=";
    case Op::kGt: return ">";
    case Op::kGe: return ">=";
    case Op::kAnd: return "AND";
    case Op::kOr: return "OR";
    case Op::kNone: break;
  }
  return "?";
}

}  // namespace tessera::expr
