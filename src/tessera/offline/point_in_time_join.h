// PointInTimeJoin: for every row of a spine (entity keys + a timestamp t),
// the row of each feature view that DESIGN.md section 3 picks:
//   among the view's rows with the same key and event_ts <= t (and, when
//   ttl > 0, event_ts > t - ttl), the largest event_ts; ties go to the
//   larger created_ts (null is the smallest), then to the row that came
//   later in the view's input stream (ingest order). None: nulls.
// Keys match as EntityKey does (core/entity_key.h): an int32 key equals the
// int64 key of the same value; a string never equals a number; a row or
// spine row with a null key part matches nothing.
//
// Memory: the spine's keys and timestamps and the result are held in
// memory; view rows are not: they are read once, and each is kept only
// while it is the best row so far of a (key, spine time) pair, so at most
// one row per spine row survives; the batches holding those rows are kept
// up to `memory_budget_bytes`, past which the surviving rows are compacted
// and spilled to `spill_dir`, so a view larger than memory joins.
// docs/OFFLINE.md says how memory scales with the inputs.
//
// Thread-safety: one call uses `num_threads` threads; calls are
// independent.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tessera/core/env.h"
#include "tessera/core/record_batch.h"
#include "tessera/core/result.h"

namespace tessera::offline {

// One view's input. `rows` yields batches of one schema:
//   columns [0, num_keys): the key parts (int32, int64, string or bytes);
//   column num_keys: event_ts (timestamp; rows with a null event_ts are
//     never picked);
//   column num_keys + 1: created_ts (timestamp, nulls allowed);
//   the remaining columns: values carried to the output (any type).
// in ingest order (source_scan.h).
struct JoinViewInput {
  std::string name;  // for messages
  std::unique_ptr<RecordBatchReader> rows;
  int num_keys = 1;
  // The spine columns matched to key parts 0..num_keys-1.
  std::vector<int> spine_key_columns;
  int64_t ttl = 0;  // micros; 0 = no bound
};

struct JoinOptions {
  int num_threads = 1;
  int64_t memory_budget_bytes = int64_t{2} << 30;
  std::string spill_dir;      // where partitions spill; a temp folder under it, removed after
  Env* env = Env::Default();  // not owned
  // Called now and then with the view rows consumed so far (progress).
  std::function<void(int64_t rows_read)> progress;
};

// One batch per view, spine.num_rows() rows, in spine order: the view's
// value columns (names and types as in its input), then `event_ts` (the
// picked row's event_ts, null where none qualified).
// InvalidArgument when a key part's type cannot match the spine column's
// (a string key against an int64 spine column), naming both.
Result<std::vector<RecordBatchPtr>> PointInTimeJoin(const RecordBatch& spine, int timestamp_column,
                                                    std::vector<JoinViewInput> views,
                                                    const JoinOptions& options);

}  // namespace tessera::offline
