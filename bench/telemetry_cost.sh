#!/usr/bin/env bash
# The cost of --metrics (issue 11: "within 2% of metrics off"): bench/run.sh's
# pipeline cases run with and without `--metrics 127.0.0.1:0`, alternating
# (off, on, off, ...) so that the machine's drift hits both alike; reports
# each side's median wall clock and the median of the per-pair ratios on/off.
#
#   bench/telemetry_cost.sh          ($BENCH_REPS pairs per case, default 9)
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${BENCH_REPS:-9}
bin=$PWD/build/crashwatch
source bench/inputs.sh
make_inputs "$bin"

once() {
  { /usr/bin/time -f '%e' "$bin" run "$@" --shards 2 --output jsonl \
      --output-file /dev/null --late-output /dev/null \
      --dead-letter /dev/null 2>&1 >/dev/null; } | tail -1
}
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }

case_row() {
  local name=$1
  shift
  local off=() on=() ratios=()
  for ((i = 0; i < reps; i++)); do
    local a b
    a=$(once "$@")
    b=$(once "$@" --metrics 127.0.0.1:0)
    off+=("$a")
    on+=("$b")
    ratios+=("$(awk -v a="$a" -v b="$b" 'BEGIN{printf "%.4f", b / a}')")
  done
  echo "| $name | $reps | $(median "${off[@]}") s | $(median "${on[@]}") s | $(median "${ratios[@]}") |"
}

echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1); $(date -u +%F)"
echo "| case | pairs | off, median | on, median | on/off, median of pair ratios |"
echo "|---|---|---|---|---|"
case_row "2 partitions, 2 × 5 M lines" --input "$data/half-0.jsonl" --input "$data/half-1.jsonl"
case_row "1 partition, 1 × 10 M lines" --input "$data/full.jsonl"
