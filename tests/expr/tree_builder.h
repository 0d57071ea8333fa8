// Test-only: builds bound trees (ast.h) by hand, so the evaluator is tested
// without the parser and binder, and arrays from Values.
#pragma once

#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tessera/core/array.h"
#include "tessera/core/builder.h"
#include "tessera/expr/ast.h"

namespace tessera::expr::testing {

inline NodePtr MakeNode(NodeKind kind, DataType type, std::vector<NodePtr> children = {}) {
  auto n = std::make_unique<Node>();
  n->kind = kind;
  n->type = type;
  n->bound = true;
  n->children = std::move(children);
  return n;
}

template <typename... Ts>
std::vector<NodePtr> Kids(Ts... ts) {
  std::vector<NodePtr> v;
  (v.push_back(std::move(ts)), ...);
  return v;
}

inline NodePtr Lit(Value v) {
  NodePtr n = MakeNode(NodeKind::kLiteral, v.type());
  n->value = std::move(v);
  return n;
}
inline NodePtr Col(int index, DataType type) {
  NodePtr n = MakeNode(NodeKind::kColumn, type);
  n->column = index;
  n->name = "c" + std::to_string(index);
  return n;
}
inline NodePtr Bin(Op op, NodePtr a, NodePtr b, DataType type) {
  NodePtr n = MakeNode(NodeKind::kBinary, type, Kids(std::move(a), std::move(b)));
  n->op = op;
  return n;
}
inline NodePtr Un(Op op, NodePtr x, DataType type) {
  NodePtr n = MakeNode(NodeKind::kUnary, type, Kids(std::move(x)));
  n->op = op;
  return n;
}
inline NodePtr Cast(NodePtr x, DataType to) {
  return MakeNode(NodeKind::kCast, to, Kids(std::move(x)));
}
inline NodePtr Interval(int64_t micros) {
  NodePtr n = MakeNode(NodeKind::kInterval, DataType::Int64());
  n->value = Value::Int64(micros);
  return n;
}

inline ArrayPtr ArrayOf(DataType type, const std::vector<Value>& values) {
  std::unique_ptr<ArrayBuilder> b = ArrayBuilder::Make(type);
  for (const Value& v : values) {
    if (!b->AppendValue(v).ok()) return nullptr;
  }
  return b->Finish().value();
}

// Equal as values, and floating point bit-equal up to NaN payloads
// (-0.0 differs from 0.0).
inline bool SameValue(const Value& a, const Value& b) {
  if (a.type() != b.type() || a.is_null() != b.is_null()) return false;
  if (a.is_null()) return true;
  if (a.type().id() == TypeId::kFloat || a.type().id() == TypeId::kDouble) {
    const double x = a.double_value(), y = b.double_value();
    if (std::isnan(x) || std::isnan(y)) return std::isnan(x) && std::isnan(y);
    return x == y && std::signbit(x) == std::signbit(y);
  }
  return a == b;
}

}  // namespace tessera::expr::testing
