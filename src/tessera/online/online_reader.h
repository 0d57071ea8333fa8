// ReadOnlineFeatures: the serving hot path (issue 9, DESIGN.md section 3):
// for each row of `entities` (join keys and request fields, one column
// each), the online values of a ReadPlan's features, with Feast's statuses
// and event times.
//
//  - Join keys are checked and coerced to their entity's type: an int64
//    key takes int64, int32 or decimal-string columns; an int32 key takes
//    int32, or int64 and decimal strings within int32's range; string and
//    bytes keys take string or bytes columns. Anything else, a null or a
//    missing column is InvalidArgument naming the column and the row
//    ("entities.user_id[2]: 'x' is not an int64").
//  - Lookups are grouped per view version and distinct entity key and go
//    to the store in ONE OnlineStore::Read.
//  - Status per value: NOT_FOUND (no row; value null, event time 0),
//    OUTSIDE_MAX_AGE (ttl > 0 and event_ts <= now - ttl; value null),
//    NULL_VALUE (a row whose value is null), PRESENT.
//  - On-demand views run on the whole batch of rows, on their inputs'
//    served values (null unless PRESENT) and the request fields (cast to
//    the field's type as `historical` does); their values are PRESENT or
//    NULL_VALUE with event time 0.
//  - Output: the join keys (PRESENT, event time 0, coerced values), then
//    the features in request order.
//
// Thread-safety: calls are independent (the plan is immutable, the store
// thread-safe); a thread makes one call at a time (its buffers are per
// thread).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tessera/core/record_batch.h"
#include "tessera/core/result.h"
#include "tessera/online/online_store.h"
#include "tessera/online/read_plan.h"

namespace tessera::online {

enum class ValueStatus : uint8_t { kPresent, kNotFound, kNullValue, kOutsideMaxAge };

struct OnlineValues {
  std::vector<std::string> names;
  std::vector<ArrayPtr> values;
  std::vector<std::vector<ValueStatus>> statuses;
  std::vector<std::vector<int64_t>> event_timestamps;  // micros UTC; 0: none
};

// `now_micros` is the clock's "now" (ttl). Unavailable/IOError as the store
// reports them; Corruption when a stored row does not decode.
Result<OnlineValues> ReadOnlineFeatures(const ReadPlan& plan, const RecordBatch& entities,
                                        OnlineStore* store, int64_t now_micros);
// The same into *out, whose vectors are sized and assigned over (a caller
// that reuses one OnlineValues per thread keeps their buffers: the serving
// hot path). Each thread also keeps its lookup buffers between calls.
Status ReadOnlineFeatures(const ReadPlan& plan, const RecordBatch& entities, OnlineStore* store,
                          int64_t now_micros, OnlineValues* out);

}  // namespace tessera::online
