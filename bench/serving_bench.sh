#!/usr/bin/env bash
# Serving latency and throughput, RocksDB and Redis backends, with
# redis-benchmark as the physical anchor, on the same machine in the same
# run (docs/PERFORMANCE.md "Serving").
#
#   bench/serving_bench.sh [--keys N] [--duration S] [--threads N] [--build DIR] [--data DIR]
#                          [--skip rocksdb,redis] [--row-cache-mb N]
#
#   defaults: --keys 1000000 --duration 15 --threads nproc --build build-release
#             --data ${TMPDIR:-/tmp}/tessera-serving --row-cache-mb 1024
#
# --row-cache-mb sets the RocksDB store's online_store.row_cache_mb: like
# its block cache (block_cache_mb: 512), sized to hold the data set (all 2M
# rows of the default 1M keys take ~550 MiB). 0: the store without it.
#
# Threads: the server gets one thread per core (--threads nproc): its CPU per
# request is the same with 1 and 2 threads (29-30 us, 2026-12-01), so the
# second lets it use both cores. The load generator (tessera_loadgen
# --threads T event loops over the 32 connections) differs by run:
# - the closed loop (the maximum rate) uses 2 loops, one per core: a loop
#   costs ~6-8 us of CPU per request where a thread per connection cost
#   8-11 us (a sleep and a wake-up per request), CPU the server does not
#   get on 2 shared cores; one loop alone costs least but is then a single
#   thread to schedule between two busy server threads, and stalls the
#   whole pipeline while it waits for a core;
# - the fixed-rate runs use one loop per connection (32), the scheduling of
#   the earlier generator (a thread per connection): on a busy machine one
#   loop sent its requests late (median 0.06-0.3 ms, p90 4-5 ms behind
#   schedule, 2026-12-01, docs/PERFORMANCE.md), which the latency from the
#   intended send time rightly charges; at these rates the CPU is there.
set -euo pipefail

main() {
  src="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  build="$src/build-release"
  data="${TMPDIR:-/tmp}/tessera-serving"
  keys=1000000 duration=15 threads="$(nproc)" skip="" row_cache_mb=1024
  while [[ $# -gt 0 ]]; do
    [[ $# -ge 2 ]] || { echo "serving_bench.sh: $1 needs a value" >&2; exit 2; }
    case "$1" in
      --keys) keys="$2" ;;
      --duration) duration="$2" ;;
      --threads) threads="$2" ;;
      --build) build="$2" ;;
      --data) data="$2" ;;
      --skip) skip="$2" ;;
      --row-cache-mb) row_cache_mb="$2" ;;
      *) echo "serving_bench.sh: unknown argument '$1' (see the comment at the top)" >&2; exit 2 ;;
    esac
    shift 2
  done
  skipped() { [[ ",$skip," == *",$1,"* ]]; }
  free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
  }

  echo "== build ($build, Release)"
  cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTESSERA_BUILD_TESTS=OFF \
    -DTESSERA_BUILD_BENCHMARKS=ON >/dev/null
  ninja -C "$build" tessera serving_datagen tessera_loadgen >/dev/null
  tessera="$build/tessera"
  echo "machine: nproc $(nproc), memory $(awk '/^MemTotal:/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(date -u +%Y-%m-%dT%H:%MZ)"

  server_pid=""
  redis_pid=""
  cleanup() {
    [[ -n "$server_pid" ]] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    [[ -n "$redis_pid" ]] && kill -TERM "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null
    true
  }
  trap cleanup EXIT

  features="user_stats:txn_count_7d,user_stats:txn_sum_7d,user_stats:avg_amount,user_stats:max_amount,user_stats:days_active,user_profile:country,user_profile:is_verified,user_profile:age,user_profile:credit_limit,user_profile:segment"

  run_backend() {
    local name="$1" repo="$2" redis_url="$3"
    echo
    echo "== $name: $keys keys, 2 views, 10 features"
    rm -rf "$repo"
    if [[ -n "$redis_url" ]]; then
      "$build/serving_datagen" --out "$repo" --keys "$keys" --redis-url "$redis_url"
    else
      "$build/serving_datagen" --out "$repo" --keys "$keys" --row-cache-mb "$row_cache_mb"
    fi
    "$tessera" -r "$repo" apply --user bench >/dev/null
    local t0 t1
    t0=$(date +%s.%N)
    "$tessera" -r "$repo" materialize 2024-02-29T00:00:00Z 2024-03-02T00:00:00Z >/dev/null
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" -v rows="$((2 * keys))" \
      'BEGIN { printf "materialize: %d source rows in %.2f s = %.0f rows/s (whole process)\n", rows, b - a, rows / (b - a) }'
    local port
    port=$(free_port)
    "$tessera" -r "$repo" serve --host 127.0.0.1 --port "$port" --threads "$threads" >"$repo/serve.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 100); do
      (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
      sleep 0.1
    done
    # Warm the store's cache first (a closed loop over random keys), so the
    # fixed-rate runs measure the steady state, not the cold start's backlog.
    "$build/tessera_loadgen" --port "$port" --max --rate 1 --duration 10 --warmup 0 \
      --connections 32 --threads 2 --features "$features" --key-name user_id --keys "$keys" \
      >/dev/null || true
    local lg=("$build/tessera_loadgen" --port "$port" --duration "$duration" --warmup 3
      --connections 32 --features "$features" --key-name user_id --keys "$keys")
    echo "$name single-entity 10k/s: $("${lg[@]}" --threads 32 --rate 10000 --entities 1 || true)"
    echo "$name single-entity 20k/s: $("${lg[@]}" --threads 32 --rate 20000 --entities 1 || true)"
    echo "$name 100-entity 500/s:    $("${lg[@]}" --threads 32 --rate 500 --entities 100 || true)"
    # The server's CPU time per request in the closed loop (user+sys from
    # /proc, ticks of 1/CLK_TCK s): steadier than the rates on a shared machine.
    local tck cpu0 cpu1 max_line sent
    tck=$(getconf CLK_TCK)
    cpu0=$(awk '{print $14 + $15}' "/proc/$server_pid/stat")
    max_line=$("${lg[@]}" --threads 2 --max --rate 1 --entities 1 || true)
    cpu1=$(awk '{print $14 + $15}' "/proc/$server_pid/stat")
    sent=$(sed -n 's/.* sent=\([0-9]*\).*/\1/p' <<<"$max_line")
    echo "$name single-entity max:   $max_line"
    awk -v c=$((cpu1 - cpu0)) -v t="$tck" -v n="${sent:-0}" 'BEGIN {
      if (n > 0) printf "  server CPU (user+sys) per request: %.1f us (%d requests sent, warm-up included)\n", c / t * 1e6 / n, n }'
    echo "  load generator CPU (user+sys) per request: $(sed -n 's/.* cpu_us_per_request=\([0-9.]*\).*/\1/p' <<<"$max_line") us"
    echo "  server peak RSS: $(awk '/^VmHWM:/ {printf "%.0f MiB", $2 / 1024}' "/proc/$server_pid/status")"
    kill -TERM "$server_pid"
    wait "$server_pid" || true
    server_pid=""
  }

  skipped rocksdb || run_backend rocksdb "$data/rocksdb" ""

  if ! skipped redis; then
    local redis_port
    redis_port=$(free_port)
    mkdir -p "$data/redis-server"
    redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no \
      --dir "$data/redis-server" >"$data/redis-server/log" 2>&1 &
    redis_pid=$!
    for _ in $(seq 1 50); do
      redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
      sleep 0.1
    done
    run_backend redis "$data/redis" "redis://127.0.0.1:$redis_port"
    echo
    echo "== redis-benchmark (the anchor), same server, 32 connections"
    redis-benchmark -p "$redis_port" -t get,mget -c 32 -n 400000 -q
  fi
}

main "$@"
