#!/usr/bin/env bash
# ctest online.redis_missing_fails_in_ci: with redis-server pointed at a file
# that does not exist, the Redis tests of online_tests must FAIL when
# CI=true, and skip (by name, exit 0) otherwise.
# Usage: tests/online/redis_ci_check.sh path/to/online_tests
set -uo pipefail
bin=$1
filter='RedisStoreTest.PingAndDescribe:RedisFailureTest.KilledServerGivesUnavailableThenRecoversAfterRestart:Redis/OnlineStoreContractTest.WriteThenReadReturnsRankAndValues/redis'
fail() { echo "redis_ci_check: $*" >&2; exit 1; }

out=$(env TESSERA_REDIS_SERVER=/nonexistent/redis-server CI=true "$bin" --gtest_filter="$filter" 2>&1)
rc=$?
[[ $rc -ne 0 ]] || fail "CI=true without redis-server exited 0:"$'\n'"$out"
[[ $(grep -c 'oracle missing in CI (CI=true), failing instead of skipping: redis-server: not installed' <<<"$out") -eq 3 ]] ||
  fail "CI=true: not all three tests failed for the missing redis-server:"$'\n'"$out"
grep -q 'SKIPPED' <<<"$out" && fail "CI=true: a test still skipped:"$'\n'"$out"

out=$(env -u CI TESSERA_REDIS_SERVER=/nonexistent/redis-server "$bin" --gtest_filter="$filter" 2>&1)
rc=$?
[[ $rc -eq 0 ]] || fail "outside CI, a missing redis-server must skip, not fail (exit $rc):"$'\n'"$out"
grep -q '\[  SKIPPED \] RedisStoreTest.PingAndDescribe' <<<"$out" ||
  fail "outside CI: RedisStoreTest did not skip:"$'\n'"$out"
grep -q '\[  SKIPPED \] RedisFailureTest.KilledServerGivesUnavailableThenRecoversAfterRestart' <<<"$out" ||
  fail "outside CI: RedisFailureTest did not skip:"$'\n'"$out"
grep -q '\[  SKIPPED \] Redis/OnlineStoreContractTest.WriteThenReadReturnsRankAndValues/redis' <<<"$out" ||
  fail "outside CI: the Redis contract test did not skip:"$'\n'"$out"
grep -q '\[  PASSED  \] 0 tests' <<<"$out" || fail "outside CI: a test passed without redis-server:"$'\n'"$out"
echo "redis_ci_check: a missing redis-server fails under CI=true and skips otherwise"
