#!/usr/bin/env bash
# Stream ingestion (issue 11): events/s end to end from a Redis stream into
# the served features, consumer lag and stream-to-served freshness at a
# fixed rate, and the same redis-server's raw XADD speed as the anchor.
#
#   bench/stream_bench.sh [--events N] [--rate EV/S] [--duration S] [--warmup S]
#                         [--keys N] [--threads N] [--build DIR] [--data DIR]
#                         [--background-compaction on|off]
#
#   defaults: --events 200000 --rate 10000 --duration 30 --warmup 5
#             --keys 100000 --threads nproc
#             --build build-release --data ${TMPDIR:-/tmp}/tessera-stream
#             --background-compaction on (off: `serve --no-background-compaction`)
#
# 1. builds tessera and tessera_stream_load (Release);
# 2. starts redis-server on a free loopback port (--save "" --appendonly
#    no), writes a repo (entity user, int64 user_id; batch source `txn` with
#    a schema (user_id, amount, ts, event_id string) and no files; push
#    source `txn_push` with `stream: {type: redis, url: ..., key: tx_events,
#    group: tessera}`; view `user_txn` with amount_sum_1h and count_1h; the
#    RocksDB online store), applies it and starts
#    `tessera serve --stream --port 0` (the port is read from
#    data/serve.lock), whose consumer creates the group;
# 3. max throughput: tessera_stream_load --mode max XADDs --events entries
#    (pipelines of 1000, one connection) as fast as it can, and times from
#    the first XADD until the group has delivered and acknowledged every
#    entry (XINFO GROUPS: last-delivered-id = the last entry, pending 0);
#    /metrics' tessera_stream_events_applied_total cross-checks the count;
# 4. steady state: --mode steady, an open-loop producer at --rate events/s
#    (a pipeline every millisecond) for --warmup + --duration seconds;
#    consumer lag (now - the oldest undelivered entry's id time) sampled
#    every 10 ms, and about 100 probe events/s, each polled in
#    /get-online-features every 0.5 ms (5% of its age once longer) until
#    its count_1h shows it (freshness from the intended XADD time);
# 5. the anchor: the same entries XADDed the same way into another key with
#    no consumer (--mode anchor), and
#    `redis-benchmark -P 16 -n 200000 -q XADD benchkey '*' f v`;
# 6. prints one JSON line per measurement (also in DATA/results.jsonl), the
#    stream's counters, and a Markdown table. Producer, redis-server and
#    Tessera share the machine's cores: on 2 cores, the figures are for all
#    of them together.
set -euo pipefail

main() {
  src="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  build="$src/build-release"
  data="${TMPDIR:-/tmp}/tessera-stream"
  events=200000 rate=10000 duration=30 warmup=5 keys=100000 threads="$(nproc)" compaction=on
  while [[ $# -gt 0 ]]; do
    [[ $# -ge 2 ]] || { echo "stream_bench.sh: $1 needs a value" >&2; exit 2; }
    case "$1" in
      --events) events="$2" ;;
      --rate) rate="$2" ;;
      --duration) duration="$2" ;;
      --warmup) warmup="$2" ;;
      --keys) keys="$2" ;;
      --threads) threads="$2" ;;
      --build) build="$2" ;;
      --data) data="$2" ;;
      --background-compaction) compaction="$2" ;;
      *) echo "stream_bench.sh: unknown argument '$1' (see the comment at the top)" >&2; exit 2 ;;
    esac
    shift 2
  done
  source "$src/bench/lib.sh"

  echo "== build ($build, Release)"
  cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTESSERA_BUILD_TESTS=OFF \
    -DTESSERA_BUILD_BENCHMARKS=ON >/dev/null
  ninja -C "$build" -j2 tessera tessera_stream_load >/dev/null
  tessera="$build/tessera"
  load="$build/tessera_stream_load"
  rm -rf "$data"
  mkdir -p "$data"
  results="$data/results.jsonl"
  : >"$results"
  machine_line

  server_pid="" redis_pid=""
  cleanup() {
    [[ -n "$server_pid" ]] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    [[ -n "$redis_pid" ]] && kill -TERM "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null
    true
  }
  trap cleanup EXIT

  start_redis "$data/redis-server"

  local repo="$data/repo"
  write_repo "$repo" "redis://127.0.0.1:$redis_port"
  "$tessera" -r "$repo" apply --user bench >/dev/null
  local serve_flags=(--stream)
  [[ "$compaction" == off ]] && serve_flags+=(--no-background-compaction)
  "$tessera" -r "$repo" serve --host 127.0.0.1 --port 0 --threads "$threads" "${serve_flags[@]}" \
    >"$repo/serve.log" 2>&1 &
  server_pid=$!
  local port
  port=$(serve_port "$repo" "$server_pid")
  local common=(--redis-port "$redis_port" --port "$port" --label rocksdb --keys "$keys")
  local status=0

  echo
  echo "== max throughput: $events events XADDed as fast as one connection can"
  "$load" "${common[@]}" --mode max --events "$events" | tee -a "$results" || status=1

  echo
  echo "== steady state: $rate events/s for $duration s after $warmup s, ~100 probes/s"
  "$load" "${common[@]}" --mode steady --rate "$rate" --duration "$duration" --warmup "$warmup" |
    tee -a "$results" || status=1

  echo
  echo "== anchor: the same redis-server's raw XADD speed (no consumer)"
  "$load" "${common[@]}" --mode anchor --events "$events" | tee -a "$results" || status=1
  local line
  line="$(redis-benchmark -p "$redis_port" -P 16 -n 200000 -q XADD benchkey '*' f v 2>&1 |
    tr '\r' '\n' | grep '^XADD' | tail -n 1)"
  redis-cli -p "$redis_port" del benchkey >/dev/null
  echo "redis-benchmark: $line"
  echo "$line" | sed -n 's/^XADD[^:]*: \([0-9.]*\) requests per second.*/{"backend":"redis-benchmark","measurement":"xadd","pipeline":16,"events_per_s":\1}/p' |
    tee -a "$results"

  echo
  echo "== the stream's counters (/metrics), the source log, the server's log"
  python3 - "http://127.0.0.1:$port/metrics" <<'PY' || true
import sys, urllib.request
for line in urllib.request.urlopen(sys.argv[1], timeout=5).read().decode().splitlines():
    if line.startswith("tessera_stream_") and "_bucket" not in line:
        print(line)
PY
  log_summary "$repo/data/offline/stream/sources/txn"
  tail -n 5 "$repo/serve.log"
  "$tessera" -r "$repo" stream --status 2>&1 | tail -n 5 || true
  kill -TERM "$server_pid"
  wait "$server_pid" || true
  server_pid=""

  echo
  machine_line
  table "$results"
  return "$status"
}

# The benchmark's repo: one entity, a streamed push source over a batch
# source with a schema (its files start empty), one aggregated view.
write_repo() {
  local repo="$1" redis_url="$2"
  mkdir -p "$repo/data"
  printf 'project: stream\nonline_store: {type: rocksdb, path: data/online}\n' >"$repo/tessera.yaml"
  cat >"$repo/features.yaml" <<YAML
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
      - {name: event_id, type: string}
  - name: txn_push
    kind: push
    batch_source: txn
    stream: {type: redis, url: "$redis_url", key: tx_events, group: tessera}
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
by = {}
for r in rows:
    by.setdefault(r["measurement"], r)
mx, lag, fr, st = (by.get(k, {}) for k in ("max_throughput", "consumer_lag", "freshness", "steady"))
anchor, rb = by.get("anchor_xadd", {}), by.get("xadd", {})
def v(x):
    return "unseen" if x is None else ("-" if x == "" else x)
def ratio(a, b):
    return f"{a / b:.1%}" if a and b else "-"
print("| measurement | figure | target |")
print("|---|---|---|")
print(f"| max throughput, end to end ({mx.get('events', '-')} events) | {v(mx.get('events_per_s', ''))} events/s "
      f"({v(mx.get('events_per_commit', ''))} events/commit; producer alone {v(mx.get('producer_events_per_s', ''))}/s) | >= 30000 events/s |")
print(f"| consumer lag at {v(lag.get('rate', ''))} events/s, p50 / p99 / max | {v(lag.get('p50_ms', ''))} / {v(lag.get('p99_ms', ''))} / {v(lag.get('max_ms', ''))} ms "
      f"({v(lag.get('samples', ''))} samples) | p99 < 100 ms |")
print(f"| stream-to-served freshness at {v(fr.get('rate', ''))} events/s, p50 / p99 / max | {v(fr.get('p50_ms', ''))} / {v(fr.get('p99_ms', ''))} / {v(fr.get('max_ms', ''))} ms "
      f"({v(fr.get('probes', ''))} probes, {v(fr.get('not_visible', ''))} never seen) | p99 < 50 ms |")
print(f"| steady state: sent -> applied events/s | {v(st.get('sent_events_per_s', ''))} -> {v(st.get('applied_events_per_s', ''))} "
      f"({v(st.get('events_per_commit', ''))} events/commit) | = the rate |")
print(f"| anchor: XADD from the producer, pipelines of {v(anchor.get('pipeline', ''))}, no consumer | {v(anchor.get('events_per_s', ''))} events/s "
      f"(end to end = {ratio(mx.get('events_per_s'), anchor.get('events_per_s'))}) | |")
print(f"| anchor: redis-benchmark -P 16 XADD | {v(rb.get('events_per_s', ''))} events/s "
      f"(end to end = {ratio(mx.get('events_per_s'), rb.get('events_per_s'))}) | |")
PY
}

main "$@"
