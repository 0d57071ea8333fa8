// Plan/apply's type check of every `expr` of a repo (issue 7, "Checked at
// plan and apply"): each is parsed and bound (expr/parser.h, binder.h)
// against what it can see, and its declared feature `type` must equal the
// expression's type or be an implicit widening of it (docs/EXPRESSIONS.md:
// int32 -> int64 -> double, float -> double).
//
// What an expression sees:
//   - a row transformation (feature view feature with `expr`): the source's
//     columns (source_schema.h; the first column set), then the view's
//     earlier features, in order, with their declared types (a feature read
//     from a column of the same name gives that column its declared type);
//   - an on-demand feature: every feature of every input, qualified by the
//     input's name (`user_spend.amount_sum_24h`, or bare when only one input
//     has the name): declared features with their types, aggregation outputs
//     with AggregationOutputType of their column, request fields; then the
//     view's own earlier features.
// A view whose source, or an on-demand view one of whose inputs, has
// columns of unknown type (an error already reported) is not checked.
// Thread-safe (no shared state).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "tessera/registry/loader.h"
#include "tessera/registry/source_schema.h"

namespace tessera::registry {

// One error per failing expression, at the feature's line:
//   "expression 'amout * 2': at col 1: unknown column 'amout' (did you mean
//   'amount'?)", "feature 'r' is int32 but expression 'a / b' is double".
// Messages are not yet escaped (CheckSourceFiles does it).
std::vector<LoadError> CheckExpressions(const LoadedRepo& repo,
                                        const std::map<std::string, SourceSchema>& schemas);

// True when the expression language converts `from` to `to` implicitly:
// equal, int32 -> int64 or double, int64 -> double, float -> double.
bool IsImplicitWidening(DataType from, DataType to);

}  // namespace tessera::registry
