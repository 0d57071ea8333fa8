// last_n(k): the values of the k largest (rank, value) pairs, as a list
// oldest first (DESIGN.md's event order; equal ranks ordered by the value,
// value_order.h). Holds at most k pairs. Partial: varint count, then the
// pairs in ascending order, each a rank (PutRank) and a value.
#pragma once

#include <memory>

#include "tessera/agg/accumulator.h"

namespace tessera::agg {

// REQUIRES: spec.function == kLastN, spec.k >= 1, a list-element input.
std::unique_ptr<Accumulator> NewLastNAccumulator(const AggSpec& spec);

}  // namespace tessera::agg
