#include "tessera/format/parquet/reader.h"

#include <cstring>
#include <deque>
#include <string>
#include <thread>
#include <unordered_set>

#include "tessera/core/coding.h"
#include "tessera/format/parquet/column_reader.h"
#include "tessera/format/parquet/file_io.h"
#include "tessera/format/parquet/row_group_filter.h"
#include "tessera/format/parquet/schema_mapping.h"

namespace tessera::parquet {

namespace {

constexpr int64_t kMagicSize = 4;
constexpr int64_t kTailSize = 8;  // footer length + magic

std::string FileContext(const std::string& path) { return "file '" + path + "'"; }

// What a cut-short download, a partial copy or a file of another format
// looks like: the reason a user can act on first, the detail after it.
Status NotParquet(const std::string& detail) {
  return Status::Corruption("truncated or not a Parquet file (" + detail + ")");
}

// The byte range [start, start + length) of a column chunk's pages.
Status ChunkRange(const ColumnMetaData& meta, int64_t data_end, int64_t* start, int64_t* length) {
  *start = meta.data_page_offset;
  // Some writers record dictionary_page_offset 0 for "none"; a dictionary
  // always comes before the data pages.
  if (meta.dictionary_page_offset && *meta.dictionary_page_offset >= kMagicSize &&
      *meta.dictionary_page_offset < *start) {
    *start = *meta.dictionary_page_offset;
  }
  *length = meta.total_compressed_size;
  if (*start < kMagicSize || *length < 0 || *start > data_end || *length > data_end - *start) {
    return Status::Corruption("column chunk [" + std::to_string(*start) + ", +" +
                              std::to_string(*length) + ") lies outside the data section");
  }
  return Status::OK();
}

Status CheckMetadata(const FileMetaData& md) {
  if (md.has_encryption_algorithm) return Status::Unsupported("encrypted files are unsupported");
  for (size_t g = 0; g < md.row_groups.size(); ++g) {
    const RowGroup& rg = md.row_groups[g];
    std::string where = "row group " + std::to_string(g);
    if (rg.num_rows < 0) return Status::Corruption(where + ": negative row count");
    if (rg.columns.size() != md.row_groups[0].columns.size()) {
      return Status::Corruption(where + ": column count differs from row group 0");
    }
    for (const ColumnChunk& c : rg.columns) {
      if (c.has_crypto_metadata) return Status::Unsupported("encrypted columns are unsupported");
      if (!c.meta_data) return Status::Corruption(where + ": column chunk without metadata");
      if (c.file_path) return Status::Unsupported("column chunks in other files are unsupported");
    }
  }
  return Status::OK();
}

}  // namespace

struct ParquetReader::Impl {
  std::unique_ptr<InputFile> file;
  ReadOptions options;
  FileMetaData metadata;
  std::vector<ColumnDesc> columns;  // projected, in output order
  SchemaPtr schema;
  std::vector<int> selected;
  int64_t data_end = 0;              // first byte of the footer
  size_t next = 0;                   // index into selected for Next()
  std::deque<RecordBatchPtr> ready;  // decoded ahead by Next()
  Status error;                      // sticky: returned after `ready`

  Status ReadFooter();
  Status Project(const std::vector<FieldMapping>& fields);
  Status SelectRowGroups(const std::vector<FieldMapping>& fields);
  Result<ArrayPtr> ReadColumn(int group, const ColumnDesc& desc) const;
  Result<RecordBatchPtr> Read(int group) const;
};

Status ParquetReader::Impl::ReadFooter() {
  const int64_t size = file->size();
  if (size < kMagicSize + kTailSize) {
    return NotParquet(std::to_string(size) + " bytes, fewer than the " +
                      std::to_string(kMagicSize + kTailSize) + " of an empty Parquet file");
  }
  uint8_t tail[kTailSize];
  uint8_t head[kMagicSize];
  TS_RETURN_NOT_OK(file->ReadAt(size - kTailSize, kTailSize, tail));
  TS_RETURN_NOT_OK(file->ReadAt(0, kMagicSize, head));
  if (std::memcmp(tail + 4, "PARE", 4) == 0) {
    return Status::Unsupported("encrypted Parquet files (PARE footer) are unsupported");
  }
  if (std::memcmp(tail + 4, "PAR1", 4) != 0) return NotParquet("no PAR1 magic at its end");
  if (std::memcmp(head, "PAR1", 4) != 0) return NotParquet("no PAR1 magic at its start");
  const uint32_t footer_len = DecodeFixed32(tail);
  const int64_t room = size - kMagicSize - kTailSize;
  if (footer_len > static_cast<uint64_t>(room)) {
    return NotParquet("its footer claims " + std::to_string(footer_len) + " bytes, only " +
                      std::to_string(room) + " lie between the magics");
  }
  data_end = size - kTailSize - footer_len;
  TS_ASSIGN_OR_RETURN(BufferPtr footer, file->ReadBuffer(data_end, footer_len));
  Result<FileMetaData> md = DecodeFileMetaData(footer->data(), footer->size());
  if (!md.ok()) return md.status().WithContext("footer");
  metadata = std::move(md).MoveValueUnsafe();
  return CheckMetadata(metadata);
}

Status ParquetReader::Impl::Project(const std::vector<FieldMapping>& fields) {
  std::vector<const FieldMapping*> chosen;
  if (options.columns.empty()) {
    for (const FieldMapping& f : fields) chosen.push_back(&f);
  } else {
    std::unordered_set<std::string> seen;
    for (const std::string& name : options.columns) {
      const FieldMapping* found = nullptr;
      for (const FieldMapping& f : fields) found = (!found && f.name == name) ? &f : found;
      if (found == nullptr) return Status::Invalid("no column '" + name + "'");
      if (!seen.insert(name).second) return Status::Invalid("column '" + name + "' asked twice");
      chosen.push_back(found);
    }
  }
  std::vector<Field> schema_fields;
  for (const FieldMapping* f : chosen) {
    TS_RETURN_NOT_OK(f->status);
    columns.push_back(f->column);
    schema_fields.push_back({f->name, f->column.type});
  }
  TS_ASSIGN_OR_RETURN(schema, Schema::Make(std::move(schema_fields)));
  return Status::OK();
}

Status ParquetReader::Impl::SelectRowGroups(const std::vector<FieldMapping>& fields) {
  const int n = static_cast<int>(metadata.row_groups.size());
  if (!options.filter) {
    for (int g = 0; g < n; ++g) selected.push_back(g);
    return Status::OK();
  }
  const RangeFilter& filter = *options.filter;
  const FieldMapping* field = nullptr;
  for (const FieldMapping& f : fields) field = (!field && f.name == filter.column) ? &f : field;
  if (field == nullptr) return Status::Invalid("no filter column '" + filter.column + "'");
  TS_RETURN_NOT_OK(field->status);
  TS_RETURN_NOT_OK(CheckFilterColumn(field->column));
  for (int g = 0; g < n; ++g) {
    const ColumnChunk& chunk =
        metadata.row_groups[static_cast<size_t>(g)].columns[field->column.leaf_index];
    if (ChunkMayMatch(field->column, chunk, filter)) selected.push_back(g);
  }
  return Status::OK();
}

Result<ArrayPtr> ParquetReader::Impl::ReadColumn(int group, const ColumnDesc& desc) const {
  const RowGroup& rg = metadata.row_groups[static_cast<size_t>(group)];
  const ColumnMetaData& meta = *rg.columns[static_cast<size_t>(desc.leaf_index)].meta_data;
  if (meta.type != desc.physical) {
    return Status::Corruption(std::string("column chunk type ") + TypeName(meta.type) +
                              " differs from the schema's " + TypeName(desc.physical));
  }
  if (rg.num_rows == 0 && meta.num_values == 0) {  // nothing to read, offsets may be 0
    return ReadColumnChunk(desc, meta, nullptr, 0, 0, options.verify_crc);
  }
  int64_t start = 0;
  int64_t length = 0;
  TS_RETURN_NOT_OK(ChunkRange(meta, data_end, &start, &length));
  TS_ASSIGN_OR_RETURN(BufferPtr bytes, file->ReadBuffer(start, length));
  return ReadColumnChunk(desc, meta, bytes->data(), bytes->size(), rg.num_rows, options.verify_crc);
}

Result<RecordBatchPtr> ParquetReader::Impl::Read(int group) const {
  std::vector<ArrayPtr> arrays;
  arrays.reserve(columns.size());
  for (const ColumnDesc& desc : columns) {
    Result<ArrayPtr> array = ReadColumn(group, desc);
    if (!array.ok()) {
      return array.status().WithContext(FileContext(file->path()) + ": column '" + desc.name + "'");
    }
    arrays.push_back(std::move(array).MoveValueUnsafe());
  }
  if (columns.empty()) {
    return Status::Invalid(FileContext(file->path()) + ": no columns to read");
  }
  return RecordBatch::Make(schema, std::move(arrays));
}

ParquetReader::ParquetReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ParquetReader::~ParquetReader() = default;

Result<std::unique_ptr<ParquetReader>> ParquetReader::Open(const std::string& path,
                                                           ReadOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  if (impl->options.num_threads < 1) impl->options.num_threads = 1;
  TS_ASSIGN_OR_RETURN(impl->file, InputFile::Open(impl->options.env, path));
  Status st = impl->ReadFooter();
  int64_t leaves = impl->metadata.row_groups.empty()
                       ? -1
                       : static_cast<int64_t>(impl->metadata.row_groups[0].columns.size());
  Result<std::vector<FieldMapping>> fields =
      st.ok() ? MapSchema(impl->metadata.schema, leaves) : Result<std::vector<FieldMapping>>(st);
  if (fields.ok()) st = impl->Project(*fields);
  if (fields.ok() && st.ok()) st = impl->SelectRowGroups(*fields);
  if (!fields.ok()) st = fields.status();
  if (!st.ok()) return st.WithContext(FileContext(path));
  return std::unique_ptr<ParquetReader>(new ParquetReader(std::move(impl)));
}

const FileMetaData& ParquetReader::metadata() const { return impl_->metadata; }
const SchemaPtr& ParquetReader::schema() const { return impl_->schema; }
int ParquetReader::num_row_groups() const {
  return static_cast<int>(impl_->metadata.row_groups.size());
}
const std::vector<int>& ParquetReader::selected_row_groups() const { return impl_->selected; }

Result<RecordBatchPtr> ParquetReader::ReadRowGroup(int i) const {
  if (i < 0 || i >= num_row_groups()) {
    return Status::OutOfRange(FileContext(impl_->file->path()) + ": no row group " +
                              std::to_string(i));
  }
  return impl_->Read(i);
}

Result<RecordBatchPtr> ParquetReader::Next() {
  Impl& m = *impl_;
  if (m.ready.empty() && m.error.ok()) {
    size_t left = m.selected.size() - m.next;
    size_t k = std::min(left, static_cast<size_t>(m.options.num_threads));
    std::vector<Result<RecordBatchPtr>> out(k, Status::Internal("row group not decoded"));
    std::vector<std::thread> threads;
    // Row groups are independent: each worker decodes one with its own
    // buffers and pread calls on the shared descriptor.
    for (size_t t = 1; t < k; ++t) {
      threads.emplace_back([&, t] { out[t] = ReadRowGroup(m.selected[m.next + t]); });
    }
    if (k > 0) out[0] = ReadRowGroup(m.selected[m.next]);
    for (std::thread& th : threads) th.join();
    for (size_t t = 0; t < k && m.error.ok(); ++t) {
      if (out[t].ok()) {
        m.ready.push_back(*out[t]);
      } else {
        m.error = out[t].status();
      }
    }
    m.next += k;
  }
  if (!m.ready.empty()) {
    RecordBatchPtr batch = std::move(m.ready.front());
    m.ready.pop_front();
    return batch;
  }
  if (!m.error.ok()) return m.error;
  return RecordBatchPtr(nullptr);
}

Result<std::vector<RecordBatchPtr>> ReadParquetFile(const std::string& path, ReadOptions options) {
  TS_ASSIGN_OR_RETURN(std::unique_ptr<ParquetReader> reader,
                      ParquetReader::Open(path, std::move(options)));
  return ReadAll(reader.get());
}

}  // namespace tessera::parquet
