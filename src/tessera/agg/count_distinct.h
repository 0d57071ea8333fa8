// count_distinct (exact): the number of distinct non-null values, kept as
// a set (a lazily sorted vector), so memory is O(distinct values) (docs/DEFINITIONS.md). Values are
// equal as hash_bucket's encoding says (docs/EXPRESSIONS.md): -0.0 equals
// 0.0, every NaN equals every other NaN, int32 7 equals int64 7 (within a
// column the type is one anyway), strings bytewise.
//
// Partial (canonical: equal sets encode equally): varint count, then the
// values in ascending order: numbers as 64-bit keys (the integer
// zigzagged, a double's normalized bits) each a varint
// difference from the previous one; strings as varint length and bytes.
#pragma once

#include <memory>

#include "tessera/agg/accumulator.h"

namespace tessera::agg {

// REQUIRES: spec.function == kCountDistinct, a non-list input.
std::unique_ptr<Accumulator> NewCountDistinctAccumulator(const AggSpec& spec);

}  // namespace tessera::agg
