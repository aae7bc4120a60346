#!/usr/bin/env bash
# Throughput benchmark of issue 2 (see docs/PERFORMANCE.md). Generates the
# input files once (kept in $BENCH_DATA, default /tmp/crashwatch-bench), warms
# the page cache, then measures:
#   1. the single-threaded parse+filter loop alone (bench/parse_bench.cpp);
#   2. the pipeline on two 5-million-line files (two partitions);
#   3. the pipeline on one 10-million-line file;
# each pipeline run as `run --shards 2 --output jsonl --output-file /dev/null`,
# $BENCH_REPS runs each (default 5), reporting median and best (this class of
# machine drifts by +-25% from minute to minute), with peak memory (max RSS).
# Prints a Markdown table and writes it to bench/results/pipeline.md.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh
./scripts/build.sh >/dev/null
bin=build/crashwatch
reps=${BENCH_REPS:-5}
source bench/inputs.sh
make_inputs "$bin"

# Runs the pipeline $reps times; prints "<median s> <best s> <max RSS MiB>".
measure() {
  local times=() rss=0
  for _ in $(seq "$reps"); do
    local out
    out=$( { /usr/bin/time -f '%e %M' "$bin" run "$@" --shards 2 --output jsonl \
             --output-file /dev/null --late-output /dev/null \
             --dead-letter /dev/null 2>&1 >/dev/null; } | tail -1)
    times+=("${out% *}")
    local kib=${out#* }
    ((kib > rss)) && rss=$kib
  done
  local sorted
  mapfile -t sorted < <(printf '%s\n' "${times[@]}" | sort -g)
  echo "${sorted[$((reps / 2))]} ${sorted[0]} $((rss / 1024))"
}

parse_fast=$(build/bench/parse_bench "$data/full.jsonl" | head -1)
parse_ref=$(build/bench/parse_bench --reference "$data/full.jsonl" | tail -1)
read -r two_s two_best two_mib < <(measure --input "$data/half-0.jsonl" --input "$data/half-1.jsonl")
read -r one_s one_best one_mib < <(measure --input "$data/full.jsonl")
rate() { awk "BEGIN{printf \"%.2f\", 10000000 / $1 / 1e6}"; }
parse_rate=$(sed -E 's/.*= ([0-9.]+) M lines\/s.*/\1/' <<<"$parse_fast")

{
  echo "Machine: $(machine_line)"
  echo
  echo "| measurement | input | median of $reps (best) | rate, median (best) | peak memory |"
  echo "|---|---|---|---|---|"
  echo "| pipeline, 2 partitions | 2 × 5 M lines | ${two_s} s (${two_best} s) | **$(rate "$two_s") M records/s** ($(rate "$two_best")) | ${two_mib} MiB |"
  echo "| pipeline, 1 partition | 1 × 10 M lines | ${one_s} s (${one_best} s) | **$(rate "$one_s") M records/s** ($(rate "$one_best")) | ${one_mib} MiB |"
  echo "| parse+filter loop, 1 thread | 10 M lines | | ${parse_rate} M lines/s | |"
  echo
  echo "Pipeline vs. the bare parse+filter loop of the same run: 1 partition $(awk "BEGIN{printf \"%.0f%%\", 100 * $(rate "$one_s") / $parse_rate}"), 2 partitions on 2 cores $(awk "BEGIN{printf \"%.0f%%\", 100 * $(rate "$two_s") / $parse_rate}") of its rate."
  echo
  echo '```'
  echo "$parse_fast"
  echo "$parse_ref"
  echo '```'
} | tee bench/results/pipeline.md
