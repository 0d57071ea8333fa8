// ParquetWriter: writes RecordBatches of one schema to a Parquet file that
// DuckDB, Spark and pyarrow read: PLAIN or dictionary encoding (falling back
// to PLAIN when a dictionary grows past dictionary_page_limit), RLE
// definition levels, repetition levels for list columns (3-level LIST),
// min/max/null_count statistics, ZSTD (default) or SNAPPY, timestamps as
// INT64 TIMESTAMP(MICROS, UTC), strings as BYTE_ARRAY STRING, bytes as
// BYTE_ARRAY.
//
// Crash safety: rows go to "<path>.tmp-<random>"; Close() writes the footer,
// fsyncs and renames onto `path`. A writer destroyed without a successful
// Close() removes its temporary file, so `path` never holds a half file.
//
// Thread-safety: none; one writer per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tessera/core/env.h"
#include "tessera/core/record_batch.h"
#include "tessera/format/parquet/metadata.h"

namespace tessera::parquet {

struct WriteOptions {
  Codec codec = Codec::kZstd;        // kZstd, kSnappy, kUncompressed (also kGzip)
  int compression_level = 1;         // zstd level
  int64_t row_group_size = 1 << 20;  // rows per row group
  int64_t data_page_size = 1 << 20;  // target uncompressed bytes per page
  bool dictionary = true;
  int64_t dictionary_page_limit = 1 << 20;  // bytes of dictionary before PLAIN fallback
  std::string created_by = "tessera version 0.1.0";
  // Columns of a row group encoded and compressed at once (>= 1). The file
  // is the same whatever the value.
  int num_threads = 1;
  // Written as FileMetaData.key_value_metadata.
  std::vector<KeyValue> key_value_metadata;
  // Where the file is written (through an AtomicFileWriter); not owned.
  Env* env = Env::Default();
};

class ParquetWriter {
 public:
  // Creates the temporary file next to `path`. Fails with Invalid for bad
  // options or an unsupported schema, IOError when the file cannot be made.
  static Result<std::unique_ptr<ParquetWriter>> Open(const std::string& path, SchemaPtr schema,
                                                     WriteOptions options = {});
  ~ParquetWriter();
  ParquetWriter(const ParquetWriter&) = delete;
  ParquetWriter& operator=(const ParquetWriter&) = delete;

  // Buffers rows (the batch's arrays are shared, not copied); flushes a row
  // group each time row_group_size rows are buffered. Fails with Invalid
  // when batch.schema() differs from the writer's (nothing is written then).
  // After an I/O or encoding failure the temporary file is removed and
  // every later call fails with the same status.
  Status Write(const RecordBatch& batch);
  // Flushes, writes the footer, fsyncs and renames the file into place.
  // Calling it again after success is a no-op.
  Status Close();

 private:
  struct Impl;
  explicit ParquetWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Writes `batches` (all of `schema`) to `path` in one call.
Status WriteParquetFile(const std::string& path, const SchemaPtr& schema,
                        const std::vector<RecordBatchPtr>& batches, WriteOptions options = {});

}  // namespace tessera::parquet
