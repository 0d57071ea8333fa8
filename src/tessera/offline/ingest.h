// Ingest: appends the rows of Parquet or CSV files to a source's log
// (source_log.h) as ONE commit, after checking them against the source's
// contract (ingest_contract.h). What `tessera ingest` and
// FeatureStore::Ingest run.
//
// Per input file (by its extension, .parquet or .csv, any case):
//  - columns are matched by name. A contract column of the same type is
//    taken as is; one whose file type widens to it losslessly (int32 ->
//    int64 or double, float -> double) is widened; any other Parquet type
//    is an error. A CSV field is parsed as the contract type (a bad field
//    is "file:row:column: reason", csv.h).
//  - a required column (timestamp field, join keys) missing from the file
//    is an error; an optional one is logged as nulls.
//  - columns outside the contract are not logged; IngestResult names them.
//  - a null in a required column is "file:row:column: reason", where row
//    is the CSV record number (the header is 1) or the Parquet row number
//    (1-based).
// The first bad file or row fails the whole call and nothing of it becomes
// visible (CommitBatches undoes its files). Headers and footers of every
// file are checked before the log is touched; rows are checked as they are
// written, under the log's lock (so seqs are known while the part is
// written: the lock is held for the whole write).
//
// Thread-safety: calls are independent; concurrent ingests into one log
// (threads or processes) serialize on its lock and all land.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tessera/core/env.h"
#include "tessera/core/record_batch.h"
#include "tessera/core/result.h"
#include "tessera/offline/ingest_contract.h"
#include "tessera/registry/loader.h"

namespace tessera::offline {

struct IngestOptions {
  Env* env = Env::Default();  // not owned
  int64_t csv_batch_size = 65536;
  int64_t row_group_size = 1 << 20;  // rows per row group of the log part
};

struct IngestResult {
  std::string log_source;  // the batch source whose log took the rows
  std::string log_dir;
  int64_t num_rows = 0;
  int64_t first_seq = 0;  // the seq range given; 0 and 0 when no rows
  int64_t last_seq = 0;
  // Input columns that are not in the contract (not logged), each once.
  std::vector<std::string> ignored_columns;
};

// The repo's offline root: config.offline_path, relative to repo.root
// unless absolute.
std::string OfflineRoot(const registry::LoadedRepo& repo);

// Ingests `files` (paths as the user wrote them, relative to the working
// folder unless absolute) into `source`'s log in `repo`.
Result<IngestResult> Ingest(const registry::LoadedRepo& repo, const std::string& source,
                            const std::vector<std::string>& files,
                            const IngestOptions& options = {});

// Rows already in memory (a push): `rows` as the contract's columns, checked
// as a file's are (columns by name, the same type or a lossless widening,
// required columns present and never null, other columns dropped).
// InvalidArgument, `label` naming the rows: "<label>: column 'user_id' is
// missing (it is a join key of view 'v')", "<label>: column 'age' is
// string, but source 's' takes int64", "<label>.user_id[2]: null, but it
// is ... and may not be null" (rows counted from 0, as in a JSON list).
Result<RecordBatchPtr> ConformRows(const IngestContract& contract, const RecordBatch& rows,
                                   const std::string& label);

// Ingest for rows in memory: ConformRows, then ONE commit as Ingest makes
// (what a push to the offline store runs). Nothing is logged on error.
Result<IngestResult> IngestRows(const registry::LoadedRepo& repo, const std::string& source,
                                const RecordBatch& rows, const std::string& label,
                                const IngestOptions& options = {});

}  // namespace tessera::offline
