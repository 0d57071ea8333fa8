// CsvReader: the header maps file columns to schema fields once; each row is
// then tokenized in place and each mapped field parsed straight into its
// column builder, batch_size rows per RecordBatch.
#include <string>
#include <vector>

#include "tessera/format/csv/csv.h"
#include "tessera/format/csv/csv_field_parser.h"
#include "tessera/format/csv/csv_text.h"
#include "tessera/format/csv/csv_tokenizer.h"

namespace tessera::csv {

using internal::CsvField;
using internal::CsvTokenizer;

struct CsvReader::Impl {
  std::unique_ptr<CsvTokenizer> tokenizer;
  SchemaPtr schema;
  CsvReadOptions options;
  size_t num_header_fields = 0;
  // For each header position, the schema field it feeds, or -1 (ignored).
  std::vector<int> field_of_column;
  std::vector<internal::ColumnParser> parsers;  // one per schema field
  std::vector<CsvField> fields;                 // the current record
  std::vector<int64_t> record_numbers;          // of the rows of the current batch
  bool done = false;
  Status error;  // sticky: a failed reader keeps failing the same way

  Status MapHeader(const std::vector<std::string>& header);
  // Reads up to batch_size rows into the parsers; *rows says how many.
  Status ReadRows(int64_t* rows);
  Status AppendRecord();
  Result<RecordBatchPtr> FinishBatch();
};

Status CsvReader::Impl::MapHeader(const std::vector<std::string>& header) {
  num_header_fields = header.size();
  field_of_column.assign(header.size(), -1);
  for (size_t i = 0; i < header.size(); ++i) {
    int f = schema->IndexOf(header[i]);
    if (f < 0) continue;
    for (size_t j = 0; j < i; ++j) {
      if (field_of_column[j] == f) {
        return Status::Invalid(tokenizer->Where(1, i) + ": duplicate column name in the header");
      }
    }
    field_of_column[i] = f;
  }
  for (int f = 0; f < schema->num_fields(); ++f) {
    bool found = false;
    for (int mapped : field_of_column) found = found || mapped == f;
    if (!found) {
      return Status::Invalid(tokenizer->path() + ":1:" + schema->field(f).name +
                             ": column missing from the header");
    }
  }
  return Status::OK();
}

Status CsvReader::Impl::AppendRecord() {
  for (size_t i = 0; i < num_header_fields; ++i) {
    int f = field_of_column[i];
    if (f < 0) continue;
    Status st = parsers[static_cast<size_t>(f)].Append(fields[i]);
    if (!st.ok()) return st.WithContext(tokenizer->Where(tokenizer->record_number(), i));
  }
  return Status::OK();
}

Status CsvReader::Impl::ReadRows(int64_t* rows) {
  *rows = 0;
  record_numbers.clear();
  while (*rows < options.batch_size) {
    TS_ASSIGN_OR_RETURN(bool more, tokenizer->Next(&fields));
    if (!more) {
      done = true;
      break;
    }
    if (num_header_fields > 1 && internal::IsBlankLine(fields)) continue;
    TS_RETURN_NOT_OK(internal::CheckFieldCount(*tokenizer, fields, num_header_fields));
    TS_RETURN_NOT_OK(AppendRecord());
    record_numbers.push_back(tokenizer->record_number());
    ++*rows;
  }
  return Status::OK();
}

Result<RecordBatchPtr> CsvReader::Impl::FinishBatch() {
  std::vector<ArrayPtr> columns;
  columns.reserve(parsers.size());
  for (internal::ColumnParser& p : parsers) {
    TS_ASSIGN_OR_RETURN(ArrayPtr column, p.Finish());
    columns.push_back(std::move(column));
  }
  return RecordBatch::Make(schema, std::move(columns));
}

Result<std::unique_ptr<CsvReader>> CsvReader::Open(const std::string& path, SchemaPtr schema,
                                                   CsvReadOptions options) {
  if (!schema) return Status::Invalid("CsvReader::Open: null schema");
  if (options.batch_size <= 0) return Status::Invalid("CsvReader::Open: batch_size must be > 0");
  auto impl = std::make_unique<Impl>();
  TS_ASSIGN_OR_RETURN(impl->tokenizer, CsvTokenizer::Open(path, options.delimiter, options.env));
  impl->schema = std::move(schema);
  impl->options = options;
  TS_ASSIGN_OR_RETURN(std::vector<std::string> header,
                      internal::ReadHeaderRow(impl->tokenizer.get()));
  TS_RETURN_NOT_OK(impl->MapHeader(header));
  for (const Field& f : impl->schema->fields()) impl->parsers.emplace_back(f.type);
  return std::unique_ptr<CsvReader>(new CsvReader(std::move(impl)));
}

CsvReader::CsvReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CsvReader::~CsvReader() = default;

const SchemaPtr& CsvReader::schema() const { return impl_->schema; }

Result<RecordBatchPtr> CsvReader::Next() {
  if (!impl_->error.ok()) return impl_->error;
  if (impl_->done) return RecordBatchPtr();
  int64_t rows = 0;
  Status st = impl_->ReadRows(&rows);
  if (!st.ok()) {
    impl_->error = st;
    return st;
  }
  if (rows == 0) return RecordBatchPtr();
  return impl_->FinishBatch();
}

int64_t CsvReader::RecordNumber(int64_t row) const {
  return impl_->record_numbers[static_cast<size_t>(row)];
}

Result<std::vector<std::string>> ReadCsvHeader(const std::string& path, Env* env) {
  TS_ASSIGN_OR_RETURN(auto tokenizer, CsvTokenizer::Open(path, ',', env));
  return internal::ReadHeaderRow(tokenizer.get());
}

}  // namespace tessera::csv
