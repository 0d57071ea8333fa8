#include "tessera/online/event_id_filter.h"

#include <unordered_set>

#include "tessera/core/entity_key.h"
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

void EventIdFilter::Forget(Ids* ids, int64_t horizon) {
  if (horizon <= ids->forgotten_up_to) return;
  for (auto it = ids->event_ts.begin(); it != ids->event_ts.end();) {
    it = it->second <= horizon ? ids->event_ts.erase(it) : std::next(it);
  }
  ids->forgotten_up_to = horizon;
}

Status EventIdFilter::Load(Ids* ids, const SourceLog& log, int64_t horizon, Env* env) {
  offline::SourceScanSpec scan;
  scan.log_dir = log.log_dir;
  scan.timestamp_column = log.timestamp_column;
  scan.columns = {{kEventIdColumn, log.id_type, true},
                  {log.timestamp_column, DataType::Timestamp(), false}};
  if (horizon != INT64_MIN) scan.filters.push_back({log.timestamp_column, horizon + 1, INT64_MAX});
  scan.env = env;
  TS_ASSIGN_OR_RETURN(std::unique_ptr<RecordBatchReader> reader, offline::OpenSourceScan(scan));
  while (true) {
    TS_ASSIGN_OR_RETURN(RecordBatchPtr batch, reader->Next());
    if (batch == nullptr) break;
    const Array& id = *batch->column(0);
    const Array& ts = *batch->column(1);
    for (int64_t r = 0; r < batch->num_rows(); ++r) {
      if (ts.IsNull(r) || ts.GetInt64(r) <= horizon) continue;
      TS_ASSIGN_OR_RETURN(std::optional<std::string> key, IdOf(id, r));
      if (key) ids->event_ts[*key] = std::max(ids->event_ts[*key], ts.GetInt64(r));
    }
  }
  ids->loaded = true;
  ids->forgotten_up_to = horizon;
  return Status::OK();
}

Result<std::vector<uint8_t>> EventIdFilter::Check(const std::string& source, const SourceLog& log,
                                                  const RecordBatch& rows, int id_column,
                                                  int64_t horizon, Env* env) {
  Ids* ids = Of(source);
  if (!ids->loaded) TS_RETURN_NOT_OK(Load(ids, log, horizon, env));
  Forget(ids, horizon);
  const Array& id = *rows.column(id_column);
  std::vector<uint8_t> keep(static_cast<size_t>(rows.num_rows()), 1);
  std::unordered_set<std::string> in_push;
  for (int64_t r = 0; r < rows.num_rows(); ++r) {
    TS_ASSIGN_OR_RETURN(std::optional<std::string> key, IdOf(id, r));
    if (!key) continue;
    if (ids->event_ts.count(*key) > 0 || !in_push.insert(*key).second) {
      keep[static_cast<size_t>(r)] = 0;
    }
  }
  return keep;
}

void EventIdFilter::Remember(const std::string& source, const RecordBatch& rows, int id_column,
                             int ts_column, int64_t horizon) {
  Ids* ids = Of(source);
  const Array& id = *rows.column(id_column);
  const Array& ts = *rows.column(ts_column);
  for (int64_t r = 0; r < rows.num_rows(); ++r) {
    if (ts.GetInt64(r) <= horizon) continue;
    Result<std::optional<std::string>> key = IdOf(id, r);
    if (key.ok() && *key) ids->event_ts[**key] = ts.GetInt64(r);
  }
}

}  // namespace tessera::online
