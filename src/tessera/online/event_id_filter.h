// EventIdFilter: makes retries of pushes idempotent for a push source that
// feeds aggregated views and has a column named `event_id` (issue 10), also
// when several processes push to one source (issue 11: two `tessera
// stream` consumers of one group, one claiming and pushing again what the
// other committed before it died). A row whose id was committed before, by
// any process, or appears earlier in the same push, is dropped before the
// log commit, so neither training sets nor window state count it twice.
//
// The check runs under the source log's LOCK (source_log.h): the filter is
// the RecordBatchReader that offline::CommitBatches pulls while holding it.
// Its first Next() reads the manifest, which no writer can change then,
// loads the ids of the parts committed since the filter's memory was last
// brought up to date (by this process or another), drops the rows whose
// ids are known, and yields the rest, which the commit then logs. So two
// processes pushing one id serialize on LOCK and the second sees the
// first's commit. Cost when nothing else committed since (the common
// case): one manifest read per push.
//
// A dropped row that is the very event logged before (same id, event time
// and created time) is reported with its logged seq (Reader::logged_rows),
// so the push applies it online again under its logged rank: a no-op when
// the earlier pusher applied it (window state and online rows recognise
// the rank), the repair when that pusher died between its commit and its
// online apply (a consumer claiming its entries sends them again).
//
// Ids are remembered with their event time for as long as the event can
// change a served value: while event_ts > now - the largest window of the
// views the source feeds (an older retry is dropped by the window anyway,
// and kept out of the log by this filter only while remembered). The
// memory of a source is loaded on its first push after a start from the
// log parts that can still hold such events (their `event_id` column), so
// a restart forgets nothing. Rows without an id (null) are never dropped.
//
// Thread-safety: Lock(source) serializes this process's pushes of one
// source across Filter, the commit and Committed; the log's LOCK those of
// other processes.
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
#include "tessera/offline/source_log.h"

namespace tessera::online {

// The column whose values identify events for retries.
inline constexpr const char* kEventIdColumn = "event_id";

class EventIdFilter {
 public:
  struct SourceLog {
    std::string log_dir;           // the batch source's log (offline::SourceLogDir)
    std::string timestamp_column;  // its timestamp field
    DataType id_type;              // the event_id column's type
    std::string created_column;    // its created timestamp field ("" = none)
  };

  // The rows of one push that pass: a reader for offline::CommitBatches.
  class Reader;

  // Held while one push of `source` filters, commits and calls Committed.
  std::unique_lock<std::mutex> Lock(const std::string& source);

  // A reader of `rows` (their `id_column` the ids, `ts_column` the event
  // times, `created_column` the created times or -1) that yields them without the rows to drop: an
  // id remembered with an event time after `horizon`, or held by an earlier row of `rows`. Its
  // first Next() brings the memory up to the log, and must run with the log's LOCK held
  // (CommitBatches pulls it so). REQUIRES: Lock(source) held from here to Committed; the reader
  // does not outlive the filter.
  std::unique_ptr<Reader> Filter(const std::string& source, const SourceLog& log,
                                 RecordBatchPtr rows, int id_column, int ts_column,
                                 int created_column, int64_t horizon, Env* env);

  // After CommitBatches logged `reader`'s rows as `part`: remembers their
  // ids, and that the memory is up to the log's part.last_seq. (Without
  // this call, after a failed commit, the next Filter loads whatever the
  // commit left in the log.)
  void Committed(const Reader& reader, const offline::LogPart& part);

 private:
  // What is remembered of a logged event.
  struct Logged {
    int64_t event_ts = 0;
    int64_t created_ts = 0;  // agg::kNullCreatedTs for none
    int64_t seq = 0;         // its _ingest_seq
  };
  struct Ids {
    std::mutex mu;
    std::unordered_map<std::string, Logged> event_ts;  // id bytes -> the event
    int64_t forgotten_up_to = INT64_MIN;               // ids at or before it are gone (or ignored)
    size_t sweep_at = 0;                               // Forget sweeps once event_ts is this large
    int64_t loaded_seq = 0;  // the log's parts up to this _ingest_seq are in event_ts
  };
  Ids* Of(const std::string& source);
  // Loads the ids of the log's parts with rows after ids->loaded_seq.
  // REQUIRES: the log's LOCK held.
  static Status CatchUp(Ids* ids, const SourceLog& log, int64_t horizon, Env* env);
  static void Forget(Ids* ids, int64_t horizon);

  std::mutex mu_;
  std::map<std::string, std::unique_ptr<Ids>> sources_;
};

class EventIdFilter::Reader final : public RecordBatchReader {
 public:
  const SchemaPtr& schema() const override { return rows_->schema(); }
  // The first call catches up with the log and yields the kept rows (or
  // nullptr when none is kept); later calls nullptr.
  Result<RecordBatchPtr> Next() override;

  // After Next(): the rows it yielded (the empty batch when none), and how
  // many it dropped.
  const RecordBatchPtr& kept() const { return kept_; }
  int64_t dropped() const { return dropped_; }
  // After Next(): the dropped rows (indexes into the rows given) that are
  // an event logged before, same id, event time and created time, and
  // that event's _ingest_seq each.
  const std::vector<uint32_t>& logged_rows() const { return logged_rows_; }
  const std::vector<int64_t>& logged_seqs() const { return logged_seqs_; }

 private:
  friend class EventIdFilter;
  Reader() = default;

  Ids* ids_ = nullptr;
  SourceLog log_;
  RecordBatchPtr rows_;
  int id_column_ = -1;
  int ts_column_ = -1;
  int created_column_ = -1;
  int64_t horizon_ = INT64_MIN;
  Env* env_ = nullptr;
  bool done_ = false;
  RecordBatchPtr kept_;
  int64_t dropped_ = 0;
  std::vector<uint32_t> logged_rows_;
  std::vector<int64_t> logged_seqs_;
};

}  // namespace tessera::online
