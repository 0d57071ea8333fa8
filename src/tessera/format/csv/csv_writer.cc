// CsvWriter: formats rows into a large text buffer and writes it out in
// chunks to a temporary file, renamed into place by Close().
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>

#include "tessera/core/time.h"
#include "tessera/format/csv/csv.h"
#include "tessera/format/csv/csv_json_list.h"

namespace tessera::csv {

namespace {

constexpr size_t kFlushBytes = 1 << 20;

Status ErrnoStatus(const std::string& what, const std::string& path) {
  return Status::IOError(what + " '" + path + "': " + std::strerror(errno));
}

std::string TempPathFor(const std::string& path) {
  static std::atomic<uint64_t> counter{0};
  return path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

// Appends `text` as one CSV field, quoted when it holds the delimiter, a
// quote or a line break, or is empty (so it reads back as "" and not null).
void AppendTextField(std::string_view text, char delimiter, std::string* out) {
  bool quote = text.empty();
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
  std::string path;
  std::string temp_path;
  int fd = -1;
  SchemaPtr schema;
  CsvWriteOptions options;
  std::string buffer;
  std::string scratch;
  int64_t rows = 0;
  bool closed = false;

  ~Impl() {
    if (fd >= 0) ::close(fd);
    if (!closed && !temp_path.empty()) ::unlink(temp_path.c_str());
  }

  Status Flush() {
    const char* p = buffer.data();
    size_t left = buffer.size();
    while (left > 0) {
      ssize_t n = ::write(fd, p, left);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return ErrnoStatus("cannot write", temp_path);
      p += n;
      left -= static_cast<size_t>(n);
    }
    buffer.clear();
    return Status::OK();
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
  impl->path = path;
  impl->temp_path = TempPathFor(path);
  impl->schema = std::move(schema);
  impl->options = options;
  impl->fd = ::open(impl->temp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (impl->fd < 0) {
    impl->temp_path.clear();  // nothing of ours to remove
    return ErrnoStatus("cannot create", path);
  }
  impl->buffer.reserve(kFlushBytes + (kFlushBytes >> 2));
  impl->AppendHeader();
  return std::unique_ptr<CsvWriter>(new CsvWriter(std::move(impl)));
}

CsvWriter::CsvWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CsvWriter::~CsvWriter() = default;

int64_t CsvWriter::rows_written() const { return impl_->rows; }

Status CsvWriter::Write(const RecordBatch& batch) {
  if (impl_->closed) return Status::Invalid("CsvWriter::Write after Close");
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
  TS_RETURN_NOT_OK(impl_->Flush());
  // fsync before rename: after a crash the file is either whole or absent.
  if (::fsync(impl_->fd) != 0) return ErrnoStatus("cannot sync", impl_->temp_path);
  int fd = impl_->fd;
  impl_->fd = -1;
  if (::close(fd) != 0) return ErrnoStatus("cannot close", impl_->temp_path);
  if (std::rename(impl_->temp_path.c_str(), impl_->path.c_str()) != 0) {
    return ErrnoStatus("cannot rename into place", impl_->path);
  }
  impl_->closed = true;
  return Status::OK();
}

Status WriteCsvFile(const std::string& path, const std::vector<RecordBatchPtr>& batches,
                    const SchemaPtr& schema) {
  TS_ASSIGN_OR_RETURN(auto writer, CsvWriter::Open(path, schema));
  for (const RecordBatchPtr& batch : batches) TS_RETURN_NOT_OK(writer->Write(*batch));
  return writer->Close();
}

}  // namespace tessera::csv
