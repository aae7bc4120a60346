#!/usr/bin/env bash
# The performance report (issue 12): one command that measures, plots and
# rewrites the generated parts of docs/PERFORMANCE.md.
#
#   bench/report.sh                     every measurement, full size
#   REPORT_QUICK=1 bench/report.sh      small inputs, one repetition: seconds
#                                       per measurement, for development
#   REPORT_ONLY=memory,restore bench/report.sh    a subset
#
# Duration on the 2-core VM (2026-12-03, loaded by other builds): full
# ~14 min (generating the 3 GB of 4- and 8-file inputs included), quick ~80 s.
#
# Measurements (names for REPORT_ONLY), each written as TSV to
# bench/results/report/NAME.tsv (first line: machine, commit, mode), then
# plotted with gnuplot into docs/img/report-*.svg:
#   partitions  `run --shards 2` on 1, 2, 4, 8 files of equal size (10 M
#               lines in all), median of $REPORT_REPS (3) runs, interleaved
#   shards      `run` on 2 files (2 x 5 M lines) with 1, 2, 4, 8, 16 shards
#   cluster     `node`: a coordinator reading 3 files (20 M lines) and 0..3
#               aggregator nodes holding the 4 shards, on 127.0.0.1; bytes
#               on the aggregators' TCP connections per record (ss -ti)
#   kafka       bench/kafka_read.sh: a 4-partition topic of 72k records read
#               to the end by crashwatch and by tuned bare librdkafka
#               consumers (one for all partitions; one per partition),
#               $REPORT_REPS x 7 (20) interleaved runs each, wall clock
#   latency     bench/alert_latency.sh: produce-to-alert latency of probes
#               through the embedded broker at background rates 0, 10k and
#               100k records/s, every probe's sample (a CDF)
#   checkpoint  bench/checkpoint_bench.sh --intervals: overhead of
#               --data-dir at checkpoint intervals 10 ms .. 1 s
#   restore     build/bench/restore_bench: restore time of one shard of
#               10k, 100k, 1M, 10M keys (warm page cache)
#   memory      peak RSS of `run` holding 100k .. 10M open (window, user)
#               keys in one window (bench/lib.sh's crash_keys_input), with
#               and without --data-dir; bytes per key = the fitted slope
# Then every <!-- report:NAME --> ... <!-- /report:NAME --> block of
# docs/PERFORMANCE.md is rewritten from the TSVs present (so a subset run
# keeps the other blocks' figures), as is the machine block and the scaling
# model. Prose outside the blocks is left alone.
#
# Environment: REPORT_QUICK, REPORT_ONLY, REPORT_REPS (runs per point),
# REPORT_BUILD=0 (use build/ as it is),
# BENCH_DATA (inputs, default /tmp/crashwatch-bench, quick:
# /tmp/crashwatch-report-quick). Installs gnuplot-nox if missing; builds
# with scripts/build.sh. Not a test: nothing here asserts a speed.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh

all=(partitions shards cluster kafka latency checkpoint restore memory)
quick=${REPORT_QUICK:-0}
only=${REPORT_ONLY:-}
res=bench/results/report
img=docs/img
doc=docs/PERFORMANCE.md
for name in ${only//,/ }; do
  [[ " ${all[*]} " == *" $name "* ]] \
    || { echo "report.sh: unknown measurement '$name' (known: ${all[*]})" >&2; exit 2; }
done
wanted() { [[ -z $only || ",$only," == *",$1,"* ]]; }

if ! command -v gnuplot >/dev/null; then
  echo "report.sh: installing gnuplot-nox" >&2
  apt-get update -qq && apt-get install -y -qq gnuplot-nox >/dev/null
fi
if [[ ${REPORT_BUILD:-1} == 1 ]]; then
  echo "report.sh: building" >&2
  ./scripts/build.sh >/dev/null
fi
bin=$PWD/build/crashwatch

if [[ $quick == 1 ]]; then
  export BENCH_DATA=${BENCH_DATA:-/tmp/crashwatch-report-quick}
  export BENCH_RECORDS=1000000
  reps=${REPORT_REPS:-1}
  mode="quick (REPORT_QUICK=1: inputs 1/10 of full size, $reps run per point)"
else
  export BENCH_RECORDS=10000000
  reps=${REPORT_REPS:-3}
  mode="full ($reps runs per point)"
fi
# shellcheck source=bench/inputs.sh
source bench/inputs.sh # sets $data, $bench_records
mkdir -p "$res" "$img"
work=$(mktemp -d /tmp/crashwatch-report.XXXXXX)
pids=() # background processes of ours still running, killed on exit
cleanup() {
  local p
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
sinks=(--output jsonl --output-file /dev/null --late-output /dev/null --dead-letter /dev/null)
started=$(date +%s)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
commit=$(commit_line)

# tsv_head FILE COLUMNS...: starts FILE with the machine line and a header.
tsv_head() {
  local f=$1
  shift
  {
    echo "# $(machine_line); commit $commit; $mode; load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
    local IFS=$'\t'
    echo "# $*"
  } >"$f"
}

# timed_run ARGS...: one `crashwatch run ARGS --output ... /dev/null`;
# prints "wall_s cpu_s maxrss_mib" (/usr/bin/time; wall includes start and
# exit). Fails loudly when the run fails.
timed_run() {
  if ! /usr/bin/time -o "$work/time" -f '%e %U %S %M' "$bin" run "$@" "${sinks[@]}" \
    >/dev/null 2>"$work/run.err"; then
    echo "report.sh: crashwatch run $* failed:" >&2
    cat "$work/run.err" >&2
    exit 1
  fi
  awk '{printf "%s %.2f %.1f\n", $1, $2 + $3, $4 / 1024}' "$work/time"
}

# ---------------------------------------------------------------------------
# throughput vs partitions and vs shards
# ---------------------------------------------------------------------------

# split_inputs N: N files of bench_records / N lines each under $data/split,
# generated once; prints --input FILE ... (N = 1, 2: inputs.sh's files).
split_inputs() {
  local n=$1 i f
  case $n in
    1) echo "--input $data/full.jsonl"; return ;;
    2) echo "--input $data/half-0.jsonl --input $data/half-1.jsonl"; return ;;
  esac
  mkdir -p "$data/split"
  for ((i = 0; i < n; i++)); do
    f=$data/split/$n-$i.jsonl
    [[ -s $f ]] || "$bin" generate --output-file "$f" \
      --records $((bench_records / n)) --seed $((100 * n + i)) >&2
    cat "$f" >/dev/null # page cache
    printf -- '--input %s ' "$f"
  done
  echo
}

# sweep NAME VALUES: runs every (value) point $reps times, the points
# interleaved (1 2 4 8 1 2 4 8 ...) so that the machine's drift hits all;
# point_args VALUE prints the run's arguments. Writes $mres/NAME.tsv.
sweep() {
  local name=$1 values=$2 v r
  declare -A walls cpus rss
  for ((r = 0; r < reps; r++)); do
    for v in $values; do
      local args out w c m
      read -ra args <<<"$(point_args "$v")"
      out=$(timed_run "${args[@]}")
      read -r w c m <<<"$out"
      walls[$v]+="$w " cpus[$v]+="$c "
      if [[ -z ${rss[$v]:-} ]] || awk -v a="$m" -v b="${rss[$v]}" 'BEGIN{exit !(a > b)}'; then rss[$v]=$m; fi
      echo "report.sh: $name $v rep $((r + 1)): wall $w s, cpu $c s, rss $m MiB" >&2
    done
  done
  tsv_head "$mres/$name.tsv" "$name" records reps median_s best_s median_mrps best_mrps cpu_median_s records_per_cpu_s peak_rss_mib
  for v in $values; do
    local wl cl med bst cpu
    read -ra wl <<<"${walls[$v]}"
    read -ra cl <<<"${cpus[$v]}"
    med=$(median "${wl[@]}")
    bst=$(best "${wl[@]}")
    cpu=$(median "${cl[@]}")
    awk -v v="$v" -v n="$bench_records" -v r="$reps" -v m="$med" -v b="$bst" \
      -v c="$cpu" -v s="${rss[$v]}" 'BEGIN{printf "%s\t%d\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t%.2f\t%.0f\t%.1f\n",
        v, n, r, m, b, n / m / 1e6, n / b / 1e6, c, n / c, s}' >>"$mres/$name.tsv"
  done
}

measure_partitions() {
  make_inputs "$bin"
  point_args() { echo "$(split_inputs "$1") --shards 2"; }
  sweep partitions "1 2 4 8"
}

measure_shards() {
  make_inputs "$bin"
  point_args() { echo "$(split_inputs 2) --shards $1"; }
  sweep shards "1 2 4 8 16"
}

# ---------------------------------------------------------------------------
# cluster throughput vs nodes
# ---------------------------------------------------------------------------
measure_cluster() {
  make_inputs "$bin"
  local files=(--input "$data/half-0.jsonl" --input "$data/half-1.jsonl" --input "$data/full.jsonl")
  local records=$((2 * bench_records)) nodes r
  declare -A walls epochs bytes crashes
  for ((r = 0; r < reps; r++)); do
    for nodes in 1 2 3 4; do
      local d=$work/cluster-$nodes-$r k=$((nodes - 1)) t0 t1 te="" p
      t0=$(now_ns)
      start_cluster "$bin" "$d" "$k" "${files[@]}" --shards 4 "${sinks[@]}"
      pids=("$C_PID" "${A_PIDS[@]}")
      # Until the coordinator has exited: the bytes on the aggregators'
      # TCP connections (every byte between the nodes; ss every 10 ms, so
      # the last few ms of a connection may be missed), and when the epoch
      # started (every node joined).
      : >"$d.tcp"
      while kill -0 "$C_PID" 2>/dev/null; do
        if ((k > 0)); then tcp_bytes "${A_PIDS[@]}" >>"$d.tcp"; fi
        [[ -n $te ]] || ! grep -q "from checkpoint" "$d/c.err" || te=$(now_ns)
        sleep 0.01
      done
      for p in "${pids[@]}"; do
        wait "$p" || { echo "report.sh: cluster of $nodes nodes failed:" >&2; tail -n 3 "$d"/*.err >&2; exit 1; }
      done
      t1=$(now_ns)
      pids=()
      [[ -n $te ]] || te=$t0
      local sum
      sum=$(tcp_bytes_total "$d.tcp")
      # The summary line: "N records (C crashes, ..., B blank lines)";
      # records + blank lines = the lines of the input. Crashes are what
      # the readers route to the shards.
      local got crash
      got=$(sed -nE 's/.* ([0-9]+) records \(.* ([0-9]+) blank lines.*/\1 \2/p' "$d/c.err" | awk '{print $1 + $2}')
      crash=$(sed -nE 's/.*records \(([0-9]+) crashes.*/\1/p' "$d/c.err")
      [[ $got == "$records" ]] || { echo "report.sh: the cluster read $got lines, not $records" >&2; tail -n 3 "$d/c.err" >&2; exit 1; }
      walls[$nodes]+="$(secs "$t0" "$t1") "
      epochs[$nodes]+="$(secs "$te" "$t1") "
      bytes[$nodes]+="$(awk -v b="$sum" -v n="$records" 'BEGIN{printf "%.4f", b / n}') "
      crashes[$nodes]=${crash:-0}
      echo "report.sh: cluster $nodes nodes rep $((r + 1)): $(secs "$t0" "$t1") s, bytes between the nodes $sum" >&2
      rm -rf "$d" "$d.tcp"
    done
  done
  tsv_head "$mres/cluster.tsv" nodes records reps median_s best_s median_mrps epoch_median_s epoch_mrps tcp_bytes_per_record crash_records tcp_bytes_per_crash
  for nodes in 1 2 3 4; do
    local wl el bl
    read -ra wl <<<"${walls[$nodes]}"
    read -ra el <<<"${epochs[$nodes]}"
    read -ra bl <<<"${bytes[$nodes]}"
    awk -v v="$nodes" -v n="$records" -v r="$reps" -v m="$(median "${wl[@]}")" \
      -v b="$(best "${wl[@]}")" -v e="$(median "${el[@]}")" -v by="$(median "${bl[@]}")" \
      -v c="${crashes[$nodes]}" 'BEGIN{printf "%d\t%d\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%d\t%.2f\n",
        v, n, r, m, b, n / m / 1e6, e, n / e / 1e6, by, c, (c > 0 ? by * n / c : 0)}' >>"$mres/cluster.tsv"
  done
}

# ---------------------------------------------------------------------------
# reading a Kafka topic to the end, against bare consumers
# ---------------------------------------------------------------------------
measure_kafka() {
  local reps=$((${REPORT_REPS:-3} * 7))
  [[ $quick == 1 ]] && reps=3
  BENCH_REPS=$reps BENCH_OUT=$mres/kafka.runs bench/kafka_read.sh >"$mres/kafka.md"
  tsv_head "$mres/kafka.tsv" rep reader seconds
  tail -n +2 "$mres/kafka.runs" >>"$mres/kafka.tsv"
  rm "$mres/kafka.runs"
}

# ---------------------------------------------------------------------------
# alert latency CDF
# ---------------------------------------------------------------------------
measure_latency() {
  local rounds=100
  [[ $quick == 1 ]] && rounds=20
  tsv_head "$mres/latency.tsv" rate mode ms
  BENCH_RATES="0 10000 100000" BENCH_MODES="final early" BENCH_ROUNDS=$rounds \
    BENCH_SAMPLES=$mres/latency.tsv bench/alert_latency.sh >"$mres/latency.md"
}

# ---------------------------------------------------------------------------
# checkpoint interval vs overhead
# ---------------------------------------------------------------------------
measure_checkpoint() {
  make_inputs "$bin"
  local pairs=5
  [[ $quick == 1 ]] && pairs=1
  tsv_head "$mres/checkpoint.tsv" interval_ms pairs records without_median_s with_median_s overhead_medians_pct overhead_pairs_pct checkpoints wall_ms_per_checkpoint cpu_ms_per_checkpoint longest_ms
  BENCH_PAIRS=${REPORT_REPS:-$pairs} BENCH_TSV=$mres/checkpoint.tsv \
    bench/checkpoint_bench.sh --intervals "10ms 30ms 100ms 300ms 1s" >/dev/null
}

# ---------------------------------------------------------------------------
# restore time vs state size
# ---------------------------------------------------------------------------
measure_restore() {
  local sizes="10000 100000 1000000 10000000" k
  [[ $quick == 1 ]] && sizes="10000 100000 1000000"
  tsv_head "$mres/restore.tsv" keys reps total_median_s total_best_s open_s load_s load_shard_s write_s journal_mib peak_rss_mib
  for k in $sizes; do
    echo "report.sh: restore_bench --keys $k" >&2
    mkdir -p "$work/restore"
    build/bench/restore_bench --keys "$k" --reps "$reps" --write-reps 1 \
      --cache warm --dir "$work/restore" >"$work/restore.out"
    awk -v k="$k" -v r="$reps" '
      function first_num(s) { match(s, /[0-9.]+/); return substr(s, RSTART, RLENGTH) }
      /summary warm/ {
        total = first_num(substr($0, index($0, "total ")))
        tb = $0; sub(/.*total [0-9.]+ s \(/, "", tb); tb = first_num(tb)
        open = first_num(substr($0, index($0, "open+quick_check ")))
        load = first_num(substr($0, index($0, ", load ") + 2))
        shard = first_num(substr($0, index($0, "load_shard ")))
      }
      /summary write/ { w = first_num(substr($0, index($0, "(best): "))) }
      /write [0-9]+: close/ { j = $0; sub(/.*journal.db /, "", j); jm = first_num(j) }
      /peak RSS/ { rss = first_num(substr($0, index($0, "peak RSS"))) }
      END { printf "%d\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.1f\t%d\n", k, r, total, tb, open, load, shard, w, jm, rss }
    ' "$work/restore.out" >>"$mres/restore.tsv"
    cat "$work/restore.out" >>"$mres/restore.raw.txt"
  done
}

# ---------------------------------------------------------------------------
# memory vs open keys
# ---------------------------------------------------------------------------
measure_memory() {
  local sizes="100000 1000000 3000000 10000000" k series
  [[ $quick == 1 ]] && sizes="10000 100000 300000 1000000"
  tsv_head "$mres/memory.tsv" series keys peak_rss_mib wall_s
  for k in $sizes; do
    # One window, k users with one crash each: k open keys until the end
    # of the input, no alert (nothing else held for the sink).
    crash_keys_input "$k" 1 0 "" 0 >"$work/keys.jsonl"
    for series in run data-dir; do
      local extra=() w c m
      if [[ $series == data-dir ]]; then
        rm -rf "$work/dd"
        extra=(--data-dir "$work/dd" --checkpoint-interval 1s)
      fi
      read -r w c m < <(timed_run --input "$work/keys.jsonl" --shards 2 "${extra[@]}")
      grep -q " $k records ($k crashes" "$work/run.err" \
        || { echo "report.sh: memory run did not read $k records:" >&2; cat "$work/run.err" >&2; exit 1; }
      printf '%s\t%d\t%.1f\t%.2f\n' "$series" "$k" "$m" "$w" >>"$mres/memory.tsv"
      echo "report.sh: memory $series $k keys: peak RSS $m MiB, $w s (cpu $c s)" >&2
    done
  done
  rm -rf "$work/keys.jsonl" "$work/dd"
}

# ---------------------------------------------------------------------------
# Each measurement in a subshell of its own (with set -e in force; its
# background processes killed when it ends): one that fails is reported and
# leaves its block as it was; the others still run.
failed=()
for name in "${all[@]}"; do
  if wanted "$name"; then
    t0=$(date +%s)
    echo "report.sh: measuring $name ($mode)" >&2
    (
      trap 'for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done' EXIT
      mres=$work/new/$name # what it writes; to $res if it succeeds
      mkdir -p "$mres"
      "measure_$name"
    ) &
    if wait $!; then
      echo "report.sh: $name took $(($(date +%s) - t0)) s" >&2
      sed -i "1s/\$/; took $(($(date +%s) - t0)) s/" "$work/new/$name/$name.tsv"
      mv "$work/new/$name"/* "$res/"
    else
      failed+=("$name")
      echo "report.sh: $name FAILED (see above); its block keeps its previous figures" >&2
    fi
  fi
done
took=$(($(date +%s) - started))

# ---------------------------------------------------------------------------
# plots and Markdown
# ---------------------------------------------------------------------------
run_line="Last run of \`bench/report.sh\`: $(machine_line); commit $commit; $mode; measured ${only:-every measurement} in $((took / 60)) min $((took % 60)) s; load average (1, 5, 15 min) at start $load_start, at the end $(cut -d' ' -f1-3 /proc/loadavg) (figures of a measurement not re-run keep the machine line of their own run, under their table)."
if ((${#failed[@]})); then
  run_line+=" **Failed, figures of an earlier run kept: ${failed[*]}.**"
fi
python3 bench/report_render.py "$res" "$img" "$doc" "$run_line"
if ((${#failed[@]})); then
  echo "report.sh: failed: ${failed[*]}" >&2
  exit 1
fi
