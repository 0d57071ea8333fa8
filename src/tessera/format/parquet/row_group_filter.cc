#include "tessera/format/parquet/row_group_filter.h"

#include <cstring>
#include <optional>
#include <string>

#include "tessera/core/coding.h"
#include "tessera/core/time.h"

namespace tessera::parquet {

namespace {

// Saturating conversion of one statistics bound to the filter's unit.
std::optional<int64_t> DecodeBound(const ColumnDesc& desc, const std::string& bytes) {
  int64_t v = 0;
  if (desc.physical == Type::kInt32) {
    if (bytes.size() != 4) return std::nullopt;
    const int32_t i = DecodeFixed<int32_t>(bytes.data());
    v = desc.conversion == ConversionKind::kUint32ToInt64 ? int64_t{static_cast<uint32_t>(i)} : i;
  } else if (desc.physical == Type::kInt64) {
    if (bytes.size() != 8) return std::nullopt;
    v = DecodeFixed<int64_t>(bytes.data());
  } else {
    return std::nullopt;
  }
  int64_t out = v;
  switch (desc.conversion) {
    case ConversionKind::kUint64ToInt64: return v < 0 ? INT64_MAX : v;  // above the int64 range
    case ConversionKind::kMillisToMicros:
      if (__builtin_mul_overflow(v, int64_t{1000}, &out)) out = v < 0 ? INT64_MIN : INT64_MAX;
      return out;
    case ConversionKind::kDaysToMicros:
      if (__builtin_mul_overflow(v, kMicrosPerDay, &out)) out = v < 0 ? INT64_MIN : INT64_MAX;
      return out;
    case ConversionKind::kNanosToMicros: return FloorDiv(v, 1000);
    default: return out;
  }
}

bool SignedOrder(const ColumnDesc& desc) {
  return desc.conversion != ConversionKind::kUint32ToInt64 &&
         desc.conversion != ConversionKind::kUint64ToInt64;
}

}  // namespace

Status CheckFilterColumn(const ColumnDesc& desc) {
  TypeId id = desc.type.id();
  if (id != TypeId::kInt32 && id != TypeId::kInt64 && id != TypeId::kTimestamp) {
    return Status::Invalid("filter column '" + desc.name +
                           "' must be int32, int64 or timestamp, not " + desc.type.ToString());
  }
  return Status::OK();  // INT96 timestamps have no usable order: every group is kept
}

bool ChunkMayMatch(const ColumnDesc& desc, const ColumnChunk& chunk, const RangeFilter& filter) {
  if (!chunk.meta_data || !chunk.meta_data->statistics) return true;
  const Statistics& s = *chunk.meta_data->statistics;
  const std::string* lo = s.min_value ? &*s.min_value : nullptr;
  const std::string* hi = s.max_value ? &*s.max_value : nullptr;
  if ((lo == nullptr || hi == nullptr) && SignedOrder(desc)) {
    lo = s.min ? &*s.min : nullptr;
    hi = s.max ? &*s.max : nullptr;
  }
  if (lo == nullptr || hi == nullptr) return true;
  std::optional<int64_t> min = DecodeBound(desc, *lo);
  std::optional<int64_t> max = DecodeBound(desc, *hi);
  if (!min || !max || *min > *max) return true;
  return !(*max < filter.min || *min > filter.max);
}

}  // namespace tessera::parquet
