#!/usr/bin/env bash
# The quickstart end to end: copies examples/quickstart to a fresh work dir,
# generates its source data, then walks through the registry commands, a
# training set (tessera historical), an ingest and the facade example.
#
#   scripts/demo.sh [BUILD_DIR]     (default: build; `make demo` passes it)
#
# Every command is printed before it runs; the first failure stops the demo.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${1:-build}"
case "$BUILD_DIR" in /*) ;; *) BUILD_DIR="$ROOT/$BUILD_DIR" ;; esac
TESSERA="$BUILD_DIR/tessera"
GEN="$BUILD_DIR/tessera_quickstart_gen"
for bin in "$TESSERA" "$GEN" "$BUILD_DIR/tessera_training_set_example"; do
  if [[ ! -x "$bin" ]]; then
    echo "demo: $bin not found; build it first (make, or ninja -C $BUILD_DIR tessera tessera_quickstart_gen tessera_training_set_example)" >&2
    exit 1
  fi
done

REPO="$BUILD_DIR/demo-repo"
INIT_DIR="$BUILD_DIR/demo-init"
trap 'echo "demo: FAILED at line $LINENO" >&2' ERR

# Prints a command (as a shell would read it) and runs it.
run() {
  printf '\n$ %s\n' "$*" | sed "s|$BUILD_DIR|\$BUILD|g"
  "$@"
}
# Like run, for a command that must fail; shows its error.
run_expect_failure() {
  printf '\n$ %s   # expected to fail\n' "$*" | sed "s|$BUILD_DIR|\$BUILD|g"
  if "$@"; then
    echo "demo: expected failure, but it succeeded" >&2
    exit 1
  fi
}

echo "== Tessera quickstart =="
rm -rf "$REPO" "$INIT_DIR"
run cp -r "$ROOT/examples/quickstart" "$REPO"
run "$GEN" "$REPO"

echo
echo "== tessera init scaffolds a new repo =="
run "$TESSERA" init "$INIT_DIR"
run "$TESSERA" -r "$INIT_DIR" plan
run_expect_failure "$TESSERA" init "$INIT_DIR"

echo
echo "== plan and apply the quickstart =="
run "$TESSERA" -r "$REPO" plan
run "$TESSERA" -r "$REPO" apply --user demo
run "$TESSERA" -r "$REPO" apply --user demo
run "$TESSERA" -r "$REPO" list entities
run "$TESSERA" -r "$REPO" list sources
run "$TESSERA" -r "$REPO" list views
run "$TESSERA" -r "$REPO" list views --tag tier=gold
run "$TESSERA" -r "$REPO" list views --owner merchant-risk@example.com
run "$TESSERA" -r "$REPO" list on-demand-views
run "$TESSERA" -r "$REPO" list services --json
run "$TESSERA" -r "$REPO" describe user_txn_stats

echo
echo "== a point-in-time-correct training set =="
# The spine: transactions with their fraud label (written by the generator).
# Each feature is the value known at the row's event_timestamp, never later.
SPINE="$REPO/data/sources/training_spine.parquet"
FEATURES=user_profile:age,user_profile:credit_limit,merchant_profile:risk_score,merchant_profile:is_high_risk,txn_vs_profile
run "$TESSERA" -r "$REPO" historical --entities "$SPINE" --features "$FEATURES" --out "$BUILD_DIR/demo-train.csv" --with-timestamps
run head -n 4 "$BUILD_DIR/demo-train.csv"
# A profile update arrives through Tessera: it lands in the source's log and
# the next training set sees it (user 100158, the first spine row, at 00:10).
cat > "$BUILD_DIR/demo-profile-update.csv" <<'CSV'
user_id,age,country,tenure_days,credit_limit,event_timestamp,created_timestamp
100158,74,DE,400,9000.0,2024-03-01T00:10:00Z,2024-03-01T00:10:00Z
CSV
run "$TESSERA" -r "$REPO" ingest user_profiles "$BUILD_DIR/demo-profile-update.csv"
# Compaction merges log parts and writes each view's join input as one
# Parquet file (views/<view>/v<N>/), read while the sources are unchanged.
run "$TESSERA" -r "$REPO" compact
run "$TESSERA" -r "$REPO" historical --entities "$SPINE" --features "$FEATURES" --out "$BUILD_DIR/demo-train.parquet" --full-feature-names
# Windowed aggregations: each row's sums and counts over the exact windows
# (t - 1h, t], (t - 24h, t], ... ending at its own timestamp.
run "$TESSERA" -r "$REPO" historical --entities "$SPINE" --features user_txn_stats:amount_sum_1h,user_txn_stats:amount_count_24h,user_txn_stats:merchant_id_count_distinct_7d,merchant_txn_stats:amount_count_1h --out "$BUILD_DIR/demo-windows.csv"
run head -n 4 "$BUILD_DIR/demo-windows.csv"
run "$BUILD_DIR/tessera_training_set_example" "$REPO" "$SPINE" user_profile:credit_limit,txn_vs_profile:amount_vs_limit 3
run_expect_failure "$TESSERA" -r "$REPO" historical --entities "$SPINE" --service fraud_detection_v1 --out "$BUILD_DIR/demo-fail.parquet"

echo
echo "== try an expression on a file before putting it in a definition =="
TXNS="$REPO/data/sources/transactions/part-0.parquet"
run "$TESSERA" eval "CASE WHEN amount >= 100 THEN 'large' WHEN amount >= 20 THEN 'medium' ELSE 'small' END" "$TXNS" --limit 5 --as size
run "$TESSERA" eval "hash_bucket(merchant_id, 16)" "$TXNS" --out "$BUILD_DIR/demo-buckets.parquet" --as bucket
run_expect_failure "$TESSERA" eval "amout / 2" "$TXNS"

echo
echo "== load the online store and serve features =="
# The sample data is from March 2024, older than the views' ttl today, so a
# fresh profile update (event time now) shows a PRESENT value next to
# expired ones (OUTSIDE_MAX_AGE: the ttl applies again at read time).
NOW="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
cat > "$BUILD_DIR/demo-profile-now.csv" <<CSV
user_id,age,country,tenure_days,credit_limit,event_timestamp,created_timestamp
100158,75,DE,401,9500.0,$NOW,$NOW
CSV
run "$TESSERA" -r "$REPO" materialize 2024-01-01T00:00:00Z 2024-03-02T00:00:00Z
run "$TESSERA" -r "$REPO" ingest user_profiles "$BUILD_DIR/demo-profile-now.csv"
run "$TESSERA" -r "$REPO" materialize-incremental "$(date -u -d '+1 minute' +%Y-%m-%dT%H:%M:%SZ)"
run "$TESSERA" -r "$REPO" get --entity user_id=100158 --entity user_id=100159 --features user_profile:age,user_profile:credit_limit
# Pushed transactions are logged, then applied to the windows of the
# aggregated views; served windows end at now.
cat > "$BUILD_DIR/demo-txns-now.csv" <<CSV
txn_id,user_id,merchant_id,amount,ts
t_now_1,100158,m_0001,120.5,$NOW
t_now_2,100158,m_0002,30.25,$NOW
CSV
run "$TESSERA" -r "$REPO" push transactions_push "$BUILD_DIR/demo-txns-now.csv"
run "$TESSERA" -r "$REPO" get --entity user_id=100158 --features user_txn_stats:amount_sum_1h,user_txn_stats:amount_count_24h,user_txn_stats:merchant_id_count_distinct_24h
# The HTTP server (port 0: any free port; data/serve.lock names it), one
# Feast-shaped request, then a graceful stop.
"$TESSERA" -r "$REPO" serve --port 0 --threads 2 > "$BUILD_DIR/demo-serve.log" 2>&1 &
SERVE_PID=$!
for _ in $(seq 1 100); do
  [ -s "$REPO/data/serve.lock" ] && grep -q '"port"' "$REPO/data/serve.lock" && break
  sleep 0.1
done
PORT="$(sed -n 's/.*"port": *\([0-9]*\).*/\1/p' "$REPO/data/serve.lock" | head -n 1)"
BODY='{"features": ["user_profile:age", "user_profile:credit_limit"], "entities": {"user_id": [100158, 100159]}}'
echo "\$ POST http://127.0.0.1:$PORT/get-online-features $BODY"
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
printf 'POST /get-online-features HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' "${#BODY}" "$BODY" >&3
RESPONSE="$(cat <&3)"
exec 3<&-
echo "$RESPONSE" | tail -n 1
echo
echo "$RESPONSE" | head -n 1 | grep -q ' 200 ' || { echo "demo: the server did not answer 200" >&2; kill "$SERVE_PID"; exit 1; }
kill -TERM "$SERVE_PID"
wait "$SERVE_PID"

echo
echo "== a schema change gives a new version; the old one stays readable =="
run sed -i 's/ttl: 30d/ttl: 14d/' "$REPO/features/user_features.yaml"
run "$TESSERA" -r "$REPO" plan
run "$TESSERA" -r "$REPO" apply --user demo
run "$TESSERA" -r "$REPO" describe user_profile
run "$TESSERA" -r "$REPO" describe user_profile --version 1 --json

echo
echo "== a documentation change (tags) is history, not a new version =="
run sed -i 's/tier: silver}/tier: gold}/' "$REPO/features/user_features.yaml"
run "$TESSERA" -r "$REPO" apply --user demo
run "$TESSERA" -r "$REPO" describe user_merchant_stats

echo
echo "== invalid definitions: every error with file:line, and nothing applied =="
cat > "$REPO/features/typo.yaml" <<'YAML'
feature_views:
  - name: card_stats
    entities: [card]
    source: transactions
    ttl: 1 week
    features:
      - {name: amount, type: decimal}
YAML
run cat "$REPO/features/typo.yaml"
run_expect_failure "$TESSERA" -r "$REPO" apply --user demo
run rm "$REPO/features/typo.yaml"
run "$TESSERA" -r "$REPO" plan

echo
echo "== search and lineage =="
run "$TESSERA" -r "$REPO" search merchant
run "$TESSERA" -r "$REPO" search amount
run "$TESSERA" -r "$REPO" lineage fraud_detection_v1 --upstream
run "$TESSERA" -r "$REPO" lineage transactions --downstream

if "$TESSERA" schema --help >/dev/null 2>&1 && "$TESSERA" convert --help >/dev/null 2>&1; then
  echo
  echo "== file tools =="
  run "$TESSERA" schema "$REPO/data/sources/merchant_profiles.parquet"
  run "$TESSERA" convert "$REPO/data/sources/merchant_profiles.parquet" "$REPO/data/merchant_profiles.csv"
  run head -n 4 "$REPO/data/merchant_profiles.csv"
fi

echo
echo "== demo finished: repo in $REPO =="
