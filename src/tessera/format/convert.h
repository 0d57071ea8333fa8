// ConvertFile: copies a CSV or Parquet file into a CSV or Parquet file, one
// RecordBatch at a time (one row group for Parquet input, 64Ki rows for
// CSV), so memory holds one batch whatever the file size. CSV input types
// come from InferCsvSchema. The output is written through an
// AtomicFileWriter: on any failure it is left as it was (absent, or the old
// file byte for byte) and no temporary file remains. `tessera convert` is
// this function plus argument checking.
//
// Every file access goes through `request.env`, so a test can inject a
// fault at each I/O call in turn (core/fault_injection_env.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tessera/core/env.h"
#include "tessera/core/result.h"
#include "tessera/format/parquet/writer.h"

namespace tessera::format {

enum class FileFormat { kCsv, kParquet };

struct ConvertRequest {
  std::string input;
  std::string output;
  FileFormat input_format = FileFormat::kCsv;
  FileFormat output_format = FileFormat::kParquet;
  // Columns to copy, in this order; empty: all. An unknown name is an
  // InvalidArgument listing the file's columns.
  std::vector<std::string> columns;
  // For Parquet output (its env field is ignored: `env` below is used).
  parquet::WriteOptions parquet;
  Env* env = Env::Default();  // not owned
};

// Returns the number of rows written. NotFound ("input file 'X' does not
// exist") for a missing input.
Result<int64_t> ConvertFile(const ConvertRequest& request);

}  // namespace tessera::format
