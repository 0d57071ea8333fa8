// PageWriter (see column_writer_pages.h).
#include "tessera/format/parquet/column_writer_pages.h"

#include <climits>
#include <cstring>

#include "tessera/core/coding.h"
#include "tessera/format/parquet/compression.h"
#include "tessera/format/parquet/encoding.h"

namespace tessera::parquet {

PageWriter::PageWriter(const LeafColumn& leaf, Codec codec, int compression_level)
    : leaf_(leaf), codec_(codec), compression_level_(compression_level) {}

void PageWriter::AppendLevels(const uint32_t* levels, int64_t n, int16_t max_level) {
  const size_t prefix_at = body_.size();
  body_.append(4, '\0');
  EncodeRleBitPacked(levels, n, BitWidth(static_cast<uint64_t>(max_level)), &body_);
  const uint32_t len = static_cast<uint32_t>(body_.size() - prefix_at - 4);
  EncodeFixed32(body_.data() + prefix_at, len);
}

std::string* PageWriter::BeginDataPage(const uint32_t* rep, const uint32_t* def, int64_t n) {
  body_.clear();
  if (leaf_.max_rep > 0) AppendLevels(rep, n, leaf_.max_rep);
  AppendLevels(def, n, leaf_.max_def);
  page_values_ = n;
  return &body_;
}

Status PageWriter::AppendPage(PageHeader header, std::string* out) {
  if (body_.size() > static_cast<size_t>(INT32_MAX)) {
    return Status::Invalid("column '" + leaf_.path[0] + "': a page exceeds 2 GiB");
  }
  const std::string* stored = &body_;
  if (codec_ != Codec::kUncompressed) {
    compressed_.clear();
    TS_RETURN_NOT_OK(Compress(codec_, reinterpret_cast<const uint8_t*>(body_.data()),
                              static_cast<int64_t>(body_.size()), compression_level_,
                              &compressed_));
    stored = &compressed_;
  }
  if (stored->size() > static_cast<size_t>(INT32_MAX)) {
    return Status::Invalid("column '" + leaf_.path[0] + "': a page exceeds 2 GiB");
  }
  header.uncompressed_page_size = static_cast<int32_t>(body_.size());
  header.compressed_page_size = static_cast<int32_t>(stored->size());
  header.crc = static_cast<int32_t>(Crc32(reinterpret_cast<const uint8_t*>(stored->data()),
                                          static_cast<int64_t>(stored->size())));
  const size_t header_at = out->size();
  EncodePageHeader(header, out);
  uncompressed_size_ += static_cast<int64_t>(out->size() - header_at + body_.size());
  out->append(*stored);
  return Status::OK();
}

Status PageWriter::FinishDataPage(Encoding encoding) {
  PageHeader header;
  header.type = PageType::kDataPage;
  DataPageHeader dp;
  dp.num_values = static_cast<int32_t>(page_values_);
  dp.encoding = encoding;
  header.data_page_header = dp;
  TS_RETURN_NOT_OK(AppendPage(std::move(header), &chunk_.data_pages));
  num_values_ += page_values_;
  if (encoding == Encoding::kRleDictionary) {
    ++dictionary_encoded_pages_;
  } else {
    ++plain_pages_;
  }
  return Status::OK();
}

Status PageWriter::WriteDictionaryPage(const std::string& plain, int64_t num_entries) {
  body_ = plain;
  PageHeader header;
  header.type = PageType::kDictionaryPage;
  DictionaryPageHeader dict;
  dict.num_values = static_cast<int32_t>(num_entries);
  dict.encoding = Encoding::kPlain;
  header.dictionary_page_header = dict;
  return AppendPage(std::move(header), &chunk_.dictionary_page);
}

EncodedChunk PageWriter::Finish(Statistics statistics) {
  ColumnMetaData& m = chunk_.meta;
  m.type = leaf_.physical;
  m.path_in_schema = leaf_.path;
  m.codec = codec_;
  m.num_values = num_values_;
  m.total_uncompressed_size = uncompressed_size_;
  m.total_compressed_size =
      static_cast<int64_t>(chunk_.dictionary_page.size() + chunk_.data_pages.size());
  m.data_page_offset = static_cast<int64_t>(chunk_.dictionary_page.size());
  const bool has_dictionary = !chunk_.dictionary_page.empty();
  if (has_dictionary) {
    m.dictionary_page_offset = 0;
    m.encoding_stats.push_back({PageType::kDictionaryPage, Encoding::kPlain, 1});
  }
  if (dictionary_encoded_pages_ > 0) {
    m.encoding_stats.push_back(
        {PageType::kDataPage, Encoding::kRleDictionary, dictionary_encoded_pages_});
  }
  if (plain_pages_ > 0) {
    m.encoding_stats.push_back({PageType::kDataPage, Encoding::kPlain, plain_pages_});
  }
  // PLAIN is listed whenever a dictionary page exists (its body is PLAIN);
  // RLE covers the levels.
  if (has_dictionary || plain_pages_ > 0) m.encodings.push_back(Encoding::kPlain);
  m.encodings.push_back(Encoding::kRle);
  if (dictionary_encoded_pages_ > 0) m.encodings.push_back(Encoding::kRleDictionary);
  m.statistics = std::move(statistics);
  EncodedChunk done = std::move(chunk_);
  // The next chunk of this column is likely about as big: reserve once
  // instead of growing by doubling (each step a copy and fresh page faults).
  chunk_ = EncodedChunk{};
  chunk_.data_pages.reserve(done.data_pages.size() + done.data_pages.size() / 8);
  num_values_ = 0;
  uncompressed_size_ = 0;
  plain_pages_ = 0;
  dictionary_encoded_pages_ = 0;
  return done;
}

}  // namespace tessera::parquet
