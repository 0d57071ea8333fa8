// ParquetReader: reads a Parquet file (flat schema, plus one-level lists of
// primitives in the standard 3-level LIST layout) into RecordBatches, one row
// group at a time, so a file larger than memory streams.
//
// Types map to Tessera's as DESIGN.md section 3b says (DATE -> timestamp at
// midnight UTC, TIMESTAMP NANOS truncated to micros, unsigned -> int64,
// DECIMAL(p<=15) -> double else string, FLOAT16 -> float, INT96 -> timestamp,
// un-annotated BYTE_ARRAY -> bytes); TIME becomes int64 microseconds since
// midnight; a logical type newer than this reader is read by its physical
// type. schema_mapping.h has the full table. Nested structs and maps, lists
// of lists or of structs are rejected with an Unsupported status naming the
// column ("column 'x': nested struct columns are unsupported") when they are
// among the projected columns; a projection that avoids them reads the rest.
// A value Tessera cannot hold (UINT64 above INT64_MAX, an INT96 or
// timestamp beyond int64 micros) is an InvalidArgument naming the column.
//
// Every error names the file, and the column and page where there is one:
// "file 'X': column 'c': page N: CRC mismatch" (N counts the pages of the
// column chunk from 0). Corrupt or hostile input yields a Status, never a
// crash or an unbounded allocation: byte ranges are checked against the
// file, a page may claim at most 1 GiB uncompressed (kMaxPageBytes) and a
// column chunk may decode to at most 2 GiB (kMaxDecodedBytes), checked
// before allocating. Encrypted files ("PARE" footer, encryption metadata or
// encrypted columns) are Unsupported.
//
// Only the projected columns' chunks are read from disk (one pread each).
//
// Thread-safety: ReadRowGroup may be called concurrently from several
// threads on one reader (each call uses its own buffers and pread on the
// shared descriptor); Next() is not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tessera/core/env.h"
#include "tessera/core/record_batch.h"
#include "tessera/format/parquet/metadata.h"

namespace tessera::parquet {

// Keeps only row groups whose min/max statistics may hold a value of
// `column` in [min, max] (inclusive). For timestamp columns the bounds are
// microseconds; for int columns the integer value. Row groups without usable
// statistics are kept. Pruning is coarse: rows outside the range can still
// be returned, the caller filters rows.
struct RangeFilter {
  std::string column;
  int64_t min = INT64_MIN;
  int64_t max = INT64_MAX;
};

struct ReadOptions {
  // Columns to decode, in this order; empty means all. An unknown name is an
  // error.
  std::vector<std::string> columns;
  std::optional<RangeFilter> filter;
  // Row groups decoded at once by ReadAll / Next; 1 = sequential.
  int num_threads = 1;
  // Verify page CRCs when present (a mismatch is a Corruption error).
  bool verify_crc = true;
  // Where the file is read from; not owned.
  Env* env = Env::Default();
};

class ParquetReader : public RecordBatchReader {
 public:
  static Result<std::unique_ptr<ParquetReader>> Open(const std::string& path,
                                                     ReadOptions options = {});
  ~ParquetReader() override;

  const FileMetaData& metadata() const;
  // The schema of the projected columns, as Tessera types.
  const SchemaPtr& schema() const override;
  int num_row_groups() const;
  // Row groups kept by the filter, in file order.
  const std::vector<int>& selected_row_groups() const;

  // Decodes row group `i` (projected columns only).
  Result<RecordBatchPtr> ReadRowGroup(int i) const;
  // The next selected row group's batch (decoded num_threads at a time), or
  // nullptr at the end.
  Result<RecordBatchPtr> Next() override;

 private:
  struct Impl;
  explicit ParquetReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Reads a whole file into batches (one per row group).
Result<std::vector<RecordBatchPtr>> ReadParquetFile(const std::string& path,
                                                    ReadOptions options = {});

}  // namespace tessera::parquet
