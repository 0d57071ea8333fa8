#include "tessera/offline/row_take.h"

#include <atomic>
#include <cstring>
#include <thread>

namespace tessera::offline {

namespace {

// The column `col` of every chunk (null for absent chunks).
std::vector<const Array*> ChunkColumns(const std::vector<RecordBatchPtr>& chunks, int col) {
  std::vector<const Array*> out(chunks.size(), nullptr);
  for (size_t i = 0; i < chunks.size(); ++i) {
    if (chunks[i]) out[i] = chunks[i]->column(col).get();
  }
  return out;
}

template <int kWidth>
Result<ArrayPtr> TakeFixed(DataType type, const std::vector<const Array*>& src,
                           const std::vector<RowRef>& refs) {
  const int64_t n = static_cast<int64_t>(refs.size());
  TS_ASSIGN_OR_RETURN(auto values, Buffer::Allocate(n * kWidth));
  TS_ASSIGN_OR_RETURN(auto validity, Buffer::Allocate(BitmapBytes(n)));
  std::memset(validity->mutable_data(), 0, static_cast<size_t>(BitmapBytes(n)));
  uint8_t* out = values->mutable_data();
  uint8_t* bits = validity->mutable_data();
  for (int64_t i = 0; i < n; ++i) {
    const RowRef r = refs[static_cast<size_t>(i)];
    if (r.chunk != RowRef::kNoChunk && src[r.chunk]->IsValid(r.row)) {
      std::memcpy(out + i * kWidth, src[r.chunk]->values<uint8_t>() + int64_t{r.row} * kWidth,
                  kWidth);
      SetBit(bits, i);
    } else {
      std::memset(out + i * kWidth, 0, kWidth);
    }
  }
  return Array::Make(type, n, BufferPtr(std::move(validity)), BufferPtr(std::move(values)));
}

Result<ArrayPtr> TakeBinary(DataType type, const std::vector<const Array*>& src,
                            const std::vector<RowRef>& refs) {
  const int64_t n = static_cast<int64_t>(refs.size());
  TS_ASSIGN_OR_RETURN(auto offsets, Buffer::Allocate((n + 1) * 8));
  TS_ASSIGN_OR_RETURN(auto validity, Buffer::Allocate(BitmapBytes(n)));
  std::memset(validity->mutable_data(), 0, static_cast<size_t>(BitmapBytes(n)));
  int64_t* off = offsets->mutable_data_as<int64_t>();
  uint8_t* bits = validity->mutable_data();
  off[0] = 0;
  for (int64_t i = 0; i < n; ++i) {  // pass 1: sizes and validity
    const RowRef r = refs[static_cast<size_t>(i)];
    int64_t len = 0;
    if (r.chunk != RowRef::kNoChunk && src[r.chunk]->IsValid(r.row)) {
      len = static_cast<int64_t>(src[r.chunk]->GetView(r.row).size());
      SetBit(bits, i);
    }
    off[i + 1] = off[i] + len;
  }
  TS_ASSIGN_OR_RETURN(auto data, Buffer::Allocate(off[n]));
  for (int64_t i = 0; i < n; ++i) {  // pass 2: bytes
    if (!GetBit(bits, i)) continue;
    const RowRef r = refs[static_cast<size_t>(i)];
    std::string_view v = src[r.chunk]->GetView(r.row);
    if (!v.empty()) std::memcpy(data->mutable_data() + off[i], v.data(), v.size());
  }
  return Array::Make(type, n, BufferPtr(std::move(validity)), BufferPtr(std::move(data)),
                     BufferPtr(std::move(offsets)));
}

Result<ArrayPtr> TakeGeneric(DataType type, const std::vector<const Array*>& src,
                             const std::vector<RowRef>& refs) {
  auto builder = ArrayBuilder::Make(type);
  TS_RETURN_NOT_OK(builder->Reserve(static_cast<int64_t>(refs.size())));
  for (const RowRef& r : refs) {
    if (r.chunk == RowRef::kNoChunk) {
      TS_RETURN_NOT_OK(builder->AppendNull());
    } else {
      TS_RETURN_NOT_OK(builder->AppendValue(src[r.chunk]->GetValue(r.row)));
    }
  }
  return builder->Finish();
}

Result<ArrayPtr> TakeColumn(DataType type, const std::vector<const Array*>& src,
                            const std::vector<RowRef>& refs) {
  if (type.is_binary_like()) return TakeBinary(type, src, refs);
  switch (type.fixed_width()) {
    case 1: return TakeFixed<1>(type, src, refs);
    case 4: return TakeFixed<4>(type, src, refs);
    case 8: return TakeFixed<8>(type, src, refs);
    default: return TakeGeneric(type, src, refs);
  }
}

int64_t ArrayBytes(const Array& a) {
  int64_t n = 0;
  for (const BufferPtr* b : {&a.validity_buffer(), &a.values_buffer(), &a.offsets_buffer()}) {
    if (*b) n += (*b)->size();
  }
  if (a.child_ptr()) n += ArrayBytes(a.child());
  return n;
}

}  // namespace

Result<std::vector<ArrayPtr>> TakeColumns(const SchemaPtr& schema,
                                          const std::vector<RecordBatchPtr>& chunks,
                                          const std::vector<RowRef>& refs, int num_threads) {
  const int num_columns = schema->num_fields();
  std::vector<Result<ArrayPtr>> columns(static_cast<size_t>(num_columns),
                                        Status::Internal("column not taken"));
  std::atomic<int> next{0};
  auto work = [&] {
    for (int c = next++; c < num_columns; c = next++) {
      columns[static_cast<size_t>(c)] =
          TakeColumn(schema->field(c).type, ChunkColumns(chunks, c), refs);
    }
  };
  std::vector<std::thread> threads;
  for (int t = 1; t < std::min(num_threads, num_columns); ++t) threads.emplace_back(work);
  work();
  for (auto& t : threads) t.join();
  std::vector<ArrayPtr> arrays;
  for (auto& c : columns) {
    TS_RETURN_NOT_OK(c.status());
    arrays.push_back(std::move(*c));
  }
  return arrays;
}

Result<RecordBatchPtr> TakeRows(const SchemaPtr& schema, const std::vector<RecordBatchPtr>& chunks,
                                const std::vector<RowRef>& refs, int num_threads) {
  TS_ASSIGN_OR_RETURN(std::vector<ArrayPtr> arrays, TakeColumns(schema, chunks, refs, num_threads));
  return RecordBatch::Make(schema, std::move(arrays));
}

int64_t BatchBytes(const RecordBatch& batch) {
  int64_t n = 0;
  for (const ArrayPtr& a : batch.columns()) n += ArrayBytes(*a);
  return n;
}

}  // namespace tessera::offline
