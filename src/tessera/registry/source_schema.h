// The columns and types a batch or push source offers the views that read
// it (issue 7, "Checked at plan and apply"), resolved from:
//   - its `schema:` when declared (one column set, "the schema of source
//     's'");
//   - else its files, one column set per file matched by `path` (a file or
//     glob relative to the repo root): a Parquet file's footer gives exact
//     types; a CSV file is text, so a column's type is the one a view
//     reading the source declares for it (feature, join key, timestamp
//     field) and is inferred (csv::InferCsvSchema) only for the others;
//   - a push source without `schema:` takes its batch source's sets.
// Resolution reads only footers, headers and the CSV inference sample; it
// never changes a file. Thread-safe (no shared state).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "tessera/registry/loader.h"

namespace tessera::registry {

struct SourceColumn {
  std::string name;
  DataType type;
};

// The columns of one place a source's rows come from.
struct ColumnSet {
  // How messages name the place: "data/sources/users.parquet" (relative to
  // the repo root) or "the schema of source 'users'".
  std::string origin;
  // True for a CSV file: every value is text, parsed by the type a view
  // declares when it is read, so any declared type is compatible.
  bool text = false;
  std::vector<SourceColumn> columns;

  // The column named `name`, or nullptr.
  const SourceColumn* Find(const std::string& name) const;
  // The column name closest to `name` when it is close enough to be a
  // likely misspelling (core/suggest.h SuggestName), else "".
  std::string ClosestName(const std::string& name) const;
};

struct SourceSchema {
  // A declared schema: one set; files: one per matched file, in path order.
  // Empty when the source could not be resolved (the error says why).
  std::vector<ColumnSet> sets;
  bool declared = false;  // from `schema:` (of the source or, push, its batch source)
};

// Resolves every batch and push source of `repo` (request sources are
// their schema and are not listed). Each problem is appended to `errors`
// as "file:line: reason" at the source: a path matching no file (unless the
// source is the batch source of a push source and declares `schema:`: its
// history may start empty), a file that cannot be read or is neither
// Parquet nor CSV. A source with an error maps to an empty SourceSchema.
std::map<std::string, SourceSchema> ResolveSourceSchemas(const LoadedRepo& repo,
                                                         std::vector<LoadError>* errors);

// True when a value of column type `column` can be read as `declared`
// without loss: the same type, or int32 -> int64, int32 -> double,
// float -> double.
bool IsLosslessWidening(DataType column, DataType declared);

}  // namespace tessera::registry
