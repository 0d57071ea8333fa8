// EventIdFilter: makes client retries of pushes idempotent for a push
// source that feeds aggregated views and has a column named `event_id`
// (issue 10): a row whose id was committed before, or appears earlier in
// the same push, is dropped before the log commit, so neither training sets
// nor window state count it twice.
//
// Ids are remembered with their event time for as long as the event can
// change a served value: while event_ts > now - the largest window of the
// views the source feeds (an older retry is dropped by the window anyway,
// and kept out of the log by this filter only while remembered). The
// memory of a source is loaded on its first push after a start from the
// log parts that can still hold such events (their `event_id` column), so
// a restart forgets nothing. Rows without an id (null) are never dropped.
//
// Thread-safety: Lock(source) serializes one source's pushes across the
// check, the log commit and Remember; the other methods require it held.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "tessera/core/env.h"
#include "tessera/core/record_batch.h"
#include "tessera/core/result.h"

namespace tessera::online {

// The column whose values identify events for retries.
inline constexpr const char* kEventIdColumn = "event_id";

class EventIdFilter {
 public:
  struct SourceLog {
    std::string log_dir;           // the batch source's log (offline::SourceLogDir)
    std::string timestamp_column;  // its timestamp field
    DataType id_type;              // the event_id column's type
  };

  // Held while one push of `source` checks, commits and remembers.
  std::unique_lock<std::mutex> Lock(const std::string& source);

  // keep[r] is false for a row to drop: its id was remembered with an event
  // time after `horizon`, or an earlier row of `rows` has it. Loads the
  // source's ids from its log on first use. `id_column` indexes `rows`.
  Result<std::vector<uint8_t>> Check(const std::string& source, const SourceLog& log,
                                     const RecordBatch& rows, int id_column, int64_t horizon,
                                     Env* env);

  // Remembers the ids of `rows` (the kept ones, after their commit) whose
  // event time is after `horizon`.
  void Remember(const std::string& source, const RecordBatch& rows, int id_column, int ts_column,
                int64_t horizon);

 private:
  struct Ids {
    std::mutex mu;
    bool loaded = false;
    std::unordered_map<std::string, int64_t> event_ts;  // id bytes -> event time
    int64_t forgotten_up_to = INT64_MIN;                // ids at or before it are gone
  };
  Ids* Of(const std::string& source);
  Status Load(Ids* ids, const SourceLog& log, int64_t horizon, Env* env);
  static void Forget(Ids* ids, int64_t horizon);

  std::mutex mu_;
  std::map<std::string, std::unique_ptr<Ids>> sources_;
};

}  // namespace tessera::online
