#!/usr/bin/env bash
# The cost of --metrics (issue 11: "within 2% of metrics off"): bench/run.sh's
# pipeline cases run with and without `--metrics 127.0.0.1:0`, in pairs whose
# order alternates (off-on, on-off, ...) so that the machine's drift hits
# both alike. Reports, per case, each side's median wall clock and CPU time
# (user + sys), and the on/off ratio as the geometric mean of the pair
# ratios with its 95% confidence interval (t interval on the log ratios):
# the goal holds when the interval's upper end is below 1.02.
#
#   bench/telemetry_cost.sh          ($BENCH_REPS pairs per case, default 9)
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${BENCH_REPS:-9}
bin=$PWD/build/crashwatch
source bench/inputs.sh
make_inputs "$bin"

# once ARGS...: "wall cpu" seconds of one run.
once() {
  { /usr/bin/time -f '%e %U %S' "$bin" run "$@" --shards 2 --output jsonl \
      --output-file /dev/null --late-output /dev/null \
      --dead-letter /dev/null 2>&1 >/dev/null; } | tail -1 \
    | awk '{printf "%s %.2f\n", $1, $2 + $3}'
}

case_row() {
  local name=$1
  shift
  local pairs=()
  for ((i = 0; i < reps; i++)); do
    local off on
    if ((i % 2 == 0)); then
      off=$(once "$@")
      on=$(once "$@" --metrics 127.0.0.1:0)
    else
      on=$(once "$@" --metrics 127.0.0.1:0)
      off=$(once "$@")
    fi
    pairs+=("$off $on")
  done
  printf '%s\n' "${pairs[@]}" | python3 -c '
import math, statistics, sys
name = sys.argv[1]
rows = [list(map(float, l.split())) for l in sys.stdin if l.strip()]
def ci(ratios):
    logs = [math.log(r) for r in ratios]
    m = statistics.mean(logs)
    # t(0.975) for n-1 degrees of freedom (n >= 5), close enough above 30.
    t = {4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262, 10: 2.228,
         14: 2.145, 19: 2.093, 29: 2.045}.get(len(logs) - 1, 2.0)
    h = t * statistics.stdev(logs) / math.sqrt(len(logs))
    return "%.3f [%.3f, %.3f]" % (math.exp(m), math.exp(m - h), math.exp(m + h))
med = lambda xs: "%.2f s" % statistics.median(xs)
wall = ci([r[2] / r[0] for r in rows])
cpu = ci([r[3] / r[1] for r in rows])
print("| %s | %d | %s | %s | %s | %s | %s | %s |" % (
    name, len(rows), med([r[0] for r in rows]), med([r[2] for r in rows]), wall,
    med([r[1] for r in rows]), med([r[3] for r in rows]), cpu))
' "$name"
}

echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1); $(date -u +%F); commit $(git rev-parse --short HEAD)"
echo "| case | pairs | wall off | wall on | wall on/off (95% CI) | CPU off | CPU on | CPU on/off (95% CI) |"
echo "|---|---|---|---|---|---|---|---|"
case_row "2 partitions, 2 × 5 M lines" --input "$data/half-0.jsonl" --input "$data/half-1.jsonl"
case_row "1 partition, 1 × 10 M lines" --input "$data/full.jsonl"
