// PitAsofSql: the DuckDB query that computes Tessera's point-in-time join
// (src/tessera/offline/point_in_time_join.h, DESIGN.md section 3) with
// DuckDB's ASOF JOIN, for the differential test
// (tests/offline/point_in_time_join_duckdb_test.cc) and the benchmark
// against DuckDB (bench/pit). Header-only, no dependencies.
//
// DuckDB's ASOF JOIN picks an arbitrary row among several with the same key
// and event time, so each view is first reduced to one row per (key,
// event_ts): the larger created_ts (NULLS LAST in descending order: null is
// the smallest), then the later row of the input stream (a column holding
// the row's position in the view's input, e.g. _ingest_seq or a row
// number). Rows with a null event_ts never qualify. ASOF LEFT JOIN then
// takes the largest event_ts <= t; the ttl is a bound on that one row
// (event_ts > t - ttl, in integer microseconds so no interval rounding
// enters), since every other qualifying row is older still. A null key
// part matches nothing and a spine row with a null time gets nulls, as in
// Tessera; DuckDB's ASOF alone would match NULL keys to NULL keys and a
// NULL time as the latest, so view rows with a null key part are dropped
// first and the null time is checked explicitly.
//
//   PitAsofSpine spine{"read_parquet('spine.parquet')", "event_timestamp"};
//   PitAsofView v{"read_parquet('v.parquet')", {"user_id"}, {"user_id"}, ...};
//   std::string sql = PitAsofSql(spine, {v});
//
// Output columns: the spine's (`s.*`, unless spine.select says otherwise),
// then per view its values and `<prefix>event_ts` (the picked row's
// event_ts), each null when nothing qualifies; ordered by spine.order_by
// when set.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tessera::testing {

struct PitAsofSpine {
  std::string table;             // a table expression: a name or read_parquet('...')
  std::string timestamp_column;  // the spine's time t
  std::string select = "s.*";    // spine columns in the output
  std::string order_by;          // e.g. "s._row"; empty = no ORDER BY
};

struct PitAsofView {
  std::string table;                     // a table expression
  std::vector<std::string> key_columns;  // the view's key parts
  std::vector<std::string> spine_keys;   // the spine columns they match, in order
  std::vector<std::string> values;       // value columns to output
  int64_t ttl_micros = 0;                // 0 = no bound
  std::string event_ts = "event_ts";
  std::string created_ts = "created_ts";
  std::string ordinal = "_ord";  // position in the input stream (later wins)
  std::string prefix;            // output names: prefix + value, prefix + "event_ts"
};

inline std::string PitAsofQuote(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// The reduced view i: one row per (key, event_ts).
inline std::string PitAsofReducedView(const PitAsofView& v) {
  std::string partition, not_null;
  for (const std::string& k : v.key_columns) {
    partition += PitAsofQuote(k) + ", ";
    not_null += PitAsofQuote(k) + " IS NOT NULL AND ";
  }
  partition += PitAsofQuote(v.event_ts);
  return "SELECT * FROM " + v.table + " WHERE " + not_null + PitAsofQuote(v.event_ts) +
         " IS NOT NULL QUALIFY row_number() OVER (PARTITION BY " + partition + " ORDER BY " +
         PitAsofQuote(v.created_ts) + " DESC NULLS LAST, " + PitAsofQuote(v.ordinal) + " DESC) = 1";
}

inline std::string PitAsofSql(const PitAsofSpine& spine, const std::vector<PitAsofView>& views) {
  std::string with = "WITH ";
  std::string select = "SELECT " + spine.select;
  std::string from = " FROM " + spine.table + " AS s";
  for (size_t i = 0; i < views.size(); ++i) {
    const PitAsofView& v = views[i];
    const std::string alias = "v" + std::to_string(i);
    const std::string reduced = "r" + std::to_string(i);
    if (i > 0) with += ", ";
    with += reduced + " AS (" + PitAsofReducedView(v) + ")";
    const std::string t = "s." + PitAsofQuote(spine.timestamp_column);
    const std::string e = alias + "." + PitAsofQuote(v.event_ts);
    // DuckDB's ASOF matches a null t as if it were the largest time; a
    // spine row without a time gets nothing in Tessera.
    std::string ok = e + " IS NOT NULL AND " + t + " IS NOT NULL";
    if (v.ttl_micros > 0) {
      ok += " AND epoch_us(" + e + ") > epoch_us(" + t + ") - " + std::to_string(v.ttl_micros);
    }
    for (const std::string& value : v.values) {
      select += ", CASE WHEN " + ok + " THEN " + alias + "." + PitAsofQuote(value) + " END AS " +
                PitAsofQuote(v.prefix + value);
    }
    select += ", CASE WHEN " + ok + " THEN " + e + " END AS " + PitAsofQuote(v.prefix + "event_ts");
    from += " ASOF LEFT JOIN " + reduced + " AS " + alias + " ON ";
    for (size_t k = 0; k < v.key_columns.size(); ++k) {
      from += "s." + PitAsofQuote(v.spine_keys[k]) + " = " + alias + "." +
              PitAsofQuote(v.key_columns[k]) + " AND ";
    }
    from += t + " >= " + e;
  }
  std::string sql = (views.empty() ? "" : with + " ") + select + from;
  if (!spine.order_by.empty()) sql += " ORDER BY " + spine.order_by;
  return sql;
}

}  // namespace tessera::testing
