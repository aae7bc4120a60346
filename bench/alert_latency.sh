#!/usr/bin/env bash
# Alert latency through Kafka (issue 12, docs/PERFORMANCE.md): from the
# moment the record completing an alert is on the broker (produced with
# linger 0 and flushed) to the alert line on crashwatch's stdout, measured by
# bench/alert_latency_bench.cpp against `crashwatch run --brokers ...
# --output jsonl` on the embedded broker (4 partitions), with a background
# load from `crashwatch generate --rate R` (event times of 2020: late once
# the probes have moved the watermark to 2030, but read, parsed and counted
# like any record). Each row: $BENCH_ROUNDS probes, 5 per second.
#
#   bench/alert_latency.sh [EXTRA RUN OPTIONS...]   e.g. -X fetch.wait.max.ms=10
# Rates in $BENCH_RATES (default "0 10000 100000"); modes in $BENCH_MODES
# (default "final early"). With $BENCH_SAMPLES=FILE, every probe's latency
# is also appended to FILE as a line "RATE<TAB>MODE<TAB>MS" (for a CDF;
# bench/report.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh
bin=$PWD/build/crashwatch
probe=$PWD/build/bench/alert_latency_bench
rates=${BENCH_RATES:-0 10000 100000}
rounds=${BENCH_ROUNDS:-100}
modes=${BENCH_MODES:-final early}
samples=${BENCH_SAMPLES:-}
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT

echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1); $(date -u +%F); commit $(git rev-parse --short HEAD); extra options: ${*:-none}"
echo "| background | mode | probes | p50 | p99 | max |"
echo "|---|---|---|---|---|---|"
for rate in $rates; do
  for mode in $modes; do
    start_broker "$bin" 4 "$tmp"
    broker=$BROKER_PID brokers=$BROKERS
    gen=""
    if ((rate > 0)); then
      "$bin" generate --brokers "$brokers" --rate "$rate" --duration 10m \
        --start 2020-01-01T00:00:00Z >/dev/null 2>"$tmp/gen.err" &
      gen=$!
      sleep 1
    fi
    emit=(--emit final) early=()
    [[ $mode == early ]] && emit=(--emit early) early=(--early)
    mkfifo "$tmp/alerts"
    "$bin" run --brokers "$brokers" --from earliest --watermark-delay 2s \
      --output jsonl --late-output /dev/null --dead-letter /dev/null \
      "${emit[@]}" "$@" >"$tmp/alerts" 2>"$tmp/run.err" &
    run=$!
    "$probe" --brokers "$brokers" --partitions 4 --rounds "$rounds" \
      --delay 2000 "${early[@]}" <"$tmp/alerts" >"$tmp/ms" 2>"$tmp/probe.err" || {
      echo "alert_latency.sh: rate $rate, $mode: the probe failed:" >&2
      tail -n 3 "$tmp/probe.err" "$tmp/run.err" >&2
    }
    # The generator and the run first, while the broker is up: a producer
    # told to stop with a broker gone waits for its flush to time out (a
    # minute per row).
    kill "$run" 2>/dev/null || true
    rm -f "$tmp/alerts"
    if [[ -n $gen ]]; then kill "$gen" 2>/dev/null || true; fi
    wait "$run" $gen 2>/dev/null || true
    kill "$broker" 2>/dev/null || true
    wait 2>/dev/null || true
    if [[ -n $samples ]]; then
      awk -v r="$rate" -v m="$mode" 'NF{print r "\t" m "\t" $1}' "$tmp/ms" >>"$samples"
    fi
    python3 - "$tmp/ms" "$rate" "$mode" <<'PY'
import sys
d = sorted(float(x) for x in open(sys.argv[1]) if x.strip())
q = lambda p: d[min(len(d) - 1, int(p * len(d)))]
name = "none" if sys.argv[2] == "0" else f"{int(sys.argv[2]):,}/s"
if not d:
    print(f"| {name} | {sys.argv[3]} | 0 | - | - | - |")
else:
    print(f"| {name} | {sys.argv[3]} | {len(d)} | {q(0.5):.1f} ms | {q(0.99):.1f} ms | {d[-1]:.1f} ms |")
PY
  done
done
