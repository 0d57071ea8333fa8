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

}  // namespace tessera::pitbench
