#include "tessera/agg/accumulator.h"

#include "tessera/agg/basic_accumulators.h"
#include "tessera/agg/moment_accumulators.h"

namespace tessera::agg {

std::unique_ptr<Accumulator> NewAccumulator(const AggSpec& spec) {
  switch (spec.function) {
    case AggFunction::kCount: return NewCountAccumulator(spec);
    case AggFunction::kSum:
      if (spec.output == DataType::Int64()) return NewIntSumAccumulator(spec);
      return NewMeanAccumulator(spec);
    case AggFunction::kAvg: return NewMeanAccumulator(spec);
    case AggFunction::kVar:
    case AggFunction::kStddev: return NewVarianceAccumulator(spec);
    case AggFunction::kMin:
    case AggFunction::kMax: return NewExtremeAccumulator(spec);
    case AggFunction::kFirst:
    case AggFunction::kLast: return NewRankedAccumulator(spec);
    default: return nullptr;  // not yet implemented on this branch
  }
}

}  // namespace tessera::agg
