#include "tessera/format/parquet/column_reader.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "tessera/format/parquet/column_levels.h"
#include "tessera/format/parquet/page_reader.h"
#include "tessera/format/parquet/value_convert.h"
#include "tessera/format/parquet/value_decoder.h"

namespace tessera::parquet {

namespace {

// Copies dense value j to slot i for every valid slot; null slots get 0.
template <typename T>
void SpreadFixed(const T* src, const uint8_t* valid, int64_t n, T* dst) {
  int64_t j = 0;
  for (int64_t i = 0; i < n; ++i) dst[i] = GetBit(valid, i) ? src[j++] : T{};
}

// An Array of `length` slots from dense values and a validity bitmap.
Result<ArrayPtr> MakeSpaced(DataType type, int64_t length, BufferPtr validity, int64_t nulls,
                            const DenseValues& dense) {
  if (dense.count != length - nulls) {
    return Status::Corruption("decoded " + std::to_string(dense.count) + " values for " +
                              std::to_string(length - nulls) + " non-null slots");
  }
  if (nulls == 0) {
    return Array::Make(type, length, nullptr, dense.values, dense.offsets, nullptr, 0);
  }
  const uint8_t* valid = validity->data();
  if (type.is_binary_like()) {
    TS_ASSIGN_OR_RETURN(std::unique_ptr<Buffer> off, Buffer::Allocate((length + 1) * 8));
    int64_t* o = off->mutable_data_as<int64_t>();
    const int64_t* src = dense.offsets->data_as<int64_t>();
    int64_t j = 0;
    o[0] = 0;
    for (int64_t i = 0; i < length; ++i) o[i + 1] = GetBit(valid, i) ? src[++j] : o[i];
    return Array::Make(type, length, validity, dense.values, Buffer::Share(std::move(off)), nullptr,
                       nulls);
  }
  const int w = type.fixed_width();
  TS_ASSIGN_OR_RETURN(std::unique_ptr<Buffer> out, Buffer::Allocate(length * w));
  const uint8_t* src = dense.values->data();
  uint8_t* dst = out->mutable_data();
  switch (w) {
    case 1: SpreadFixed(src, valid, length, dst); break;
    case 4:
      SpreadFixed(reinterpret_cast<const uint32_t*>(src), valid, length,
                  reinterpret_cast<uint32_t*>(dst));
      break;
    default:
      SpreadFixed(reinterpret_cast<const uint64_t*>(src), valid, length,
                  reinterpret_cast<uint64_t*>(dst));
  }
  return Array::Make(type, length, validity, Buffer::Share(std::move(out)), nullptr, nullptr,
                     nulls);
}

class ChunkDecoder {
 public:
  ChunkDecoder(const ColumnDesc& desc, const ColumnMetaData& meta, int64_t num_rows)
      : desc_(desc), meta_(meta), num_rows_(num_rows) {}

  Status Init() {
    TS_RETURN_NOT_OK(
        values_.Init(desc_.physical, PhysicalWidth(desc_.physical, desc_.type_length)));
    if (!desc_.is_list()) TS_RETURN_NOT_OK(values_.ReserveFixed(num_rows_));
    return levels_.Init(desc_, num_rows_);
  }

  Status AddPage(const Page& page) {
    switch (page.header.type) {
      case PageType::kDictionaryPage: return AddDictionary(page);
      case PageType::kDataPage: return AddDataPageV1(page);
      case PageType::kDataPageV2: return AddDataPageV2(page);
      default: return Status::OK();  // index pages carry nothing to decode
    }
  }

  bool done() const { return values_seen_ >= meta_.num_values; }

  Result<ArrayPtr> Finish() {
    if (values_seen_ != meta_.num_values) {
      return Status::Corruption("column chunk ends after " + std::to_string(values_seen_) +
                                " of its " + std::to_string(meta_.num_values) + " values");
    }
    if (levels_.rows() != num_rows_) {
      return Status::Corruption("column chunk holds " + std::to_string(levels_.rows()) +
                                " rows, its row group " + std::to_string(num_rows_));
    }
    TS_ASSIGN_OR_RETURN(DenseValues dense, ConvertValues(desc_, &values_));
    BufferPtr validity;
    if (desc_.max_def > 0) {
      TS_ASSIGN_OR_RETURN(validity, levels_.FinishValidity());
    }
    if (!desc_.is_list()) {
      return MakeSpaced(desc_.type, num_rows_, validity, levels_.null_count(), dense);
    }
    TS_ASSIGN_OR_RETURN(BufferPtr element_validity, levels_.FinishElementValidity());
    TS_ASSIGN_OR_RETURN(ArrayPtr child,
                        MakeSpaced(desc_.value_type, levels_.elements(), element_validity,
                                   levels_.element_nulls(), dense));
    TS_ASSIGN_OR_RETURN(BufferPtr offsets, levels_.FinishOffsets());
    return Array::Make(desc_.type, num_rows_, validity, nullptr, offsets, child,
                       levels_.null_count());
  }

 private:
  Status AddDictionary(const Page& page) {
    if (has_dict_ || values_seen_ > 0) {
      return Status::Corruption("dictionary page after the first page of the chunk");
    }
    const DictionaryPageHeader& h = *page.header.dictionary_page_header;
    if (h.encoding != Encoding::kPlain && h.encoding != Encoding::kPlainDictionary) {
      return Status::Unsupported(std::string("dictionary page encoding ") +
                                 EncodingName(h.encoding));
    }
    if (h.num_values < 0) return Status::Corruption("negative dictionary size");
    TS_RETURN_NOT_OK(dict_.Init(values_.type(), values_.width()));
    TS_RETURN_NOT_OK(DecodeValues(Encoding::kPlain, page.body, page.body_size, h.num_values,
                                  nullptr, &dict_, &scratch_));
    has_dict_ = true;
    return Status::OK();
  }

  Status CheckCount(int64_t n) const {
    if (n < 0 || n > meta_.num_values - values_seen_) {
      return Status::Corruption("page holds " + std::to_string(n) +
                                " values, more than the column chunk's " +
                                std::to_string(meta_.num_values) + " allow");
    }
    return Status::OK();
  }

  Status AddDataPageV1(const Page& page) {
    const DataPageHeader& h = *page.header.data_page_header;
    TS_RETURN_NOT_OK(CheckCount(h.num_values));
    const uint8_t* p = page.body;
    int64_t size = page.body_size;
    if (desc_.max_rep > 0) {
      TS_RETURN_NOT_OK(DecodeLevels(h.repetition_level_encoding, true, desc_.max_rep, h.num_values,
                                    &p, &size, &rep_));
    }
    if (desc_.max_def > 0) {
      TS_RETURN_NOT_OK(DecodeLevels(h.definition_level_encoding, true, desc_.max_def, h.num_values,
                                    &p, &size, &def_));
    }
    return AddValues(h.encoding, h.num_values, p, size);
  }

  Status AddDataPageV2(const Page& page) {
    const DataPageHeaderV2& h = *page.header.data_page_header_v2;
    TS_RETURN_NOT_OK(CheckCount(h.num_values));
    const uint8_t* p = page.body;
    int64_t rep_len = h.repetition_levels_byte_length;
    int64_t def_len = h.definition_levels_byte_length;
    if (desc_.max_rep > 0) {
      const uint8_t* r = p;
      TS_RETURN_NOT_OK(
          DecodeLevels(Encoding::kRle, false, desc_.max_rep, h.num_values, &r, &rep_len, &rep_));
    }
    if (desc_.max_def > 0) {
      const uint8_t* d = p + h.repetition_levels_byte_length;
      TS_RETURN_NOT_OK(
          DecodeLevels(Encoding::kRle, false, desc_.max_def, h.num_values, &d, &def_len, &def_));
    }
    int64_t levels = int64_t{h.repetition_levels_byte_length} + h.definition_levels_byte_length;
    return AddValues(h.encoding, h.num_values, p + levels, page.body_size - levels);
  }

  Status AddValues(Encoding encoding, int64_t n, const uint8_t* data, int64_t size) {
    TS_ASSIGN_OR_RETURN(int64_t non_null,
                        levels_.AddPage(desc_.max_def > 0 ? def_.data() : nullptr,
                                        desc_.max_rep > 0 ? rep_.data() : nullptr, n));
    values_seen_ += n;
    return DecodeValues(encoding, data, size, non_null, has_dict_ ? &dict_ : nullptr, &values_,
                        &scratch_);
  }

  const ColumnDesc& desc_;
  const ColumnMetaData& meta_;
  int64_t num_rows_;
  int64_t values_seen_ = 0;
  bool has_dict_ = false;
  PhysicalValues dict_;
  PhysicalValues values_;
  LevelAssembler levels_;
  std::vector<uint32_t> def_;
  std::vector<uint32_t> rep_;
  std::vector<uint32_t> scratch_;
};

}  // namespace

Result<ArrayPtr> ReadColumnChunk(const ColumnDesc& desc, const ColumnMetaData& meta,
                                 const uint8_t* chunk, int64_t size, int64_t num_rows,
                                 bool verify_crc) {
  if (meta.num_values < 0) return Status::Corruption("negative value count");
  if (!desc.is_list() && meta.num_values != num_rows) {
    return Status::Corruption("column chunk has " + std::to_string(meta.num_values) +
                              " values but its row group " + std::to_string(num_rows) + " rows");
  }
  // Every slot costs its value, a 4-byte level and offsets or bitmap bits;
  // refuse before allocating when that cannot fit the decode budget (a few
  // RLE bytes can claim billions of slots).
  const int64_t slot_bytes = std::max(8, PhysicalWidth(desc.physical, desc.type_length)) + 8;
  if (meta.num_values > kMaxDecodedBytes / slot_bytes) {
    return Status::OutOfRange("column chunk of " + std::to_string(meta.num_values) +
                              " values exceeds the decode limit of " +
                              std::to_string(kMaxDecodedBytes) + " bytes");
  }
  ChunkDecoder decoder(desc, meta, num_rows);
  TS_RETURN_NOT_OK(decoder.Init());
  PageReader pages(chunk, size, meta.codec, verify_crc);
  Page page;
  while (!decoder.done()) {
    TS_ASSIGN_OR_RETURN(bool more, pages.Next(&page));
    if (!more) break;
    Status st = decoder.AddPage(page);
    if (!st.ok()) return st.WithContext("page " + std::to_string(pages.page_index()));
  }
  return decoder.Finish();
}

}  // namespace tessera::parquet
