// AggSpec: one aggregation function applied to one input type, resolved
// from a definition (registry::Aggregation) so that accumulators never look
// at names again; EventRank, the order `first`, `last` and `last_n` follow;
// AggInput, one non-null input value as accumulators take it.
//
// Semantics (DESIGN.md section 3, "Windowed aggregations"; reference in
// docs/DEFINITIONS.md): every result is a deterministic function of the
// multiset of (value, rank) pairs added, never of the order of Add and
// Merge calls or of how the values were split between accumulators.
#pragma once

#include <cstdint>
#include <limits>
#include <string_view>

#include "tessera/core/result.h"
#include "tessera/core/types.h"
#include "tessera/registry/definitions.h"

namespace tessera::agg {

enum class AggFunction : uint8_t {
  kCount,          // non-null values, or events when counts_events
  kSum,            // int64 over int32/int64 (overflow: null), exact double otherwise
  kAvg,            // double
  kMin,            // input type
  kMax,            // input type
  kVar,            // sample variance, double
  kStddev,         // sample standard deviation, double
  kFirst,          // input type, smallest EventRank
  kLast,           // input type, largest EventRank
  kLastN,          // list of the input type (int32 widened), the k largest ranks, oldest first
  kCountDistinct,  // int64, exact
  kApproxCountDistinct,  // int64, HyperLogLog
  kApproxPercentile,     // double, relative-error log-bucket sketch
};

// "sum", "approx_percentile", ...
const char* AggFunctionName(AggFunction f);

struct AggSpec {
  AggFunction function = AggFunction::kCount;
  // `count` without a column: every event counts once; Add is called once
  // per event with an empty AggInput.
  bool counts_events = false;
  DataType input;   // the column's type (unused when counts_events)
  DataType output;  // the feature's type (registry::AggregationOutputType)
  int64_t k = 0;    // kLastN: how many values, >= 1
  double p = 0;     // kApproxPercentile: the quantile, in [0, 1]
};

// Resolves `agg` applied to a column of type `input` (ignored for a count
// of events). Fails with Invalid (a reason, no location) for a function
// that does not apply to the type, as plan reports it.
Result<AggSpec> MakeAggSpec(const registry::Aggregation& agg, DataType input);

// A null created timestamp: ranks below every real one (as online RowRank).
inline constexpr int64_t kNullCreatedTs = std::numeric_limits<int64_t>::min();

// The order of events (DESIGN.md section 3 tie-break): event_ts, then
// created_ts (null smallest), then the ingest sequence (0 for rows read in
// place from a batch source's files, which then break full ties by file
// path and row order: the caller folds that into ingest_seq as a negative
// or otherwise ordered number where it matters).
struct EventRank {
  int64_t event_ts = 0;  // micros UTC
  int64_t created_ts = kNullCreatedTs;
  int64_t ingest_seq = 0;
  friend auto operator<=>(const EventRank&, const EventRank&) = default;
};

// One non-null input value. Numbers in the widened form: int32, int64,
// timestamp and bool (0/1) in `i`; float and double in `d`; string and
// bytes in `s` (borrowed: an accumulator copies what it keeps).
struct AggInput {
  int64_t i = 0;
  double d = 0;
  std::string_view s;
};

}  // namespace tessera::agg
