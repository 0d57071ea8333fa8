#!/usr/bin/env bash
# Training sets, Tessera vs DuckDB's ASOF JOIN vs pandas merge_asof, on the
# same machine in the same run (docs/PERFORMANCE.md "Training sets").
#
#   bench/pit_bench.sh [--spine N] [--rows N] [--views 1|3] [--keys uniform|skewed]
#                      [--seed N] [--build DIR] [--data DIR] [--skip tessera,duckdb,pandas]
#
#   defaults: --spine 1000000 --rows 10000000 --views 1 --keys uniform --seed 42
#             --build build-release --data ${TMPDIR:-/tmp}/tessera-pit
#   --rows is the number of feature rows, in total over the views.
#
# 1. builds pit_datagen, run_measured and tessera (Release) and installs
#    DuckDB's Node API into <build>/duckdb (tests/duckdb/install.sh); pandas
#    is Debian's python3-pandas, installed with apt-get when missing (a
#    benchmark peer only, not in scripts/setup.sh);
# 2. generates the data set (bench/pit/pit_datagen.cc), or reuses the one in
#    <data>/<seed, sizes> when its .complete names the same spec;
# 3. times `tessera historical` as a whole process (Parquet in, Parquet out;
#    wall, CPU user+sys, peak RSS via run_measured/wait4); DuckDB's ASOF JOIN
#    with the ttl bound and the created_ts tie-break, written with COPY ... TO
#    Parquet, timed inside DuckDB (threads = nproc), plus its process's peak
#    RSS (bench/pit/pit_duckdb.mjs, pit_sql.mjs); pandas' load and join
#    separately (bench/pit/pandas_pit.py, on the CSV copy: only written up to
#    20M feature rows, pandas cannot hold more here);
# 4. checks Tessera's training set against DuckDB's (column names, row count,
#    order-sensitive checksum and non-null count of every column) and pandas'
#    against DuckDB's (row count; per feature the non-null count and an
#    order-sensitive weighted sum); the peers themselves are checked against
#    a brute-force reference by the ctest bench.pit_peers_agree;
# 5. prints one Markdown table with the ratios (pit_report.mjs).
# PIT_DUCKDB_MEMORY_LIMIT (e.g. 12GB) sets DuckDB's memory_limit (default:
# DuckDB's, 80% of memory), to leave room for others on a shared machine.
# Exit status: 0, or 1 when a check finds a difference or a peer fails.
# Data needs about 1.4 GB per 10M feature rows (Parquet and CSV).
set -euo pipefail

# All in one function, read whole before it runs, so editing this file
# during a long run does not change the run.
main() {
  src="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  build="$src/build-release"
  data="${TMPDIR:-/tmp}/tessera-pit"
  spine=1000000 rows=10000000 views=1 keys=uniform seed=42 skip=""
  while [[ $# -gt 0 ]]; do
    [[ $# -ge 2 ]] || { echo "pit_bench.sh: $1 needs a value" >&2; exit 2; }
    case "$1" in
      --spine) spine="$2" ;;
      --rows) rows="$2" ;;
      --views) views="$2" ;;
      --keys) keys="$2" ;;
      --seed) seed="$2" ;;
      --build) build="$2" ;;
      --data) data="$2" ;;
      --skip) skip="$2" ;;
      *) echo "pit_bench.sh: unknown argument '$1' (see the comment at the top)" >&2; exit 2 ;;
    esac
    shift 2
  done
  skipped() { [[ ",$skip," == *",$1,"* ]]; }
  memory_gib() { awk '/^MemTotal:/ {printf "%.1f", $2 / 1048576}' /proc/meminfo; }

  # --- 1. tools and peers ---------------------------------------------------
  if [[ ! -f "$build/CMakeCache.txt" ]]; then
    cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DTESSERA_BUILD_BENCHMARKS=ON -DTESSERA_BUILD_TESTS=OFF > /dev/null
  fi
  cmake --build "$build" --target pit_datagen run_measured tessera -j "${JOBS:-$(nproc)}"
  bash "$src/tests/duckdb/install.sh" "$build/duckdb"
  cp "$src/bench/pit/pit_duckdb.mjs" "$src/bench/pit/pit_sql.mjs" "$build/duckdb/"
  python=/usr/bin/python3
  if ! skipped pandas && ! "$python" -c 'import pandas' 2> /dev/null; then
    sudo=""; [[ "$(id -u)" -eq 0 ]] || sudo="sudo"
    echo "pit_bench.sh: installing python3-pandas (Debian) for the pandas peer"
    install_pandas() {
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        python3-pandas > /dev/null
    }
    # Stale or missing package lists: update once and retry.
    install_pandas || { $sudo apt-get update -qq && install_pandas; } || true
  fi

  # --- 2. data ----------------------------------------------------------------
  gen=(--seed "$seed" --spine-rows "$spine" --feature-rows "$rows" --views "$views" --keys "$keys")
  spec="$("$build/pit_datagen" "${gen[@]}" --print-spec)"
  set_dir="$data/seed${seed}-spine${spine}-rows${rows}-views${views}-${keys}"
  if [[ "$(cat "$set_dir/.complete" 2> /dev/null)" != "$spec" ]]; then
    mkdir -p "$set_dir"
    "$build/pit_datagen" "${gen[@]}" --out "$set_dir"
  else
    echo "pit_bench.sh: reusing $set_dir ($spec)"
  fi
  work="$set_dir/run"
  rm -rf "$work" "$set_dir/.duckdb_tmp"
  mkdir -p "$work"

  # --- 3. the three engines ------------------------------------------------------
  measure="$build/run_measured"
  duck="$build/duckdb/pit_duckdb.mjs"
  echo
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ)  nproc: $(nproc)  memory: $(memory_gib) GiB  load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
  echo "build: $(grep -m1 CMAKE_BUILD_TYPE: "$build/CMakeCache.txt" | cut -d= -f2)  data: $spec"

  if skipped tessera; then
    echo "skipped (--skip tessera)" > "$work/tessera.skipped"
  elif ! "$build/tessera" historical --help > /dev/null 2>&1; then
    echo "this build of tessera has no 'historical' command" > "$work/tessera.skipped"
  elif ! "$build/tessera" -r "$set_dir" apply > "$work/tessera_apply.log" 2>&1; then
    echo "'tessera apply' failed; see $work/tessera_apply.log" > "$work/tessera.skipped"
  else
    features="$(sed -n 's/.*"features_arg": "\([^"]*\)".*/\1/p' "$set_dir/bench.json")"
    "$measure" "$work/tessera.json" -- "$build/tessera" -r "$set_dir" historical \
      --entities "$set_dir/spine.parquet" --features "$features" --out "$work/tessera.parquet" \
      --quiet > "$work/tessera.log" 2>&1 || true
  fi
  echo "load average after Tessera: $(cut -d' ' -f1-3 /proc/loadavg)"

  if ! skipped duckdb; then
    "$measure" "$work/duckdb_proc.json" -- node "$duck" join "$set_dir/bench.json" \
      "$work/duckdb.parquet" --threads "$(nproc)" \
      ${PIT_DUCKDB_MEMORY_LIMIT:+--memory-limit "$PIT_DUCKDB_MEMORY_LIMIT"} \
      > "$work/duckdb.json" 2> "$work/duckdb.log" ||
      cat "$work/duckdb.log" >&2
    echo "DuckDB: $(cat "$work/duckdb.json" 2> /dev/null)"
  fi
  echo "load average after DuckDB: $(cut -d' ' -f1-3 /proc/loadavg)"

  if skipped pandas; then
    echo "skipped (--skip pandas)" > "$work/pandas.skipped"
  elif ! "$python" -c 'import pandas' 2> /dev/null; then
    echo "$python has no pandas (apt-get install python3-pandas)" > "$work/pandas.skipped"
  elif grep -q '"spine_csv": null' "$set_dir/bench.json"; then
    echo "no CSV copy above 20M feature rows (pit_datagen --csv auto): pandas cannot hold $rows rows in $(memory_gib) GiB (docs/PERFORMANCE.md)" > "$work/pandas.skipped"
  else
    "$measure" "$work/pandas_proc.json" -- "$python" "$src/bench/pit/pandas_pit.py" \
      "$set_dir/bench.json" --fingerprints "$work/pandas_fingerprints.json" > "$work/pandas.json" \
      2> "$work/pandas.log" || cat "$work/pandas.log" >&2
    echo "pandas: $(cat "$work/pandas.json" 2> /dev/null)"
  fi
  echo "load average after pandas: $(cut -d' ' -f1-3 /proc/loadavg)"

  # --- 4. checks ----------------------------------------------------------------
  status=0
  [[ -s "$work/duckdb.json" ]] || status=1
  if [[ -f "$work/tessera.json" && -f "$work/duckdb.parquet" ]]; then
    if [[ -f "$work/tessera.parquet" ]]; then
      node "$duck" compare "$work/tessera.parquet" "$work/duckdb.parquet" > "$work/compare.json" || status=1
    else
      status=1
    fi
  fi
  if [[ -f "$work/pandas_fingerprints.json" && -f "$work/duckdb.parquet" ]]; then
    node "$duck" fingerprints "$work/duckdb.parquet" "$work/pandas_fingerprints.json" \
      > "$work/pandas_check.json" || status=1
  elif [[ ! -f "$work/pandas.skipped" ]]; then
    status=1
  fi

  # --- 5. the table -------------------------------------------------------------
  echo
  node "$src/bench/pit/pit_report.mjs" "$work"
  echo "(outputs and logs: $work)"
  exit "$status"
}

main "$@"
