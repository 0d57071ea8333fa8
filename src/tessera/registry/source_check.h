// Plan/apply's check of the definitions against the columns of their
// sources (source_schema.h): every declared feature (without `expr`), every
// join key of a view's entities and every timestamp field must be a column
// of each column set of the source, with a compatible type; an aggregation's
// column must exist and its function apply to the column's type
// (AggregationOutputType). The declared type is the contract: a Parquet
// column is compatible when it is the same type or widens to it without
// loss (IsLosslessWidening); a CSV column is text, parsed by the declared
// type when read, so any declared type is compatible with it. Features
// with `expr` are computed, not read: their expressions are type-checked
// instead (expr_check.h), against the same resolved columns. A push source
// with a `stream:` that feeds an aggregated view must have an `event_id`
// column among the columns its rows are logged with (a stream delivers at
// least once; the id is what drops a redelivered entry).
// Reads files only; thread-safe.
#pragma once

#include <vector>

#include "tessera/registry/loader.h"

namespace tessera::registry {

// Every problem found, as "file:line: reason", sorted by file and line:
// the resolution errors of ResolveSourceSchemas, then per definition at
// most one error per column looked up (the first column set that fails),
// e.g. "feature 'age' is int32 but column 'age' of data/sources/users.parquet
// is string", "feature 'agee' is not a column of data/sources/users.parquet
// (did you mean 'age'?)", then those of CheckExpressions. User text is
// escaped as in the loader's messages. Empty when the repo reads its
// sources cleanly and every expression type-checks.
std::vector<LoadError> CheckSourceFiles(const LoadedRepo& repo);

}  // namespace tessera::registry
