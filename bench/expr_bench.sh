#!/usr/bin/env bash
# Expression throughput, Tessera vs DuckDB, in the same run, single thread,
# in memory (the figures of docs/PERFORMANCE.md):
#   (a) amount / nullif(amount_sum_24h, 0)          10M rows
#   (b) a CASE with string comparisons               10M rows
#   (c) cosine_similarity of two 64-float lists      1M rows
#   (d) Tessera only: an on-demand view of 5 expressions on one row
#   (e) amount * 2 + amount_sum_24h (plain arithmetic)  10M rows
# DuckDB is timed inside DuckDB (duckdb_query.mjs --time) over an in-memory
# table of the same shape and distribution, with SET threads = 1, as
# CREATE TABLE r AS SELECT <expr> FROM t (the result materialized, as
# Tessera's evaluator materializes its result column); plain column copies
# are timed too, to show what materializing alone costs in DuckDB.
#
#   bench/expr_bench.sh [build-dir] [rows] [list-rows]
#       defaults: build-release, 10000000, 1000000
set -euo pipefail

src="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$src/build-release}"
rows="${2:-10000000}"
list_rows="${3:-1000000}"

if [[ ! -x "$build/expr_bench" ]]; then
  cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DTESSERA_BUILD_BENCHMARKS=ON -DTESSERA_BUILD_TESTS=OFF > /dev/null
  cmake --build "$build" --target expr_bench -j "${JOBS:-2}"
fi
bash "$src/tests/duckdb/install.sh" "$build/duckdb"

echo "date: $(date -u +%Y-%m-%dT%H:%MZ)  nproc: $(nproc)  memory: $(free -g | awk '/Mem:/ {print $2 " GiB"}')"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "duckdb: $(node "$build/duckdb/duckdb_query.mjs" "SELECT version()" | tail -1)"
echo "build: $(grep -m1 CMAKE_BUILD_TYPE: "$build/CMakeCache.txt" | cut -d= -f2)"

"$build/expr_bench" --rows "$rows" --list-rows "$list_rows"

# DuckDB, two ways, each next to a baseline over a plain input column (what
# the harness costs without the expression):
#   hash: SELECT sum(hash(<expr>)) FROM t   (evaluate, fold into one number)
#   ctas: CREATE TABLE r AS SELECT <expr> FROM t   (evaluate, materialize)
case_a="amount / nullif(amount_sum_24h, 0)"
case_b="CASE WHEN category = 'grocery' THEN 'food' WHEN category = 'restaurant' OR category = 'bar' THEN 'dining' WHEN country != 'US' THEN 'foreign' ELSE 'other' END"
case_c="list_cosine_similarity(u, v)"
case_e="amount * 2 + amount_sum_24h"
names=(setup create_t a_ratio/hash b_case_strings/hash e_arith/hash base_double/hash base_string/hash
       a_ratio/ctas b_case_strings/ctas e_arith/ctas base_double/ctas base_string/ctas create_e
       c_cosine_64/hash base_list/hash c_cosine_64/ctas)
node "$build/duckdb/duckdb_query.mjs" --time \
  "SET threads = 1" \
  "CREATE TABLE t AS SELECT (hash(i) % 100000) / 100.0 AS amount,
     CASE WHEN hash(i + 1) % 100 < 5 THEN NULL WHEN hash(i + 1) % 100 < 15 THEN 0.0
          ELSE (hash(i + 2) % 1000000) / 100.0 END::DOUBLE AS amount_sum_24h,
     (['grocery','restaurant','bar','travel','fuel','online'])[(hash(i + 3) % 6)::BIGINT + 1] AS category,
     (['US','US','US','FR','DE','JP'])[(hash(i + 4) % 6)::BIGINT + 1] AS country
   FROM range($rows) r(i)" \
  "SELECT sum(hash($case_a)) FROM t" \
  "SELECT sum(hash($case_b)) FROM t" \
  "SELECT sum(hash($case_e)) FROM t" \
  "SELECT sum(hash(amount_sum_24h)) FROM t" \
  "SELECT sum(hash(category)) FROM t" \
  "CREATE TABLE ra AS SELECT $case_a AS v FROM t" \
  "CREATE TABLE rb AS SELECT $case_b AS v FROM t" \
  "CREATE TABLE re AS SELECT $case_e AS v FROM t" \
  "CREATE TABLE r0 AS SELECT amount_sum_24h AS v FROM t" \
  "CREATE TABLE rs0 AS SELECT category AS v FROM t" \
  "CREATE TABLE e AS SELECT
     list_transform(range(64), x -> (hash(i * 64 + x) % 2000000 / 1000000.0 - 1.0)::FLOAT) AS u,
     list_transform(range(64), x -> (hash(i * 64 + x + 7) % 2000000 / 1000000.0 - 1.0)::FLOAT) AS v
   FROM range($list_rows) r(i)" \
  "SELECT sum(hash($case_c)) FROM e" \
  "SELECT sum(hash(u)) FROM e" \
  "CREATE TABLE rc AS SELECT $case_c AS s FROM e" \
  2>&1 >/dev/null | while IFS= read -r line; do
    if [[ "$line" =~ \"statement\":([0-9]+),\"ms\":([0-9.]+) ]]; then
      i="${BASH_REMATCH[1]}"; ms="${BASH_REMATCH[2]}"; name="${names[$i]}"
      [[ "$name" == setup || "$name" == create_* ]] && continue
      n="$rows"; [[ "$name" == c_* || "$name" == base_list* ]] && n="$list_rows"
      awk -v c="${name%/*}" -v how="${name#*/}" -v n="$n" -v ms="$ms" 'BEGIN {
        printf "{\"case\":\"%s\",\"engine\":\"duckdb-%s\",\"rows\":%d,\"seconds\":%.4f,\"rows_per_s\":%.0f}\n",
          c, how, n, ms / 1000, n / (ms / 1000) }'
    else
      echo "$line"
    fi
  done
