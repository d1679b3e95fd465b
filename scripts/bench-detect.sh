#!/usr/bin/env bash
# Throughput and memory of `palisade detect` (release build), plus the
# detect-secrets / secretlint comparison on the labelled corpus.
#
#   scripts/bench-detect.sh                # everything below
#   SIZE_MB=200 scripts/bench-detect.sh    # size of the mixed corpus (default 200)
#   SKIP_GB=1 scripts/bench-detect.sh      # skip the 1 GB memory run
#
# Nothing generated here is committed: the mixed corpus goes to
# ${BENCH_DIR:-/tmp/palisade-bench} and the 1 GB log to /tmp (deleted after).
# detect-secrets and secretlint are optional: installed into throwaway
# locations (/tmp/ds-venv, /tmp/secretlint) if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SIZE_MB=${SIZE_MB:-200}
BENCH_DIR=${BENCH_DIR:-/tmp/palisade-bench}
BIN=$ROOT/target/release/palisade

echo "== machine: $(nproc) cores, $(uname -srm), $(date -u +%Y-%m-%d)"
grep -m1 'model name' /proc/cpuinfo || true

cargo build --release -p palisade >/dev/null

if [ ! -f "$BENCH_DIR/.size-$SIZE_MB" ]; then
  rm -rf "$BENCH_DIR"
  python3 - "$BENCH_DIR" "$SIZE_MB" "$ROOT/tests/corpus/data" <<'EOF'
# Mixed corpus: JSON API responses, HTML pages, access and application logs
# (mostly clean traffic), with the labelled corpus files spliced in every few
# hundred KiB so the engine also does real matching work.
import json, os, random, sys
out, size_mb, seeds = sys.argv[1], int(sys.argv[2]), sys.argv[3]
R = random.Random(7)
os.makedirs(out, exist_ok=True)
planted = []
for d, _, fs in os.walk(seeds):
    for f in sorted(fs):
        planted.append(open(os.path.join(d, f), encoding="utf-8").read())
words = "order invoice customer product shipment account region status pending active archived total amount currency".split()
def hexs(n): return "".join(R.choice("0123456789abcdef") for _ in range(n))
def json_line():
    return json.dumps({"id": hexs(8) + "-" + hexs(4) + "-4" + hexs(3) + "-a" + hexs(3) + "-" + hexs(12),
                       "type": R.choice(words), "status": R.choice(words), "amount": R.randint(1, 99999) / 100,
                       "currency": "EUR", "items": [{"sku": "SKU-" + hexs(6), "qty": R.randint(1, 9)} for _ in range(R.randint(1, 3))],
                       "note": " ".join(R.choice(words) for _ in range(R.randint(3, 12))), "created_at": "2026-11-29T04:%02d:%02dZ" % (R.randint(0, 59), R.randint(0, 59))})
def access_line():
    return '203.0.113.%d - - [29/Nov/2026:04:%02d:%02d +0000] "GET /api/v1/%s/%d?page=%d HTTP/1.1" 200 %d "-" "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"' % (
        R.randint(1, 254), R.randint(0, 59), R.randint(0, 59), R.choice(words), R.randint(1, 99999), R.randint(1, 9), R.randint(100, 9999))
def app_line():
    return "2026-11-29T04:%02d:%02d.%03dZ INFO  [%s] request_id=%s method=GET route=/api/v1/%s status=200 duration_ms=%d" % (
        R.randint(0, 59), R.randint(0, 59), R.randint(0, 999), R.choice(words), hexs(32), R.choice(words), R.randint(1, 900))
def html_line():
    return '<tr><td class="%s">%s</td><td><a href="/%s/%d">%s</a></td><td>%d.%02d EUR</td></tr>' % (
        R.choice(words), " ".join(R.choice(words) for _ in range(4)), R.choice(words), R.randint(1, 9999), R.choice(words), R.randint(1, 999), R.randint(0, 99))
pools = {k: [f() for _ in range(4000)] for k, f in [("json", json_line), ("log", access_line), ("app", app_line), ("html", html_line)]}
exts = {"json": "json", "log": "log", "app": "log", "html": "html"}
target = size_mb * 1024 * 1024
written, n = 0, 0
while written < target:
    kind = ["json", "log", "app", "html"][n % 4]
    path = os.path.join(out, "%s_%03d.%s" % (kind, n, exts[kind]))
    with open(path, "w", encoding="utf-8") as f:
        size = 0
        while size < 4 * 1024 * 1024 and written + size < target:
            chunk = "\n".join(R.choices(pools[kind], k=200)) + "\n"
            if R.random() < 0.3:
                chunk += R.choice(planted)
            f.write(chunk)
            size += len(chunk.encode())
    written += size
    n += 1
open(os.path.join(out, ".size-%d" % size_mb), "w").close()
print("generated %d files, %.1f MiB in %s" % (n, written / 1048576, out))
EOF
fi
BYTES=$(find "$BENCH_DIR" -type f ! -name '.size-*' -printf '%s\n' | awk '{s+=$1} END {print s}')
MIB=$(awk "BEGIN {printf \"%.1f\", $BYTES/1048576}")
echo "== mixed corpus: $MIB MiB in $BENCH_DIR"
cat "$BENCH_DIR"/* > /dev/null  # warm the page cache

run_timed() { # label, command...; prints seconds
  local label=$1; shift
  local t0 t1
  t0=$(date +%s.%N)
  "$@" > /dev/null 2>&1 || true
  t1=$(date +%s.%N)
  awk "BEGIN {printf \"%.3f\", $t1 - $t0}"
}

echo "== palisade detect, one core (taskset -c 0), best of 3"
best=999999
for _ in 1 2 3; do
  s=$(run_timed palisade taskset -c 0 "$BIN" detect "$BENCH_DIR" -f json -o /tmp/palisade-bench-report.json)
  best=$(awk "BEGIN {print ($s < $best) ? $s : $best}")
done
echo "palisade 1 core: ${best}s  $(awk "BEGIN {printf \"%.0f\", $MIB/$best}") MiB/s"
s=$(run_timed palisade "$BIN" detect "$BENCH_DIR" -f json -o /tmp/palisade-bench-report.json)
echo "palisade all cores ($(nproc)): ${s}s  $(awk "BEGIN {printf \"%.0f\", $MIB/$s}") MiB/s"

# detect-secrets is far slower: run it on a slice and scale per byte.
if [ ! -x /tmp/ds-venv/bin/detect-secrets ]; then
  python3 -m venv /tmp/ds-venv && /tmp/ds-venv/bin/pip install -q detect-secrets
fi
SLICE=$(mktemp -d /tmp/palisade-bench-slice.XXXX)
ls "$BENCH_DIR" | grep -v '^\.' | head -4 | while read -r f; do cp "$BENCH_DIR/$f" "$SLICE/"; done
SLICE_BYTES=$(du -sb "$SLICE" | cut -f1)
SLICE_MIB=$(awk "BEGIN {printf \"%.1f\", $SLICE_BYTES/1048576}")
s=$(cd "$SLICE" && run_timed ds taskset -c 0 /tmp/ds-venv/bin/detect-secrets scan --all-files .)
echo "detect-secrets 1 core on a $SLICE_MIB MiB slice: ${s}s  $(awk "BEGIN {printf \"%.2f\", $SLICE_MIB/$s}") MiB/s"
s2=$(run_timed palisade taskset -c 0 "$BIN" detect "$SLICE" -f json -o /tmp/palisade-bench-report.json)
echo "palisade 1 core on the same slice: ${s2}s  $(awk "BEGIN {printf \"%.0f\", $SLICE_MIB/$s2}") MiB/s"
rm -rf "$SLICE"

echo "== accuracy on tests/corpus (labels.jsonl)"
"$BIN" detect "$ROOT/tests/corpus/data" -f json -o /tmp/palisade-corpus.json || true
python3 scripts/eval-corpus.py palisade /tmp/palisade-corpus.json --by-family
(cd "$ROOT/tests/corpus/data" && /tmp/ds-venv/bin/detect-secrets scan --all-files . > /tmp/ds-corpus.json)
python3 scripts/eval-corpus.py detect-secrets /tmp/ds-corpus.json --by-family
if command -v npm > /dev/null; then
  if [ ! -x /tmp/secretlint/node_modules/.bin/secretlint ]; then
    mkdir -p /tmp/secretlint && (cd /tmp/secretlint && npm init -y > /dev/null && npm install --silent secretlint @secretlint/secretlint-rule-preset-recommend)
  fi
  echo '{"rules":[{"id":"@secretlint/secretlint-rule-preset-recommend"}]}' > /tmp/secretlint/.secretlintrc.json
  (cd /tmp/secretlint && ./node_modules/.bin/secretlint --secretlintrc .secretlintrc.json --format json "$ROOT/tests/corpus/data/**/*" > /tmp/sl-corpus.json) || true
  python3 scripts/eval-corpus.py secretlint /tmp/sl-corpus.json --by-family
fi

if [ -z "${SKIP_GB:-}" ]; then
  echo "== memory: 1 GiB log"
  BIG=/tmp/palisade-bench-1g.log
  : > "$BIG"
  while [ "$(stat -c %s "$BIG")" -lt $((1024 * 1024 * 1024)) ]; do
    cat "$BENCH_DIR"/app_*.log "$BENCH_DIR"/log_*.log >> "$BIG"
  done
  truncate -s $((1024 * 1024 * 1024)) "$BIG"
  /usr/bin/time -v "$BIN" detect "$BIG" -f json -o /tmp/palisade-bench-1g.json 2> /tmp/palisade-bench-time.txt || true
  grep -E 'Maximum resident|Elapsed' /tmp/palisade-bench-time.txt
  /usr/bin/time -v "$BIN" detect "$BENCH_DIR/app_003.log" -f json -o /dev/null 2> /tmp/palisade-bench-time-small.txt || true
  echo "for comparison, one 4 MiB file: $(grep 'Maximum resident' /tmp/palisade-bench-time-small.txt)"
  rm -f "$BIG" /tmp/palisade-bench-1g.json

  echo "== memory: 1 GiB app log with a leaked key every ~4 KB (~257k findings)"
  KEYS=/tmp/palisade-bench-1g-keys.log
  python3 - "$KEYS" <<'EOF'
import random, sys
R = random.Random(3)
words = "order invoice customer product shipment account region status".split()
parts, size = [], 0
while size < 4 * 1024 * 1024:
    lines, c = [], 0
    while c < 4000:
        l = "2026-11-29T04:%02d:%02d.%03dZ INFO  [%s] request_id=%032x method=GET route=/api/v1/%s status=200 duration_ms=%d" % (
            R.randint(0, 59), R.randint(0, 59), R.randint(0, 999), R.choice(words), R.getrandbits(128), R.choice(words), R.randint(1, 900))
        lines.append(l)
        c += len(l) + 1
    lines.append('2026-11-29T04:00:00.000Z DEBUG request body={"api_key": "%064x", "action": "list"}' % R.getrandbits(256))
    s = "\n".join(lines) + "\n"
    parts.append(s)
    size += len(s)
block = "".join(parts).encode()
with open(sys.argv[1], "wb") as f:
    n = 0
    while n < 1024 * 1024 * 1024:
        f.write(block)
        n += len(block)
EOF
  for fmt in json sarif pretty; do
    /usr/bin/time -v "$BIN" detect "$KEYS" -f $fmt -o /tmp/palisade-bench-keys.out 2> /tmp/palisade-bench-time-keys.txt || true
    echo "$fmt: $(grep -E 'Maximum resident' /tmp/palisade-bench-time-keys.txt | xargs); $(grep Elapsed /tmp/palisade-bench-time-keys.txt | xargs)"
  done
  rm -f "$KEYS" /tmp/palisade-bench-keys.out
fi
