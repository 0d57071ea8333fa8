#include "tessera/format/parquet/page_reader.h"

#include <cstring>
#include <new>
#include <string>

#include "tessera/format/parquet/compression.h"

namespace tessera::parquet {

namespace {

Status Bad(const std::string& what) { return Status::Corruption(what); }

}  // namespace

Result<bool> PageReader::Next(Page* page) {
  if (pos_ >= end_) return false;
  ++index_;
  Status st = Decode(page);
  if (!st.ok()) return st.WithContext("page " + std::to_string(index_));
  return true;
}

Status PageReader::CheckSizes(const PageHeader& h) const {
  if (h.compressed_page_size < 0 || h.compressed_page_size > end_ - pos_) {
    return Bad("compressed page size " + std::to_string(h.compressed_page_size) +
               " runs past the column chunk (" + std::to_string(end_ - pos_) + " bytes left)");
  }
  if (h.uncompressed_page_size < 0 || h.uncompressed_page_size > kMaxPageBytes) {
    return Bad("uncompressed page size " + std::to_string(h.uncompressed_page_size) +
               " is not plausible");
  }
  return Status::OK();
}

uint8_t* PageReader::Scratch(int64_t size) {
  if (size > scratch_size_) {
    scratch_.reset(new (std::nothrow) uint8_t[static_cast<size_t>(size)]);
    scratch_size_ = scratch_ ? size : 0;
  }
  return scratch_.get();
}

// Places `prefix` raw bytes from src followed by the decompression of the
// rest of src (size bytes once inflated) into the scratch buffer.
Status PageReader::Inflate(const uint8_t* src, int64_t src_size, int64_t prefix, int64_t size,
                           Page* page) {
  if (codec_ == Codec::kUncompressed) {
    if (src_size - prefix != size) {
      return Bad("uncompressed page size " + std::to_string(prefix + size) +
                 " differs from its stored size " + std::to_string(src_size));
    }
    page->body = src;
    page->body_size = src_size;
    return Status::OK();
  }
  uint8_t* out = Scratch(prefix + size);
  if (out == nullptr && prefix + size > 0) {
    return Status::OutOfRange("cannot allocate " + std::to_string(prefix + size) + " bytes");
  }
  if (prefix > 0) std::memcpy(out, src, static_cast<size_t>(prefix));
  if (size > 0) {
    TS_RETURN_NOT_OK(Decompress(codec_, src + prefix, src_size - prefix, out + prefix, size));
  }  // else: an empty values section (some writers still compress it)
  page->body = out;
  page->body_size = prefix + size;
  return Status::OK();
}

Status PageReader::Decode(Page* page) {
  size_t header_size = 0;
  TS_ASSIGN_OR_RETURN(page->header,
                      DecodePageHeader(pos_, static_cast<size_t>(end_ - pos_), &header_size));
  pos_ += header_size;
  const PageHeader& h = page->header;
  TS_RETURN_NOT_OK(CheckSizes(h));
  const uint8_t* body = pos_;
  const int64_t stored = h.compressed_page_size;
  pos_ += stored;
  if (verify_crc_ && h.crc.has_value() && Crc32(body, stored) != static_cast<uint32_t>(*h.crc)) {
    return Bad("CRC mismatch");
  }
  page->body = body;
  page->body_size = stored;
  switch (h.type) {
    case PageType::kDataPageV2: {
      if (!h.data_page_header_v2) return Bad("DATA_PAGE_V2 without its header");
      const DataPageHeaderV2& v2 = *h.data_page_header_v2;
      int64_t levels = int64_t{v2.repetition_levels_byte_length} + v2.definition_levels_byte_length;
      if (v2.repetition_levels_byte_length < 0 || v2.definition_levels_byte_length < 0 ||
          levels > stored || levels > h.uncompressed_page_size) {
        return Bad("level byte lengths exceed the page");
      }
      int64_t values_size = h.uncompressed_page_size - levels;
      if (!v2.is_compressed || codec_ == Codec::kUncompressed) {
        return Status::OK();  // stored as is; the column reader splits it
      }
      return Inflate(body, stored, levels, values_size, page);
    }
    case PageType::kDataPage:
      if (!h.data_page_header) return Bad("DATA_PAGE without its header");
      return Inflate(body, stored, 0, h.uncompressed_page_size, page);
    case PageType::kDictionaryPage:
      if (!h.dictionary_page_header) return Bad("DICTIONARY_PAGE without its header");
      return Inflate(body, stored, 0, h.uncompressed_page_size, page);
    case PageType::kIndexPage: return Status::OK();
  }
  return Bad("unknown page type " + std::to_string(static_cast<int>(h.type)));
}

}  // namespace tessera::parquet
