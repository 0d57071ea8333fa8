// Registry: what the online store holds of each feature view version
// (materialization records, registry.h RecordMaterialized /
// MaterializedViews). Two tables, created by the first record (a registry
// written before issue 9 opens and reads as it is; MaterializedViews reads
// an absent table as "nothing materialized"):
//
//   materialized_views     (view, version, log_seq, updated_at)
//   materialized_intervals (view, version, start_micros, end_micros)
//
// Intervals are kept merged: a record replaces every stored interval it
// overlaps or touches ((a,b] and (b,c] become (a,c]) by their union, so a
// view materialized every hour for years still has one row.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "tessera/core/suggest.h"
#include "tessera/core/time.h"
#include "tessera/registry/registry_internal.h"

namespace tessera::registry {
namespace {

using Interval = std::pair<int64_t, int64_t>;

Result<bool> MaterializedTablesExist(SqliteDb* db) {
  TS_ASSIGN_OR_RETURN(SqliteStatement stmt,
                      db->Prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                                  "name IN ('materialized_views', 'materialized_intervals')"));
  TS_ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row && stmt.ColumnInt64(0) == 2;
}

Status CheckViewVersion(SqliteDb* db, const std::string& view, int64_t version) {
  TS_ASSIGN_OR_RETURN(SqliteStatement stmt,
                      db->Prepare("SELECT max(version) FROM object_versions "
                                  "WHERE kind = ? AND name = ?"));
  TS_RETURN_NOT_OK(stmt.BindAll(internal::KindDbName(ObjectKind::kFeatureView), view));
  TS_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row || stmt.ColumnIsNull(0)) {
    return Status::NotFound("no feature-view " + Quoted(view) + " in " + db->Label());
  }
  int64_t latest = stmt.ColumnInt64(0);
  if (version < 1 || version > latest) {
    return Status::NotFound("feature-view " + Quoted(view) + " has no version " +
                            std::to_string(version) + " (versions 1 to " +
                            std::to_string(latest) + ")");
  }
  return Status::OK();
}

Result<std::vector<Interval>> LoadIntervals(SqliteDb* db, const std::string& view,
                                            int64_t version) {
  TS_ASSIGN_OR_RETURN(SqliteStatement stmt,
                      db->Prepare("SELECT start_micros, end_micros FROM materialized_intervals "
                                  "WHERE view = ? AND version = ? ORDER BY start_micros"));
  TS_RETURN_NOT_OK(stmt.BindAll(view, version));
  std::vector<Interval> intervals;
  while (true) {
    TS_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    intervals.emplace_back(stmt.ColumnInt64(0), stmt.ColumnInt64(1));
  }
  return intervals;
}

}  // namespace

std::vector<std::pair<int64_t, int64_t>> internal::MergeIntervals(
    std::vector<std::pair<int64_t, int64_t>> intervals) {
  std::sort(intervals.begin(), intervals.end());
  std::vector<Interval> merged;
  for (const Interval& interval : intervals) {
    // (a,b] and (c,d] with c <= b cover (a, max(b,d)] without a gap.
    if (!merged.empty() && interval.first <= merged.back().second) {
      merged.back().second = std::max(merged.back().second, interval.second);
    } else {
      merged.push_back(interval);
    }
  }
  return merged;
}

Status Registry::RecordMaterialized(const std::string& view, int64_t version, int64_t start,
                                    int64_t end, int64_t log_seq) {
  if (start >= end) {
    return Status::Invalid("materialized interval of feature-view " + Quoted(view) +
                                   ": start " + FormatTimestamp(start) + " is not before end " +
                                   FormatTimestamp(end));
  }
  SqliteDb* db = db_.get();
  TS_ASSIGN_OR_RETURN(auto txn, SqliteTransaction::Begin(db, SqliteTransaction::Mode::kImmediate));
  TS_RETURN_NOT_OK(CheckViewVersion(db, view, version));
  TS_RETURN_NOT_OK(internal::CreateMaterializedTables(db));
  TS_ASSIGN_OR_RETURN(std::vector<Interval> intervals, LoadIntervals(db, view, version));
  intervals.emplace_back(start, end);
  intervals = internal::MergeIntervals(std::move(intervals));

  TS_ASSIGN_OR_RETURN(SqliteStatement clear,
                      db->Prepare("DELETE FROM materialized_intervals "
                                  "WHERE view = ? AND version = ?"));
  TS_RETURN_NOT_OK(clear.BindAll(view, version));
  TS_RETURN_NOT_OK(clear.Run());
  for (const Interval& interval : intervals) {
    TS_ASSIGN_OR_RETURN(SqliteStatement insert,
                        db->Prepare("INSERT INTO materialized_intervals "
                                    "(view, version, start_micros, end_micros) "
                                    "VALUES (?, ?, ?, ?)"));
    TS_RETURN_NOT_OK(insert.BindAll(view, version, interval.first, interval.second));
    TS_RETURN_NOT_OK(insert.Run());
  }
  int64_t now = options_.clock ? options_.clock() : NowMicros();
  TS_ASSIGN_OR_RETURN(
      SqliteStatement upsert,
      db->Prepare("INSERT INTO materialized_views (view, version, log_seq, updated_at) "
                  "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (view, version) DO UPDATE SET "
                  "log_seq = max(log_seq, ?3), updated_at = ?4"));
  TS_RETURN_NOT_OK(upsert.BindAll(view, version, log_seq, now));
  TS_RETURN_NOT_OK(upsert.Run());
  return txn.Commit();
}

Result<std::vector<MaterializedView>> Registry::MaterializedViews() const {
  SqliteDb* db = db_.get();
  // One read transaction: the intervals and log_seq of one record.
  TS_ASSIGN_OR_RETURN(auto txn, SqliteTransaction::Begin(db, SqliteTransaction::Mode::kDeferred));
  std::vector<MaterializedView> views;
  TS_ASSIGN_OR_RETURN(bool exist, MaterializedTablesExist(db));
  if (!exist) return views;
  {
    TS_ASSIGN_OR_RETURN(SqliteStatement stmt,
                        db->Prepare("SELECT view, version, log_seq, updated_at "
                                    "FROM materialized_views ORDER BY view, version"));
    while (true) {
      TS_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      MaterializedView v;
      v.view = stmt.ColumnText(0);
      v.version = stmt.ColumnInt64(1);
      v.log_seq = stmt.ColumnInt64(2);
      v.updated_at = stmt.ColumnInt64(3);
      views.push_back(std::move(v));
    }
  }
  for (MaterializedView& v : views) {
    TS_ASSIGN_OR_RETURN(v.intervals, LoadIntervals(db, v.view, v.version));
  }
  TS_RETURN_NOT_OK(txn.Rollback());
  return views;
}

}  // namespace tessera::registry
