#!/usr/bin/env bash
# Push-to-served freshness (issue 10): how long after a POST /push is sent
# its event is visible in /get-online-features, at 5k events/s of pushes
# while serving 2k req/s, for the RocksDB and the Redis backends, with
# redis-benchmark as the machine's reference in the same run.
#
#   bench/freshness_bench.sh [--keys N] [--duration S] [--warmup S] [--threads N]
#                            [--push-rate EV/S] [--batch N] [--read-rate R]
#                            [--compact-every S] [--build DIR] [--data DIR]
#                            [--skip rocksdb,redis]
#
#   defaults: --keys 100000 --duration 30 --warmup 5 --threads nproc
#             --push-rate 5000 --batch 50 --read-rate 2000 --compact-every 0
#             --build build-release --data ${TMPDIR:-/tmp}/tessera-freshness
#
# 1. builds tessera and tessera_freshness (Release);
# 2. per backend: writes a repo (entity user, int64 user_id; batch source
#    `txn` with a schema and no files yet; push source `txn_push`; view
#    `user_txn` with amount_sum_1h and count_1h), applies it, starts
#    `tessera serve --port 0` (the port is read from data/serve.lock);
#    with --compact-every S, runs `tessera compact` every S seconds while
#    the load runs (each push is one source-log commit; see the README);
# 3. runs bench/serving/freshness.cc (tessera_freshness): pushes of --batch
#    events every batch/rate seconds (2 connections), an open-loop read load
#    of --read-rate req/s over random keys (8 connections), and probe events
#    (about 100/s: the first ceil(100 * batch / rate) events of each batch)
#    polled every 0.5 ms until visible; every latency from the intended send
#    time;
# 4. runs `redis-benchmark -t get -c 32 -q` against a redis-server on a free
#    loopback port (the Redis backend's own server);
# 5. prints one JSON line per measurement (also in DATA/results.jsonl) and a
#    Markdown table. Load generator, server and Redis share the machine's
#    cores: on 2 cores, the figures are for all of them together.
set -euo pipefail

main() {
  src="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  build="$src/build-release"
  data="${TMPDIR:-/tmp}/tessera-freshness"
  keys=100000 duration=30 warmup=5 threads="$(nproc)" skip=""
  push_rate=5000 batch=50 read_rate=2000 compact_every=0
  while [[ $# -gt 0 ]]; do
    [[ $# -ge 2 ]] || { echo "freshness_bench.sh: $1 needs a value" >&2; exit 2; }
    case "$1" in
      --keys) keys="$2" ;;
      --duration) duration="$2" ;;
      --warmup) warmup="$2" ;;
      --threads) threads="$2" ;;
      --push-rate) push_rate="$2" ;;
      --batch) batch="$2" ;;
      --read-rate) read_rate="$2" ;;
      --compact-every) compact_every="$2" ;;
      --build) build="$2" ;;
      --data) data="$2" ;;
      --skip) skip="$2" ;;
      *) echo "freshness_bench.sh: unknown argument '$1' (see the comment at the top)" >&2; exit 2 ;;
    esac
    shift 2
  done
  skipped() { [[ ",$skip," == *",$1,"* ]]; }
  source "$src/bench/lib.sh"

  echo "== build ($build, Release)"
  cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTESSERA_BUILD_TESTS=OFF \
    -DTESSERA_BUILD_BENCHMARKS=ON >/dev/null
  ninja -C "$build" tessera tessera_freshness >/dev/null
  tessera="$build/tessera"
  mkdir -p "$data"
  results="$data/results.jsonl"
  : >"$results"
  machine_line

  server_pid="" redis_pid="" compact_pid=""
  cleanup() {
    [[ -n "$compact_pid" ]] && kill -TERM "$compact_pid" 2>/dev/null && wait "$compact_pid" 2>/dev/null
    [[ -n "$server_pid" ]] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    [[ -n "$redis_pid" ]] && kill -TERM "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null
    true
  }
  trap cleanup EXIT

  run_backend() {
    local name="$1" repo="$2" redis_url="$3"
    echo
    echo "== $name: pushes $push_rate events/s in batches of $batch, reads $read_rate req/s, $keys keys"
    rm -rf "$repo"
    write_repo "$repo" "$redis_url"
    "$tessera" -r "$repo" apply --user bench >/dev/null
    "$tessera" -r "$repo" serve --host 127.0.0.1 --port 0 --threads "$threads" >"$repo/serve.log" 2>&1 &
    server_pid=$!
    local port
    port=$(serve_port "$repo" "$server_pid")
    if [[ "$compact_every" != 0 ]]; then
      (while sleep "$compact_every"; do "$tessera" -r "$repo" compact >/dev/null || true; done) &
      compact_pid=$!
    fi
    # About 100 probes/s whatever the batch size.
    local per_batch=$(((100 * batch + push_rate - 1) / push_rate))
    ((per_batch > batch)) && per_batch=$batch
    "$build/tessera_freshness" --port "$port" --label "$name" --keys "$keys" \
      --push-rate "$push_rate" --batch "$batch" --read-rate "$read_rate" \
      --probes-per-batch "$per_batch" \
      --duration "$duration" --warmup "$warmup" | tee -a "$results" || true
    if [[ -n "$compact_pid" ]]; then
      kill -TERM "$compact_pid" 2>/dev/null || true
      wait "$compact_pid" 2>/dev/null || true
      compact_pid=""
    fi
    # Each push commits a log part; the manifest lists the parts and, for an
    # hour after a compaction, the files it replaced.
    log_summary "$repo/data/offline/freshness/sources/txn"
    kill -TERM "$server_pid"
    wait "$server_pid" || true
    server_pid=""
  }

  skipped rocksdb || run_backend rocksdb "$data/rocksdb" ""

  if ! skipped redis; then
    start_redis "$data/redis-server"
    run_backend redis "$data/redis" "redis://127.0.0.1:$redis_port"
    echo
    echo "== redis-benchmark (the machine's reference), same redis-server, 32 connections"
    local line
    line="$(redis-benchmark -p "$redis_port" -t get -c 32 -n 400000 -q 2>&1 | tr '\r' '\n' | grep '^GET:' | tail -n 1)"
    echo "$line"
    echo "$line" | sed -n 's/^GET: \([0-9.]*\) requests per second, p50=\([0-9.]*\) msec.*/{"backend":"redis-benchmark","measurement":"get","clients":32,"requests_per_s":\1,"p50_ms":\2}/p' |
      tee -a "$results"
  fi

  echo
  table "$results"
}

# The benchmark's repo: one entity, a push source over a batch source with a
# schema (its files start empty), one aggregated view read and pushed.
write_repo() {
  local repo="$1" redis_url="$2"
  mkdir -p "$repo/data"
  if [[ -n "$redis_url" ]]; then
    printf 'project: freshness\nonline_store: {type: redis, url: "%s"}\n' "$redis_url" >"$repo/tessera.yaml"
  else
    printf 'project: freshness\nonline_store: {type: rocksdb, path: data/online}\n' >"$repo/tessera.yaml"
  fi
  cat >"$repo/features.yaml" <<'YAML'
entities:
  - name: user
    join_keys: [{name: user_id, type: int64}]
sources:
  - name: txn
    kind: batch
    path: data/txn/*.parquet
    timestamp_field: ts
    schema:
      - {name: user_id, type: int64}
      - {name: amount, type: double}
      - {name: ts, type: timestamp}
  - name: txn_push
    kind: push
    batch_source: txn
feature_views:
  - name: user_txn
    entities: [user]
    source: txn_push
    online: true
    aggregations:
      - {column: amount, function: sum, windows: [1h]}
      - {function: count, windows: [1h]}
YAML
}

# Markdown table of the JSON lines.
table() {
  python3 - "$1" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print("| backend | freshness p50 / p99 / max (ms) | probes (never seen) | pushes: events/s target -> achieved, p99 (ms) | reads: req/s target -> achieved, p99 (ms) | redis-benchmark GET/s |")
print("|---|---|---|---|---|---|")
by = {}
for r in rows:
    by.setdefault(r["backend"], {})[r["measurement"]] = r
ref = by.get("redis-benchmark", {}).get("get", {}).get("requests_per_s", "")
for b, m in by.items():
    if b == "redis-benchmark":
        continue
    f, p, r = m.get("freshness", {}), m.get("push", {}), m.get("read", {})
    ms = lambda k: "unseen" if f.get(k) is None else f.get(k)  # null: a probe never seen
    print(f"| {b} | {ms('p50_ms')} / {ms('p99_ms')} / {ms('max_ms')} | {f.get('probes')} ({f.get('not_visible')}) "
          f"| {p.get('target_events_per_s')} -> {p.get('achieved_events_per_s')}, {p.get('p99_ms')} "
          f"| {r.get('target_req_per_s')} -> {r.get('achieved_req_per_s')}, {r.get('p99_us', 0) / 1000:.2f} | {ref} |")
PY
}

main "$@"
