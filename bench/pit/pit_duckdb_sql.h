// The DuckDB query that builds a bench/pit data set's training set: the
// point-in-time join of DESIGN.md section 3 with DuckDB's ASOF JOIN, from
// the same builder as the join's DuckDB differential test
// (tests/common/pit_asof_sql.h: each view reduced to one row per (key,
// event_ts) by the largest created_ts, null smallest, then the last row of
// the input; ASOF LEFT JOIN for the latest event_ts <= t; the ttl as a bound
// on the picked row). Here the input order of a view is its files' order:
// file path, then row in file (DESIGN.md section 3b), as DuckDB's
// `file_index` and `file_row_number`.
//
// Output: the spine's columns, then each view's features under their bare
// names (what `tessera historical` writes without --full-feature-names and
// --with-timestamps), in spine order. Paths are relative to the data set's
// folder; pit_duckdb.mjs runs the query from there.
//
// Thread-safety: a pure function.
#pragma once

#include <string>

#include "pit_spec.h"

namespace tessera::pitbench {

std::string DuckDbJoinQuery(const PitSpec& spec);

// The aggregation shape's training set (pit_spec.h; bench/agg_pit_bench.sh):
// for every spine row (user_id, t), over the events of that user with
// event_ts in (t - W, t], for each window W of kAggWindows: sum(amount),
// count(amount) (non-null amounts; 0 for an empty window) and
// max(amount) (null for an empty window), named as Tessera names them
// (AggFeatureNames), after the spine's columns, in spine order. Times are
// compared as integer microseconds (epoch_us), so no interval arithmetic
// enters and (t - W, t] is exactly [t - W + 1us, t]. Two formulations of
// the same result, so the benchmark can time DuckDB's faster one:
//   kWindow  the spine's rows and the events in one table, partitioned by
//            user and ordered by time, each aggregate a window function
//            with the frame RANGE BETWEEN W - 1 PRECEDING AND CURRENT ROW
//            (CURRENT ROW in RANGE mode reaches the row's last peer, so
//            events at exactly t count; spine rows carry a null amount, so
//            no aggregate sees them); then the spine's rows;
//   kJoin    the spine LEFT JOIN the events ON same user AND t - 7d <
//            event_ts <= t, GROUP BY spine row, each narrower window an
//            aggregate FILTER (WHERE event_ts > t - W).
// Assumes no null user_id and no null times (the generator writes none).
enum class AggSqlForm { kWindow, kJoin };
std::string DuckDbAggQuery(const PitSpec& spec, AggSqlForm form);

}  // namespace tessera::pitbench
