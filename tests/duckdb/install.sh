#!/usr/bin/env bash
# Installs DuckDB's Node API (@duckdb/node-api, from npm) into a folder of
# the build tree, for the DuckDB interop tests (tests/format/
# duckdb_interop_test.cc) and the Parquet benchmark (bench/parquet_bench.sh).
#
#   usage: tests/duckdb/install.sh <dir>        e.g. build/duckdb
#
# Idempotent: does nothing when <dir>/node_modules/@duckdb/node-api is
# already installed from the current package.json. Needs node and npm (and
# the npm registry) only the first time. DuckDB is a test and benchmark peer,
# never linked into Tessera (DESIGN.md section 5). After install, the query
# script is at <dir>/duckdb_query.mjs (and the long-lived session of the
# expression differential test at <dir>/duckdb_session.mjs):
#
#   node <dir>/duckdb_query.mjs "SELECT 42 AS x"      -> {"x":42}
set -euo pipefail

dir="${1:?usage: $0 <install dir>}"
src="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"

cp "$src/duckdb_query.mjs" "$dir/duckdb_query.mjs"
cp "$src/duckdb_session.mjs" "$dir/duckdb_session.mjs"
cp "$src/duckdb_encode.mjs" "$dir/duckdb_encode.mjs"
if [[ -f "$dir/node_modules/@duckdb/node-api/package.json" ]] &&
   cmp -s "$src/package.json" "$dir/package.json"; then
  exit 0
fi
if ! command -v npm > /dev/null; then
  echo "install.sh: npm not found; DuckDB interop tests will be skipped" >&2
  exit 0
fi
cp "$src/package.json" "$dir/package.json"
(cd "$dir" && npm install --no-audit --no-fund --loglevel=error)
echo "installed @duckdb/node-api into $dir"
