#include "tessera/expr/evaluator.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>

#include "tessera/expr/eval_case.h"
#include "tessera/expr/eval_ops.h"
#include "tessera/expr/eval_util.h"
#include "tessera/expr/functions.h"

namespace tessera::expr {

namespace {

// A literal not in the LiteralTable, made now (only trees evaluated
// without Expression, e.g. by tests). Out of line: the hot path stays small.
[[gnu::noinline, gnu::cold]] Status MakeLiteral(const Node& node, Datum* out) {
  if (node.value.is_null()) {
    TS_ASSIGN_OR_RETURN(out->array, MakeNullArray(node.type, 1));
    return Status::OK();
  }
  TS_ASSIGN_OR_RETURN(ArrayPtr a, MakeScalarArray(node.value));
  if (a->type() != node.type) {
    return Status::Invalid("evaluator: literal of type " + a->type().ToString() + " in a node of " +
                           node.type.ToString());
  }
  out->array = std::move(a);
  return Status::OK();
}

// A literal's one-value array: from the LiteralTable (no allocation), else
// made now.
inline Status LiteralInto(const Node& node, const Frame& frame, Datum* out) {
  out->scalar = true;
  if (frame.literals != nullptr) {
    if (const ArrayPtr* a = frame.literals->Find(&node)) {
      out->array = *a;
      return Status::OK();
    }
  }
  return MakeLiteral(node, out);
}

[[gnu::noinline, gnu::cold]] Status ColumnError(const Node& node, const Frame& frame) {
  const auto& cols = *frame.columns;
  if (node.column < 0 || static_cast<size_t>(node.column) >= cols.size() ||
      cols[static_cast<size_t>(node.column)] == nullptr) {
    return Status::Invalid("evaluator: column '" + node.name + "' is not given");
  }
  const ArrayPtr& a = cols[static_cast<size_t>(node.column)];
  return Status::Invalid("evaluator: column '" + node.name + "' has " +
                         std::to_string(a->length()) + " " + a->type().ToString() +
                         " values, expected " + std::to_string(frame.length) + " " +
                         node.type.ToString());
}

inline Status ColumnInto(const Node& node, const Frame& frame, Datum* out) {
  const auto& cols = *frame.columns;
  const auto c = static_cast<size_t>(node.column);
  if (node.column < 0 || c >= cols.size() || cols[c] == nullptr ||
      cols[c]->length() != frame.length || cols[c]->type() != node.type) [[unlikely]] {
    return ColumnError(node, frame);
  }
  out->array = cols[c];
  out->scalar = false;
  return Status::OK();
}

Result<Datum> EvalLiteral(const Node& node, const Frame& frame) {
  Datum d;
  TS_RETURN_NOT_OK(LiteralInto(node, frame, &d));
  return d;
}

Result<Datum> EvalColumn(const Node& node, const Frame& frame) {
  Datum d;
  TS_RETURN_NOT_OK(ColumnInto(node, frame, &d));
  return d;
}

// A node's evaluated children: inline for the usual one to three, so
// evaluating a node allocates nothing for its argument list. Only the
// slots in use are constructed and destroyed (this runs once per node, and
// constructing and destroying three Datums for a one-child node was a
// measurable part of a one-row evaluation).
class DatumList {
 public:
  DatumList() {}
  ~DatumList() {
    for (size_t i = 0; i < size_ && i < kInline; ++i) inline_[i].~Datum();
  }
  DatumList(const DatumList&) = delete;
  DatumList& operator=(const DatumList&) = delete;

  // A new default Datum at the end, to be filled in place.
  Datum* emplace_back() {
    if (size_ < kInline) {
      ::new (&inline_[size_]) Datum();
      return &inline_[size_++];
    }
    if (heap_.empty()) heap_.assign(inline_, inline_ + kInline);
    heap_.emplace_back();
    ++size_;
    return &heap_.back();
  }
  void push_back(Datum d) {
    if (size_ < kInline) {
      ::new (&inline_[size_]) Datum(std::move(d));
    } else {
      if (heap_.empty()) heap_.assign(inline_, inline_ + kInline);
      heap_.push_back(std::move(d));
    }
    ++size_;
  }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  Datum& operator[](size_t i) { return size_ > kInline ? heap_[i] : inline_[i]; }
  const Datum& operator[](size_t i) const { return size_ > kInline ? heap_[i] : inline_[i]; }

 private:
  static constexpr size_t kInline = 3;
  union {
    Datum inline_[kInline];  // slots [0, min(size_, kInline)) are constructed
  };
  std::vector<Datum> heap_;
  size_t size_ = 0;
};

// A vector borrowed from this thread for the length of one call, so that
// evaluating a small frame (the one-row serving case) does not allocate it
// anew each time. `Tag` names the use: each use has its own vector. A use
// that is still borrowed (never, today: neither use reenters the
// evaluator while it holds the vector) gets a vector of its own instead.
template <typename T, int Tag>
class ScratchVector {
 public:
  // Vectors of more than this many elements are not kept (a long frame's
  // scratch is not held by the thread forever).
  static constexpr size_t kMaxKept = static_cast<size_t>(kChunkRows);

  explicit ScratchVector(size_t n) {
    thread_local std::vector<T> kept;
    thread_local bool borrowed = false;
    if (n <= kMaxKept && !borrowed) {
      borrowed = true;
      borrowed_ = &borrowed;
      v_ = &kept;
    }
    v_->assign(n, T{});
  }
  ~ScratchVector() {
    if (borrowed_ != nullptr) *borrowed_ = false;
  }
  ScratchVector(const ScratchVector&) = delete;
  ScratchVector& operator=(const ScratchVector&) = delete;
  std::vector<T>& get() { return *v_; }

 private:
  std::vector<T> own_;
  std::vector<T>* v_ = &own_;
  bool* borrowed_ = nullptr;
};

// Evaluates every child; when all are constants over several rows, the
// first is spread to every row, so that a failing operation (not folded,
// folding.h) is counted once per row.
// Fills `out` (empty) rather than returning the list: it is a few Datums
// wide and this runs once per node, so not moving it twice is measurable on
// one row.
Status EvalChildren(const Node& node, const Frame& frame, DatumList* out) {
  bool all_scalar = true;
  for (const NodePtr& child : node.children) {
    // Leaves (most children) are written in place, without EvalNode's
    // dispatch and Result: this runs for every node of every row.
    Datum* d = out->emplace_back();
    if (child->kind == NodeKind::kColumn) {
      TS_RETURN_NOT_OK(ColumnInto(*child, frame, d));
    } else if (child->kind == NodeKind::kLiteral) {
      TS_RETURN_NOT_OK(LiteralInto(*child, frame, d));
    } else {
      TS_ASSIGN_OR_RETURN(*d, EvalNode(*child, frame));
    }
    all_scalar &= d->scalar;
  }
  if (all_scalar && !out->empty() && frame.length != 1) {
    Datum& first = (*out)[0];
    TS_ASSIGN_OR_RETURN(first.array, Broadcast(first, frame.length));
    first.scalar = false;
  }
  return Status::OK();
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
  DatumList args;
  TS_RETURN_NOT_OK(EvalChildren(node, frame, &args));
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
  DatumList a;
  TS_RETURN_NOT_OK(EvalChildren(node, frame, &a));
  const int64_t n = frame.length;
  TS_ASSIGN_OR_RETURN(Datum ge, EvalCompare(Op::kGe, a[0], a[1], n));
  TS_ASSIGN_OR_RETURN(Datum le, EvalCompare(Op::kLe, a[0], a[2], n));
  TS_ASSIGN_OR_RETURN(Datum both, EvalAndOr(Op::kAnd, ge, le, n));
  return node.negated ? EvalNot(both, n) : both;
}

Result<Datum> EvalKernelCall(const Node& node, const Frame& frame) {
  const FunctionDef* def = node.function;
  DatumList args;
  TS_RETURN_NOT_OK(EvalChildren(node, frame, &args));
  ScratchVector<const Array*, 0> scratch(args.size());
  std::vector<const Array*>& ptrs = scratch.get();
  for (size_t i = 0; i < args.size(); ++i) {
    // Constants become full columns: a kernel reads `length` values (a
    // column, or a constant on one row, already has them).
    if (args[i].scalar && frame.length != 1) {
      TS_ASSIGN_OR_RETURN(args[i].array, Broadcast(args[i], frame.length));
    }
    ptrs[i] = args[i].array.get();
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
    case NodeKind::kLiteral: return EvalLiteral(node, frame);
    case NodeKind::kColumn: return EvalColumn(node, frame);
    case NodeKind::kInterval:
      return Status::Invalid("evaluator: an interval outside timestamp +/- interval");
    case NodeKind::kUnary: {
      DatumList a;
      TS_RETURN_NOT_OK(EvalChildren(node, frame, &a));
      if (node.op == Op::kNeg) return EvalNegate(a[0], n, frame.ctx);
      return EvalNot(a[0], n);
    }
    case NodeKind::kBinary: return EvalBinary(node, frame);
    case NodeKind::kIsNull: {
      TS_ASSIGN_OR_RETURN(Datum x, EvalNode(*node.children[0], frame));
      return EvalIsNull(x, node.negated, n);
    }
    case NodeKind::kIn: {
      DatumList a;
      TS_RETURN_NOT_OK(EvalChildren(node, frame, &a));
      std::vector<Datum> items;
      items.reserve(a.size() - 1);
      for (size_t i = 1; i < a.size(); ++i) items.push_back(a[i]);
      return EvalIn(a[0], items, node.negated, n);
    }
    case NodeKind::kBetween: return EvalBetween(node, frame);
    case NodeKind::kLike: {
      DatumList a;
      TS_RETURN_NOT_OK(EvalChildren(node, frame, &a));
      return EvalLike(a[0], a[1], node.negated, n);
    }
    case NodeKind::kCase: return EvalCase(node, frame);
    case NodeKind::kCast: {
      DatumList a;
      TS_RETURN_NOT_OK(EvalChildren(node, frame, &a));
      return EvalCast(a[0], node.type, n, frame.ctx, frame.row_ids);
    }
    case NodeKind::kIndex: {
      DatumList a;
      TS_RETURN_NOT_OK(EvalChildren(node, frame, &a));
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

namespace {

void CollectLiterals(const Node& node, std::vector<const Node*>* out) {
  if (node.kind == NodeKind::kLiteral) out->push_back(&node);
  for (const NodePtr& c : node.children) CollectLiterals(*c, out);
}

void MarkColumns(const Node& node, std::vector<uint8_t>* used) {
  if (node.kind == NodeKind::kColumn && node.column >= 0 &&
      static_cast<size_t>(node.column) < used->size()) {
    (*used)[static_cast<size_t>(node.column)] = 1;
  }
  for (const NodePtr& c : node.children) MarkColumns(*c, used);
}

// One chunk: evaluate, then null the rows that failed. Errors are added to
// `stats` (which may already hold earlier ones: RecordError keeps the
// lowest row, as EvalStats::Merge would).
Result<ArrayPtr> EvaluateChunk(const Node& root, const std::vector<ArrayPtr>& columns,
                               int64_t num_rows, EvalStats* stats, const LiteralTable* literals) {
  // One byte per row, zeroed: on the stack for a short frame (the serving
  // case), else borrowed from the thread.
  constexpr int64_t kStackRows = 64;
  uint8_t stack_rows[kStackRows] = {};
  std::optional<ScratchVector<uint8_t, 1>> scratch;
  uint8_t* error_rows = stack_rows;
  if (num_rows > kStackRows) {
    scratch.emplace(static_cast<size_t>(num_rows));
    error_rows = scratch->get().data();
  }
  const int64_t errors_before = stats->error_rows;
  KernelContext ctx(error_rows, stats);
  const Frame frame{&columns, num_rows, &ctx, nullptr, literals};
  TS_ASSIGN_OR_RETURN(Datum d, EvalNode(root, frame));
  ArrayPtr out;
  if (d.scalar && num_rows != 1) {
    TS_ASSIGN_OR_RETURN(out, Broadcast(d, num_rows));
  } else {
    out = std::move(d.array);  // already one value per row
  }
  if (stats->error_rows > errors_before) {
    // A row where any operation failed is null as a whole: DuckDB would
    // have failed the query, so no value of that row is to be trusted.
    BufferPtr validity = out->validity_buffer();
    TS_RETURN_NOT_OK(ApplyRowFlags(error_rows, num_rows, "", nullptr, &validity));
    TS_ASSIGN_OR_RETURN(out, WithValidity(*out, validity));
  }
  return out;
}

// Gathers EvaluateTree's chunk results into one array of `total` rows,
// copying each chunk into place as soon as it is made: its buffers go back
// to the allocator and come back, still in cache, for the next chunk,
// instead of every chunk being kept for one final Concat. Lists are kept
// and concatenated at the end.
class ResultSink {
 public:
  explicit ResultSink(int64_t total) : total_(total) {}

  Status Add(const ArrayPtr& part) {
    const int64_t len = part->length();
    if (rows_ == 0) type_ = part->type();
    if (part->type() != type_ || rows_ + len > total_) {
      return Status::Invalid("evaluator: a chunk's result does not fit the output");
    }
    if (type_.is_list()) {
      parts_.push_back(part);
    } else {
      TS_RETURN_NOT_OK(AddValidity(*part));
      if (type_.is_binary_like()) {
        TS_RETURN_NOT_OK(AddBinary(*part));
      } else {
        TS_RETURN_NOT_OK(AddFixed(*part));
      }
    }
    rows_ += len;
    return Status::OK();
  }

  Result<ArrayPtr> Finish() {
    if (rows_ != total_) return Status::Invalid("evaluator: chunks do not cover the output");
    if (type_.is_list()) return Concat(parts_);
    if (type_.is_binary_like()) {
      TS_ASSIGN_OR_RETURN(BufferPtr data, data_.Finish());
      return Array::Make(type_, total_, Buffer::Share(std::move(validity_)), data,
                         Buffer::Share(std::move(offsets_)));
    }
    return MakeFixed(type_, total_, Buffer::Share(std::move(validity_)), std::move(values_));
  }

 private:
  Status AddValidity(const Array& part) {
    if (part.validity_buffer() == nullptr) return Status::OK();  // bits already set
    if (validity_ == nullptr) {
      TS_ASSIGN_OR_RETURN(validity_, NewBitmap(total_, true));
    }
    CopyBits(part.validity_buffer()->data(), 0, validity_->mutable_data(), rows_, part.length());
    return Status::OK();
  }

  Status AddFixed(const Array& part) {
    const int64_t width = type_.fixed_width();
    if (values_ == nullptr) {
      TS_ASSIGN_OR_RETURN(values_, Buffer::Allocate(total_ * width));
    }
    if (part.length() > 0) {
      std::memcpy(values_->mutable_data() + rows_ * width, part.values_buffer()->data(),
                  static_cast<size_t>(part.length() * width));
    }
    return Status::OK();
  }

  Status AddBinary(const Array& part) {
    const int64_t len = part.length();
    const int64_t* po = part.offsets_buffer()->data_as<int64_t>();
    if (offsets_ == nullptr) {
      TS_ASSIGN_OR_RETURN(offsets_, Buffer::Allocate((total_ + 1) * 8));
      offsets_->mutable_data_as<int64_t>()[0] = 0;
      // Room for the whole output at the first chunk's bytes per row.
      if (len > 0) TS_RETURN_NOT_OK(data_.Reserve(po[len] / len * total_ + po[len]));
    }
    int64_t* o = offsets_->mutable_data_as<int64_t>() + rows_;
    const int64_t base = data_.length();
    for (int64_t i = 1; i <= len; ++i) o[i] = base + po[i];
    return data_.Append(part.values_buffer()->data(), po[len]);
  }

  int64_t total_;
  int64_t rows_ = 0;
  DataType type_;
  std::unique_ptr<Buffer> values_, offsets_, validity_;
  BufferBuilder data_;
  std::vector<ArrayPtr> parts_;  // lists only
};

}  // namespace

Result<std::shared_ptr<const LiteralTable>> LiteralTable::Build(const Node& root) {
  std::vector<const Node*> nodes;
  CollectLiterals(root, &nodes);
  auto table = std::make_shared<LiteralTable>();
  for (const Node* n : nodes) {
    const Frame no_rows;
    TS_ASSIGN_OR_RETURN(Datum d, EvalLiteral(*n, no_rows));
    table->entries_.emplace_back(n, d.array);
  }
  std::sort(table->entries_.begin(), table->entries_.end(),
            [](const auto& x, const auto& y) { return x.first < y.first; });
  return std::shared_ptr<const LiteralTable>(std::move(table));
}

const ArrayPtr* LiteralTable::Find(const Node* node) const {
  if (entries_.size() <= 8) {  // the usual few: a scan beats the search
    for (const auto& e : entries_) {
      if (e.first == node) return &e.second;
    }
    return nullptr;
  }
  auto it = std::lower_bound(entries_.begin(), entries_.end(), node,
                             [](const auto& e, const Node* n) { return e.first < n; });
  return it != entries_.end() && it->first == node ? &it->second : nullptr;
}

Result<ArrayPtr> EvaluateTree(const Node& root, const std::vector<ArrayPtr>& columns,
                              int64_t num_rows, EvalStats* stats, const LiteralTable* literals) {
  // A bare column is returned as it is (zero-copy), whatever its length.
  if (num_rows <= kChunkRows || root.kind == NodeKind::kColumn) {
    // One chunk: errors go straight to the caller's stats (no Merge).
    if (stats != nullptr) return EvaluateChunk(root, columns, num_rows, stats, literals);
    EvalStats ignored;
    return EvaluateChunk(root, columns, num_rows, &ignored, literals);
  }
  EvalStats local;
  std::vector<uint8_t> used(columns.size(), 0);
  MarkColumns(root, &used);
  ResultSink sink(num_rows);
  std::vector<ArrayPtr> chunk(columns.size());
  for (int64_t start = 0; start < num_rows; start += kChunkRows) {
    const int64_t len = std::min(kChunkRows, num_rows - start);
    for (size_t c = 0; c < columns.size(); ++c) {
      if (!used[c] || columns[c] == nullptr) continue;
      if (columns[c]->length() != num_rows) {
        return Status::Invalid("evaluator: column " + std::to_string(c) + " has " +
                               std::to_string(columns[c]->length()) + " values, expected " +
                               std::to_string(num_rows));
      }
      TS_ASSIGN_OR_RETURN(chunk[c], Slice(*columns[c], start, len));
    }
    EvalStats chunk_stats;
    TS_ASSIGN_OR_RETURN(ArrayPtr out, EvaluateChunk(root, chunk, len, &chunk_stats, literals));
    local.Merge(chunk_stats, start);
    TS_RETURN_NOT_OK(sink.Add(out));
  }
  if (stats != nullptr) stats->Merge(local);
  return sink.Finish();
}

}  // namespace tessera::expr
