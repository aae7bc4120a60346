#!/usr/bin/env bash
# Live Kafka benchmark of issue 3 (docs/PERFORMANCE.md): the embedded broker
# (4 partitions), `generate --rate R` with wall-clock event times, and
# `run --brokers` reading live with a 2 s watermark delay. For every alert
# printed, the delay from its window's watermark passing (wall clock
# window_end + delay, since event time follows the wall clock) to the line
# arriving on stdout. Rates in $BENCH_RATES (default "10000 50000 100000
# 200000"), each for $BENCH_SECONDS (default 20). A rate is sustained when
# the delay stays bounded (no growth through the run) and no data is lost.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh
./scripts/build.sh >/dev/null
bin=build/crashwatch
rates=${BENCH_RATES:-10000 50000 100000 200000}
secs=${BENCH_SECONDS:-20}
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
{ echo "| generator rate | achieved | alerts | delay p50 | p99 | max | delay, first vs last third (p50) | data loss |"
echo "|---|---|---|---|---|---|---|---|"; } | tee bench/results/latency.md
for rate in $rates; do
  start_broker "$bin" 4 "$tmp"
  broker=$BROKER_PID brokers=$BROKERS
  { "$bin" run --brokers "$brokers" --from earliest --watermark-delay 2s \
      --output jsonl --late-output /dev/null --dead-letter /dev/null \
      2>"$tmp/run.err" \
    | python3 -u -c '
import sys, time, json
for line in sys.stdin:
    a = json.loads(line)
    print(int(time.time() * 1000) - a["window_end_ms"] - 2000, flush=True)
' >"$tmp/delays"; } &
  runner=$!
  sleep 1
  "$bin" generate --brokers "$brokers" --rate "$rate" --duration "${secs}s" \
    --out-of-order 500 2>"$tmp/gen.err" || true
  sleep 4 # the last windows
  pkill -INT -f "crashwatch run --brokers $brokers" || true
  wait $runner 2>/dev/null || true
  kill $broker 2>/dev/null; wait $broker 2>/dev/null || true
  achieved=$(grep -o '[0-9]* records/s (target' "$tmp/gen.err" | awk '{print $1}')
  loss=$(grep -c "data loss" "$tmp/run.err" || true)
  python3 - "$tmp/delays" "$rate" "${achieved:-?}" "$loss" <<'PY'
import sys
d = [int(x) for x in open(sys.argv[1]) if x.strip()]
rate, achieved, loss = sys.argv[2], sys.argv[3], sys.argv[4]
if not d:
    print(f"| {rate}/s | {achieved}/s | 0 | - | - | - | - | {loss} |")
    sys.exit()
s = sorted(d)
q = lambda p: s[min(len(s) - 1, int(p * len(s)))]
third = max(1, len(d) // 3)
first = sorted(d[:third])[len(d[:third]) // 2]
last = sorted(d[-third:])[len(d[-third:]) // 2]
print(f"| {rate}/s | {achieved}/s | {len(d)} | {q(0.5)} ms | {q(0.99)} ms | "
      f"{s[-1]} ms | {first} ms → {last} ms | {loss} |")
PY
done | tee -a bench/results/latency.md
