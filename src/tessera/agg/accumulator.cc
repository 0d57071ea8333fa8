#include "tessera/agg/accumulator.h"

#include "tessera/agg/basic_accumulators.h"

namespace tessera::agg {

std::unique_ptr<Accumulator> NewAccumulator(const AggSpec& spec) {
  switch (spec.function) {
    case AggFunction::kCount: return NewCountAccumulator(spec);
    case AggFunction::kSum:
      if (spec.output == DataType::Int64()) return NewIntSumAccumulator(spec);
      return nullptr;  // exact double sum: next commit
    case AggFunction::kMin:
    case AggFunction::kMax: return NewExtremeAccumulator(spec);
    case AggFunction::kFirst:
    case AggFunction::kLast: return NewRankedAccumulator(spec);
    default: return nullptr;  // not yet implemented on this branch
  }
}

}  // namespace tessera::agg
