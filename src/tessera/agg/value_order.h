// Value order: the total order of input values that min, max, first, last
// and last_n use (docs/DEFINITIONS.md, "Aggregation semantics"), so that
// their results never depend on the order values arrive in:
//
//   bool, int32, int64, timestamp   as integers (false < true)
//   float, double                   -inf < ... < -0.0 < +0.0 < ... < +inf
//                                   < NaN; every NaN is kept as the quiet
//                                   NaN 0x7FF8000000000000 (one NaN)
//   string, bytes                   bytewise (unsigned), a prefix first
//
// Plus the encoding of one such value inside a partial and its conversion
// to a Value of the input type.
//
// Thread-safety: pure functions; OwnedValue is a plain value.
#pragma once

#include <compare>
#include <cstdint>
#include <string>

#include "tessera/agg/agg_spec.h"
#include "tessera/agg/partial_coding.h"
#include "tessera/core/types.h"
#include "tessera/core/value.h"

namespace tessera::agg {

enum class ValueKind : uint8_t { kInt, kFloat, kBytes };

// REQUIRES: `type` is not a list.
ValueKind KindOf(DataType type);

// NaN (any payload, either sign) -> the quiet NaN; anything else unchanged.
double CanonicalDouble(double d);

// A key whose unsigned order is the total order of doubles above.
uint64_t DoubleOrderKey(double d);

std::strong_ordering CompareValues(ValueKind kind, const AggInput& a, const AggInput& b);

// A value kept by an accumulator (owns its string).
struct OwnedValue {
  int64_t i = 0;
  double d = 0;
  std::string s;

  void Assign(ValueKind kind, const AggInput& v);
  AggInput ref() const { return AggInput{i, d, s}; }
};

void EncodeValue(ValueKind kind, const AggInput& v, std::string* out);
// The string of a decoded value borrows the reader's bytes.
[[nodiscard]] bool DecodeValue(ValueKind kind, PartialReader* in, AggInput* v);

// The value as a Value of `type` (float narrowed back from its widening).
Value ToValue(DataType type, const AggInput& v);

}  // namespace tessera::agg
