// RowCodec: the byte encoding of one online row, the values of a feature
// view version's features in definition order (OnlineRow::values).
//
// The encoding is part of the stored format (RocksDB files, Redis values
// written by one Tessera build are read by the next), so it is versioned by
// its first byte and documented in docs/FORMATS.md. Every DESIGN.md section
// 2 type round-trips exactly (NaN payloads, -0.0, empty strings and lists,
// nulls inside lists). Decoding checks bounds and types and returns
// Corruption for bytes that are not a valid encoding for these types;
// it never reads out of bounds.
//
// Encoding reads columns directly (materialization's hot path: no Value per
// cell) and decoding appends to ArrayBuilders (serving's).
//
// Thread-safety: immutable after construction; share freely.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/core/array.h"
#include "tessera/core/builder.h"
#include "tessera/core/status.h"
#include "tessera/core/types.h"

namespace tessera::online {

class RowCodec {
 public:
  explicit RowCodec(std::vector<DataType> types);

  const std::vector<DataType>& types() const { return types_; }

  // Appends the encoding of row `row` of `columns` to *out. REQUIRES:
  // columns.size() == types().size() and column i has type types()[i].
  Status EncodeRow(std::span<const Array* const> columns, int64_t row, std::string* out) const;

  // Decodes `bytes`, appending value i to builders[i] (a null builder skips
  // that value) and, when `is_null` is not null, setting (*is_null)[i] to
  // whether value i is null (resized to types().size()). Corruption when
  // `bytes` is not a valid encoding; builders may then hold a partial row.
  Status DecodeRow(std::string_view bytes, std::span<ArrayBuilder* const> builders,
                   std::vector<uint8_t>* is_null = nullptr) const;

 private:
  std::vector<DataType> types_;
};

}  // namespace tessera::online
