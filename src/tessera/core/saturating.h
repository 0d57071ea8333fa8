// Saturating int64 arithmetic on microsecond timestamps: `t - window` at
// the edges of the int64 range (a window start before the earliest
// representable time is the earliest time, not an overflow).
#pragma once

#include <cstdint>
#include <limits>

namespace tessera {

// a - b, clamped to the smallest int64. REQUIRES: b >= 0.
inline int64_t SaturatingSub(int64_t a, int64_t b) {
  return a < std::numeric_limits<int64_t>::min() + b ? std::numeric_limits<int64_t>::min() : a - b;
}

}  // namespace tessera
