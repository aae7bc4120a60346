#!/usr/bin/env bash
# Reading a Kafka topic to the end (issue 12, docs/PERFORMANCE.md): on the
# embedded broker, a topic of $BENCH_PARTITIONS partitions (default 4) and
# $BENCH_RECORDS records (default 72000) is read to the end, $BENCH_REPS
# times (default 20) by each of, interleaved:
#   bare        bench/bare_consumer_bench.cpp: one tuned librdkafka consumer,
#               all partitions at absolute offsets, counting records;
#   bare-pp     the same with one consumer per partition, each on its own
#               thread (crashwatch's shape);
#   cw          `crashwatch run --from earliest --exit-at-end --shards 2`
#               with every output to /dev/null.
# Wall clock of each process from start to exit (start-up, metadata and
# offset queries included). Prints medians, worst/median and the rate ratio
# against the faster bare consumer;
# each run's time goes to $BENCH_OUT (default bench/results/kafka_read.tsv).
#
#   bench/kafka_read.sh [EXTRA crashwatch run OPTIONS...]
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh
bin=$PWD/build/crashwatch
bare=$PWD/build/bench/bare_consumer_bench
reps=${BENCH_REPS:-20}
partitions=${BENCH_PARTITIONS:-4}
records=${BENCH_RECORDS:-72000}
out=${BENCH_OUT:-bench/results/kafka_read.tsv}
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT

start_broker "$bin" "$partitions" "$tmp"
brokers=$BROKERS
"$bin" generate --brokers "$brokers" --rate 0 --records "$records" 2>/dev/null

now() { date +%s.%N; }
run_bare() { "$bare" "$brokers" logs >"$tmp/bare.out"; }
run_bare_pp() { "$bare" --per-partition "$brokers" logs >"$tmp/bare.out"; }
run_cw() {
  "$bin" run --brokers "$brokers" --from earliest --exit-at-end --shards 2 \
    --output jsonl --output-file /dev/null --late-output /dev/null \
    --dead-letter /dev/null "$@" >/dev/null 2>"$tmp/cw.err"
}
printf 'rep\treader\tseconds\n' >"$out"
for rep in $(seq "$reps"); do
  # Alternate which goes first, so that neither always meets a warm broker.
  order=(bare bare-pp cw)
  ((rep % 2 == 0)) && order=(cw bare-pp bare)
  for who in "${order[@]}"; do
    t0=$(now)
    case $who in
      bare) run_bare ;;
      bare-pp) run_bare_pp ;;
      cw) run_cw "$@" ;;
    esac
    t1=$(now)
    printf '%s\t%s\t%s\n' "$rep" "$who" "$(awk "BEGIN{printf \"%.4f\", $t1 - $t0}")" >>"$out"
  done
done
read -r got _ < "$tmp/bare.out"
python3 - "$out" "$got" "${*:-none}" <<'PY'
import statistics, sys
path, n, extra = sys.argv[1], int(sys.argv[2]), sys.argv[3]
t = {"bare": [], "bare-pp": [], "cw": []}
for line in open(path).read().splitlines()[1:]:
    _, who, s = line.split("\t")
    t[who].append(float(s))
m = {k: statistics.median(v) for k, v in t.items()}
best = min(m["bare"], m["bare-pp"])
print(f"records: {n}; runs: {len(t['cw'])} each, interleaved; extra options: {extra}\n")
print("| reader | median | worst | worst / median | rate (median) |")
print("|---|---|---|---|---|")
for name, key in (("bare librdkafka consumer, one for all partitions", "bare"),
                  ("bare librdkafka consumers, one per partition", "bare-pp"),
                  ("crashwatch run --exit-at-end", "cw")):
    w = max(t[key])
    print(f"| {name} | {m[key]:.3f} s | {w:.3f} s | {w / m[key]:.2f} | {n / m[key] / 1e6:.2f} M records/s |")
print(f"\ncrashwatch reads at {100 * best / m['cw']:.0f}% of the faster bare consumer's rate (medians).")
PY
