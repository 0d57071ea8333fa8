// IngestContract: what rows ingested into a source must look like, derived
// from the definitions (issue 8, "tessera ingest"): the columns and their
// types, and which of them must be present and non-null.
//
// Types come from the source's schema as registry/source_schema.h resolves
// it: its declared `schema:`, else the Parquet types of its files, else,
// for a CSV file, the type a view reading the source declares for a column
// (inferred from the file for the others). A column a view declares with a
// type its file type widens to losslessly (int32 file, int64 join key)
// takes the declared, wider type. A source whose schema does not resolve
// (a log-only source whose path matches no file yet; plan and apply report
// the other reasons) takes the types its views declare: join keys,
// features without `expr`, the timestamp fields.
//
// Required (present in every input file, never null): the source's
// timestamp_field and the join keys of every view that reads the log (views
// over the batch source and over every push source logging into it). Every
// other column is optional: missing from a file, it is logged as nulls.
//
// A push source's rows go to its batch source's log, so log_source is that
// batch source and its timestamp_field is the timestamp column.
// Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "tessera/core/result.h"
#include "tessera/core/schema.h"
#include "tessera/registry/loader.h"

namespace tessera::offline {

struct ContractColumn {
  std::string name;
  DataType type;
  // Why it must be present and non-null ("the timestamp field of source
  // 'orders'", "a join key of view 'user_stats'"); empty when optional.
  std::string required_by;
  bool required() const { return !required_by.empty(); }
};

struct IngestContract {
  std::string source;      // the source asked for
  std::string log_source;  // the batch source whose log takes the rows
  std::string timestamp_column;
  std::vector<ContractColumn> columns;  // the log's columns, in this order

  // The column named `name`, or nullptr.
  const ContractColumn* Find(const std::string& name) const;
  // The columns as a Schema (names and types, in order).
  Result<SchemaPtr> ToSchema() const;
};

// The batch source whose log `source` writes to: itself, or a push
// source's batch_source. Errors as ResolveIngestContract.
Result<std::string> LogSourceOf(const registry::LoadedRepo& repo, const std::string& source);

// The contract of `source` in `repo`. NotFound for an unknown source (with
// a suggestion when a name is close), InvalidArgument for a request source.
Result<IngestContract> ResolveIngestContract(const registry::LoadedRepo& repo,
                                             const std::string& source);

}  // namespace tessera::offline
