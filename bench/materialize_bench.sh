#!/usr/bin/env bash
# Materialization throughput (docs/PERFORMANCE.md "Materialization"): source
# rows scanned and applied into the RocksDB online store per second by
# `tessera materialize`, timed as a whole process.
#
#   bench/materialize_bench.sh [--rows N] [--shape pit|serving] [--build DIR] [--data DIR] [--runs N]
#
#   defaults: --rows 10000000 --shape pit --build build --data ${TMPDIR:-/tmp}/tessera-mat-bench --runs 3
#
# --shape serving: the write-heavy case instead, the serving benchmark's
# repo (bench/serving/serving_datagen.cc: --rows / 2 keys, one row per key
# in each of 2 views of 5 features, so every row is written), materialized
# over (2024-02-29, 2024-03-02]; needs serving_datagen.
#
# Data: the training-set benchmark's generator (bench/pit/pit_datagen.cc,
# one view `user_stats`: int64 key, 10 features (6 double, 3 int64, 1
# string), event_ts, created_ts with ties; one key per 100 rows; Parquet
# parts read in place), with the view made online and its ttl removed so
# every row is scanned. The build needs the benchmarks
# (-DTESSERA_BUILD_BENCHMARKS=ON; pit_datagen, run_measured, tessera).
# Each run starts from an empty online store (data/online removed) and
# materializes an interval that holds every row; it prints
# the command's summary line and one JSON line per run:
#   {"rows": N, "wall_s": ..., "cpu_s": ..., "rows_per_s": ..., "rows_per_cpu_s": ..., "max_rss_kb": ...}
set -euo pipefail

main() {
  src="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  build="$src/build"
  data="${TMPDIR:-/tmp}/tessera-mat-bench"
  rows=10000000 runs=3 shape=pit
  while [[ $# -gt 0 ]]; do
    [[ $# -ge 2 ]] || { echo "materialize_bench.sh: $1 needs a value" >&2; exit 2; }
    case "$1" in
      --rows) rows="$2" ;;
      --build) build="$2" ;;
      --data) data="$2" ;;
      --runs) runs="$2" ;;
      --shape) shape="$2" ;;
      *) echo "materialize_bench.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift 2
  done
  case "$shape" in
    pit) gen=pit_datagen start=2023-12-31T00:00:00Z end=2024-04-01T00:00:00Z ;;
    serving) gen=serving_datagen start=2024-02-29T00:00:00Z end=2024-03-02T00:00:00Z ;;
    *) echo "materialize_bench.sh: --shape is pit or serving, not '$shape'" >&2; exit 2 ;;
  esac
  for tool in "$gen" run_measured tessera; do
    [[ -x "$build/$tool" ]] || {
      echo "materialize_bench.sh: $build/$tool is missing; configure with" \
        "-DTESSERA_BUILD_BENCHMARKS=ON and build $tool" >&2
      exit 2
    }
  done
  if [[ "$shape" == serving ]]; then
    data="$data/serving-$rows"
    if [[ ! -f "$data/.complete" ]]; then
      rm -rf "$data"
      "$build/serving_datagen" --out "$data" --keys "$((rows / 2))" >/dev/null
      touch "$data/.complete"
    fi
    "$build/tessera" -r "$data" apply --user bench > /dev/null
  else
    data="$data/rows-$rows"
    spec="$("$build/pit_datagen" --out "$data" --feature-rows "$rows" --spine-rows 1 --views 1 \
      --csv no --print-spec)"
    if [[ ! -f "$data/.complete" || "$(cat "$data/.complete")" != "$spec" ]]; then
      rm -rf "$data"
      "$build/pit_datagen" --out "$data" --feature-rows "$rows" --spine-rows 1 --views 1 --csv no
    fi
    # Online, and no ttl: every row of (START, END] is scanned and applied.
    sed -i '/^    ttl: /d; /^    online: false$/d' "$data/features.yaml"
    "$build/tessera" -r "$data" apply > /dev/null
  fi
  for ((run = 1; run <= runs; ++run)); do
    rm -rf "$data/data/online"
    "$build/run_measured" "$data/run.json" -- "$build/tessera" -r "$data" materialize --quiet \
      "$start" "$end"
    python3 - "$data/run.json" "$rows" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); rows = int(sys.argv[2]); cpu = r["user_s"] + r["sys_s"]
print(json.dumps({"rows": rows, "wall_s": r["wall_s"], "cpu_s": round(cpu, 3),
                  "rows_per_s": round(rows / r["wall_s"]), "rows_per_cpu_s": round(rows / cpu),
                  "max_rss_kb": r["max_rss_kb"]}))
PY
  done
}

main "$@"
