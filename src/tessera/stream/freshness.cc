#include "tessera/stream/freshness.h"

#include <algorithm>
#include <limits>

#include "tessera/stream/stream_consumer.h"

namespace tessera::stream {

size_t FreshnessBucket(int64_t delay_micros) {
  const int64_t delay = std::max<int64_t>(delay_micros, 0);
  for (size_t i = 0; i < std::size(kFreshnessBucketsMs); ++i) {
    if (delay <= kFreshnessBucketsMs[i] * 1000) return i;
  }
  return kFreshnessBuckets - 1;
}

void RecordFreshness(std::span<const int64_t> event_micros, int64_t now_micros,
                     std::vector<int64_t>* counts, double* sum_seconds) {
  counts->resize(kFreshnessBuckets, 0);
  for (const int64_t event : event_micros) {
    int64_t delay = 0;
    if (__builtin_sub_overflow(now_micros, event, &delay)) {  // an event time near the int64 ends
      delay = event < 0 ? std::numeric_limits<int64_t>::max() : 0;
    }
    delay = std::max<int64_t>(delay, 0);
    ++(*counts)[FreshnessBucket(delay)];
    *sum_seconds += static_cast<double>(delay) / 1e6;
  }
}

}  // namespace tessera::stream
