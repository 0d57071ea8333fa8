# Shell pieces the serving benchmarks share (freshness_bench.sh,
# stream_bench.sh); sourced, not run.

# A loopback TCP port nothing listens on right now.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# The line every result carries: cores, memory, time, load.
machine_line() {
  echo "machine: nproc $(nproc), memory $(awk '/^MemTotal:/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(date -u +%Y-%m-%dT%H:%MZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
}

# start_redis DIR: a throwaway redis-server on a free loopback port (no
# persistence; its log in DIR/log). Sets redis_port and redis_pid; exits
# when it does not answer within 5 s.
start_redis() {
  local dir="$1"
  redis_port=$(free_port)
  mkdir -p "$dir"
  redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no \
    --dir "$dir" >"$dir/log" 2>&1 &
  redis_pid=$!
  for _ in $(seq 1 50); do
    redis-cli -p "$redis_port" ping >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "redis-server did not start:" >&2
  cat "$dir/log" >&2
  exit 1
}

# serve_port REPO PID: the port of the `tessera serve --port 0` with PID,
# read from REPO/data/serve.lock once it is written (10 s at most); exits
# with the server's log when it is not.
serve_port() {
  local repo="$1" pid="$2" port=""
  for _ in $(seq 1 100); do
    [[ -s "$repo/data/serve.lock" ]] && grep -q '"port"' "$repo/data/serve.lock" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  port="$(sed -n 's/.*"port": *\([0-9]*\).*/\1/p' "$repo/data/serve.lock" 2>/dev/null | head -n 1)"
  if [[ -z "$port" ]]; then
    echo "the server did not start:" >&2
    cat "$repo/serve.log" >&2
    exit 1
  fi
  echo "$port"
}

# log_summary DIR: a source log's part files, checkpoint generation and
# journal size (docs/FORMATS.md: manifest.json + manifest.log).
log_summary() {
  python3 - "$1" <<'PY' || true
import json, os, sys
d = sys.argv[1]
m = json.load(open(os.path.join(d, "manifest.json")))
log = os.path.join(d, "manifest.log")
parts = [f for f in os.listdir(d) if f.startswith("part-")]
print("source log %s: %d part files; manifest.json checkpoint at generation %s, %d parts, %d replaced; manifest.log (commits since) %d bytes"
      % (os.path.basename(d), len(parts), m.get("generation"), len(m.get("parts", [])),
         len(m.get("replaced", [])), os.path.getsize(log) if os.path.exists(log) else 0))
PY
}
