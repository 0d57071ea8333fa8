// Freshness of applied rows: how long after its event time a row was
// applied (now - event time), counted in the kFreshnessBucketsMs buckets
// of StreamStatus (stream_consumer.h).
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace tessera::stream {

// The bucket of a delay: the first whose upper bound (ms) is >= it, else
// the last one (everything above). A negative delay (an event time ahead
// of the clock) counts as 0.
size_t FreshnessBucket(int64_t delay_micros);

// Adds one count per event time to *counts (kFreshnessBuckets long) and
// the delays, in seconds, to *sum_seconds.
void RecordFreshness(std::span<const int64_t> event_micros, int64_t now_micros,
                     std::vector<int64_t>* counts, double* sum_seconds);

}  // namespace tessera::stream
