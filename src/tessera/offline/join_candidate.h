// JoinCandidate: the best view row seen so far for one slot of the spine
// (spine_slots.h), and the order that decides "best" (DESIGN.md section 3,
// point_in_time_join.h): the larger event_ts, then the larger created_ts
// (a null created_ts is the smallest), then the row later in the view's
// input stream. The order is total (stream ordinals are unique), so the
// winner does not depend on the order in which rows are offered.
#pragma once

#include <cstdint>

#include "tessera/offline/row_take.h"

namespace tessera::offline {

struct JoinCandidate {
  static constexpr uint64_t kEmpty = UINT64_MAX;
  static constexpr uint64_t kCreatedValid = uint64_t{1} << 62;
  static constexpr uint64_t kOrdinalMask = kCreatedValid - 1;

  int64_t event_ts = 0;
  int64_t created_ts = 0;  // meaningful when meta & kCreatedValid
  // kEmpty, or kCreatedValid (when created_ts is not null) | stream ordinal.
  uint64_t meta = kEmpty;
  RowRef ref;  // where the row's values are (candidate_store.h)

  bool empty() const { return meta == kEmpty; }

  // True when this row wins over `other` (which may be empty).
  bool Beats(const JoinCandidate& other) const {
    if (other.empty()) return true;
    if (event_ts != other.event_ts) return event_ts > other.event_ts;
    const bool valid = meta & kCreatedValid, other_valid = other.meta & kCreatedValid;
    if (valid != other_valid) return valid;
    if (valid && created_ts != other.created_ts) return created_ts > other.created_ts;
    return (meta & kOrdinalMask) > (other.meta & kOrdinalMask);
  }
};

}  // namespace tessera::offline
