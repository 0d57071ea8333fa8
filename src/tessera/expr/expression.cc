#include "tessera/expr/expression.h"

#include <algorithm>
#include <string>

#include "tessera/expr/evaluator.h"
#include "tessera/expr/folding.h"
#include "tessera/expr/parser.h"
#include "tessera/expr/printer.h"

namespace tessera::expr {

namespace {

void CollectColumns(const Node& node, std::vector<int>* out) {
  if (node.kind == NodeKind::kColumn) out->push_back(node.column);
  for (const NodePtr& c : node.children) CollectColumns(*c, out);
}

}  // namespace

Expression::Expression(std::string canonical, NodePtr root, Scope scope,
                       std::vector<int> referenced, std::shared_ptr<const LiteralTable> literals)
    : canonical_(std::move(canonical)),
      root_(std::move(root)),
      scope_(std::move(scope)),
      referenced_(std::move(referenced)),
      literals_(std::move(literals)) {}

Result<std::shared_ptr<const Expression>> Expression::Compile(std::string_view text,
                                                              const Scope& scope) {
  TS_ASSIGN_OR_RETURN(NodePtr root, Parse(text));
  TS_RETURN_NOT_OK(Bind(root.get(), scope));
  std::string canonical = Print(*root);
  std::vector<int> referenced;
  CollectColumns(*root, &referenced);
  std::sort(referenced.begin(), referenced.end());
  referenced.erase(std::unique(referenced.begin(), referenced.end()), referenced.end());
  TS_RETURN_NOT_OK(FoldConstants(&root));
  TS_ASSIGN_OR_RETURN(std::shared_ptr<const LiteralTable> literals, LiteralTable::Build(*root));
  return std::shared_ptr<const Expression>(new Expression(
      std::move(canonical), std::move(root), scope, std::move(referenced), std::move(literals)));
}

Result<ArrayPtr> Expression::Evaluate(const std::vector<ArrayPtr>& columns, int64_t num_rows,
                                      EvalStats* stats) const {
  if (static_cast<int>(columns.size()) != scope_.size()) {
    return Status::Invalid("expression '" + canonical_ + "': given " +
                           std::to_string(columns.size()) + " columns, the scope has " +
                           std::to_string(scope_.size()));
  }
  if (num_rows < 0) return Status::Invalid("expression: negative row count");
  return EvaluateTree(*root_, columns, num_rows, stats, literals_.get());
}

Result<ArrayPtr> Expression::Evaluate(const RecordBatch& batch, EvalStats* stats) const {
  return Evaluate(batch.columns(), batch.num_rows(), stats);
}

}  // namespace tessera::expr
