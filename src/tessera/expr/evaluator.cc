#include "tessera/expr/evaluator.h"

#include <string>

#include "tessera/expr/eval_case.h"
#include "tessera/expr/eval_ops.h"
#include "tessera/expr/eval_util.h"
#include "tessera/expr/functions.h"

namespace tessera::expr {

namespace {

Result<Datum> EvalLiteral(const Node& node) {
  if (node.value.is_null()) {
    TS_ASSIGN_OR_RETURN(ArrayPtr a, MakeNullArray(node.type, 1));
    return Datum{a, true};
  }
  TS_ASSIGN_OR_RETURN(ArrayPtr a, MakeScalarArray(node.value));
  if (a->type() != node.type) {
    return Status::Invalid("evaluator: literal of type " + a->type().ToString() + " in a node of " +
                           node.type.ToString());
  }
  return Datum{a, true};
}

Result<Datum> EvalColumn(const Node& node, const Frame& frame) {
  const auto& cols = *frame.columns;
  if (node.column < 0 || static_cast<size_t>(node.column) >= cols.size() ||
      cols[static_cast<size_t>(node.column)] == nullptr) {
    return Status::Invalid("evaluator: column '" + node.name + "' is not given");
  }
  const ArrayPtr& a = cols[static_cast<size_t>(node.column)];
  if (a->length() != frame.length || a->type() != node.type) {
    return Status::Invalid("evaluator: column '" + node.name + "' has " +
                           std::to_string(a->length()) + " " + a->type().ToString() +
                           " values, expected " + std::to_string(frame.length) + " " +
                           node.type.ToString());
  }
  return Datum{a, false};
}

// Evaluates every child; when all are constants over several rows, the
// first is spread to every row, so that a failing operation (not folded,
// folding.h) is counted once per row.
Result<std::vector<Datum>> EvalChildren(const Node& node, const Frame& frame, size_t from = 0) {
  std::vector<Datum> out;
  out.reserve(node.children.size() - from);
  bool all_scalar = true;
  for (size_t i = from; i < node.children.size(); ++i) {
    TS_ASSIGN_OR_RETURN(Datum d, EvalNode(*node.children[i], frame));
    all_scalar &= d.scalar;
    out.push_back(std::move(d));
  }
  if (all_scalar && !out.empty() && frame.length != 1) {
    TS_ASSIGN_OR_RETURN(out[0].array, Broadcast(out[0], frame.length));
    out[0].scalar = false;
  }
  return out;
}

bool IsArithmetic(Op op) {
  return op == Op::kAdd || op == Op::kSub || op == Op::kMul || op == Op::kDiv || op == Op::kMod;
}

Result<Datum> EvalBinary(const Node& node, const Frame& frame) {
  const Node& lhs = *node.children[0];
  const Node& rhs = *node.children[1];
  if (rhs.kind == NodeKind::kInterval || lhs.kind == NodeKind::kInterval) {
    const bool interval_first = lhs.kind == NodeKind::kInterval;
    TS_ASSIGN_OR_RETURN(Datum ts, EvalNode(interval_first ? rhs : lhs, frame));
    if (ts.scalar && frame.length != 1) {
      TS_ASSIGN_OR_RETURN(ts.array, Broadcast(ts, frame.length));
      ts.scalar = false;
    }
    const Node& iv = interval_first ? lhs : rhs;
    return EvalTimestampInterval(ts, iv.value.int_value(), node.op == Op::kSub, frame.length,
                                 frame.ctx);
  }
  TS_ASSIGN_OR_RETURN(std::vector<Datum> args, EvalChildren(node, frame));
  const int64_t n = frame.length;
  if (IsArithmetic(node.op)) return EvalArith(node.op, args[0], args[1], node.type, n, frame.ctx);
  switch (node.op) {
    case Op::kConcat: return EvalConcat(args[0], args[1], n);
    case Op::kAnd:
    case Op::kOr: return EvalAndOr(node.op, args[0], args[1], n);
    case Op::kNone:
    case Op::kNeg:
    case Op::kNot: return Status::Invalid("evaluator: not a binary operator");
    default: return EvalCompare(node.op, args[0], args[1], n);
  }
}

Result<Datum> EvalBetween(const Node& node, const Frame& frame) {
  TS_ASSIGN_OR_RETURN(std::vector<Datum> a, EvalChildren(node, frame));
  const int64_t n = frame.length;
  TS_ASSIGN_OR_RETURN(Datum ge, EvalCompare(Op::kGe, a[0], a[1], n));
  TS_ASSIGN_OR_RETURN(Datum le, EvalCompare(Op::kLe, a[0], a[2], n));
  TS_ASSIGN_OR_RETURN(Datum both, EvalAndOr(Op::kAnd, ge, le, n));
  return node.negated ? EvalNot(both, n) : both;
}

Result<Datum> EvalKernelCall(const Node& node, const Frame& frame) {
  const FunctionDef* def = node.function;
  TS_ASSIGN_OR_RETURN(std::vector<Datum> args, EvalChildren(node, frame));
  std::vector<ArrayPtr> owned;
  std::vector<const Array*> ptrs;
  owned.reserve(args.size());
  ptrs.reserve(args.size());
  for (const Datum& d : args) {
    TS_ASSIGN_OR_RETURN(ArrayPtr a, Broadcast(d, frame.length));
    ptrs.push_back(a.get());
    owned.push_back(std::move(a));
  }
  ArrayPtr out;
  TS_RETURN_NOT_OK(def->kernel(frame.ctx, ptrs, frame.length, node.type, &out));
  if (out == nullptr || out->length() != frame.length || out->type() != node.type) {
    return Status::Invalid(std::string("evaluator: function ") + def->name +
                           " returned a wrong array");
  }
  return Datum{out, false};
}

Result<Datum> EvalCall(const Node& node, const Frame& frame) {
  const FunctionDef* def = node.function;
  if (def == nullptr) return Status::Invalid("evaluator: unbound call '" + node.name + "'");
  switch (def->form) {
    case FunctionDef::Form::kIf: return EvalIf(node, frame);
    case FunctionDef::Form::kCoalesce: return EvalCoalesce(node, frame);
    case FunctionDef::Form::kKernel: break;
  }
  if (def->kernel == nullptr) {
    return Status::Invalid(std::string("evaluator: function ") + def->name + " has no kernel");
  }
  return EvalKernelCall(node, frame);
}

}  // namespace

Result<Datum> EvalNode(const Node& node, const Frame& frame) {
  const int64_t n = frame.length;
  switch (node.kind) {
    case NodeKind::kLiteral: return EvalLiteral(node);
    case NodeKind::kColumn: return EvalColumn(node, frame);
    case NodeKind::kInterval:
      return Status::Invalid("evaluator: an interval outside timestamp +/- interval");
    case NodeKind::kUnary: {
      TS_ASSIGN_OR_RETURN(std::vector<Datum> a, EvalChildren(node, frame));
      if (node.op == Op::kNeg) return EvalNegate(a[0], n, frame.ctx);
      return EvalNot(a[0], n);
    }
    case NodeKind::kBinary: return EvalBinary(node, frame);
    case NodeKind::kIsNull: {
      TS_ASSIGN_OR_RETURN(Datum x, EvalNode(*node.children[0], frame));
      return EvalIsNull(x, node.negated, n);
    }
    case NodeKind::kIn: {
      TS_ASSIGN_OR_RETURN(std::vector<Datum> a, EvalChildren(node, frame));
      const std::vector<Datum> items(a.begin() + 1, a.end());
      return EvalIn(a[0], items, node.negated, n);
    }
    case NodeKind::kBetween: return EvalBetween(node, frame);
    case NodeKind::kLike: {
      TS_ASSIGN_OR_RETURN(std::vector<Datum> a, EvalChildren(node, frame));
      return EvalLike(a[0], a[1], node.negated, n);
    }
    case NodeKind::kCase: return EvalCase(node, frame);
    case NodeKind::kCast: {
      TS_ASSIGN_OR_RETURN(std::vector<Datum> a, EvalChildren(node, frame));
      return EvalCast(a[0], node.type, n, frame.ctx, frame.row_ids);
    }
    case NodeKind::kIndex: {
      TS_ASSIGN_OR_RETURN(std::vector<Datum> a, EvalChildren(node, frame));
      return EvalIndex(a[0], a[1], n);
    }
    case NodeKind::kCall: return EvalCall(node, frame);
    case NodeKind::kList: {
      std::vector<Datum> elements;
      for (const NodePtr& c : node.children) {
        TS_ASSIGN_OR_RETURN(Datum d, EvalNode(*c, frame));
        elements.push_back(std::move(d));
      }
      return EvalListLiteral(elements, node.type, n);
    }
  }
  return Status::Invalid("evaluator: unknown node kind");
}

Result<ArrayPtr> EvaluateTree(const Node& root, const std::vector<ArrayPtr>& columns,
                              int64_t num_rows, EvalStats* stats) {
  std::vector<uint8_t> error_rows(static_cast<size_t>(num_rows), 0);
  EvalStats local;
  KernelContext ctx(&error_rows, &local);
  const Frame frame{&columns, num_rows, &ctx, nullptr};
  TS_ASSIGN_OR_RETURN(Datum d, EvalNode(root, frame));
  TS_ASSIGN_OR_RETURN(ArrayPtr out, Broadcast(d, num_rows));
  if (local.error_rows > 0) {
    // A row where any operation failed is null as a whole: DuckDB would
    // have failed the query, so no value of that row is to be trusted.
    BufferPtr validity = out->validity_buffer();
    TS_RETURN_NOT_OK(ApplyRowFlags(error_rows.data(), num_rows, "", nullptr, &validity));
    TS_ASSIGN_OR_RETURN(out, WithValidity(*out, validity));
  }
  if (stats != nullptr) stats->Merge(local);
  return out;
}

}  // namespace tessera::expr
