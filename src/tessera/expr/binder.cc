// Binding in one post-order walk (docs/EXPRESSIONS.md "Types" and "Name
// resolution"). A null literal stays "open" (bound == false) until its
// context gives it a type; one no context types (`NULL IS NULL`, a CASE of
// only NULLs) becomes int64, the type DuckDB gives `NULL + NULL`.
#include "tessera/expr/binder.h"

#include <algorithm>

#include "tessera/core/suggest.h"
#include "tessera/expr/bind_rules.h"
#include "tessera/expr/functions.h"
#include "tessera/expr/lexer.h"

namespace tessera::expr {
namespace {

Status ErrorAt(int32_t col, const std::string& reason) {
  return Status::Invalid("at col " + std::to_string(col) + ": " + reason);
}

bool IsOpenNull(const Node& n) {
  return n.kind == NodeKind::kLiteral && !n.bound && n.value.is_null();
}
bool IsNumeric(DataType t) {
  return t.id() == TypeId::kInt32 || t.id() == TypeId::kInt64 || t.id() == TypeId::kFloat ||
         t.id() == TypeId::kDouble;
}
bool IsComparable(DataType t) { return !t.is_list(); }

std::string TypeName(const Node& n) { return IsOpenNull(n) ? "NULL" : n.type.ToString(); }

void SetNullType(Node* n, DataType t) {
  n->type = t;
  n->value = Value::Null(t);
  n->bound = true;
}

// Gives `*slot` type `to`: an open null takes it, an equal type stays, a
// narrower type gets an implicit cast. REQUIRES: CanWiden or open null.
void Widen(NodePtr* slot, DataType to) {
  Node* n = slot->get();
  if (IsOpenNull(*n)) return SetNullType(n, to);
  if (n->type == to) return;
  auto cast = std::make_unique<Node>();
  cast->kind = NodeKind::kCast;
  cast->implicit = true;
  cast->pos = n->pos;
  cast->type = to;
  cast->bound = true;
  cast->children.push_back(std::move(*slot));
  *slot = std::move(cast);
}

// The CAST matrix (docs/EXPRESSIONS.md "CAST"), DuckDB's minus what
// Tessera has no type for.
bool CanCast(DataType from, DataType to) {
  if (from == to || from.id() == TypeId::kString || to.id() == TypeId::kString) return true;
  const auto scalar_number = [](DataType t) { return IsNumeric(t) || t.id() == TypeId::kBool; };
  if (scalar_number(from) && scalar_number(to)) return true;
  if (from.is_list() && to.is_list()) return true;  // element types all cast among themselves
  return false;
}

class Binder {
 public:
  explicit Binder(const Scope& scope) : scope_(scope) {}

  Status Run(Node* root) {
    TS_RETURN_NOT_OK(Visit(root));
    CloseNulls(root);
    return Status::OK();
  }

 private:
  // Open nulls left when binding ends are int64 (see the file comment).
  static void CloseNulls(Node* n) {
    if (IsOpenNull(*n)) SetNullType(n, DataType::Int64());
    for (NodePtr& c : n->children) CloseNulls(c.get());
  }

  Status Visit(Node* n) {
    switch (n->kind) {
      case NodeKind::kLiteral:
        if (n->value.is_null()) return Status::OK();  // open until its context types it
        n->type = n->value.type();
        break;
      case NodeKind::kInterval:
        return ErrorAt(n->pos, "an interval can only be added to or subtracted from a timestamp");
      case NodeKind::kColumn: TS_RETURN_NOT_OK(BindColumn(n)); break;
      case NodeKind::kUnary: TS_RETURN_NOT_OK(BindUnary(n)); break;
      case NodeKind::kBinary: TS_RETURN_NOT_OK(BindBinary(n)); break;
      case NodeKind::kIsNull:
        TS_RETURN_NOT_OK(Visit(n->children[0].get()));
        n->type = DataType::Bool();
        break;
      case NodeKind::kIn:
      case NodeKind::kBetween: TS_RETURN_NOT_OK(BindComparedList(n)); break;
      case NodeKind::kLike: TS_RETURN_NOT_OK(BindLike(n)); break;
      case NodeKind::kCase: TS_RETURN_NOT_OK(BindCase(n)); break;
      case NodeKind::kCast: TS_RETURN_NOT_OK(BindCast(n)); break;
      case NodeKind::kIndex: TS_RETURN_NOT_OK(BindIndex(n)); break;
      case NodeKind::kCall: TS_RETURN_NOT_OK(BindCall(n)); break;
      case NodeKind::kList: TS_RETURN_NOT_OK(BindList(n, nullptr)); break;
    }
    n->bound = true;
    return Status::OK();
  }

  Status VisitChildren(Node* n) {
    for (NodePtr& c : n->children) TS_RETURN_NOT_OK(Visit(c.get()));
    return Status::OK();
  }

  // --- names ---------------------------------------------------------------

  Status BindColumn(Node* n) {
    std::vector<int> matches;
    for (int i = 0; i < scope_.size(); ++i) {
      const ScopeColumn& c = scope_.column(i);
      if (c.name == n->name && (n->qualifier.empty() || c.qualifier == n->qualifier)) {
        matches.push_back(i);
      }
    }
    if (matches.empty()) return UnknownColumn(*n);
    if (matches.size() > 1) return Ambiguous(*n, matches);
    n->column = matches[0];
    n->type = scope_.column(matches[0]).type;
    return Status::OK();
  }

  static std::string Spelling(const std::string& qualifier, const std::string& name) {
    return qualifier.empty() ? name : qualifier + "." + name;
  }

  Status UnknownColumn(const Node& n) {
    std::vector<std::string> candidates;
    for (const ScopeColumn& c : scope_.columns()) {
      candidates.push_back(n.qualifier.empty() ? c.name : Spelling(c.qualifier, c.name));
    }
    const std::string written = Spelling(n.qualifier, n.name);
    return ErrorAt(n.pos, "unknown column '" + QuoteForMessage(written) + "'" +
                              DidYouMean(written, candidates));
  }

  Status Ambiguous(const Node& n, const std::vector<int>& matches) {
    std::string choices;
    for (size_t k = 0; k < matches.size(); ++k) {
      if (k > 0) choices += k + 1 == matches.size() ? " or " : ", ";
      const ScopeColumn& c = scope_.column(matches[k]);
      choices += Spelling(c.qualifier, c.name);
    }
    return ErrorAt(n.pos, "column '" + QuoteForMessage(Spelling(n.qualifier, n.name)) +
                              "' is ambiguous: write " + choices);
  }

  // --- operators -----------------------------------------------------------

  Status CannotApply(const Node& n) {
    std::string types = TypeName(*n.children[0]);
    if (n.children.size() > 1) types += " and " + TypeName(*n.children[1]);
    return ErrorAt(n.pos, std::string("cannot apply '") + OpSpelling(n.op) + "' to " + types);
  }

  Status BindUnary(Node* n) {
    TS_RETURN_NOT_OK(VisitChildren(n));
    NodePtr& x = n->children[0];
    if (n->op == Op::kNot) {
      if (!IsOpenNull(*x) && x->type != DataType::Bool()) return CannotApply(*n);
      Widen(&x, DataType::Bool());
    } else {
      if (!IsOpenNull(*x) && !IsNumeric(x->type)) return CannotApply(*n);
      if (IsOpenNull(*x)) Widen(&x, DataType::Int64());
    }
    n->type = x->type;
    return Status::OK();
  }

  // The common type of two operands, an open null taking the other's;
  // false when there is none.
  static bool Common(const Node& a, const Node& b, DataType* out) {
    if (IsOpenNull(a) && IsOpenNull(b)) {
      *out = DataType::Int64();
      return true;
    }
    if (IsOpenNull(a)) return (*out = b.type), true;
    if (IsOpenNull(b)) return (*out = a.type), true;
    return CommonType(a.type, b.type, out);
  }

  Status BindBinary(Node* n) {
    NodePtr& a = n->children[0];
    NodePtr& b = n->children[1];
    if ((n->op == Op::kAdd || n->op == Op::kSub) &&
        (a->kind == NodeKind::kInterval || b->kind == NodeKind::kInterval)) {
      return BindTimestampArithmetic(n);
    }
    TS_RETURN_NOT_OK(VisitChildren(n));
    DataType common;
    switch (n->op) {
      case Op::kAnd:
      case Op::kOr:
      case Op::kConcat: {
        const DataType want = n->op == Op::kConcat ? DataType::String() : DataType::Bool();
        for (NodePtr* x : {&a, &b}) {
          if (!IsOpenNull(**x) && (*x)->type != want) return CannotApply(*n);
        }
        Widen(&a, want);
        Widen(&b, want);
        n->type = want;
        return Status::OK();
      }
      case Op::kAdd:
      case Op::kSub:
      case Op::kMul:
      case Op::kDiv:
      case Op::kMod:
        if (!Common(*a, *b, &common) || !IsNumeric(common)) {
          if (n->op == Op::kSub && !IsOpenNull(*a) && !IsOpenNull(*b) &&
              a->type == DataType::Timestamp() && b->type == DataType::Timestamp()) {
            return ErrorAt(n->pos, "cannot subtract timestamps: use date_diff(unit, a, b)");
          }
          return CannotApply(*n);
        }
        if (n->op == Op::kDiv) common = DataType::Double();  // `/` is always double
        Widen(&a, common);
        Widen(&b, common);
        n->type = common;
        return Status::OK();
      default:  // comparisons
        if (!Common(*a, *b, &common) || !IsComparable(common)) return CannotApply(*n);
        Widen(&a, common);
        Widen(&b, common);
        n->type = DataType::Bool();
        return Status::OK();
    }
  }

  // timestamp + interval, interval + timestamp, timestamp - interval.
  Status BindTimestampArithmetic(Node* n) {
    NodePtr& a = n->children[0];
    NodePtr& b = n->children[1];
    const bool interval_first = a->kind == NodeKind::kInterval;
    Node* interval = interval_first ? a.get() : b.get();
    NodePtr& other = interval_first ? b : a;
    if (other->kind == NodeKind::kInterval || (interval_first && n->op == Op::kSub)) {
      return ErrorAt(interval->pos,
                     "an interval can only be added to or subtracted from a timestamp");
    }
    TS_RETURN_NOT_OK(Visit(other.get()));
    if (!IsOpenNull(*other) && other->type != DataType::Timestamp()) {
      return ErrorAt(n->pos, std::string("cannot apply '") + OpSpelling(n->op) + "' to " +
                                 (interval_first ? "interval and " + TypeName(*other)
                                                 : TypeName(*other) + " and interval"));
    }
    Widen(&other, DataType::Timestamp());
    interval->type = DataType::Int64();
    interval->bound = true;
    n->type = DataType::Timestamp();
    return Status::OK();
  }

  // IN and BETWEEN: every child converted to one comparable type.
  Status BindComparedList(Node* n) {
    TS_RETURN_NOT_OK(VisitChildren(n));
    const char* what = n->kind == NodeKind::kIn ? "IN" : "BETWEEN";
    const Node* first_typed = nullptr;
    DataType common = DataType::Int64();
    for (const NodePtr& c : n->children) {
      if (IsOpenNull(*c)) continue;
      if (!first_typed) {
        first_typed = c.get();
        common = c->type;
      } else if (!CommonType(common, c->type, &common)) {
        return ErrorAt(c->pos, "cannot compare " + common.ToString() + " and " +
                                   c->type.ToString() + " in " + what);
      }
    }
    if (!IsComparable(common)) {
      return ErrorAt(n->pos, std::string("cannot compare values of type ") + common.ToString() +
                                 " in " + what);
    }
    for (NodePtr& c : n->children) Widen(&c, common);
    n->type = DataType::Bool();
    return Status::OK();
  }

  Status BindLike(Node* n) {
    TS_RETURN_NOT_OK(VisitChildren(n));
    for (NodePtr& c : n->children) {
      if (!IsOpenNull(*c) && c->type != DataType::String()) {
        return ErrorAt(n->pos, "cannot apply 'LIKE' to " + TypeName(*n->children[0]) + " and " +
                                   TypeName(*n->children[1]));
      }
      Widen(&c, DataType::String());
    }
    n->type = DataType::Bool();
    return Status::OK();
  }

  Status BindCase(Node* n) {
    TS_RETURN_NOT_OK(VisitChildren(n));
    auto& c = n->children;
    const size_t pairs = (c.size() - (n->has_else ? 1 : 0)) / 2;
    std::vector<NodePtr*> results;
    for (size_t i = 0; i < pairs; ++i) {
      NodePtr& when = c[2 * i];
      if (!IsOpenNull(*when) && when->type != DataType::Bool()) {
        return ErrorAt(when->pos, "a WHEN condition must be bool, got " + when->type.ToString());
      }
      Widen(&when, DataType::Bool());
      results.push_back(&c[2 * i + 1]);
    }
    if (n->has_else) results.push_back(&c.back());
    bool have = false;
    DataType common = DataType::Int64();
    for (NodePtr* r : results) {
      if (IsOpenNull(**r)) continue;
      if (!have) {
        common = (*r)->type;
        have = true;
      } else if (!CommonType(common, (*r)->type, &common)) {
        return ErrorAt((*r)->pos, "CASE results have no common type: " + common.ToString() +
                                      " and " + (*r)->type.ToString());
      }
    }
    for (NodePtr* r : results) Widen(r, common);
    n->type = common;
    return Status::OK();
  }

  Status BindCast(Node* n) {
    NodePtr& x = n->children[0];
    if (x->kind == NodeKind::kList && x->children.empty()) {
      if (!n->type.is_list()) return ErrorAt(n->pos, "cannot cast a list to " + n->type.ToString());
      x->type = n->type;
      x->bound = true;
      return Status::OK();
    }
    if (x->kind == NodeKind::kList && n->type.is_list()) {
      TS_RETURN_NOT_OK(BindList(x.get(), &n->type));
      x->bound = true;
      return Status::OK();
    }
    TS_RETURN_NOT_OK(Visit(x.get()));
    if (IsOpenNull(*x)) return SetNullType(x.get(), n->type), Status::OK();
    if (!CanCast(x->type, n->type)) {
      return ErrorAt(n->pos, "cannot cast " + x->type.ToString() + " to " + n->type.ToString());
    }
    return Status::OK();
  }

  Status BindIndex(Node* n) {
    TS_RETURN_NOT_OK(VisitChildren(n));
    NodePtr& list = n->children[0];
    NodePtr& index = n->children[1];
    if (IsOpenNull(*list) || !list->type.is_list()) {
      return ErrorAt(n->pos, "'[ ]' needs a list, got " + TypeName(*list));
    }
    if (!IsOpenNull(*index) && !CanWiden(index->type, DataType::Int64())) {
      return ErrorAt(index->pos, "a list index must be an integer, got " + index->type.ToString());
    }
    Widen(&index, DataType::Int64());
    n->type = list->type.element_type();
    return Status::OK();
  }

  // A list literal: elements of one type among float, double, int64 and
  // string (int32 elements widen to int64). `target`: the list type a CAST
  // around the literal asks for, which an element may also be cast to
  // implicitly... only by widening, as everywhere.
  Status BindList(Node* n, const DataType* target) {
    if (n->children.empty()) {
      return ErrorAt(n->pos,
                     "the type of an empty list is unknown: write CAST([] AS list<double>)");
    }
    TS_RETURN_NOT_OK(VisitChildren(n));
    bool have = false;
    DataType common = DataType::Int64();
    for (const NodePtr& c : n->children) {
      if (IsOpenNull(*c)) continue;
      if (!have) {
        common = c->type;
        have = true;
      } else if (!CommonType(common, c->type, &common)) {
        return ErrorAt(c->pos, "list elements have no common type: " + common.ToString() + " and " +
                                   c->type.ToString());
      }
    }
    if (common.id() == TypeId::kInt32) common = DataType::Int64();
    if (!DataType::IsValidListElement(common.id())) {
      return ErrorAt(
          n->pos, "list elements must be float, double, int64 or string, got " + common.ToString());
    }
    DataType list_type = DataType::List(common.id());
    if (target && CanWiden(common, target->element_type())) list_type = *target;
    for (NodePtr& c : n->children) Widen(&c, list_type.element_type());
    n->type = list_type;
    return Status::OK();
  }

  // --- calls ---------------------------------------------------------------

  Status BindCall(Node* n) {
    const FunctionDef* def = FindFunction(n->name);
    if (!def) {
      std::vector<std::string> names;
      for (const FunctionDef* f : AllFunctions()) names.emplace_back(f->name);
      return ErrorAt(n->pos, "unknown function '" + QuoteForMessage(n->name) + "'" +
                                 DidYouMean(n->name, names));
    }
    const int count = static_cast<int>(n->children.size());
    if (count < def->min_args ||
        (def->max_args != FunctionDef::kVariadic && count > def->max_args)) {
      return ErrorAt(n->pos, std::string(def->name) + " takes " + ArityText(*def) + ", got " +
                                 std::to_string(count) + " (" + def->signature + ")");
    }
    TS_RETURN_NOT_OK(VisitChildren(n));
    std::vector<BindArg> args(n->children.size());
    for (size_t i = 0; i < args.size(); ++i) {
      const Node& c = *n->children[i];
      args[i].null_literal = IsOpenNull(c);
      args[i].type = args[i].null_literal ? DataType::Int64() : c.type;
      if (c.kind == NodeKind::kLiteral) args[i].constant = &c.value;
    }
    std::vector<DataType> params(args.size());
    DataType result;
    const Status st = def->bind(args, &params, &result);
    if (!st.ok()) return ErrorAt(n->pos, std::string(def->name) + ": " + st.message());
    if (params.size() != args.size())
      return Status::Internal("bind rule of " + n->name + " set no parameter types");
    for (size_t i = 0; i < params.size(); ++i) {
      if (!args[i].null_literal && !CanWiden(args[i].type, params[i])) {
        return Status::Internal("bind rule of " + n->name + " gives argument " +
                                std::to_string(i + 1) + " a type it does not widen to");
      }
      Widen(&n->children[i], params[i]);
    }
    n->function = def;
    n->type = result;
    return Status::OK();
  }

  static std::string ArityText(const FunctionDef& def) {
    const auto args = [](int k) {
      return std::to_string(k) + (k == 1 ? " argument" : " arguments");
    };
    if (def.max_args == FunctionDef::kVariadic) return "at least " + args(def.min_args);
    if (def.min_args == def.max_args) return args(def.min_args);
    return std::to_string(def.min_args) + " to " + args(def.max_args);
  }

  const Scope& scope_;
};

}  // namespace

Scope Scope::FromSchema(const Schema& schema) {
  std::vector<ScopeColumn> columns;
  for (int i = 0; i < schema.num_fields(); ++i) {
    columns.push_back(ScopeColumn{"", schema.field(i).name, schema.field(i).type});
  }
  return Scope(std::move(columns));
}

Status Bind(Node* root, const Scope& scope) { return Binder(scope).Run(root); }

}  // namespace tessera::expr
