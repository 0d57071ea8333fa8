// The accumulators of sum over float/double, avg, var and stddev, on exact
// sums (exact_sum.h; definitions in docs/DEFINITIONS.md, "Aggregation
// semantics"):
//
//   sum     ExactSum::Sum()                     (float/double input)
//   avg     ExactSum::Mean(): exact sum / n, rounded once
//   var     sample variance: the double nearest to the exact value of
//           (n * S2 - S1^2) / (n * (n - 1)), S1 and S2 the exact sums of x
//           and x^2; null when n < 2; NaN when any value is NaN or
//           infinite; +0.0 when all values are equal
//   stddev  sqrt(var) (the correctly rounded square root of the rounded
//           variance)
//
// Integer inputs (avg, var, stddev over int32/int64) are added exactly as
// integers. Partials: ExactSum's encoding, then for var/stddev the square
// sum's.
#pragma once

#include <memory>

#include "tessera/agg/accumulator.h"

namespace tessera::agg {

// kSum over float/double, or kAvg.
std::unique_ptr<Accumulator> NewMeanAccumulator(const AggSpec& spec);
// kVar or kStddev.
std::unique_ptr<Accumulator> NewVarianceAccumulator(const AggSpec& spec);
}  // namespace tessera::agg
