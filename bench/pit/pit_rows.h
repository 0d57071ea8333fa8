// The rows of a bench/pit data set, generated one chunk (kRowsPerChunk rows)
// at a time from (seed, view, chunk) alone, so chunks can be made in any
// order, on any thread, and the Parquet and CSV copies hold the same rows.
//
// Values are kept as int64 per feature column and read through the column's
// type (pit_spec.h FeatureColumns()): a double is a number of cents (value =
// cents / 100.0, which prints and parses back exactly with two decimals), an
// int64 is itself, the string feature is a category index ("cat_07").
// In the aggregation shape (pit_spec.h) the same rows are drawn, times are
// floored to the one-minute grid, and the table holds only the first
// feature, as amount = value / kAmountDenominator.
//
// Thread-safety: the functions are pure; results are plain values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pit_spec.h"

namespace tessera::pitbench {

struct FeatureChunk {
  int64_t first_row = 0;  // index of row 0 in the view
  std::vector<int64_t> key;
  std::vector<int64_t> event_ts;  // UTC micros
  std::vector<int64_t> created_ts;
  std::vector<uint8_t> created_valid;  // 0 = null created_ts
  // values[f][i]: feature f of row i, as described above.
  std::vector<std::vector<int64_t>> values;
  std::vector<uint8_t> f0_valid;  // 0 = null feature 0
  bool aggregated = false;        // the view's shape: only amount (values[0])
  int64_t num_rows() const { return static_cast<int64_t>(key.size()); }
};

struct SpineChunk {
  std::vector<std::vector<int64_t>> keys;  // one column per view, its key_column
  std::vector<int64_t> event_ts;           // UTC micros, in random order
  std::vector<int32_t> label;
  int64_t num_rows() const { return static_cast<int64_t>(event_ts.size()); }
};

// Chunks of a table of `rows` rows (the last one may be short).
int64_t NumChunks(int64_t rows);

// Chunk `chunk` of view `view` of `spec`. REQUIRES: chunk < NumChunks(rows).
FeatureChunk GenerateFeatureChunk(const PitSpec& spec, int view, int64_t chunk);

// Chunk `chunk` of the spine: keys from the views' distributions over a key
// space 2% larger than the data's (some spine keys have no rows), times
// uniform from one day before the data to one day after it.
SpineChunk GenerateSpineChunk(const PitSpec& spec, int64_t chunk);

// "cat_07" for index 7.
std::string CategoryName(int64_t index);
inline constexpr int kNumCategories = 50;

}  // namespace tessera::pitbench
