#include "tessera/online/event_id_filter.h"

#include <algorithm>
#include <optional>
#include <unordered_set>

#include "tessera/agg/agg_spec.h"
#include "tessera/core/entity_key.h"
#include "tessera/offline/row_take.h"
#include "tessera/offline/source_scan.h"

namespace tessera::online {
namespace {

// The id of row `r` as bytes (integers and strings, as entity keys encode
// them); nullopt for a null.
Result<std::optional<std::string>> IdOf(const Array& ids, int64_t r) {
  if (ids.IsNull(r)) return std::optional<std::string>();
  EntityKey::Builder builder;
  Status st = builder.AppendFromArray(ids, r);
  if (!st.ok()) {
    return Status::Invalid("column '" + std::string(kEventIdColumn) +
                           "' must be an integer or a string, not " + ids.type().ToString());
  }
  return std::optional<std::string>(builder.Build().bytes());
}

// The created time of row `r` (agg::kNullCreatedTs for a null or no column).
int64_t CreatedAt(const Array* created, int64_t r) {
  return created == nullptr || created->IsNull(r) ? agg::kNullCreatedTs : created->GetInt64(r);
}

}  // namespace

std::unique_lock<std::mutex> EventIdFilter::Lock(const std::string& source) {
  return std::unique_lock<std::mutex>(Of(source)->mu);
}

EventIdFilter::Ids* EventIdFilter::Of(const std::string& source) {
  std::lock_guard<std::mutex> lock(mu_);
  std::unique_ptr<Ids>& ids = sources_[source];
  if (ids == nullptr) ids = std::make_unique<Ids>();
  return ids.get();
}

// Lazily: a remembered id counts only while its event time is after the
// horizon (Reader::Next checks), so the sweep runs only once the memory
// doubled since the last one, amortized O(1) per id, not O(ids) per push.
void EventIdFilter::Forget(Ids* ids, int64_t horizon) {
  if (horizon <= ids->forgotten_up_to || ids->event_ts.size() < ids->sweep_at) return;
  for (auto it = ids->event_ts.begin(); it != ids->event_ts.end();) {
    it = it->second.event_ts <= horizon ? ids->event_ts.erase(it) : std::next(it);
  }
  ids->forgotten_up_to = horizon;
  ids->sweep_at = 2 * ids->event_ts.size() + 1024;
}

Status EventIdFilter::CatchUp(Ids* ids, const SourceLog& log, int64_t horizon, Env* env) {
  // Under the log's LOCK: usually only manifest.log is read (ReadLogTail).
  TS_ASSIGN_OR_RETURN(offline::LogTail tail,
                      offline::ReadLogTail(env, log.log_dir, ids->loaded_seq));
  if (tail.last_seq == ids->loaded_seq) return Status::OK();
  if (tail.last_seq < ids->loaded_seq) {  // the log was removed and begun again
    ids->event_ts.clear();
    ids->loaded_seq = 0;
    TS_ASSIGN_OR_RETURN(tail, offline::ReadLogTail(env, log.log_dir, 0));
  }
  // The parts with rows after loaded_seq (a compaction's part may also
  // hold older ones: loading them again changes nothing) whose events the
  // horizon has not passed.
  auto fresh = std::make_shared<offline::Manifest>();
  fresh->generation = tail.generation;
  fresh->last_seq = tail.last_seq;
  for (const offline::LogPart& part : tail.parts) {
    if (part.max_event_ts > horizon) fresh->parts.push_back(part);
  }
  if (!fresh->parts.empty()) {
    offline::SourceScanSpec scan;
    scan.log_dir = log.log_dir;
    scan.timestamp_column = log.timestamp_column;
    scan.manifest = fresh;
    scan.columns = {{kEventIdColumn, log.id_type, true},
                    {log.timestamp_column, DataType::Timestamp(), false},
                    {offline::kIngestSeqColumn, DataType::Int64(), false}};
    if (!log.created_column.empty()) {
      scan.columns.push_back({log.created_column, DataType::Timestamp(), true});
    }
    if (horizon != INT64_MIN) {
      scan.filters.push_back({log.timestamp_column, horizon + 1, INT64_MAX});
    }
    scan.env = env;
    TS_ASSIGN_OR_RETURN(std::unique_ptr<RecordBatchReader> reader, offline::OpenSourceScan(scan));
    while (true) {
      TS_ASSIGN_OR_RETURN(RecordBatchPtr batch, reader->Next());
      if (batch == nullptr) break;
      const Array& id = *batch->column(0);
      const Array& ts = *batch->column(1);
      const Array& seq = *batch->column(2);
      const Array* created = batch->num_columns() > 3 ? batch->column(3).get() : nullptr;
      for (int64_t r = 0; r < batch->num_rows(); ++r) {
        if (ts.IsNull(r) || ts.GetInt64(r) <= horizon) continue;
        TS_ASSIGN_OR_RETURN(std::optional<std::string> key, IdOf(id, r));
        if (!key) continue;
        const Logged logged{ts.GetInt64(r), CreatedAt(created, r), seq.GetInt64(r)};
        auto [it, inserted] = ids->event_ts.emplace(std::move(*key), logged);
        if (!inserted && it->second.seq > logged.seq) it->second = logged;  // the first commit
      }
    }
  }
  ids->loaded_seq = tail.last_seq;
  if (ids->forgotten_up_to < horizon) ids->forgotten_up_to = horizon;
  return Status::OK();
}

std::unique_ptr<EventIdFilter::Reader> EventIdFilter::Filter(const std::string& source,
                                                             const SourceLog& log,
                                                             RecordBatchPtr rows, int id_column,
                                                             int ts_column, int created_column,
                                                             int64_t horizon, Env* env) {
  std::unique_ptr<Reader> reader(new Reader());
  reader->ids_ = Of(source);
  reader->log_ = log;
  reader->rows_ = std::move(rows);
  reader->id_column_ = id_column;
  reader->ts_column_ = ts_column;
  reader->created_column_ = created_column;
  reader->horizon_ = horizon;
  reader->env_ = env;
  return reader;
}

Result<RecordBatchPtr> EventIdFilter::Reader::Next() {
  if (done_) return RecordBatchPtr();
  done_ = true;
  TS_RETURN_NOT_OK(CatchUp(ids_, log_, horizon_, env_));
  Forget(ids_, horizon_);
  const Array& id = *rows_->column(id_column_);
  const Array& ts = *rows_->column(ts_column_);
  const Array* created = created_column_ >= 0 ? rows_->column(created_column_).get() : nullptr;
  std::vector<offline::RowRef> refs;
  std::unordered_set<std::string> in_push;
  for (int64_t r = 0; r < rows_->num_rows(); ++r) {
    TS_ASSIGN_OR_RETURN(std::optional<std::string> key, IdOf(id, r));
    if (key) {
      auto known = ids_->event_ts.find(*key);
      if (known != ids_->event_ts.end() && known->second.event_ts > horizon_) {
        const Logged& logged = known->second;
        if (in_push.insert(*key).second && logged.event_ts == ts.GetInt64(r) &&
            logged.created_ts == CreatedAt(created, r)) {
          logged_rows_.push_back(static_cast<uint32_t>(r));
          logged_seqs_.push_back(logged.seq);
        }
        continue;
      }
      if (!in_push.insert(*key).second) continue;
    }
    refs.push_back(offline::RowRef{0, static_cast<uint32_t>(r)});
  }
  dropped_ = rows_->num_rows() - static_cast<int64_t>(refs.size());
  if (dropped_ == 0) {
    kept_ = rows_;
  } else {
    TS_ASSIGN_OR_RETURN(kept_, offline::TakeRows(rows_->schema(), {rows_}, refs, 1));
  }
  if (kept_->num_rows() == 0) return RecordBatchPtr();
  return kept_;
}

void EventIdFilter::Committed(const Reader& reader, const offline::LogPart& part) {
  Ids* ids = reader.ids_;
  if (reader.kept_ == nullptr || part.num_rows != reader.kept_->num_rows()) return;
  const RecordBatch& rows = *reader.kept_;
  const Array& id = *rows.column(reader.id_column_);
  const Array& ts = *rows.column(reader.ts_column_);
  const Array* created =
      reader.created_column_ >= 0 ? rows.column(reader.created_column_).get() : nullptr;
  for (int64_t r = 0; r < rows.num_rows(); ++r) {
    if (ts.GetInt64(r) <= reader.horizon_) continue;
    Result<std::optional<std::string>> key = IdOf(id, r);
    if (key.ok() && *key) {
      ids->event_ts[**key] = Logged{ts.GetInt64(r), CreatedAt(created, r), part.first_seq + r};
    }
  }
  // The part follows the parts loaded (LOCK was held from the load to the
  // commit), so the memory is up to its last seq.
  if (part.first_seq == ids->loaded_seq + 1) ids->loaded_seq = part.last_seq;
}

}  // namespace tessera::online
