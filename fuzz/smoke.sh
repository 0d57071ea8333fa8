#!/usr/bin/env bash
# Bounded run of every libFuzzer target (`make fuzz-smoke`): each
# BUILD/<name>_fuzz runs FUZZ_SECONDS (default 60) under the ASan/UBSan build
# of `make fuzz`, with
#   - a scratch copy of its seed corpus fuzz/corpus/<name>/ (the repository's
#     corpus is never written to),
#   - its dictionary fuzz/<name>.dict when there is one,
#   - -rss_limit_mb=2048 (an out-of-memory is a finding) and -timeout=25 (so
#     is a hang),
#   - UBSan halting on the first report (undefined behaviour is a finding;
#     fuzz/ubsan.supp lists the third-party reports we do not own).
# Any finding fails the run and prints where its input was written.
#
# Usage: fuzz/smoke.sh [BUILD_DIR]    (default build-fuzz)
set -uo pipefail
cd "$(dirname "$0")/.."

build=${1:-build-fuzz}
seconds=${FUZZ_SECONDS:-60}
scratch="$build/fuzz-smoke"
rm -rf "$scratch"
mkdir -p "$scratch"

# The fuzz build compiles UBSan recoverable: without halt_on_error a report
# would only be printed, and the run would count as clean.
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$PWD/fuzz/ubsan.supp${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

status=0
ran=0
for src in fuzz/*_fuzz.cc; do
  target=$(basename "$src" .cc)
  name=${target%_fuzz}
  bin="$build/$target"
  if [[ ! -x "$bin" ]]; then
    echo "fuzz-smoke: $bin is not built (run make fuzz)" >&2
    status=1
    continue
  fi
  work="$scratch/$name"
  mkdir -p "$work/corpus" "$work/artifacts"
  if [[ -d "fuzz/corpus/$name" ]]; then
    cp -R "fuzz/corpus/$name/." "$work/corpus/"
  else
    echo "fuzz-smoke: warning: no seed corpus fuzz/corpus/$name/" >&2
  fi
  args=(-max_total_time="$seconds" -rss_limit_mb=2048 -timeout=25
        -artifact_prefix="$work/artifacts/" -print_final_stats=1)
  if [[ -f "fuzz/$name.dict" ]]; then args+=(-dict="fuzz/$name.dict"); fi
  echo "fuzz-smoke: $target for ${seconds}s (corpus $work/corpus, log $work/log)"
  "$bin" "${args[@]}" "$work/corpus" >"$work/log" 2>&1
  rc=$?
  ran=$((ran + 1))
  findings=$(find "$work/artifacts" -type f | sort)
  if [[ $rc -ne 0 || -n "$findings" ]]; then
    status=1
    echo "fuzz-smoke: FINDING in $target (exit $rc); last lines of $work/log:" >&2
    tail -n 30 "$work/log" >&2
    for f in $findings; do
      echo "fuzz-smoke: input that found it: $f (replay: $bin $f)" >&2
    done
  else
    grep -E '^stat::number_of_executed_units' "$work/log" | sed "s/^/fuzz-smoke: $target /"
  fi
done
if [[ $ran -eq 0 ]]; then
  echo "fuzz-smoke: no fuzz target ran" >&2
  status=1
fi
exit $status
