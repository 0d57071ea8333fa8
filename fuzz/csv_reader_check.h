// The property checked on each input of csv_reader_fuzz, shared with the
// corpus replay test (tests/format/csv_fuzz_corpus_test.cc) so both check
// the same thing. Header-only; not thread-safe (one scratch folder per
// caller).
//
// Input layout: byte 0 picks the mode (bit 0: declared schema instead of
// inference; bit 1: batches of 7 rows instead of 65536), the rest is the
// CSV text. Reading must end in batches or a Status, never a crash; and
// what was read must survive a write/read round trip: WriteCsvFile, then
// CsvReader with the same schema, gives equal batches.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "tessera/format/csv/csv.h"

namespace tessera::fuzz {

// Every CSV column type; the header names the fields a..l.
inline SchemaPtr CsvFuzzSchema() {
  static const SchemaPtr schema = *Schema::Make({
      {"a", DataType::Bool()},
      {"b", DataType::Int32()},
      {"c", DataType::Int64()},
      {"d", DataType::Float()},
      {"e", DataType::Double()},
      {"f", DataType::Timestamp()},
      {"g", DataType::String()},
      {"h", DataType::Bytes()},
      {"i", DataType::List(TypeId::kDouble)},
      {"j", DataType::List(TypeId::kString)},
      {"k", DataType::List(TypeId::kInt64)},
      {"l", DataType::List(TypeId::kFloat)},
  });
  return schema;
}

inline Result<std::vector<RecordBatchPtr>> ReadAllCsv(const std::string& path,
                                                      const SchemaPtr& schema, int64_t batch_size) {
  csv::CsvReadOptions options;
  options.batch_size = batch_size;
  TS_ASSIGN_OR_RETURN(auto reader, csv::CsvReader::Open(path, schema, options));
  std::vector<RecordBatchPtr> batches;
  while (true) {
    TS_ASSIGN_OR_RETURN(RecordBatchPtr batch, reader->Next());
    if (!batch) return batches;
    batches.push_back(std::move(batch));
  }
}

// Returns "" when the input behaves, else what went wrong. `scratch_dir`
// holds the two files written.
inline std::string CheckCsvInput(const uint8_t* data, size_t size, const std::string& scratch_dir) {
  if (size == 0) return "";
  const bool declared = (data[0] & 1) != 0;
  const int64_t batch_size = (data[0] & 2) != 0 ? 7 : 65536;
  const std::string in = scratch_dir + "/in.csv";
  const std::string out = scratch_dir + "/out.csv";
  FILE* f = std::fopen(in.c_str(), "wb");
  if (f == nullptr) return "cannot write " + in;
  const bool written = std::fwrite(data + 1, 1, size - 1, f) == size - 1;
  if (std::fclose(f) != 0 || !written) return "cannot write " + in;

  SchemaPtr schema;
  if (declared) {
    schema = CsvFuzzSchema();
  } else {
    Result<SchemaPtr> inferred = csv::InferCsvSchema(in);
    if (!inferred.ok()) return "";
    schema = *inferred;
  }
  Result<std::vector<RecordBatchPtr>> first = ReadAllCsv(in, schema, batch_size);
  if (!first.ok()) return "";
  Status st = csv::WriteCsvFile(out, *first, schema);
  if (!st.ok()) return "cannot write back what was read: " + st.ToString();
  Result<std::vector<RecordBatchPtr>> second = ReadAllCsv(out, schema, batch_size);
  if (!second.ok()) return "cannot read back what was written: " + second.status().ToString();
  if (second->size() != first->size()) return "round trip changed the number of batches";
  for (size_t i = 0; i < first->size(); ++i) {
    if (!(*first)[i]->Equals(*(*second)[i])) {
      return "round trip changed batch " + std::to_string(i);
    }
  }
  return "";
}

}  // namespace tessera::fuzz
