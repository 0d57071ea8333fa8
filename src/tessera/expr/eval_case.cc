#include "tessera/expr/eval_case.h"

#include <algorithm>
#include <memory>
#include <vector>

#include "tessera/expr/eval_util.h"

namespace tessera::expr {

namespace {

void CollectColumns(const Node& node, std::vector<uint8_t>* used) {
  if (node.kind == NodeKind::kColumn && node.column >= 0 &&
      static_cast<size_t>(node.column) < used->size()) {
    (*used)[static_cast<size_t>(node.column)] = 1;
  }
  for (const NodePtr& c : node.children) CollectColumns(*c, used);
}

// The rows `sel` (indices into `parent`'s rows) of the columns `subtree`
// reads, with errors mapped to input rows. Not movable: `ctx` points into
// `row_ids`.
class SubFrame {
 public:
  static Result<std::unique_ptr<SubFrame>> Make(const Node& subtree, const Frame& parent,
                                                const std::vector<int64_t>& sel) {
    std::unique_ptr<SubFrame> s(new SubFrame(parent));
    const int64_t n = static_cast<int64_t>(sel.size());
    std::vector<uint8_t> used(parent.columns->size(), 0);
    CollectColumns(subtree, &used);
    s->columns_.resize(parent.columns->size());
    for (size_t c = 0; c < used.size(); ++c) {
      const ArrayPtr& col = (*parent.columns)[c];
      if (!used[c] || col == nullptr) continue;
      TS_ASSIGN_OR_RETURN(s->columns_[c], Take(*col, sel.data(), n));
    }
    s->row_ids_.resize(sel.size());
    for (size_t k = 0; k < sel.size(); ++k) {
      s->row_ids_[k] = parent.row_ids ? parent.row_ids[sel[k]] : sel[k];
    }
    s->ctx_ = parent.ctx->WithRowIds(s->row_ids_.data());
    s->frame_ = Frame{&s->columns_, n, &s->ctx_, s->row_ids_.data(), parent.literals};
    return s;
  }
  const Frame& frame() const { return frame_; }

 private:
  explicit SubFrame(const Frame& parent) : ctx_(*parent.ctx) {}
  std::vector<ArrayPtr> columns_;
  std::vector<int64_t> row_ids_;
  KernelContext ctx_;
  Frame frame_;
};

// Evaluates `node` on the rows `sel` of `frame` (all rows when `all`).
Result<Datum> EvalOn(const Node& node, const Frame& frame, const std::vector<int64_t>& sel,
                     bool all) {
  if (all) return EvalNode(node, frame);
  TS_ASSIGN_OR_RETURN(auto sub, SubFrame::Make(node, frame, sel));
  return EvalNode(node, sub->frame());
}

// One branch's values for the rows `rows` (in frame coordinates).
struct Piece {
  Datum value;
  std::vector<int64_t> rows;
};

// Rows of `frame` in one set: all of them, or a list.
struct RowSet {
  bool all = true;
  std::vector<int64_t> rows;
  int64_t size(int64_t n) const { return all ? n : static_cast<int64_t>(rows.size()); }
  int64_t at(int64_t k) const { return all ? k : rows[static_cast<size_t>(k)]; }
};

// Assemble for fixed-width types: each piece's values written straight to
// their rows.
Result<Datum> ScatterFixed(const std::vector<Piece>& pieces, DataType type, int64_t n) {
  return VisitFixed(type.id(), [&](auto tag) -> Result<Datum> {
    using T = decltype(tag);
    TS_ASSIGN_OR_RETURN(auto values, AllocValues<T>(n));
    TS_ASSIGN_OR_RETURN(auto bits, NewBitmap(n, false));
    T* o = values->template mutable_data_as<T>();
    std::fill(o, o + n, T{});
    uint8_t* b = bits->mutable_data();
    for (const Piece& p : pieces) {
      const Array& a = *p.value.array;
      const T* in = a.values<T>();
      const int64_t step = p.value.scalar ? 0 : 1;
      for (size_t k = 0; k < p.rows.size(); ++k) {
        const int64_t row = p.rows[k];
        const int64_t src = static_cast<int64_t>(k) * step;
        o[row] = in[src];
        const bool valid = a.IsValid(src);
        b[row >> 3] = static_cast<uint8_t>((b[row >> 3] & ~(1u << (row & 7))) | (valid << (row & 7)));
      }
    }
    TS_ASSIGN_OR_RETURN(ArrayPtr out, MakeFixed(type, n, BufferPtr(std::move(bits)), std::move(values)));
    return Datum{out, false};
  });
}

// The rows' values in row order: later pieces override earlier ones on the
// rows they share; rows no piece covers are null.
Result<Datum> Assemble(const std::vector<Piece>& pieces, DataType type, int64_t n) {
  if (!type.is_list() && !type.is_binary_like()) return ScatterFixed(pieces, type, n);
  std::vector<ArrayPtr> parts;
  std::vector<int64_t> perm(static_cast<size_t>(n), -1);
  int64_t base = 0;
  for (const Piece& p : pieces) {
    for (size_t k = 0; k < p.rows.size(); ++k) {
      perm[static_cast<size_t>(p.rows[k])] = base + (p.value.scalar ? 0 : static_cast<int64_t>(k));
    }
    parts.push_back(p.value.array);
    base += p.value.array->length();
  }
  bool uncovered = false;
  for (int64_t& v : perm) {
    if (v < 0) {
      v = base;
      uncovered = true;
    }
  }
  if (uncovered) {
    TS_ASSIGN_OR_RETURN(ArrayPtr nulls, MakeNullArray(type, 1));
    parts.push_back(nulls);
  }
  if (parts.empty()) {
    TS_ASSIGN_OR_RETURN(ArrayPtr empty, MakeNullArray(type, 0));
    return Datum{empty, false};
  }
  TS_ASSIGN_OR_RETURN(ArrayPtr all, Concat(parts));
  TS_ASSIGN_OR_RETURN(ArrayPtr out, Take(*all, perm.data(), n));
  return Datum{out, false};
}

std::vector<int64_t> AllRows(int64_t n) {
  std::vector<int64_t> rows(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) rows[static_cast<size_t>(i)] = i;
  return rows;
}

// Evaluates `conds[k] ? values[k]` in order, then `otherwise` (may be null:
// null) on the rows no condition took.
Result<Datum> EvalBranches(const std::vector<const Node*>& conds,
                           const std::vector<const Node*>& values, const Node* otherwise,
                           DataType type, const Frame& frame) {
  const int64_t n = frame.length;
  RowSet remaining;
  std::vector<Piece> pieces;
  for (size_t b = 0; b < conds.size() && remaining.size(n) > 0; ++b) {
    TS_ASSIGN_OR_RETURN(Datum cond, EvalOn(*conds[b], frame, remaining.rows, remaining.all));
    RowSet taken{false, {}};
    RowSet rest{false, {}};
    const int64_t m = remaining.size(n);
    taken.rows.reserve(static_cast<size_t>(m));
    rest.rows.reserve(static_cast<size_t>(m));
    for (int64_t k = 0; k < m; ++k) {
      const int64_t src = cond.scalar ? 0 : k;
      const bool t = cond.array->IsValid(src) && cond.array->GetBool(src);
      (t ? taken : rest).rows.push_back(remaining.at(k));
    }
    if (taken.rows.empty()) continue;  // `remaining` is unchanged
    const bool all = remaining.all && rest.rows.empty();
    TS_ASSIGN_OR_RETURN(Datum v, EvalOn(*values[b], frame, taken.rows, all));
    if (all) return v;  // every row took this branch
    pieces.push_back(Piece{v, std::move(taken.rows)});
    remaining = std::move(rest);
  }
  if (otherwise != nullptr && remaining.size(n) > 0) {
    TS_ASSIGN_OR_RETURN(Datum v, EvalOn(*otherwise, frame, remaining.rows, remaining.all));
    if (remaining.all) return v;
    pieces.push_back(Piece{v, std::move(remaining.rows)});
  }
  return Assemble(pieces, type, n);
}

}  // namespace

Result<Datum> EvalCase(const Node& node, const Frame& frame) {
  std::vector<const Node*> conds, values;
  const size_t pairs = (node.children.size() - (node.has_else ? 1 : 0)) / 2;
  for (size_t k = 0; k < pairs; ++k) {
    conds.push_back(node.children[2 * k].get());
    values.push_back(node.children[2 * k + 1].get());
  }
  const Node* otherwise = node.has_else ? node.children.back().get() : nullptr;
  return EvalBranches(conds, values, otherwise, node.type, frame);
}

Result<Datum> EvalIf(const Node& node, const Frame& frame) {
  if (node.children.size() != 3) return Status::Invalid("evaluator: if() needs 3 arguments");
  return EvalBranches({node.children[0].get()}, {node.children[1].get()},
                      node.children[2].get(), node.type, frame);
}

Result<Datum> EvalCoalesce(const Node& node, const Frame& frame) {
  const int64_t n = frame.length;
  RowSet remaining;
  std::vector<Piece> pieces;
  for (const NodePtr& arg : node.children) {
    if (remaining.size(n) == 0) break;
    TS_ASSIGN_OR_RETURN(Datum v, EvalOn(*arg, frame, remaining.rows, remaining.all));
    RowSet still{false, {}};
    const int64_t m = remaining.size(n);
    for (int64_t k = 0; k < m; ++k) {
      if (v.IsNullAt(k)) still.rows.push_back(remaining.at(k));
    }
    if (remaining.all && still.rows.empty()) return v;
    pieces.push_back(Piece{v, remaining.all ? AllRows(n) : std::move(remaining.rows)});
    remaining = std::move(still);
  }
  return Assemble(pieces, node.type, n);
}

}  // namespace tessera::expr
