#include "tessera/expr/eval_case.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <string_view>
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

// True when `node` cannot fail for any row and costs about one pass over
// its columns: a literal, a column, or comparisons, IS NULL, IN, BETWEEN,
// LIKE and AND/OR/NOT over such. Evaluating it on every row of the frame
// gives the same values and no error on the rows a branch selects, and is
// cheaper than gathering those rows first (Take copies each column).
bool CheapAndSafe(const Node& node) {
  switch (node.kind) {
    case NodeKind::kLiteral:
    case NodeKind::kColumn: return true;
    case NodeKind::kUnary:
      if (node.op != Op::kNot) return false;
      break;
    case NodeKind::kBinary:
      switch (node.op) {
        case Op::kAnd:
        case Op::kOr:
        case Op::kEq:
        case Op::kNe:
        case Op::kLt:
        case Op::kLe:
        case Op::kGt:
        case Op::kGe: break;
        default: return false;
      }
      break;
    case NodeKind::kIsNull:
    case NodeKind::kIn:
    case NodeKind::kBetween:
    case NodeKind::kLike: break;
    default: return false;
  }
  for (const NodePtr& c : node.children) {
    if (!CheapAndSafe(*c)) return false;
  }
  return true;
}

// Evaluates `node` on the rows `sel` of `frame` (all rows when `all`).
Result<Datum> EvalOn(const Node& node, const Frame& frame, const std::vector<int64_t>& sel,
                     bool all) {
  if (all) return EvalNode(node, frame);
  TS_ASSIGN_OR_RETURN(auto sub, SubFrame::Make(node, frame, sel));
  return EvalNode(node, sub->frame());
}

// One branch's values for the rows `rows` (in frame coordinates): value k
// is for rows[k], or, when `by_row`, value rows[k] is (the branch was
// evaluated on the whole frame); a constant stands for every row.
struct Piece {
  Datum value;
  std::vector<int64_t> rows;
  bool by_row = false;
  int64_t Source(size_t k) const {
    if (value.scalar) return 0;
    return by_row ? rows[k] : static_cast<int64_t>(k);
  }
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
      const uint8_t* vb = a.validity_buffer() ? a.validity_buffer()->data() : nullptr;
      for (size_t k = 0; k < p.rows.size(); ++k) {
        const int64_t row = p.rows[k];
        const int64_t src = p.Source(k);
        o[row] = in[src];
        const bool valid = vb == nullptr || GetBit(vb, src);
        b[row >> 3] =
            static_cast<uint8_t>((b[row >> 3] & ~(1u << (row & 7))) | (valid << (row & 7)));
      }
    }
    TS_ASSIGN_OR_RETURN(ArrayPtr out,
                        MakeFixed(type, n, Buffer::Share(std::move(bits)), std::move(values)));
    return Datum{out, false};
  });
}

// memcpy for `len` > 0 bytes, without a call for the short values CASE
// usually yields: two overlapping fixed-size copies cover 1 to 16 bytes.
inline void CopyBytes(uint8_t* to, const uint8_t* from, int64_t len) {
  if (len > 16) {
    std::memcpy(to, from, static_cast<size_t>(len));
  } else if (len >= 8) {
    std::memcpy(to, from, 8);
    std::memcpy(to + len - 8, from + len - 8, 8);
  } else if (len >= 4) {
    std::memcpy(to, from, 4);
    std::memcpy(to + len - 4, from + len - 4, 4);
  } else {
    to[0] = from[0];
    to[len / 2] = from[len / 2];
    to[len - 1] = from[len - 1];
  }
}

// Assemble for strings and bytes: each row's bytes copied once from the
// piece that gives it, reading the pieces' buffers directly.
Result<Datum> ScatterBinary(const std::vector<Piece>& pieces, DataType type, int64_t n) {
  struct Source {
    const int64_t* off;
    const uint8_t* data;
    const uint8_t* valid;  // null: all valid
  };
  std::vector<Source> src(pieces.size());
  for (size_t p = 0; p < pieces.size(); ++p) {
    const Array& a = *pieces[p].value.array;
    src[p] = {a.offsets_buffer()->data_as<int64_t>(), a.values_buffer()->data(),
              a.validity_buffer() ? a.validity_buffer()->data() : nullptr};
  }
  // Which piece and which of its values each row takes (-1: none).
  std::vector<int32_t> piece_of(static_cast<size_t>(n), -1);
  // When every piece is a constant (THEN 'food'), each row's value index
  // is 0 and index_of is not kept.
  bool any_column = false;
  for (const Piece& p : pieces) any_column |= !p.value.scalar;
  std::vector<int64_t> index_of(any_column ? static_cast<size_t>(n) : 0, 0);
  for (size_t p = 0; p < pieces.size(); ++p) {
    const std::vector<int64_t>& rows = pieces[p].rows;
    for (size_t k = 0; k < rows.size(); ++k) {
      piece_of[static_cast<size_t>(rows[k])] = static_cast<int32_t>(p);
    }
    if (!any_column) continue;
    for (size_t k = 0; k < rows.size(); ++k) {
      index_of[static_cast<size_t>(rows[k])] = pieces[p].Source(k);
    }
  }
  const int64_t* idx = any_column ? index_of.data() : nullptr;
  TS_ASSIGN_OR_RETURN(auto offsets, Buffer::Allocate((n + 1) * 8));
  TS_ASSIGN_OR_RETURN(auto bits, NewBitmap(n, false));
  int64_t* o = offsets->mutable_data_as<int64_t>();
  uint8_t* ob = bits->mutable_data();
  o[0] = 0;
  for (int64_t i = 0; i < n; ++i) {
    const int32_t p = piece_of[static_cast<size_t>(i)];
    int64_t len = 0;
    if (p >= 0) {
      const Source& s = src[static_cast<size_t>(p)];
      const int64_t k = idx != nullptr ? idx[i] : 0;
      if (s.valid == nullptr || GetBit(s.valid, k)) {
        SetBit(ob, i);
        len = s.off[k + 1] - s.off[k];
      }
    }
    o[i + 1] = o[i] + len;
  }
  TS_ASSIGN_OR_RETURN(auto data, Buffer::Allocate(o[n]));
  uint8_t* d = data->mutable_data();
  for (int64_t i = 0; i < n; ++i) {
    const int64_t len = o[i + 1] - o[i];
    if (len == 0) continue;
    const Source& s = src[static_cast<size_t>(piece_of[static_cast<size_t>(i)])];
    const uint8_t* from = s.data + s.off[idx != nullptr ? idx[i] : 0];
    CopyBytes(d + o[i], from, len);
  }
  TS_ASSIGN_OR_RETURN(
      ArrayPtr out, Array::Make(type, n, Buffer::Share(std::move(bits)),
                                Buffer::Share(std::move(data)), Buffer::Share(std::move(offsets))));
  return Datum{out, false};
}

// The rows' values in row order: later pieces override earlier ones on the
// rows they share; rows no piece covers are null.
Result<Datum> Assemble(const std::vector<Piece>& pieces, DataType type, int64_t n) {
  if (!type.is_list() && !type.is_binary_like()) return ScatterFixed(pieces, type, n);
  if (type.is_binary_like()) return ScatterBinary(pieces, type, n);
  std::vector<ArrayPtr> parts;
  std::vector<int64_t> perm(static_cast<size_t>(n), -1);
  int64_t base = 0;
  for (const Piece& p : pieces) {
    for (size_t k = 0; k < p.rows.size(); ++k) {
      perm[static_cast<size_t>(p.rows[k])] = base + p.Source(k);
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

// Splits `remaining` by `cond` (evaluated on every row of the frame when
// `full`, else on the remaining rows in order): a true condition takes the
// row, false or null leaves it. Branch-free: each row is written to both
// lists and only one count moves.
void SplitRows(const RowSet& remaining, const Datum& cond, bool full, int64_t n, RowSet* taken,
               RowSet* rest) {
  const int64_t m = remaining.size(n);
  taken->rows.resize(static_cast<size_t>(m));
  rest->rows.resize(static_cast<size_t>(m));
  int64_t* tk = taken->rows.data();
  int64_t* rs = rest->rows.data();
  const uint8_t* cv = cond.array->values<uint8_t>();
  const uint8_t* cb =
      cond.array->validity_buffer() ? cond.array->validity_buffer()->data() : nullptr;
  const int64_t step = cond.scalar ? 0 : 1;
  int64_t nt = 0, nr = 0;
  for (int64_t k = 0; k < m; ++k) {
    const int64_t row = remaining.at(k);
    const int64_t src = (full ? row : k) * step;
    const bool t = (cb == nullptr || GetBit(cb, src)) & (cv[src] != 0);
    tk[nt] = row;
    rs[nr] = row;
    nt += t;
    nr += !t;
  }
  taken->rows.resize(static_cast<size_t>(nt));
  rest->rows.resize(static_cast<size_t>(nr));
}

// Evaluates `conds[k] ? values[k]` in order, then `otherwise` (may be null:
// null) on the rows no condition took.
// How many of the frame's rows `cond` (evaluated on all of them) holds
// true for: all, none, or some.
enum class Uniform { kAll, kNone, kMixed };
Uniform UniformTruth(const Datum& cond, int64_t n) {
  const uint8_t* cv = cond.array->values<uint8_t>();
  const uint8_t* cb =
      cond.array->validity_buffer() ? cond.array->validity_buffer()->data() : nullptr;
  const int64_t m = cond.scalar ? 1 : n;
  int64_t count = 0;
  for (int64_t i = 0; i < m; ++i) count += (cb == nullptr || GetBit(cb, i)) & (cv[i] != 0);
  if (count == m) return Uniform::kAll;
  return count == 0 ? Uniform::kNone : Uniform::kMixed;
}

// The branches are `children[2k] ? children[2k + 1]` for k < pairs (the
// layout of kCase's children, and of if()'s), in order.
Result<Datum> EvalBranches(const NodePtr* children, size_t pairs, const Node* otherwise,
                           DataType type, const Frame& frame) {
  const int64_t n = frame.length;
  RowSet remaining;
  std::vector<Piece> pieces;
  for (size_t b = 0; b < pairs && remaining.size(n) > 0; ++b) {
    const Node& when = *children[2 * b];
    const Node& then = *children[2 * b + 1];
    const bool cond_full = remaining.all || CheapAndSafe(when);
    TS_ASSIGN_OR_RETURN(Datum cond, EvalOn(when, frame, remaining.rows, cond_full));
    if (remaining.all) {
      // Every row takes this branch, or none does (always so for one row,
      // the serving case): no row lists to make.
      const Uniform u = UniformTruth(cond, n);
      if (u == Uniform::kAll) return EvalNode(then, frame);
      if (u == Uniform::kNone) continue;
    }
    RowSet taken{false, {}};
    RowSet rest{false, {}};
    SplitRows(remaining, cond, cond_full, n, &taken, &rest);
    if (taken.rows.empty()) continue;  // `remaining` is unchanged
    const bool all = remaining.all && rest.rows.empty();
    const bool value_full = all || CheapAndSafe(then);
    TS_ASSIGN_OR_RETURN(Datum v, EvalOn(then, frame, taken.rows, value_full));
    if (all) return v;  // every row took this branch
    pieces.push_back(Piece{v, std::move(taken.rows), value_full});
    remaining = std::move(rest);
  }
  if (otherwise != nullptr && remaining.size(n) > 0) {
    const bool value_full = remaining.all || CheapAndSafe(*otherwise);
    TS_ASSIGN_OR_RETURN(Datum v, EvalOn(*otherwise, frame, remaining.rows, value_full));
    if (remaining.all) return v;
    pieces.push_back(Piece{v, std::move(remaining.rows), value_full});
  }
  return Assemble(pieces, type, n);
}

}  // namespace

Result<Datum> EvalCase(const Node& node, const Frame& frame) {
  const size_t pairs = (node.children.size() - (node.has_else ? 1 : 0)) / 2;
  const Node* otherwise = node.has_else ? node.children.back().get() : nullptr;
  return EvalBranches(node.children.data(), pairs, otherwise, node.type, frame);
}

Result<Datum> EvalIf(const Node& node, const Frame& frame) {
  if (node.children.size() != 3) return Status::Invalid("evaluator: if() needs 3 arguments");
  return EvalBranches(node.children.data(), 1, node.children[2].get(), node.type, frame);
}

Result<Datum> EvalCoalesce(const Node& node, const Frame& frame) {
  const int64_t n = frame.length;
  RowSet remaining;
  std::vector<Piece> pieces;
  for (const NodePtr& arg : node.children) {
    if (remaining.size(n) == 0) break;
    const bool full = remaining.all || CheapAndSafe(*arg);
    TS_ASSIGN_OR_RETURN(Datum v, EvalOn(*arg, frame, remaining.rows, full));
    RowSet still{false, {}};
    const int64_t m = remaining.size(n);
    for (int64_t k = 0; k < m; ++k) {
      const int64_t row = remaining.at(k);
      if (v.IsNullAt(full ? row : k)) still.rows.push_back(row);
    }
    if (remaining.all && still.rows.empty()) return v;
    pieces.push_back(Piece{v, remaining.all ? AllRows(n) : std::move(remaining.rows), full});
    remaining = std::move(still);
  }
  return Assemble(pieces, node.type, n);
}

}  // namespace tessera::expr
