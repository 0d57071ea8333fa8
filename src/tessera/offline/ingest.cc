#include "tessera/offline/ingest.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "tessera/core/suggest.h"
#include "tessera/format/csv/csv.h"
#include "tessera/format/parquet/reader.h"
#include "tessera/offline/ingest_contract.h"
#include "tessera/offline/source_log.h"
#include "tessera/registry/source_schema.h"

namespace tessera::offline {
namespace {

enum class FileFormat { kParquet, kCsv };

Result<FileFormat> FormatOf(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ext == ".parquet") return FileFormat::kParquet;
  if (ext == ".csv") return FileFormat::kCsv;
  return Status::Invalid(path +
                         ": neither Parquet nor CSV (the name must end in .parquet or .csv)");
}

Result<ArrayPtr> NullArray(DataType type, int64_t n) {
  std::unique_ptr<ArrayBuilder> b = ArrayBuilder::Make(type);
  TS_RETURN_NOT_OK(b->Reserve(n));
  for (int64_t i = 0; i < n; ++i) TS_RETURN_NOT_OK(b->AppendNull());
  return b->Finish();
}

template <typename From, typename To>
Result<ArrayPtr> WidenAs(const Array& in, DataType to) {
  NumericBuilder<To> b(to);
  TS_RETURN_NOT_OK(b.Reserve(in.length()));
  const From* v = in.values<From>();
  for (int64_t i = 0; i < in.length(); ++i) {
    TS_RETURN_NOT_OK(in.IsNull(i) ? b.AppendNull() : b.Append(static_cast<To>(v[i])));
  }
  return b.Finish();
}

// `in` as `to`. REQUIRES: registry::IsLosslessWidening(in.type(), to).
Result<ArrayPtr> Widen(const ArrayPtr& in, DataType to) {
  if (in->type() == to) return in;
  if (in->type() == DataType::Int32() && to == DataType::Int64()) {
    return WidenAs<int32_t, int64_t>(*in, to);
  }
  if (in->type() == DataType::Int32() && to == DataType::Double()) {
    return WidenAs<int32_t, double>(*in, to);
  }
  if (in->type() == DataType::Float() && to == DataType::Double()) {
    return WidenAs<float, double>(*in, to);
  }
  return Status::Internal("no widening from " + in->type().ToString() + " to " + to.ToString());
}

// One input file read as batches of the contract's schema, checked.
class InputFile {
 public:
  // Opens `path` and checks its header or footer against the contract;
  // adds the columns it ignores to `ignored`.
  static Result<std::unique_ptr<InputFile>> Open(const std::string& path,
                                                 const IngestContract& contract,
                                                 const SchemaPtr& schema,
                                                 const IngestOptions& options,
                                                 std::vector<std::string>* ignored) {
    TS_ASSIGN_OR_RETURN(FileFormat format, FormatOf(path));
    auto file = std::unique_ptr<InputFile>(new InputFile(path, contract, schema));
    TS_ASSIGN_OR_RETURN(std::vector<Field> fields, format == FileFormat::kCsv
                                                       ? file->CsvFields(options.env)
                                                       : file->ParquetFields(options.env));
    for (const Field& f : fields) {
      if (contract.Find(f.name) != nullptr) continue;
      if (std::find(ignored->begin(), ignored->end(), f.name) == ignored->end()) {
        ignored->push_back(f.name);
      }
    }
    TS_RETURN_NOT_OK(file->MapColumns(fields, format == FileFormat::kCsv));
    TS_RETURN_NOT_OK(file->OpenReader(format, options));
    return file;
  }

  // The next batch in the contract's schema, or nullptr at the end.
  Result<RecordBatchPtr> Next() {
    TS_ASSIGN_OR_RETURN(RecordBatchPtr in, reader_->Next());
    if (in == nullptr) return in;
    TS_RETURN_NOT_OK(CheckRequired(*in));
    std::vector<ArrayPtr> columns;
    for (size_t c = 0; c < contract_.columns.size(); ++c) {
      const DataType type = contract_.columns[c].type;
      if (input_column_[c] < 0) {
        TS_ASSIGN_OR_RETURN(ArrayPtr nulls, NullArray(type, in->num_rows()));
        columns.push_back(std::move(nulls));
      } else {
        TS_ASSIGN_OR_RETURN(ArrayPtr col, Widen(in->column(input_column_[c]), type));
        columns.push_back(std::move(col));
      }
    }
    rows_before_ += in->num_rows();
    return RecordBatch::Make(schema_, std::move(columns));
  }

 private:
  InputFile(std::string path, const IngestContract& contract, SchemaPtr schema)
      : path_(std::move(path)), contract_(contract), schema_(std::move(schema)) {}

  Result<std::vector<Field>> CsvFields(Env* env) {
    TS_ASSIGN_OR_RETURN(std::vector<std::string> header, csv::ReadCsvHeader(path_, env));
    std::vector<Field> fields;
    for (const std::string& name : header) fields.push_back({name, DataType::String()});
    return fields;
  }

  Result<std::vector<Field>> ParquetFields(Env* env) {
    parquet::ReadOptions ro;
    ro.env = env;
    TS_ASSIGN_OR_RETURN(auto reader, parquet::ParquetReader::Open(path_, ro));
    return reader->schema()->fields();
  }

  // Per contract column, its index among the columns read (or -1), and the
  // type errors of a Parquet file.
  Status MapColumns(const std::vector<Field>& fields, bool text) {
    for (const ContractColumn& c : contract_.columns) {
      auto it = std::find_if(fields.begin(), fields.end(),
                             [&](const Field& f) { return f.name == c.name; });
      if (it == fields.end()) {
        if (c.required()) return Missing(c, text);
        input_column_.push_back(-1);
        continue;
      }
      if (!text && !registry::IsLosslessWidening(it->type, c.type)) {
        return Status::Invalid(path_ + ": column " + Quoted(c.name) + " is " + it->type.ToString() +
                               ", but source " + Quoted(contract_.source) + " takes " +
                               c.type.ToString());
      }
      input_column_.push_back(static_cast<int>(read_fields_.size()));
      read_fields_.push_back({c.name, text ? c.type : it->type});
    }
    return Status::OK();
  }

  Status Missing(const ContractColumn& c, bool text) const {
    if (text) {
      return Status::Invalid(path_ + ":1:" + c.name + ": column missing from the header (it is " +
                             c.required_by + ")");
    }
    return Status::Invalid(path_ + ": column " + Quoted(c.name) + " is missing (it is " +
                           c.required_by + ")");
  }

  Status OpenReader(FileFormat format, const IngestOptions& options) {
    if (format == FileFormat::kCsv) {
      csv::CsvReadOptions co;
      co.env = options.env;
      co.batch_size = options.csv_batch_size;
      TS_ASSIGN_OR_RETURN(SchemaPtr read_schema, Schema::Make(read_fields_));
      TS_ASSIGN_OR_RETURN(auto reader, csv::CsvReader::Open(path_, read_schema, co));
      csv_ = reader.get();
      reader_ = std::move(reader);
      return Status::OK();
    }
    parquet::ReadOptions ro;
    ro.env = options.env;
    for (const Field& f : read_fields_) ro.columns.push_back(f.name);
    // A file with no contract column: read one column for the row count.
    if (ro.columns.empty()) return Status::Invalid(path_ + ": has none of the source's columns");
    TS_ASSIGN_OR_RETURN(reader_, parquet::ParquetReader::Open(path_, ro));
    return Status::OK();
  }

  // The first null in a required column, in row order.
  Status CheckRequired(const RecordBatch& in) const {
    int64_t first_row = in.num_rows();
    const ContractColumn* first_col = nullptr;
    for (size_t c = 0; c < contract_.columns.size(); ++c) {
      const ContractColumn& cc = contract_.columns[c];
      if (!cc.required() || input_column_[c] < 0) continue;
      const Array& a = *in.column(input_column_[c]);
      if (a.null_count() == 0) continue;
      for (int64_t i = 0; i < first_row; ++i) {
        if (a.IsNull(i)) {
          first_row = i;
          first_col = &cc;
          break;
        }
      }
    }
    if (first_col == nullptr) return Status::OK();
    const int64_t row =
        csv_ != nullptr ? csv_->RecordNumber(first_row) : rows_before_ + first_row + 1;
    return Status::Invalid(path_ + ":" + std::to_string(row) + ":" + first_col->name +
                           ": null, but it is " + first_col->required_by + " and may not be null");
  }

  std::string path_;
  const IngestContract& contract_;
  SchemaPtr schema_;
  std::vector<int> input_column_;  // per contract column
  std::vector<Field> read_fields_;
  std::unique_ptr<RecordBatchReader> reader_;
  csv::CsvReader* csv_ = nullptr;  // reader_ when the file is CSV
  int64_t rows_before_ = 0;
};

// The files one after another, each opened when reached.
class IngestReader final : public RecordBatchReader {
 public:
  IngestReader(const std::vector<std::string>& files, const IngestContract& contract,
               SchemaPtr schema, const IngestOptions& options)
      : files_(files), contract_(contract), schema_(std::move(schema)), options_(options) {}

  const SchemaPtr& schema() const override { return schema_; }

  Result<RecordBatchPtr> Next() override {
    while (true) {
      if (current_ == nullptr) {
        if (next_file_ == files_.size()) return RecordBatchPtr();
        TS_ASSIGN_OR_RETURN(current_, InputFile::Open(files_[next_file_++], contract_, schema_,
                                                      options_, &ignored_));
      }
      TS_ASSIGN_OR_RETURN(RecordBatchPtr batch, current_->Next());
      if (batch != nullptr) return batch;
      current_.reset();
    }
  }

 private:
  const std::vector<std::string>& files_;
  const IngestContract& contract_;
  SchemaPtr schema_;
  IngestOptions options_;
  size_t next_file_ = 0;
  std::unique_ptr<InputFile> current_;
  std::vector<std::string> ignored_;  // already reported by Ingest's pre-check
};

}  // namespace

std::string OfflineRoot(const registry::LoadedRepo& repo) {
  return ResolvePath(repo.root, repo.config.offline_path);
}

Result<IngestResult> Ingest(const registry::LoadedRepo& repo, const std::string& source,
                            const std::vector<std::string>& files, const IngestOptions& options) {
  TS_ASSIGN_OR_RETURN(IngestContract contract, ResolveIngestContract(repo, source));
  TS_ASSIGN_OR_RETURN(SchemaPtr schema, contract.ToSchema());
  IngestResult result;
  result.log_source = contract.log_source;
  result.log_dir = SourceLogDir(OfflineRoot(repo), repo.config.project, contract.log_source);
  // Headers and footers first, before the log is touched.
  for (const std::string& file : files) {
    TS_RETURN_NOT_OK(
        InputFile::Open(file, contract, schema, options, &result.ignored_columns).status());
  }
  IngestReader rows(files, contract, schema, options);
  CommitSpec spec;
  spec.log_dir = result.log_dir;
  spec.timestamp_column = contract.timestamp_column;
  spec.env = options.env;
  spec.row_group_size = options.row_group_size;
  TS_ASSIGN_OR_RETURN(LogPart part, CommitBatches(&rows, spec));
  result.num_rows = part.num_rows;
  result.first_seq = part.first_seq;
  result.last_seq = part.last_seq;
  return result;
}

Result<RecordBatchPtr> ConformRows(const IngestContract& contract, const RecordBatch& rows,
                                   const std::string& label) {
  TS_ASSIGN_OR_RETURN(SchemaPtr schema, contract.ToSchema());
  std::vector<ArrayPtr> columns;
  for (const ContractColumn& c : contract.columns) {
    ArrayPtr in = rows.GetColumnByName(c.name);
    if (in == nullptr) {
      if (c.required()) {
        return Status::Invalid(label + ": column " + Quoted(c.name) + " is missing (it is " +
                               c.required_by + ")");
      }
      TS_ASSIGN_OR_RETURN(in, NullArray(c.type, rows.num_rows()));
    } else if (!registry::IsLosslessWidening(in->type(), c.type)) {
      return Status::Invalid(label + ": column " + Quoted(c.name) + " is " + in->type().ToString() +
                             ", but source " + Quoted(contract.source) + " takes " +
                             c.type.ToString());
    }
    TS_ASSIGN_OR_RETURN(in, Widen(in, c.type));
    columns.push_back(std::move(in));
  }
  // The first null of a required column, in row order.
  int64_t first_row = rows.num_rows();
  const ContractColumn* first_col = nullptr;
  for (size_t c = 0; c < contract.columns.size(); ++c) {
    const Array& a = *columns[c];
    if (!contract.columns[c].required() || a.null_count() == 0) continue;
    for (int64_t i = 0; i < first_row; ++i) {
      if (a.IsNull(i)) {
        first_row = i;
        first_col = &contract.columns[c];
        break;
      }
    }
  }
  if (first_col != nullptr) {
    return Status::Invalid(label + "." + first_col->name + "[" + std::to_string(first_row) +
                           "]: null, but it is " + first_col->required_by + " and may not be null");
  }
  return RecordBatch::Make(std::move(schema), std::move(columns));
}

Result<IngestResult> IngestRows(const registry::LoadedRepo& repo, const std::string& source,
                                const RecordBatch& rows, const std::string& label,
                                const IngestOptions& options) {
  TS_ASSIGN_OR_RETURN(IngestContract contract, ResolveIngestContract(repo, source));
  TS_ASSIGN_OR_RETURN(RecordBatchPtr conformed, ConformRows(contract, rows, label));
  IngestResult result;
  result.log_source = contract.log_source;
  result.log_dir = SourceLogDir(OfflineRoot(repo), repo.config.project, contract.log_source);
  VectorBatchReader reader(conformed->schema(), {conformed});
  CommitSpec spec;
  spec.log_dir = result.log_dir;
  spec.timestamp_column = contract.timestamp_column;
  spec.env = options.env;
  spec.row_group_size = options.row_group_size;
  TS_ASSIGN_OR_RETURN(LogPart part, CommitBatches(&reader, spec));
  result.num_rows = part.num_rows;
  result.first_seq = part.first_seq;
  result.last_seq = part.last_seq;
  return result;
}

}  // namespace tessera::offline
