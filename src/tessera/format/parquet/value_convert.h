// Conversion of a column chunk's decoded physical values (PhysicalValues)
// into Tessera's value layout (DenseValues), one ConversionKind of
// schema_mapping.h at a time. Values are dense: nulls are not represented
// here (column_reader.cc spreads them out afterwards).
//
// Identity conversions hand over the decoded buffers without a copy.
// Thread-compatible.
#pragma once

#include <cstdint>
#include <string>

#include "tessera/core/buffer.h"
#include "tessera/format/parquet/schema_mapping.h"
#include "tessera/format/parquet/value_decoder.h"

namespace tessera::parquet {

// count values: fixed-width types in `values` (count * width bytes), string
// and bytes as count + 1 int64 `offsets` into `values`.
struct DenseValues {
  BufferPtr values;
  BufferPtr offsets;
  int64_t count = 0;
};

// Converts `in` (consumed) per desc.conversion. Fails (InvalidArgument /
// Corruption, the message not yet naming the column) when a value cannot be
// represented: UINT64 above INT64_MAX, a timestamp overflowing int64 micros.
Result<DenseValues> ConvertValues(const ColumnDesc& desc, PhysicalValues* in);

// The decimal string of an unscaled big-endian two's-complement integer of
// `size` bytes with `scale` digits after the point ("-12.34", "0.05").
std::string DecimalToString(const uint8_t* be, int64_t size, int32_t scale);
// Same value as a double (nearest to the exact value for <= 15 digits).
double DecimalToDouble(const uint8_t* be, int64_t size, int32_t scale);
// IEEE 754 half precision to float.
float HalfToFloat(uint16_t h);
// Julian day + nanoseconds of day (INT96 timestamp) to micros since epoch;
// false on overflow.
bool Int96ToMicros(const uint8_t* v, int64_t* out);

}  // namespace tessera::parquet
