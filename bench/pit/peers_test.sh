#!/usr/bin/env bash
# ctest bench.pit_peers_agree: the training-set benchmark's peers compute the
# point-in-time join of DESIGN.md section 3, checked on small generated data
# sets (3 views with skewed keys, 1 view with uniform keys) against a
# brute-force reference (reference_pit.py, a plain loop):
#   - DuckDB's ASOF JOIN query (pit_sql.mjs) and pandas' merge_asof
#     (pandas_pit.py) give the reference's fingerprints exactly (row count,
#     per feature the non-null count and an order-sensitive weighted sum);
#   - the reference with one rule left out (no ttl; ties ignoring
#     created_ts; ties to the first row in file order) does not: the data
#     exercise each rule, so the checks above can fail;
#   - pit_duckdb.mjs compare finds a training set equal to itself and not to
#     a copy with one value changed (the check of Tessera's result);
#   - pit_datagen writes the same bytes for the same arguments, on 1 or 2
#     threads.
# Exit 77 (skipped) when DuckDB's Node API or Debian's pandas is missing,
# unless CI=true, where that fails.
#   usage: peers_test.sh PIT_DATAGEN DUCKDB_DIR
set -uo pipefail
datagen=$1 duckdb_dir=$2
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python=/usr/bin/python3
fail() { echo "peers_test: $*" >&2; exit 1; }
missing() {
  [[ "${CI:-}" == true ]] && fail "oracle missing in CI (CI=true): $*"
  echo "peers_test: skipped: $*"; exit 77
}
[[ -f "$duckdb_dir/node_modules/@duckdb/node-api/package.json" ]] ||
  missing "DuckDB's Node API not in $duckdb_dir (tests/duckdb/install.sh)"
duckdb_dir="$(cd "$duckdb_dir" && pwd)"
"$python" -c 'import pandas' 2> /dev/null || missing "$python has no pandas (apt-get install python3-pandas)"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# The scripts next to a link to DuckDB's node_modules, so node finds it.
mkdir "$tmp/js"
cp "$here/pit_duckdb.mjs" "$here/pit_sql.mjs" "$tmp/js/"
ln -s "$duckdb_dir/node_modules" "$tmp/js/node_modules"
duck() { node "$tmp/js/pit_duckdb.mjs" "$@"; }

check_set() {  # name, pit_datagen arguments...
  local name=$1; shift
  local d="$tmp/$name"
  "$datagen" --out "$d" "$@" > /dev/null || fail "$name: pit_datagen failed"
  duck join "$d/bench.json" "$d/duckdb.parquet" --threads 2 > /dev/null || fail "$name: DuckDB join failed"
  "$python" "$here/reference_pit.py" "$d/bench.json" --fingerprints "$d/ref.json" ||
    fail "$name: reference failed"
  "$python" "$here/pandas_pit.py" "$d/bench.json" --fingerprints "$d/pandas.json" > /dev/null ||
    fail "$name: pandas failed"
  duck fingerprints "$d/duckdb.parquet" "$d/ref.json" > "$d/check.json" ||
    fail "$name: DuckDB differs from the reference: $(cat "$d/check.json")"
  cmp -s "$d/pandas.json" "$d/ref.json" ||
    fail "$name: pandas differs from the reference: $(cat "$d/pandas.json") vs $(cat "$d/ref.json")"
  for rule in ttl created order; do
    "$python" "$here/reference_pit.py" "$d/bench.json" --fingerprints "$d/ref_$rule.json" --break "$rule" ||
      fail "$name: reference --break $rule failed"
    if duck fingerprints "$d/duckdb.parquet" "$d/ref_$rule.json" > /dev/null; then
      fail "$name: the data do not exercise the $rule rule (fingerprints equal without it)"
    fi
  done
  echo "peers_test: $name: DuckDB and pandas equal the reference; ttl, created_ts and file-order rules exercised"
}

check_set skewed3 --seed 7 --spine-rows 2000 --feature-rows 60000 --views 3 --keys skewed
check_set uniform1 --seed 3 --spine-rows 3000 --feature-rows 40000 --views 1 --keys uniform

# compare: equal to itself, not to a copy with one value changed.
d="$tmp/uniform1"
duck compare "$d/duckdb.parquet" "$d/duckdb.parquet" > /dev/null || fail "compare: a file differs from itself"
node "$duckdb_dir/duckdb_query.mjs" "COPY (SELECT * EXCLUDE (file_row_number) REPLACE (CASE WHEN file_row_number = 1234 THEN u_f3 + 0.01 ELSE u_f3 END AS u_f3) FROM read_parquet('$d/duckdb.parquet', file_row_number = true) ORDER BY file_row_number) TO '$d/changed.parquet' (FORMAT parquet)" > /dev/null ||
  fail "compare: cannot write the changed copy"
out="$(duck compare "$d/duckdb.parquet" "$d/changed.parquet")" && fail "compare: one changed value not found: $out"
grep -q '"column":"u_f3".*"row":1234' <<<"$out" || fail "compare: the changed value is not named: $out"
echo "peers_test: compare finds equal files equal and names a changed value (u_f3, row 1234)"

# Determinism: same arguments, same bytes, whatever the thread count.
args=(--seed 11 --spine-rows 1500 --feature-rows 300000 --views 3 --keys skewed --csv yes)
"$datagen" --out "$tmp/a" --threads 1 "${args[@]}" > /dev/null || fail "pit_datagen (1 thread) failed"
"$datagen" --out "$tmp/b" --threads 2 "${args[@]}" > /dev/null || fail "pit_datagen (2 threads) failed"
diff -r "$tmp/a" "$tmp/b" > /dev/null || fail "pit_datagen wrote different files for the same arguments"
[[ "$(ls "$tmp/a/sources/user_stats" | wc -l)" -eq 1 ]] || fail "expected one part per view"
echo "peers_test: pit_datagen is deterministic (1 and 2 threads, byte-identical)"
