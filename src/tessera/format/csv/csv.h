// CSV (RFC 4180) reading and writing with a schema.
//
// Reading: the first row is the header; columns are matched to the schema by
// name (columns absent from the schema are ignored, a schema field missing
// from the header is an error). Fields are parsed by type: int32/int64
// decimal, float/double (also NaN, Infinity, -Infinity), bool (true/false,
// 1/0), timestamp (ISO-8601, see core/time.h), string/bytes as is, lists as
// JSON arrays ("[1.5, 2]"). An empty unquoted field is null; "" (quoted
// empty) is an empty string (and null for types with no empty value).
// Quoted fields may hold commas, doubled quotes and newlines. Records end
// with LF, CRLF or CR; a UTF-8 BOM is skipped. Numbers, bools and timestamps
// may carry surrounding spaces; strings are kept exactly. Blank lines are
// skipped when the header has several columns (with one column a blank
// line is a null). Errors read "file:row:column: reason" where row counts
// physical records (1 is the header) and column is the header's name, e.g.
// "data.csv:7:amount: 'abc' is not a double".
//
// Writing: a header row, then one row per record; timestamps as
// 2024-03-01T12:00:00.000000Z, lists as JSON arrays, nulls as empty fields,
// fields quoted when they hold a comma, quote, CR or LF (and an empty string
// as ""). Files are written to a temporary name and renamed into place.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tessera/core/env.h"
#include "tessera/core/record_batch.h"

namespace tessera::csv {

struct CsvReadOptions {
  int64_t batch_size = 65536;  // rows per RecordBatch
  char delimiter = ',';
  Env* env = Env::Default();  // where the file is read from; not owned
};

class CsvReader : public RecordBatchReader {
 public:
  // `schema` says the type of each column to read, by name.
  static Result<std::unique_ptr<CsvReader>> Open(const std::string& path, SchemaPtr schema,
                                                 CsvReadOptions options = {});
  ~CsvReader() override;
  const SchemaPtr& schema() const override;
  Result<RecordBatchPtr> Next() override;
  // The record number (as errors count them: the header is 1, blank lines
  // count) of row `row` of the batch Next() returned last, so a caller
  // checking values can name the row as "file:row:column".
  // REQUIRES: 0 <= row < that batch's num_rows().
  int64_t RecordNumber(int64_t row) const;

 private:
  struct Impl;
  explicit CsvReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Reads just the header row of a CSV file: the column names.
Result<std::vector<std::string>> ReadCsvHeader(const std::string& path, Env* env = Env::Default());

struct CsvWriteOptions {
  char delimiter = ',';
  Env* env = Env::Default();  // where the file is written; not owned
};

Status WriteCsvFile(const std::string& path, const std::vector<RecordBatchPtr>& batches,
                    const SchemaPtr& schema, CsvWriteOptions options = {});

// CsvWriter: the streaming form of WriteCsvFile, for inputs larger than
// memory. Rows go through an AtomicFileWriter (core/atomic_file.h) to
// "<path>.tmp-XXXXXX"; Close() syncs, renames onto `path` and syncs the
// folder. A writer that fails or is destroyed without a successful Close()
// removes its temporary file, so `path` never holds a half-written file.
// Thread-safety: none.
class CsvWriter {
 public:
  // Creates the temporary file and writes the header row.
  static Result<std::unique_ptr<CsvWriter>> Open(const std::string& path, SchemaPtr schema,
                                                 CsvWriteOptions options = {});
  ~CsvWriter();
  CsvWriter(const CsvWriter&) = delete;
  CsvWriter& operator=(const CsvWriter&) = delete;

  // Appends the rows of `batch`. REQUIRES: its schema equals the writer's
  // (checked: a mismatch is an error).
  Status Write(const RecordBatch& batch);
  // Flushes and renames the file into place. REQUIRES: called once.
  Status Close();
  int64_t rows_written() const;

 private:
  struct Impl;
  explicit CsvWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tessera::csv

namespace tessera::csv {

// Infers a schema from the header and the first `sample_rows` rows: each
// column is the narrowest of bool, int64, double, timestamp (ISO-8601) that
// parses every non-empty sampled field, else string. Only the words
// true/false (any case) infer bool: columns of 0 and 1 infer int64. A column
// with no non-empty sampled field is string. Empty or duplicate header
// names are errors.
Result<SchemaPtr> InferCsvSchema(const std::string& path, int64_t sample_rows = 1000,
                                 Env* env = Env::Default());

}  // namespace tessera::csv
