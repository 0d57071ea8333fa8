// PushRows: rows sent to a push source (POST /push, `tessera push`,
// FeatureStore::Push; issue 9, DESIGN.md section 3b), applied all or
// nothing.
//
// The rows are checked first against the source's ingest contract
// (offline/ingest_contract.h: columns by name, the same type or a lossless
// widening, timestamp and join keys never null), so a bad row changes
// nothing anywhere. Then:
//  - offline (or online_and_offline, or whenever the source feeds an
//    aggregated view, whose windows need every event): the rows are
//    appended to the batch source's log as ONE commit, exactly as ingest
//    appends a file (offline::IngestRows);
//  - online (or online_and_offline), for every online aggregated view
//    reading the push source: the logged rows (aggregated views always log
//    first) are applied to the view's window state (window_writer.h),
//    ranked (event_ts, created_ts, their _ingest_seq); events older than
//    the largest window are counted and skipped (they stay in the log);
//  - online (or online_and_offline): for every online, non-aggregated
//    feature view reading the push source, its features are computed from
//    the rows (row transformations, offline/view_features.h) and written
//    to the view's newest materialized version, or its current version
//    when none is materialized, each row ranked (event_ts, created_ts,
//    ingest_seq): the logged seq when the rows were logged first, else 0.
//    The store keeps a row only where it wins that tie-break.
// A source feeding aggregated views with an `event_id` column drops rows
// whose id was committed before, by any process (client retries, a stream
// consumer claiming another's entries; event_id_filter.h), before anything
// is written: the check runs inside the commit, under the log's LOCK. A
// dropped row that is the logged event itself (same id, event time and
// created time) is still written online under its logged rank: a no-op
// when it was applied, the repair when its first pusher died between the
// commit and the online writes.
// The log commit comes first; an online write failing after it leaves the
// rows logged (the next materialize-incremental applies them).
//
// Thread-safety: calls are independent, also from several processes
// pushing to one source with a shared (Redis) store: the log serializes
// commits and the event-id check with them, and window states are written
// with a compare-and-set (window_writer.h), so each event counts once.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "tessera/core/env.h"
#include "tessera/core/record_batch.h"
#include "tessera/core/result.h"
#include "tessera/online/event_id_filter.h"
#include "tessera/online/online_store.h"
#include "tessera/online/serving_catalog.h"
#include "tessera/online/window_writer.h"

namespace tessera::online {

enum class PushTo : uint8_t { kOnline, kOffline, kOnlineAndOffline };

struct PushOutcome {
  std::string source;
  int64_t rows = 0;
  int64_t online_rows_written = 0;  // rows stored, over every view fed
  bool logged = false;
  int64_t first_seq = 0;  // when logged: the _ingest_seq range
  int64_t last_seq = 0;
  int64_t window_events_applied = 0;  // into aggregated views' window state
  int64_t window_events_too_old = 0;  // older than a view's largest window: skipped online
  int64_t duplicates_dropped = 0;     // rows whose event_id was committed already
};

struct PushContext {
  // The online store, called only when an online write is due (a push to
  // the offline store alone never opens it).
  std::function<Result<OnlineStore*>()> store;
  Env* env = nullptr;  // files and the clock (now, for window expiry)
  // Fronts every window-state write of the store; required when the source
  // feeds an online aggregated view.
  WindowWriter* windows = nullptr;
  // Drops retried rows (event_id) of sources feeding aggregated views; may
  // be null (no filtering).
  EventIdFilter* event_ids = nullptr;
};

// Pushes `rows` to push source `source`. NotFound for an unknown source
// (did you mean); InvalidArgument for a source that is not a push source and for rows
// that break the contract (ConformRows' messages, the rows named "rows").
Result<PushOutcome> PushRows(const CatalogSnapshot& snapshot, const std::string& source,
                             const RecordBatch& rows, PushTo to, const PushContext& context);

}  // namespace tessera::online
