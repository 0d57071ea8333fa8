// Evaluator: runs a bound tree (ast.h) over columns, vectorised. Internal to
// the expr module; the public face is Expression (expression.h).
//
// Every node evaluates to a Datum: an Array of the frame's length, or a
// one-value Array standing for every row (a literal), so that `x * 2` never
// broadcasts the 2. Operators are tight loops over raw buffers, templated on
// which operand is constant; validity is combined word-wise on bitmaps; a
// row whose operation fails (overflow, failed CAST) is null and reported to
// the KernelContext. CASE, if() and coalesce() evaluate each branch only on
// the rows that take it (gather, evaluate, scatter), so an error in a row
// not taken is never counted.
//
// Thread-safety: reentrant; the tree is only read.
#pragma once

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "tessera/core/array.h"
#include "tessera/core/result.h"
#include "tessera/expr/ast.h"
#include "tessera/expr/eval_stats.h"
#include "tessera/expr/kernel_context.h"

namespace tessera::expr {

// A node's value over a frame: `array` has the frame's length, or, when
// `scalar`, one value that stands for every row.
struct Datum {
  ArrayPtr array;
  bool scalar = false;

  bool IsNullAt(int64_t i) const { return array->IsNull(scalar ? 0 : i); }
};

// The one-value arrays of a tree's literals, made once at compile time so
// that evaluating a literal allocates nothing. Immutable; shared by threads.
class LiteralTable {
 public:
  static Result<std::shared_ptr<const LiteralTable>> Build(const Node& root);
  // The array of literal `node`, or null when the table does not have it.
  const ArrayPtr* Find(const Node* node) const;

 private:
  std::vector<std::pair<const Node*, ArrayPtr>> entries_;  // sorted by node
};

// The rows a subtree is evaluated on: `columns` (Scope order, each of
// `length` values; unread columns may be null) and where errors go. `ctx`
// already maps the frame's rows to input rows; `row_ids` is that same
// mapping (null: the identity), kept to compose nested selections.
struct Frame {
  const std::vector<ArrayPtr>* columns = nullptr;
  int64_t length = 0;
  KernelContext* ctx = nullptr;
  const int64_t* row_ids = nullptr;
  const LiteralTable* literals = nullptr;  // may be null
};

// Evaluates `node` over `frame`.
Result<Datum> EvalNode(const Node& node, const Frame& frame);

// Rows per chunk: a long input is evaluated in chunks of this many rows
// (as DuckDB's vectors), so that the temporaries of one chunk stay in cache.
constexpr int64_t kChunkRows = 2048;

// Evaluates `root` over `columns` of `num_rows` rows into a full-length
// array; rows that failed are null in the result and counted in `stats`
// (may be null). `literals` (may be null) is root's LiteralTable.
Result<ArrayPtr> EvaluateTree(const Node& root, const std::vector<ArrayPtr>& columns,
                              int64_t num_rows, EvalStats* stats,
                              const LiteralTable* literals = nullptr);

}  // namespace tessera::expr
