#!/usr/bin/env bash
# Kafka benchmark of issue 3 (docs/PERFORMANCE.md): on the embedded broker,
# (a) a bare librdkafka consumer (kcat) reading every partition of the topic
# to the end, and (b) `crashwatch run --from earliest --exit-at-end` on the
# same topic, best of $BENCH_REPS (default 5) each, interleaved. The mock
# broker keeps ~5 MiB per partition, so the topic has 8 partitions of ~30k
# records (~4.7 MB each), 240k records in all.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh
./scripts/build.sh >/dev/null
bin=build/crashwatch
reps=${BENCH_REPS:-5}
tmp=$(mktemp -d)
trap 'kill $broker 2>/dev/null; rm -rf "$tmp"' EXIT
start_broker "$bin" 8 "$tmp"
broker=$BROKER_PID brokers=$BROKERS
"$bin" generate --brokers "$brokers" --rate 0 --records 240000 2>/dev/null
records=$(kcat -C -b "$brokers" -t logs -e -q -o beginning | wc -l)

kcat_times=() cw_times=()
for _ in $(seq "$reps"); do
  kcat_times+=("$( { /usr/bin/time -f %e kcat -C -b "$brokers" -t logs -e -q \
    -o beginning >/dev/null; } 2>&1 | tail -1)")
  cw_times+=("$( { /usr/bin/time -f %e "$bin" run --brokers "$brokers" \
    --from earliest --exit-at-end --shards 2 --output jsonl \
    --output-file /dev/null --late-output /dev/null --dead-letter /dev/null \
    >/dev/null; } 2>&1 | tail -1)")
done
k=$(best "${kcat_times[@]}")
c=$(best "${cw_times[@]}")
{
  echo "| reader | records | best of $reps | rate |"
  echo "|---|---|---|---|"
  echo "| kcat -C (bare librdkafka consumer) | $records | ${k} s | $(awk "BEGIN{printf \"%.2f\", $records / $k / 1e6}") M records/s |"
  echo "| crashwatch run --exit-at-end | $records | ${c} s | $(awk "BEGIN{printf \"%.2f\", $records / $c / 1e6}") M records/s |"
  echo
  echo "crashwatch reaches $(awk "BEGIN{printf \"%.0f%%\", 100 * $k / $c}") of the bare consumer's rate (wall clock including start-up, connect and metadata)."
} | tee bench/results/kafka.md
