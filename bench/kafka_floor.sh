#!/usr/bin/env bash
# How fast could crashwatch read a Kafka topic to the end if its per-record
# work were free? (issue 12, docs/PERFORMANCE.md "Reading a Kafka topic to
# the end"). Builds a second binary with bench/patches/
# reader_discards_records.diff (each partition reader polls its records and
# drops them: no parsing, no shards, no alerts; start-up, the actor system,
# the Kafka sources and the end stay as they are), then reads the same topic
# as bench/kafka_read.sh, interleaved, with:
#   cw          `crashwatch run --from earliest --exit-at-end --shards 2`
#   discard     the same command with the patched binary
#   bare-pp     bench/bare_consumer_bench --per-partition (one consumer per
#               partition, each on its own thread)
#   bare        bench/bare_consumer_bench (one consumer, all partitions)
# Wall clock and CPU time (user + system, from wait4) of each process.
# The patch is applied to the working tree only while the second binary
# builds, then reversed and build/crashwatch rebuilt (also when stopped).
#
#   BENCH_REPS=21 BENCH_PARTITIONS=4 BENCH_RECORDS=72000 bench/kafka_floor.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh
reps=${BENCH_REPS:-21}
partitions=${BENCH_PARTITIONS:-4}
records=${BENCH_RECORDS:-72000}
patch=bench/patches/reader_discards_records.diff
bin=$PWD/build/crashwatch
bare=$PWD/build/bench/bare_consumer_bench
tmp=$(mktemp -d)

if ! git diff --quiet -- actors/partition_reader.cpp; then
  echo "kafka_floor.sh: actors/partition_reader.cpp has local changes; commit or stash them first" >&2
  exit 2
fi
patched=0
cleanup() {
  jobs -p | xargs -r kill 2>/dev/null || true
  if ((patched)); then
    git apply -R "$patch"
    cmake --build build --target crashwatch >/dev/null
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
git apply "$patch"
patched=1
cmake --build build --target crashwatch >/dev/null
cp build/crashwatch "$tmp/crashwatch-discard"
git apply -R "$patch"
patched=0
cmake --build build --target crashwatch >/dev/null

start_broker "$bin" "$partitions" "$tmp"
brokers=$BROKERS
"$bin" generate --brokers "$brokers" --rate 0 --records "$records" 2>/dev/null

python3 - "$reps" "$brokers" "$bin" "$tmp/crashwatch-discard" "$bare" <<'PY'
import os, statistics, sys, time
reps, brokers, cw, discard, bare = int(sys.argv[1]), *sys.argv[2:]
run = ["run", "--brokers", brokers, "--from", "earliest", "--exit-at-end",
       "--shards", "2", "--output", "jsonl", "--output-file", "/dev/null",
       "--late-output", "/dev/null", "--dead-letter", "/dev/null"]
readers = [
    ("`crashwatch run --exit-at-end`", [cw] + run),
    ("the same, records dropped unread (patched build)", [discard] + run),
    ("bare librdkafka consumers, one per partition", [bare, "--per-partition", brokers, "logs"]),
    ("bare librdkafka consumer, one for all partitions", [bare, brokers, "logs"]),
]
wall = {name: [] for name, _ in readers}
cpu = {name: [] for name, _ in readers}
for rep in range(reps):
    # Alternate the order, so that no reader always meets a warm broker.
    for name, argv in (readers if rep % 2 == 0 else readers[::-1]):
        t0 = time.perf_counter()
        pid = os.fork()
        if pid == 0:
            null = os.open("/dev/null", os.O_WRONLY)
            os.dup2(null, 1)
            os.dup2(null, 2)
            os.execv(argv[0], argv)
        _, status, usage = os.wait4(pid, 0)
        if status != 0:
            sys.exit(f"kafka_floor.sh: {name} failed (status {status})")
        wall[name].append(time.perf_counter() - t0)
        cpu[name].append(usage.ru_utime + usage.ru_stime)
pp = statistics.median(wall[readers[2][0]])
print(f"{reps} runs of each, interleaved\n")
print("| reader | wall (median) | CPU (median) | rate as a share of the per-partition consumers' |")
print("|---|---|---|---|")
for name, _ in readers:
    w, c = statistics.median(wall[name]), statistics.median(cpu[name])
    print(f"| {name} | {w * 1000:.1f} ms | {c * 1000:.1f} ms | {100 * pp / w:.0f}% |")
PY
