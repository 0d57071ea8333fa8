#!/usr/bin/env bash
# Parquet read/write throughput, Tessera vs DuckDB (COPY ... TO and
# read_parquet, timed inside DuckDB), on a deterministic 10M-row, 10-column
# table. Results go in docs/PERFORMANCE.md.
#
#   bench/parquet_bench.sh [build-dir] [rows]     defaults: build-release, 10000000
#
# Builds parquet_throughput (Release), installs DuckDB's Node API into
# <build-dir>/duckdb (tests/duckdb/install.sh), then runs the driver with its
# scratch files in ${TMPDIR:-/tmp}. Needs ~4 GB of memory and ~2 GB of disk.
set -euo pipefail

src="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$src/build-release}"
rows="${2:-10000000}"

cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DTESSERA_BUILD_BENCHMARKS=ON -DTESSERA_BUILD_TESTS=OFF > /dev/null
cmake --build "$build" --target parquet_throughput -j "${JOBS:-$(nproc)}"
bash "$src/tests/duckdb/install.sh" "$build/duckdb"

echo "date: $(date -u +%Y-%m-%dT%H:%MZ)  nproc: $(nproc)  memory: $(free -g | awk '/Mem:/ {print $2 " GiB"}')"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
"$build/parquet_throughput" --rows "$rows" --dir "${TMPDIR:-/tmp}" \
  --duckdb-dir "$build/duckdb"
