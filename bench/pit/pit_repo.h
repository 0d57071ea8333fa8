// The files around the data of a bench/pit data set, written into its
// folder DIR:
//   tessera.yaml, features.yaml  a feature repo (entities, one batch source
//                                per view reading sources/<view>/*.parquet in
//                                place, the views with their ttl and
//                                created_timestamp_field, a feature service
//                                `pit_bench` of every view), so
//                                `tessera -r DIR apply` and `tessera -r DIR
//                                historical --entities DIR/spine.parquet
//                                --service pit_bench ...` run against it;
//   duckdb_join.sql              DuckDB's query for the training set
//                                (pit_duckdb_sql.h); in the aggregation
//                                shape an aggregated view `user_spend`
//                                instead, and duckdb_agg_window.sql,
//                                duckdb_agg_join.sql (its two forms);
//   bench.json                   what the peers (bench/pit/pit_duckdb.mjs,
//                                pandas_pit.py) need: file paths relative to
//                                DIR, key and timestamp columns, ttl in
//                                micros, feature names.
// Thread-safety: none needed; called once.
#pragma once

#include <string>

#include "pit_spec.h"
#include "tessera/core/status.h"

namespace tessera::pitbench {

// Paths relative to the data folder.
std::string PartPath(const ViewSpec& view, int64_t part, bool csv);
inline constexpr const char* kSpineParquet = "spine.parquet";
inline constexpr const char* kSpineCsv = "csv/spine.csv";
inline constexpr const char* kDuckDbSql = "duckdb_join.sql";
// The aggregation shape's DuckDB queries (pit_duckdb_sql.h), instead.
inline constexpr const char* kDuckDbAggWindowSql = "duckdb_agg_window.sql";
inline constexpr const char* kDuckDbAggJoinSql = "duckdb_agg_join.sql";

// Parts of a view (kChunksPerPart chunks each).
int64_t NumParts(const ViewSpec& view);

// Writes tessera.yaml, features.yaml, duckdb_join.sql and bench.json into
// `dir`.
// `with_csv`: whether the CSV copy was written (bench.json lists it).
Status WriteRepoFiles(const PitSpec& spec, const std::string& dir, bool with_csv);

}  // namespace tessera::pitbench
