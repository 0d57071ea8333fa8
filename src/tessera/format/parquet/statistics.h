// Column-chunk statistics of the writer: the running min, max and null count
// of one leaf column, in the order Parquet's TYPE_ORDER defines for the
// physical type (parquet.thrift ColumnOrder):
//
//   BOOLEAN      false < true
//   INT32/INT64  signed
//   FLOAT/DOUBLE IEEE order; NaN never becomes a bound (a chunk of only NaN
//                and nulls has no min/max); a zero min is written as -0.0
//                and a zero max as +0.0, as the specification asks
//   BYTE_ARRAY   unsigned byte-wise (std::string_view comparison is memcmp)
//
// Bounds are kept by value (string_views point into the batch being
// written, which outlives the chunk). Thread-compatible.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "tessera/core/coding.h"
#include "tessera/format/parquet/metadata.h"

namespace tessera::parquet {

template <typename T>
class MinMax {
 public:
  void Update(T v) {
    if constexpr (std::is_floating_point_v<T>) {
      if (std::isnan(v)) return;
    }
    if (!has_value_) {
      min_ = max_ = v;
      has_value_ = true;
      return;
    }
    if (v < min_) min_ = v;
    if (max_ < v) max_ = v;
  }
  bool has_value() const { return has_value_; }
  T min() const { return min_; }
  T max() const { return max_; }

 private:
  bool has_value_ = false;
  T min_{};
  T max_{};
};

// The PLAIN encoding of one statistics bound (for BYTE_ARRAY, the raw bytes
// without the 4-byte length prefix).
template <typename T>
std::string EncodeStatValue(T v) {
  if constexpr (std::is_same_v<T, std::string_view>) {
    return std::string(v);
  } else {
    std::string out(sizeof(T), '\0');
    if constexpr (sizeof(T) == 1) {
      std::memcpy(out.data(), &v, 1);  // BOOLEAN: one byte, no byte order
    } else {
      EncodeFixed(out.data(), v);
    }
    return out;
  }
}

// The Statistics struct of a chunk with `null_count` nulls and bounds
// `minmax`.
template <typename T>
Statistics MakeStatistics(const MinMax<T>& minmax, int64_t null_count) {
  Statistics s;
  s.null_count = null_count;
  if (!minmax.has_value()) return s;
  T lo = minmax.min();
  T hi = minmax.max();
  if constexpr (std::is_floating_point_v<T>) {
    // Readers cannot tell which zero was seen, so the bounds must hold both.
    if (lo == 0) lo = -T{0};
    if (hi == 0) hi = T{0};
  }
  s.min_value = EncodeStatValue(lo);
  s.max_value = EncodeStatValue(hi);
  return s;
}

}  // namespace tessera::parquet
