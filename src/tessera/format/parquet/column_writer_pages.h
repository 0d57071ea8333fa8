// PageWriter: assembles the pages of one column chunk (data page v1 and the
// dictionary page): levels + values -> compressed body -> PageHeader, with
// the page CRC, and keeps the chunk's sizes, encodings and encoding_stats.
//
// A data page body is written in two steps: BeginDataPage() lays out the
// repetition and definition levels (RLE hybrid, each with its 4-byte length
// prefix as v1 requires) and returns the body for the caller to append the
// values to; FinishDataPage() compresses it and appends header + body to the
// chunk. Thread-compatible; one per column chunk.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tessera/format/parquet/metadata.h"
#include "tessera/format/parquet/writer_schema.h"

namespace tessera::parquet {

// The bytes of one column chunk and its metadata, with offsets relative to
// the chunk's first byte (the dictionary page when there is one). The
// file writer adds the chunk's file position.
struct EncodedChunk {
  std::string dictionary_page;  // header + body; empty when none
  std::string data_pages;       // headers + bodies, back to back
  ColumnMetaData meta;
};

class PageWriter {
 public:
  PageWriter(const LeafColumn& leaf, Codec codec, int compression_level);

  // Starts a data page holding `n` level entries. `rep` is ignored for flat
  // columns (max_rep == 0). Returns the body, to which the caller appends
  // the encoded values before FinishDataPage().
  std::string* BeginDataPage(const uint32_t* rep, const uint32_t* def, int64_t n);
  // Compresses and appends the page begun last. Fails when the page exceeds
  // the format's 2 GiB page limit or compression fails.
  Status FinishDataPage(Encoding encoding);
  // Writes the dictionary page (PLAIN body of `num_entries` values).
  Status WriteDictionaryPage(const std::string& plain, int64_t num_entries);
  // The finished chunk. The PageWriter is then ready for the next chunk of
  // the column, keeping its scratch buffers.
  EncodedChunk Finish(Statistics statistics);

 private:
  // Compresses body_ into `out` as header + body; returns the header.
  Status AppendPage(PageHeader header, std::string* out);
  void AppendLevels(const uint32_t* levels, int64_t n, int16_t max_level);

  const LeafColumn& leaf_;
  Codec codec_;
  int compression_level_;
  std::string body_;        // the page being built, uncompressed
  std::string compressed_;  // scratch
  int64_t page_values_ = 0;
  EncodedChunk chunk_;
  int64_t num_values_ = 0;
  int64_t uncompressed_size_ = 0;
  int32_t plain_pages_ = 0;
  int32_t dictionary_encoded_pages_ = 0;
};

}  // namespace tessera::parquet
