// `tessera convert`: a RecordBatchReader of the input feeds a sink of the
// output format one batch at a time, so memory holds one batch (one row
// group for Parquet input, 64Ki rows for CSV) whatever the file size.
#include <filesystem>
#include <iostream>
#include <memory>

#include "tessera/cli/command.h"
#include "tessera/cli/format_commands.h"
#include "tessera/cli/output.h"
#include "tessera/format/csv/csv.h"
#include "tessera/format/parquet/reader.h"
#include "tessera/format/parquet/writer.h"

namespace tessera::cli {

namespace {

// Where converted batches go: a CSV or a Parquet writer.
class BatchSink {
 public:
  virtual ~BatchSink() = default;
  virtual Status Write(const RecordBatch& batch) = 0;
  virtual Status Close() = 0;
};

class CsvSink final : public BatchSink {
 public:
  explicit CsvSink(std::unique_ptr<csv::CsvWriter> w) : writer_(std::move(w)) {}
  Status Write(const RecordBatch& batch) override { return writer_->Write(batch); }
  Status Close() override { return writer_->Close(); }

 private:
  std::unique_ptr<csv::CsvWriter> writer_;
};

class ParquetSink final : public BatchSink {
 public:
  explicit ParquetSink(std::unique_ptr<parquet::ParquetWriter> w) : writer_(std::move(w)) {}
  Status Write(const RecordBatch& batch) override { return writer_->Write(batch); }
  Status Close() override { return writer_->Close(); }

 private:
  std::unique_ptr<parquet::ParquetWriter> writer_;
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

Result<std::unique_ptr<RecordBatchReader>> OpenInput(const ConvertOptions& o, FileFormat format) {
  if (format == FileFormat::kParquet) {
    parquet::ReadOptions read;
    read.columns = SplitColumnList(o.columns_list);
    TS_ASSIGN_OR_RETURN(auto reader, parquet::ParquetReader::Open(o.input, read));
    return std::unique_ptr<RecordBatchReader>(std::move(reader));
  }
  TS_ASSIGN_OR_RETURN(SchemaPtr inferred, csv::InferCsvSchema(o.input));
  TS_ASSIGN_OR_RETURN(SchemaPtr schema,
                      Project(inferred, SplitColumnList(o.columns_list), o.input));
  TS_ASSIGN_OR_RETURN(auto reader, csv::CsvReader::Open(o.input, schema));
  return std::unique_ptr<RecordBatchReader>(std::move(reader));
}

parquet::Codec CodecOf(const std::string& name) {
  if (name == "snappy") return parquet::Codec::kSnappy;
  if (name == "none") return parquet::Codec::kUncompressed;
  return parquet::Codec::kZstd;
}

Result<std::unique_ptr<BatchSink>> OpenOutput(const ConvertOptions& o, FileFormat format,
                                              const SchemaPtr& schema) {
  if (format == FileFormat::kCsv) {
    TS_ASSIGN_OR_RETURN(auto writer, csv::CsvWriter::Open(o.output, schema));
    return std::unique_ptr<BatchSink>(new CsvSink(std::move(writer)));
  }
  parquet::WriteOptions write;
  write.codec = CodecOf(o.compression);
  if (o.row_group_size > 0) write.row_group_size = o.row_group_size;
  TS_ASSIGN_OR_RETURN(auto writer, parquet::ParquetWriter::Open(o.output, schema, write));
  return std::unique_ptr<BatchSink>(new ParquetSink(std::move(writer)));
}

Result<int64_t> Copy(RecordBatchReader* reader, BatchSink* sink) {
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

}  // namespace

CommandStatus RunConvert(const ConvertOptions& o) {
  Result<FileFormat> in_format = FormatOfPath(o.input);
  if (!in_format.ok()) return CommandStatus::Usage(in_format.status().message());
  Result<FileFormat> out_format = FormatOfPath(o.output);
  if (!out_format.ok()) return CommandStatus::Usage(out_format.status().message());
  if (*out_format == FileFormat::kCsv && (!o.compression.empty() || o.row_group_size > 0)) {
    return CommandStatus::Usage("--compression and --row-group-size apply to Parquet output only");
  }
  // Checked up front so a missing input reads the same for both formats.
  std::error_code ec;
  if (!std::filesystem::exists(o.input, ec)) {
    return Status::NotFound("input file '" + o.input + "' does not exist");
  }
  TS_ASSIGN_OR_RETURN(std::unique_ptr<RecordBatchReader> reader, OpenInput(o, *in_format));
  TS_ASSIGN_OR_RETURN(std::unique_ptr<BatchSink> sink, OpenOutput(o, *out_format, reader->schema()));
  TS_ASSIGN_OR_RETURN(int64_t rows, Copy(reader.get(), sink.get()));
  std::cout << "wrote " << CountOf(rows, "row") << " to " << o.output << "\n";
  return Status::OK();
}

}  // namespace tessera::cli
