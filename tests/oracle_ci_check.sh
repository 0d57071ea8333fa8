#!/usr/bin/env bash
# ctest oracle.missing_oracle_fails_in_ci: with the shared test data and
# DuckDB pointed at folders that do not exist, the oracle tests of
# format_tests must FAIL when CI=true, and skip (by name, exit 0) otherwise.
# Usage: tests/oracle_ci_check.sh path/to/format_tests
set -uo pipefail
bin=$1
filter='ParquetInteropTableTest.ListsEveryFileInTheFolder:*TesseraWritesDuckDbReads.*'
missing=(TESSERA_TESTDATA=/nonexistent/testdata TESSERA_DUCKDB_DIR=/nonexistent/duckdb)
fail() { echo "oracle_ci_check: $*" >&2; exit 1; }

out=$(env "${missing[@]}" CI=true "$bin" --gtest_filter="$filter" 2>&1)
rc=$?
[[ $rc -ne 0 ]] || fail "CI=true with missing oracles exited 0:"$'\n'"$out"
grep -q 'oracle missing in CI (CI=true), failing instead of skipping: test data not found' <<<"$out" ||
  fail "CI=true: no failure for the missing test data:"$'\n'"$out"
grep -q 'oracle missing in CI (CI=true), failing instead of skipping: DuckDB:' <<<"$out" ||
  fail "CI=true: no failure for the missing DuckDB:"$'\n'"$out"
grep -q 'SKIPPED' <<<"$out" && fail "CI=true: a test still skipped:"$'\n'"$out"

out=$(env -u CI "${missing[@]}" "$bin" --gtest_filter="$filter" 2>&1)
rc=$?
[[ $rc -eq 0 ]] || fail "outside CI, missing oracles must skip, not fail (exit $rc):"$'\n'"$out"
grep -q '\[  SKIPPED \] ParquetInteropTableTest.ListsEveryFileInTheFolder' <<<"$out" ||
  fail "outside CI: the test data test did not skip:"$'\n'"$out"
grep -q '\[  SKIPPED \] .*TesseraWritesDuckDbReads' <<<"$out" ||
  fail "outside CI: the DuckDB test did not skip:"$'\n'"$out"
echo "oracle_ci_check: missing oracles fail under CI=true and skip otherwise"
