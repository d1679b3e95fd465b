#!/usr/bin/env bash
# Cost and coverage of a default scan as the API grows (issue 16): the
# generated API of the coverage tests (100, 1,000 and 5,000 operations; list,
# detail, nested and write operations, every third resource behind bearer
# auth) on 127.0.0.1, scanned with default flags by the release binary.
# Prints one Markdown table row per size: requests sent, wall time, peak RSS
# of the scan process, and coverage from the report.
#
#   scripts/bench-coverage.sh              # 100 1000 5000
#   SIZES="1000" scripts/bench-coverage.sh
#
# Nothing is committed: reports go to ${BENCH_DIR:-/tmp/palisade-bench-coverage}.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SIZES=${SIZES:-"100 1000 5000"}
BENCH_DIR=${BENCH_DIR:-/tmp/palisade-bench-coverage}
BIN=$ROOT/target/release/palisade
SERVER=$ROOT/target/release/examples/generated_api
mkdir -p "$BENCH_DIR"

echo "== machine: $(nproc) cores, $(uname -srm), $(date -u +%Y-%m-%d)"
grep -m1 'model name' /proc/cpuinfo || true
cargo build --release -p palisade --bin palisade >/dev/null 2>&1
cargo build --release -p palisade-checks --example generated_api >/dev/null 2>&1

echo
echo "| operations | safe operations | requests sent | wall time | peak RSS | tested | skipped | exit | writes received |"
echo "|---:|---:|---:|---:|---:|---:|---|---:|---:|"
for n in $SIZES; do
  fifo="$BENCH_DIR/stdin-$n"
  rm -f "$fifo" && mkfifo "$fifo"
  "$SERVER" "$n" <"$fifo" >"$BENCH_DIR/server-$n.log" &
  server=$!
  exec 3>"$fifo"
  for _ in $(seq 100); do grep -q '^BASE ' "$BENCH_DIR/server-$n.log" 2>/dev/null && break; sleep 0.1; done
  base=$(sed -n 's/^BASE //p' "$BENCH_DIR/server-$n.log")
  report="$BENCH_DIR/report-$n.json"
  set +e
  /usr/bin/time -f '%e %M' -o "$BENCH_DIR/time-$n" "$BIN" scan "$base" --spec "$base/openapi.json" \
    -f json -o "$report" --no-progress >/dev/null 2>"$BENCH_DIR/scan-$n.err"
  code=$?
  set -e
  exec 3>&-
  wait "$server"
  read -r wall rss_kib <"$BENCH_DIR/time-$n"
  read -r _ received writes < <(grep '^RECEIVED ' "$BENCH_DIR/server-$n.log")
  python3 - "$report" "$n" "$wall" "$rss_kib" "$code" "$writes" <<'PY'
import json, sys
report, n, wall, rss_kib, code, writes = sys.argv[1:]
r = json.load(open(report))
c = r["coverage"]
safe = sum(1 for i in range(int(n)) if i % 7 < 4)
skipped = ", ".join(f'{s["operations"]} {s["reason"]}' for s in c["skipped"]) or "none"
print(f'| {int(n):,} | {safe:,} | {r["health"]["requests_sent"]:,} | {float(wall):.1f} s | {int(rss_kib) / 1024:.0f} MiB '
      f'| {c["tested"]:,} of {c["operations"] + c["undocumented"]:,} | {skipped} | {code} | {writes} |')
PY
done
