#!/usr/bin/env bash
# Compares two crashwatch binaries on bench/run.sh's pipeline cases, side by
# side: for each case, runs alternate between the two (A B A B ...), so that
# the machine's drift (+-30% from minute to minute here) hits both alike.
# Reports each binary's median and best wall-clock time and the median of
# the per-pair ratios B/A (below 1: B is faster).
#
#   bench/compare.sh BASELINE [CANDIDATE]     (CANDIDATE: build/crashwatch)
#
# $BENCH_REPS pairs per case (default 9); inputs as bench/run.sh (kept in
# $BENCH_DATA). Prints a Markdown table and writes it to
# bench/results/compare.md.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh
[[ $# -ge 1 ]] || { echo "usage: bench/compare.sh BASELINE_BINARY [CANDIDATE_BINARY]" >&2; exit 2; }
base=$(realpath "$1")
cand=$(realpath "${2:-build/crashwatch}")
reps=${BENCH_REPS:-9}
source bench/inputs.sh
make_inputs "$cand"

# once BIN ARGS...: wall-clock seconds of one run.
once() {
  local bin=$1
  shift
  { /usr/bin/time -f '%e' "$bin" run "$@" --shards 2 --output jsonl \
      --output-file /dev/null --late-output /dev/null \
      --dead-letter /dev/null 2>&1 >/dev/null; } | tail -1
}

# stats VALUES...: "median best"
stats() {
  local sorted
  mapfile -t sorted < <(printf '%s\n' "$@" | sort -g)
  echo "${sorted[$(($# / 2))]} ${sorted[0]}"
}

# compare NAME ARGS...: one table row.
compare() {
  local name=$1
  shift
  local a=() b=() ratios=()
  for ((i = 0; i < reps; i++)); do
    local ta tb
    ta=$(once "$base" "$@")
    tb=$(once "$cand" "$@")
    a+=("$ta")
    b+=("$tb")
    ratios+=("$(awk "BEGIN{printf \"%.4f\", $tb / $ta}")")
  done
  read -r am abest < <(stats "${a[@]}")
  read -r bm bbest < <(stats "${b[@]}")
  read -r rm _ < <(stats "${ratios[@]}")
  local rate_a rate_b
  rate_a=$(awk "BEGIN{printf \"%.2f\", 10 / $am}")
  rate_b=$(awk "BEGIN{printf \"%.2f\", 10 / $bm}")
  echo "| $name | ${am} s (${abest}) = ${rate_a} M/s | ${bm} s (${bbest}) = ${rate_b} M/s | $(awk "BEGIN{printf \"%.3f (%+.1f%%)\", $rm, 100 * ($rm - 1)}") |"
}

{
  echo "Machine: $(machine_line)"
  echo
  echo "A = $base, B = $cand; $reps interleaved pairs per case (A B A B ...)."
  echo
  echo "| case (10 M records) | A: median (best) | B: median (best) | median of B/A per pair |"
  echo "|---|---|---|---|"
  compare "2 partitions, 2 × 5 M lines" --input "$data/half-0.jsonl" --input "$data/half-1.jsonl"
  compare "1 partition, 1 × 10 M lines" --input "$data/full.jsonl"
} | tee bench/results/compare.md
