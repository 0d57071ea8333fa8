// CsvWriter: formats rows into a text buffer and hands it, about 1 MiB at a
// time, to an AtomicFileWriter, which Close() commits into place.
#include <charconv>

#include "tessera/core/atomic_file.h"
#include "tessera/core/time.h"
#include "tessera/format/csv/csv.h"
#include "tessera/format/csv/csv_json_list.h"

namespace tessera::csv {

namespace {

constexpr size_t kFlushBytes = 1 << 20;

// Appends `text` as one CSV field, quoted when it holds the delimiter, a
// quote or a line break, or is empty (so it reads back as "" and not null),
// or starts with U+FEFF (at the start of a file a reader takes those bytes
// for a byte order mark and drops them; found by csv_reader_fuzz).
void AppendTextField(std::string_view text, char delimiter, std::string* out) {
  bool quote = text.empty() || text.starts_with("\xEF\xBB\xBF");
  for (char c : text) {
    if (c == delimiter || c == '"' || c == '\n' || c == '\r') {
      quote = true;
      break;
    }
  }
  if (!quote) {
    out->append(text);
    return;
  }
  out->push_back('"');
  for (char c : text) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

template <typename T>
void AppendInteger(T v, std::string* out) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, res.ptr);
}

// Appends cell `row` of `column`; nulls are empty fields.
void AppendCell(const Array& column, int64_t row, char delimiter, std::string* out,
                std::string* scratch) {
  if (column.IsNull(row)) return;
  switch (column.type().id()) {
    case TypeId::kBool: out->append(column.GetBool(row) ? "true" : "false"); break;
    case TypeId::kInt32: AppendInteger(column.GetInt32(row), out); break;
    case TypeId::kInt64: AppendInteger(column.GetInt64(row), out); break;
    case TypeId::kFloat: internal::AppendFloat(column.GetFloat(row), out); break;
    case TypeId::kDouble: internal::AppendDouble(column.GetDouble(row), out); break;
    case TypeId::kTimestamp: out->append(FormatTimestamp(column.GetInt64(row))); break;
    case TypeId::kString:
    case TypeId::kBytes: AppendTextField(column.GetView(row), delimiter, out); break;
    case TypeId::kList:
      scratch->clear();
      internal::FormatJsonList(column, row, scratch);
      AppendTextField(*scratch, delimiter, out);
      break;
  }
}

}  // namespace

struct CsvWriter::Impl {
  std::unique_ptr<AtomicFileWriter> file;  // removes its temp file unless committed
  SchemaPtr schema;
  CsvWriteOptions options;
  std::string buffer;
  std::string scratch;
  int64_t rows = 0;
  bool closed = false;
  Status error;  // sticky: after a failed write the temp file is gone

  Status Flush() {
    Status st = file->Append(buffer);
    buffer.clear();
    if (!st.ok()) error = st;
    return st;
  }

  void AppendHeader() {
    for (int i = 0; i < schema->num_fields(); ++i) {
      if (i) buffer.push_back(options.delimiter);
      AppendTextField(schema->field(i).name, options.delimiter, &buffer);
    }
    buffer.push_back('\n');
  }
};

Result<std::unique_ptr<CsvWriter>> CsvWriter::Open(const std::string& path, SchemaPtr schema,
                                                   CsvWriteOptions options) {
  if (!schema) return Status::Invalid("CsvWriter::Open: null schema");
  auto impl = std::make_unique<Impl>();
  TS_ASSIGN_OR_RETURN(impl->file, AtomicFileWriter::Create(options.env, path));
  impl->schema = std::move(schema);
  impl->options = options;
  impl->buffer.reserve(kFlushBytes + (kFlushBytes >> 2));
  impl->AppendHeader();
  return std::unique_ptr<CsvWriter>(new CsvWriter(std::move(impl)));
}

CsvWriter::CsvWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CsvWriter::~CsvWriter() = default;

int64_t CsvWriter::rows_written() const { return impl_->rows; }

Status CsvWriter::Write(const RecordBatch& batch) {
  if (impl_->closed) return Status::Invalid("CsvWriter::Write after Close");
  if (!impl_->error.ok()) return impl_->error;
  if (!(*batch.schema() == *impl_->schema)) {
    return Status::Invalid("CsvWriter: batch schema (" + batch.schema()->ToString() +
                           ") differs from the file's (" + impl_->schema->ToString() + ")");
  }
  const char delimiter = impl_->options.delimiter;
  for (int64_t row = 0; row < batch.num_rows(); ++row) {
    for (int c = 0; c < batch.num_columns(); ++c) {
      if (c) impl_->buffer.push_back(delimiter);
      AppendCell(*batch.column(c), row, delimiter, &impl_->buffer, &impl_->scratch);
    }
    impl_->buffer.push_back('\n');
    if (impl_->buffer.size() >= kFlushBytes) TS_RETURN_NOT_OK(impl_->Flush());
  }
  impl_->rows += batch.num_rows();
  return Status::OK();
}

Status CsvWriter::Close() {
  if (impl_->closed) return Status::Invalid("CsvWriter::Close called twice");
  if (!impl_->error.ok()) return impl_->error;
  impl_->closed = true;
  TS_RETURN_NOT_OK(impl_->Flush());
  return impl_->file->Commit();
}

Status WriteCsvFile(const std::string& path, const std::vector<RecordBatchPtr>& batches,
                    const SchemaPtr& schema, CsvWriteOptions options) {
  TS_ASSIGN_OR_RETURN(auto writer, CsvWriter::Open(path, schema, options));
  for (const RecordBatchPtr& batch : batches) TS_RETURN_NOT_OK(writer->Write(*batch));
  return writer->Close();
}

}  // namespace tessera::csv
