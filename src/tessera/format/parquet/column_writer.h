// ColumnChunkWriter: encodes the values of one leaf column for one row group
// into pages (see column_writer_pages.h), choosing per page between
// RLE_DICTIONARY and PLAIN:
//
//   - with options.dictionary, values go through a DictionaryBuilder and data
//     pages are RLE_DICTIONARY; once the dictionary's PLAIN size passes
//     options.dictionary_page_limit, the current page is closed and every
//     later page of the chunk is PLAIN (the dictionary page, written first,
//     holds the entries the earlier pages use);
//   - BOOLEAN columns are always PLAIN (a dictionary cannot beat one bit).
//
// A page is closed at a row boundary once its estimated uncompressed size
// reaches options.data_page_size, so a list never straddles two pages.
// Definition levels: flat 0 null / 1 value; list 0 null list, 1 empty list,
// 2 null element, 3 element. null_count counts level entries without a value
// (def < max_def), as parquet-mr does.
//
// The arrays passed to Append must stay alive until Finish() returns (string
// dictionary entries and bounds point into them). Thread-compatible: one
// writer per column chunk; distinct writers may run on distinct threads.
#pragma once

#include <cstdint>
#include <memory>

#include "tessera/core/array.h"
#include "tessera/format/parquet/column_writer_pages.h"
#include "tessera/format/parquet/writer.h"
#include "tessera/format/parquet/writer_schema.h"

namespace tessera::parquet {

class ColumnChunkWriter {
 public:
  // A writer for `leaf`; `leaf` and `options` must outlive it.
  static std::unique_ptr<ColumnChunkWriter> Make(const LeafColumn& leaf,
                                                 const WriteOptions& options);
  virtual ~ColumnChunkWriter() = default;

  // Appends rows [begin, end) of `column`, an array of leaf.type.
  virtual Status Append(const Array& column, int64_t begin, int64_t end) = 0;
  // Closes the last page and returns the chunk; the writer then starts the
  // column's next chunk (reusing its buffers and dictionary table).
  virtual Result<EncodedChunk> Finish() = 0;
};

}  // namespace tessera::parquet
