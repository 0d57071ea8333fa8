#!/usr/bin/env bash
# ctest bench.agg_pit_peers_agree: the DuckDB queries of the benchmark
# "Training set with aggregations" (bench/agg_pit_bench.sh; pit_duckdb_sql.h
# DuckDbAggQuery) compute the exact windows of DESIGN.md section 3, checked
# on a small generated data set (400 spine rows, 20k events over 20 keys,
# times on a one-minute grid) against a brute-force reference
# (reference_agg.py, a plain loop over every event of the spine row's key):
#   - both forms (window functions with RANGE frames; range join with GROUP
#     BY) give the reference's fingerprints exactly (row count, per feature
#     the non-null count and an order-sensitive weighted sum of value * 64,
#     exact since amounts are multiples of 1/64), and equal each other
#     (pit_duckdb.mjs compare);
#   - the reference with one rule changed (the window closed at t - W; open
#     at t; count counting null amounts) does not: the data exercise both
#     window edges and the null amounts, so the checks above can fail;
#   - every feature has both null (or 0) and other values in the reference.
# Exit 77 (skipped) when DuckDB's Node API is missing, unless CI=true,
# where that fails.
#   usage: agg_peers_test.sh PIT_DATAGEN DUCKDB_DIR
set -uo pipefail
datagen=$1 duckdb_dir=$2
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python=/usr/bin/python3
fail() { echo "agg_peers_test: $*" >&2; exit 1; }
missing() {
  [[ "${CI:-}" == true ]] && fail "oracle missing in CI (CI=true): $*"
  echo "agg_peers_test: skipped: $*"; exit 77
}
[[ -f "$duckdb_dir/node_modules/@duckdb/node-api/package.json" ]] ||
  missing "DuckDB's Node API not in $duckdb_dir (tests/duckdb/install.sh)"
duckdb_dir="$(cd "$duckdb_dir" && pwd)"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/js"
cp "$here/pit_duckdb.mjs" "$here/pit_sql.mjs" "$tmp/js/"
ln -s "$duckdb_dir/node_modules" "$tmp/js/node_modules"
duck() { node "$tmp/js/pit_duckdb.mjs" "$@"; }

d="$tmp/agg"
"$datagen" --out "$d" --shape agg --seed 5 --spine-rows 400 --feature-rows 20000 --csv yes \
  > /dev/null || fail "pit_datagen failed"
"$python" "$here/reference_agg.py" "$d/bench.json" --fingerprints "$d/ref.json" ||
  fail "reference failed"
for form in window join; do
  duck join "$d/bench.json" "$d/$form.parquet" --threads 2 --sql "duckdb_agg_$form.sql" \
    > /dev/null || fail "DuckDB ($form form) failed"
  duck fingerprints "$d/$form.parquet" "$d/ref.json" > "$d/check_$form.json" ||
    fail "DuckDB's $form form differs from the reference: $(cat "$d/check_$form.json")"
done
duck compare "$d/window.parquet" "$d/join.parquet" > "$d/forms.json" ||
  fail "the two forms differ: $(cat "$d/forms.json")"
echo "agg_peers_test: both DuckDB forms equal the reference and each other"

for rule in start end nulls; do
  "$python" "$here/reference_agg.py" "$d/bench.json" --fingerprints "$d/ref_$rule.json" \
    --break "$rule" || fail "reference --break $rule failed"
  if duck fingerprints "$d/window.parquet" "$d/ref_$rule.json" > /dev/null; then
    fail "the data do not exercise the $rule rule (fingerprints equal without it)"
  fi
done
echo "agg_peers_test: window start, window end and null amounts exercised"

# Every feature has empty windows (null, or 0 for counts) and non-empty
# ones, and some 1h windows hold several events.
counts="$(node "$duckdb_dir/duckdb_query.mjs" "SELECT count(*) FILTER (WHERE amount_count_1h = 0), count(*) FILTER (WHERE amount_count_7d = 0), count(*) FILTER (WHERE amount_count_1h > 1) FROM read_parquet('$d/window.parquet')")" ||
  fail "cannot count the zero counts"
"$python" - "$d/ref.json" "$counts" <<'EOF' || fail "a feature does not vary"
import json, sys
ref = json.load(open(sys.argv[1]))
for name, fp in ref["features"].items():
    if "_count_" not in name and not 0 < fp["nonnull"] < ref["rows"]:
        sys.exit(f"agg_peers_test: {name} has {fp['nonnull']} non-null values of {ref['rows']}")
zero_1h, zero_7d, several_1h = json.loads(sys.argv[2].splitlines()[1])
if not (zero_1h > 0 and zero_7d > 0 and several_1h > 0):
    sys.exit(f"agg_peers_test: counts: {zero_1h} zero 1h, {zero_7d} zero 7d, {several_1h} 1h above 1")
print(f"agg_peers_test: every feature has empty and non-empty windows "
      f"({zero_1h} empty 1h, {zero_7d} empty 7d, {several_1h} 1h windows with several events)")
EOF
