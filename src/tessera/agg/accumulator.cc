#include "tessera/agg/accumulator.h"

#include "tessera/agg/basic_accumulators.h"
#include "tessera/agg/count_distinct.h"
#include "tessera/agg/hyperloglog.h"
#include "tessera/agg/last_n.h"
#include "tessera/agg/moment_accumulators.h"
#include "tessera/agg/quantile_sketch.h"

namespace tessera::agg {

void Accumulator::AddToPartial(std::optional<std::string_view> partial, const AggInput& value,
                               const EventRank& rank, std::string* out) {
  Reset();
  // Cannot fail: the REQUIRES says the bytes merge.
  if (partial) (void)MergeEncoded(*partial);
  Add(value, rank);
  EncodeTo(out);
}

std::unique_ptr<Accumulator> NewAccumulator(const AggSpec& spec) {
  switch (spec.function) {  // every case returns: MakeAggSpec checked the types
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
    case AggFunction::kLastN: return NewLastNAccumulator(spec);
    case AggFunction::kCountDistinct: return NewCountDistinctAccumulator(spec);
    case AggFunction::kApproxCountDistinct: return NewHyperLogLogAccumulator(spec);
    case AggFunction::kApproxPercentile: return NewQuantileAccumulator(spec);
  }
  return NewCountAccumulator(spec);  // unreachable: the switch covers every function
}

}  // namespace tessera::agg
