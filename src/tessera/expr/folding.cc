#include "tessera/expr/folding.h"

#include <vector>

#include "tessera/expr/evaluator.h"

namespace tessera::expr {

namespace {

bool Foldable(const Node& node) {
  switch (node.kind) {
    case NodeKind::kLiteral:
    case NodeKind::kInterval:  // only an operand; its parent folds
    case NodeKind::kColumn: return false;
    default: break;
  }
  for (const NodePtr& c : node.children) {
    if (c->kind != NodeKind::kLiteral && c->kind != NodeKind::kInterval) return false;
  }
  return true;
}

}  // namespace

Status FoldConstants(NodePtr* root) {
  Node& node = **root;
  for (NodePtr& c : node.children) TS_RETURN_NOT_OK(FoldConstants(&c));
  if (!Foldable(node)) return Status::OK();
  EvalStats stats;
  const std::vector<ArrayPtr> no_columns;
  TS_ASSIGN_OR_RETURN(ArrayPtr value, EvaluateTree(node, no_columns, 1, &stats));
  if (!stats.ok()) return Status::OK();  // keep it: the error counts per row
  node.kind = NodeKind::kLiteral;
  node.op = Op::kNone;
  node.negated = node.has_else = node.implicit = false;
  node.value = value->GetValue(0);
  node.function = nullptr;
  node.children.clear();
  return Status::OK();
}

}  // namespace tessera::expr
