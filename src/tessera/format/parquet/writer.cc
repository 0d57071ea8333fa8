// ParquetWriter (see writer.h): buffers batches until a row group is full,
// encodes each column chunk (column_writer.h), then appends the chunks and,
// on Close, the footer to an AtomicFileWriter.
#include "tessera/format/parquet/writer.h"

#include <atomic>
#include <deque>
#include <thread>

#include "tessera/core/atomic_file.h"
#include "tessera/core/coding.h"
#include "tessera/format/parquet/column_writer.h"
#include "tessera/format/parquet/writer_schema.h"

namespace tessera::parquet {
namespace {

constexpr char kMagic[] = "PAR1";

// Rows [begin, end) of one buffered batch, kept alive by its arrays.
struct PendingRows {
  std::vector<ArrayPtr> columns;
  int64_t begin = 0;
  int64_t end = 0;
};

Status ValidateOptions(const WriteOptions& o) {
  if (o.row_group_size <= 0) return Status::Invalid("row_group_size must be positive");
  if (o.data_page_size <= 0) return Status::Invalid("data_page_size must be positive");
  if (o.dictionary_page_limit <= 0) {
    return Status::Invalid("dictionary_page_limit must be positive");
  }
  if (o.num_threads < 1) return Status::Invalid("num_threads must be at least 1");
  switch (o.codec) {
    case Codec::kUncompressed:
    case Codec::kSnappy:
    case Codec::kGzip:
    case Codec::kZstd:
    case Codec::kBrotli:
    case Codec::kLz4Raw: return Status::OK();
    default: return Status::Invalid(std::string("cannot write codec ") + CodecName(o.codec));
  }
}

// Moves `chunk`'s relative offsets to file offsets, given its first byte.
void PlaceChunk(int64_t at, EncodedChunk* chunk) {
  chunk->meta.data_page_offset += at;
  if (chunk->meta.dictionary_page_offset) *chunk->meta.dictionary_page_offset += at;
}

}  // namespace

struct ParquetWriter::Impl {
  std::string path;
  SchemaPtr schema;
  WriteOptions options;
  std::vector<SchemaElement> elements;
  std::vector<LeafColumn> leaves;
  // One per leaf, reused chunk after chunk; used by one thread at a time.
  std::vector<std::unique_ptr<ColumnChunkWriter>> column_writers;
  std::unique_ptr<AtomicFileWriter> file;
  std::deque<PendingRows> pending;
  int64_t pending_rows = 0;
  std::vector<RowGroup> row_groups;
  int64_t num_rows = 0;
  Status error;  // the first failure; sticky
  bool closed = false;

  Status Fail(Status st) {
    if (error.ok()) error = st;
    file->Abandon();
    return st;
  }
  Status FlushRowGroup(int64_t rows);
  Result<EncodedChunk> EncodeColumn(size_t column, int64_t rows);
  Status EncodeColumns(int64_t rows, std::vector<EncodedChunk>* chunks);
  Status AppendChunk(EncodedChunk chunk, RowGroup* group);
  void ConsumePending(int64_t rows);
  Status WriteFooter();
};

Result<EncodedChunk> ParquetWriter::Impl::EncodeColumn(size_t column, int64_t rows) {
  ColumnChunkWriter* writer = column_writers[column].get();
  int64_t left = rows;
  for (const PendingRows& p : pending) {
    if (left == 0) break;
    const int64_t n = std::min(left, p.end - p.begin);
    TS_RETURN_NOT_OK(writer->Append(*p.columns[column], p.begin, p.begin + n));
    left -= n;
  }
  return writer->Finish();
}

// Encodes every column of the next `rows` rows, num_threads columns at once.
Status ParquetWriter::Impl::EncodeColumns(int64_t rows, std::vector<EncodedChunk>* chunks) {
  const size_t n = leaves.size();
  chunks->resize(n);
  std::vector<Status> statuses(n);
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t c = next++; c < n; c = next++) {
      Result<EncodedChunk> r = EncodeColumn(c, rows);
      if (r.ok()) {
        (*chunks)[c] = std::move(r).MoveValueUnsafe();
      } else {
        statuses[c] = r.status();
      }
    }
  };
  const size_t threads = std::min(n, static_cast<size_t>(options.num_threads));
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  for (const Status& st : statuses) TS_RETURN_NOT_OK(st);
  return Status::OK();
}

Status ParquetWriter::Impl::AppendChunk(EncodedChunk chunk, RowGroup* group) {
  const int64_t at = file->position();
  PlaceChunk(at, &chunk);
  TS_RETURN_NOT_OK(file->Append(chunk.dictionary_page));
  TS_RETURN_NOT_OK(file->Append(chunk.data_pages));
  if (!group->file_offset) group->file_offset = at;
  group->total_byte_size += chunk.meta.total_uncompressed_size;
  *group->total_compressed_size += chunk.meta.total_compressed_size;
  ColumnChunk cc;
  cc.meta_data = std::move(chunk.meta);
  group->columns.push_back(std::move(cc));
  return Status::OK();
}

void ParquetWriter::Impl::ConsumePending(int64_t rows) {
  pending_rows -= rows;
  while (rows > 0) {
    PendingRows& p = pending.front();
    const int64_t n = std::min(rows, p.end - p.begin);
    p.begin += n;
    rows -= n;
    if (p.begin == p.end) pending.pop_front();
  }
}

Status ParquetWriter::Impl::FlushRowGroup(int64_t rows) {
  RowGroup group;
  group.num_rows = rows;
  group.total_compressed_size = 0;
  group.ordinal = static_cast<int16_t>(row_groups.size());
  if (options.num_threads <= 1) {
    // One chunk in memory at a time.
    for (size_t c = 0; c < leaves.size(); ++c) {
      TS_ASSIGN_OR_RETURN(EncodedChunk chunk, EncodeColumn(c, rows));
      TS_RETURN_NOT_OK(AppendChunk(std::move(chunk), &group));
    }
  } else {
    std::vector<EncodedChunk> chunks;
    TS_RETURN_NOT_OK(EncodeColumns(rows, &chunks));
    for (EncodedChunk& chunk : chunks) TS_RETURN_NOT_OK(AppendChunk(std::move(chunk), &group));
  }
  ConsumePending(rows);
  num_rows += rows;
  row_groups.push_back(std::move(group));
  return Status::OK();
}

Status ParquetWriter::Impl::WriteFooter() {
  FileMetaData md;
  md.version = 1;
  md.schema = elements;
  md.num_rows = num_rows;
  md.row_groups = std::move(row_groups);
  md.key_value_metadata = options.key_value_metadata;
  md.created_by = options.created_by;
  md.column_orders.assign(leaves.size(), ColumnOrder{1});  // TYPE_ORDER
  std::string footer;
  EncodeFileMetaData(md, &footer);
  PutFixed32(&footer, static_cast<uint32_t>(footer.size()));
  footer.append(kMagic, 4);
  return file->Append(footer);
}

ParquetWriter::ParquetWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ParquetWriter::~ParquetWriter() = default;  // the file's destructor removes the temp file

Result<std::unique_ptr<ParquetWriter>> ParquetWriter::Open(const std::string& path,
                                                           SchemaPtr schema, WriteOptions options) {
  if (schema == nullptr) return Status::Invalid("ParquetWriter needs a schema");
  TS_RETURN_NOT_OK(ValidateOptions(options).WithContext(path));
  auto impl = std::make_unique<Impl>();
  TS_RETURN_NOT_OK(BuildParquetSchema(*schema, &impl->elements, &impl->leaves).WithContext(path));
  TS_ASSIGN_OR_RETURN(impl->file, AtomicFileWriter::Create(options.env, path));
  TS_RETURN_NOT_OK(impl->file->Append(kMagic, 4));
  impl->path = path;
  impl->schema = std::move(schema);
  impl->options = std::move(options);
  for (const LeafColumn& leaf : impl->leaves) {
    impl->column_writers.push_back(ColumnChunkWriter::Make(leaf, impl->options));
  }
  return std::unique_ptr<ParquetWriter>(new ParquetWriter(std::move(impl)));
}

Status ParquetWriter::Write(const RecordBatch& batch) {
  Impl& w = *impl_;
  if (!w.error.ok()) return w.error;
  if (w.closed) return Status::Invalid("write to a closed Parquet writer: " + w.path);
  if (!(*batch.schema() == *w.schema)) {
    return Status::Invalid("batch schema (" + batch.schema()->ToString() +
                           ") differs from the writer's (" + w.schema->ToString() + "): " + w.path);
  }
  if (batch.num_rows() == 0) return Status::OK();
  w.pending.push_back(PendingRows{batch.columns(), 0, batch.num_rows()});
  w.pending_rows += batch.num_rows();
  while (w.pending_rows >= w.options.row_group_size) {
    Status st = w.FlushRowGroup(w.options.row_group_size);
    if (!st.ok()) return w.Fail(st.WithContext(w.path));
  }
  return Status::OK();
}

Status ParquetWriter::Close() {
  Impl& w = *impl_;
  if (!w.error.ok()) return w.error;
  if (w.closed) return Status::OK();
  Status st;
  if (w.pending_rows > 0) st = w.FlushRowGroup(w.pending_rows);
  if (st.ok()) st = w.WriteFooter();
  if (!st.ok()) return w.Fail(st.WithContext(w.path));
  st = w.file->Commit();
  if (!st.ok()) {
    w.error = st;
    return st;
  }
  w.closed = true;
  w.pending.clear();
  return Status::OK();
}

Status WriteParquetFile(const std::string& path, const SchemaPtr& schema,
                        const std::vector<RecordBatchPtr>& batches, WriteOptions options) {
  TS_ASSIGN_OR_RETURN(auto writer, ParquetWriter::Open(path, schema, std::move(options)));
  for (const RecordBatchPtr& batch : batches) TS_RETURN_NOT_OK(writer->Write(*batch));
  return writer->Close();
}

}  // namespace tessera::parquet
