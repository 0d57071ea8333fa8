// ConvertFile: a RecordBatchReader of the input feeds a sink of the output
// format batch by batch.
#include "tessera/format/convert.h"

#include <memory>

#include "tessera/format/csv/csv.h"
#include "tessera/format/parquet/reader.h"

namespace tessera::format {

namespace {

// Where converted batches go: a CSV or a Parquet writer.
class BatchSink {
 public:
  virtual ~BatchSink() = default;
  virtual Status Write(const RecordBatch& batch) = 0;
  virtual Status Close() = 0;
};

template <typename Writer>
class WriterSink final : public BatchSink {
 public:
  explicit WriterSink(std::unique_ptr<Writer> w) : writer_(std::move(w)) {}
  Status Write(const RecordBatch& batch) override { return writer_->Write(batch); }
  Status Close() override { return writer_->Close(); }

 private:
  std::unique_ptr<Writer> writer_;
};

std::string JoinNames(const Schema& schema) {
  std::string out;
  for (const Field& f : schema.fields()) out += (out.empty() ? "" : ", ") + f.name;
  return out;
}

// The fields of `schema` named by `columns`, in that order.
Result<SchemaPtr> Project(const SchemaPtr& schema, const std::vector<std::string>& columns,
                          const std::string& path) {
  if (columns.empty()) return schema;
  std::vector<Field> fields;
  for (const std::string& name : columns) {
    int i = schema->IndexOf(name);
    if (i < 0) {
      return Status::Invalid("no column '" + name + "' in '" + path +
                             "' (columns: " + JoinNames(*schema) + ")");
    }
    fields.push_back(schema->field(i));
  }
  return Schema::Make(std::move(fields));
}

Result<std::unique_ptr<RecordBatchReader>> OpenInput(const ConvertRequest& r) {
  if (r.input_format == FileFormat::kParquet) {
    parquet::ReadOptions read;
    read.columns = r.columns;
    read.env = r.env;
    TS_ASSIGN_OR_RETURN(auto reader, parquet::ParquetReader::Open(r.input, read));
    return std::unique_ptr<RecordBatchReader>(std::move(reader));
  }
  TS_ASSIGN_OR_RETURN(SchemaPtr inferred, csv::InferCsvSchema(r.input, 1000, r.env));
  TS_ASSIGN_OR_RETURN(SchemaPtr schema, Project(inferred, r.columns, r.input));
  csv::CsvReadOptions read;
  read.env = r.env;
  TS_ASSIGN_OR_RETURN(auto reader, csv::CsvReader::Open(r.input, schema, read));
  return std::unique_ptr<RecordBatchReader>(std::move(reader));
}

Result<std::unique_ptr<BatchSink>> OpenOutput(const ConvertRequest& r, const SchemaPtr& schema) {
  if (r.output_format == FileFormat::kCsv) {
    csv::CsvWriteOptions write;
    write.env = r.env;
    TS_ASSIGN_OR_RETURN(auto writer, csv::CsvWriter::Open(r.output, schema, write));
    return std::unique_ptr<BatchSink>(new WriterSink<csv::CsvWriter>(std::move(writer)));
  }
  parquet::WriteOptions write = r.parquet;
  write.env = r.env;
  TS_ASSIGN_OR_RETURN(auto writer, parquet::ParquetWriter::Open(r.output, schema, write));
  return std::unique_ptr<BatchSink>(new WriterSink<parquet::ParquetWriter>(std::move(writer)));
}

}  // namespace

Result<int64_t> ConvertFile(const ConvertRequest& r) {
  // Checked up front so a missing input reads the same for both formats.
  if (!r.env->FileExists(r.input)) {
    return Status::NotFound("input file '" + r.input + "' does not exist");
  }
  TS_ASSIGN_OR_RETURN(std::unique_ptr<RecordBatchReader> reader, OpenInput(r));
  TS_ASSIGN_OR_RETURN(std::unique_ptr<BatchSink> sink, OpenOutput(r, reader->schema()));
  int64_t rows = 0;
  while (true) {
    TS_ASSIGN_OR_RETURN(RecordBatchPtr batch, reader->Next());
    if (!batch) break;
    TS_RETURN_NOT_OK(sink->Write(*batch));
    rows += batch->num_rows();
  }
  TS_RETURN_NOT_OK(sink->Close());
  return rows;
}

}  // namespace tessera::format
