#!/usr/bin/env bash
# Training set with aggregations: Tessera vs DuckDB computing the same exact
# windows on the same Parquet files, in the same run (docs/PERFORMANCE.md
# "Training sets with aggregations"; issue 10).
#
#   bench/agg_pit_bench.sh [--spine N] [--rows N] [--keys uniform|skewed] [--seed N]
#                          [--forms window|join|window,join] [--build DIR] [--data DIR]
#                          [--skip tessera,duckdb]
#
#   defaults: --spine 1000000 --rows 10000000 --keys uniform --seed 42 --forms window
#             --build build-release --data ${TMPDIR:-/tmp}/tessera-aggpit
#   --rows is the number of events.
#
# 1. builds pit_datagen and run_measured, then tessera (Release; when tessera
#    does not build, it is reported as not available and DuckDB still runs),
#    and installs DuckDB's Node API into <build>/duckdb (tests/duckdb/install.sh);
# 2. generates the data set (pit_datagen --shape agg: events (user_id,
#    event_ts, created_ts, amount) of the aggregated view user_spend with
#    sum, count and max of amount over 1h, 24h and 7d, and the spine; see
#    bench/pit/pit_spec.h), or reuses the one in <data>/<seed, sizes> when
#    its .complete names the same spec;
# 3. times `tessera historical` as a whole process (Parquet in, Parquet out;
#    wall, CPU user+sys, peak RSS via run_measured/wait4), then DuckDB's
#    query in each of --forms (bench/pit/pit_duckdb_sql.h: `window`, the
#    spine and the events in one table with window functions over RANGE
#    frames; `join`, a range join with GROUP BY), written with COPY ... TO
#    Parquet, timed inside DuckDB (threads = nproc), plus each node
#    process's wall, CPU and peak RSS;
# 4. checks Tessera's training set against DuckDB's (column names, row count,
#    order-sensitive checksum and non-null count of every column: exact,
#    since every amount is a multiple of 1/64 and every sum of them exact),
#    and DuckDB's forms against each other; the forms themselves are checked
#    against a brute-force reference by the ctest bench.agg_pit_peers_agree;
# 5. prints one Markdown table (bench/pit/agg_pit_report.mjs); the ratio is
#    against DuckDB's fastest form timed.
# PIT_DUCKDB_MEMORY_LIMIT (e.g. 12GB) sets DuckDB's memory_limit (default:
# DuckDB's, 80% of memory), to leave room for others on a shared machine.
# Exit status: 0, or 1 when a check finds a difference or a peer fails.
# Data: about 115 MB of Parquet per 10M events and 1M spine rows.
set -euo pipefail

# All in one function, read whole before it runs, so editing this file
# during a long run does not change the run.
main() {
  src="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  build="$src/build-release"
  data="${TMPDIR:-/tmp}/tessera-aggpit"
  spine=1000000 rows=10000000 keys=uniform seed=42 forms=window skip=""
  while [[ $# -gt 0 ]]; do
    [[ $# -ge 2 ]] || { echo "agg_pit_bench.sh: $1 needs a value" >&2; exit 2; }
    case "$1" in
      --spine) spine="$2" ;;
      --rows) rows="$2" ;;
      --keys) keys="$2" ;;
      --seed) seed="$2" ;;
      --forms) forms="$2" ;;
      --build) build="$2" ;;
      --data) data="$2" ;;
      --skip) skip="$2" ;;
      *) echo "agg_pit_bench.sh: unknown argument '$1' (see the comment at the top)" >&2; exit 2 ;;
    esac
    shift 2
  done
  for form in ${forms//,/ }; do
    [[ "$form" == window || "$form" == join ]] ||
      { echo "agg_pit_bench.sh: --forms: unknown form '$form' (expected window, join)" >&2; exit 2; }
  done
  skipped() { [[ ",$skip," == *",$1,"* ]]; }
  memory_gib() { awk '/^MemTotal:/ {printf "%.1f", $2 / 1048576}' /proc/meminfo; }

  # --- 1. tools and peers ---------------------------------------------------
  if [[ ! -f "$build/CMakeCache.txt" ]]; then
    cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DTESSERA_BUILD_BENCHMARKS=ON -DTESSERA_BUILD_TESTS=OFF > /dev/null
  fi
  jobs="${JOBS:-$(nproc)}"
  cmake --build "$build" --target pit_datagen run_measured -j "$jobs"
  tessera_built=1
  if ! skipped tessera; then
    cmake --build "$build" --target tessera -j "$jobs" > "$build/agg_pit_tessera_build.log" 2>&1 ||
      tessera_built=0
  fi
  bash "$src/tests/duckdb/install.sh" "$build/duckdb"
  cp "$src/bench/pit/pit_duckdb.mjs" "$src/bench/pit/pit_sql.mjs" "$build/duckdb/"

  # --- 2. data ----------------------------------------------------------------
  gen=(--shape agg --seed "$seed" --spine-rows "$spine" --feature-rows "$rows" --keys "$keys")
  spec="$("$build/pit_datagen" "${gen[@]}" --print-spec)"
  set_dir="$data/seed${seed}-spine${spine}-rows${rows}-${keys}-agg"
  if [[ "$(cat "$set_dir/.complete" 2> /dev/null)" != "$spec" ]]; then
    mkdir -p "$set_dir"
    "$build/pit_datagen" "${gen[@]}" --out "$set_dir"
  else
    echo "agg_pit_bench.sh: reusing $set_dir ($spec)"
  fi
  work="$set_dir/run"
  rm -rf "$work" "$set_dir/.duckdb_tmp"
  mkdir -p "$work"

  # --- 3. the engines --------------------------------------------------------------
  measure="$build/run_measured"
  duck="$build/duckdb/pit_duckdb.mjs"
  echo
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ)  nproc: $(nproc)  memory: $(memory_gib) GiB  load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
  echo "build: $(grep -m1 CMAKE_BUILD_TYPE: "$build/CMakeCache.txt" | cut -d= -f2)  data: $spec"

  if skipped tessera; then
    echo "skipped (--skip tessera)" > "$work/tessera.skipped"
  elif [[ "$tessera_built" -eq 0 ]]; then
    echo "tessera does not build here; see $build/agg_pit_tessera_build.log" > "$work/tessera.skipped"
  elif ! "$build/tessera" -r "$set_dir" apply > "$work/tessera_apply.log" 2>&1; then
    echo "'tessera apply' failed; see $work/tessera_apply.log" > "$work/tessera.skipped"
  else
    features="$(sed -n 's/.*"features_arg": "\([^"]*\)".*/\1/p' "$set_dir/bench.json")"
    "$measure" "$work/tessera.json" -- "$build/tessera" -r "$set_dir" historical \
      --entities "$set_dir/spine.parquet" --features "$features" --out "$work/tessera.parquet" \
      --quiet > "$work/tessera.log" 2>&1 || true
  fi
  echo "load average after Tessera: $(cut -d' ' -f1-3 /proc/loadavg)"

  status=0
  if ! skipped duckdb; then
    for form in ${forms//,/ }; do
      "$measure" "$work/duckdb_${form}_proc.json" -- node "$duck" join "$set_dir/bench.json" \
        "$work/duckdb_$form.parquet" --threads "$(nproc)" --sql "duckdb_agg_$form.sql" \
        ${PIT_DUCKDB_MEMORY_LIMIT:+--memory-limit "$PIT_DUCKDB_MEMORY_LIMIT"} \
        > "$work/duckdb_$form.json" 2> "$work/duckdb_$form.log" ||
        { cat "$work/duckdb_$form.log" >&2; status=1; }
      echo "DuckDB ($form): $(cat "$work/duckdb_$form.json" 2> /dev/null)"
      echo "load average after DuckDB ($form): $(cut -d' ' -f1-3 /proc/loadavg)"
    done
  fi

  # --- 4. checks ----------------------------------------------------------------
  # The reference output: DuckDB's fastest form.
  best=""
  best_s=""
  for form in ${forms//,/ }; do
    s="$(sed -n 's/.*"query_s":\([0-9.]*\).*/\1/p' "$work/duckdb_$form.json" 2> /dev/null)"
    [[ -n "$s" && -f "$work/duckdb_$form.parquet" ]] || continue
    if [[ -z "$best" ]] || awk -v a="$s" -v b="$best_s" 'BEGIN { exit !(a < b) }'; then
      best="$form" best_s="$s"
    fi
  done
  if [[ -n "$best" ]]; then
    for form in ${forms//,/ }; do
      [[ "$form" != "$best" && -f "$work/duckdb_$form.parquet" ]] || continue
      node "$duck" compare "$work/duckdb_$best.parquet" "$work/duckdb_$form.parquet" \
        > "$work/forms_compare.json" || status=1
    done
    if [[ -f "$work/tessera.json" ]]; then
      if [[ -f "$work/tessera.parquet" ]]; then
        node "$duck" compare "$work/tessera.parquet" "$work/duckdb_$best.parquet" \
          > "$work/compare.json" || status=1
      else
        status=1
      fi
    fi
  elif ! skipped duckdb; then
    status=1
  fi

  # --- 5. the table -------------------------------------------------------------
  echo
  node "$src/bench/pit/agg_pit_report.mjs" "$work" "$forms"
  echo "(outputs and logs: $work)"
  exit "$status"
}

main "$@"
