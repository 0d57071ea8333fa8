// The accumulators of count, integer sum, min, max, first and last
// (accumulator.h gives the contract; docs/DEFINITIONS.md "Aggregation
// semantics" the definitions). Partials:
//
//   count       varint n
//   sum (int)   varint n, zigzag varint of the exact 128-bit sum
//   min, max    nothing when empty, else the value (value_order.h)
//   first, last nothing when empty, else the rank then the value
//
// NewAccumulator (accumulator.h) is the one caller.
#pragma once

#include <memory>

#include "tessera/agg/accumulator.h"

namespace tessera::agg {

std::unique_ptr<Accumulator> NewCountAccumulator(const AggSpec& spec);
// REQUIRES: spec.input is int32 or int64.
std::unique_ptr<Accumulator> NewIntSumAccumulator(const AggSpec& spec);
// kMin or kMax over a non-list input.
std::unique_ptr<Accumulator> NewExtremeAccumulator(const AggSpec& spec);
// kFirst or kLast over a non-list input: the smallest (first) or largest
// (last) (rank, value) pair, values ordered as value_order.h says.
std::unique_ptr<Accumulator> NewRankedAccumulator(const AggSpec& spec);

}  // namespace tessera::agg
