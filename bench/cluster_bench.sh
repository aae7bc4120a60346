#!/usr/bin/env bash
# Cluster benchmark (issue 10; docs/PERFORMANCE.md). Every node is a process
# on this machine, talking over 127.0.0.1 TCP (CAF remote actors), so the
# cluster and `crashwatch run` share the same cores.
#   1. Throughput: `run --shards 4` against a coordinator (reading the three
#      files, 20 M records) + 2 aggregator nodes (2 shards each), $BENCH_REPS
#      pairs alternating (run, cluster, run, ...), wall clock from spawn to
#      the last exit; and the cluster's from its epoch's start (every node
#      joined) to the end.
#   2. Bytes on the wire per record: the payload sent and received on the
#      aggregators' TCP connections (bench/lib.sh's tcp_bytes, ss -ti,
#      polled every 10 ms), per record. (Until issue 12 this read
#      /proc/PID/io's rchar, which misses recv() on sockets: its 0.18 B per
#      record was the nodes' start-up file reads.)
#   3. Checkpoint time across nodes: every node with --data-dir,
#      --checkpoint-interval 100ms; started -> committed of each checkpoint
#      in the coordinator's journal, against `run --data-dir` alike.
#   4. Recovery: restore_bench.sh's input (1,000,000 open (window, user) keys
#      held with --watermark-delay 1h, then 5 M other lines); once the
#      coordinator committed a checkpoint holding 1,000,000 open keys,
#      kill -9 aggregator a1 and restart it at once (as compose's restart
#      policy would). Times from the kill: the coordinator's new epoch, and
#      the first checkpoint of it committed (every node restored its state
#      from its journal and records flow again); then the job must end with
#      the alerts the input holds.
#
#   bench/cluster_bench.sh        (inputs as bench/run.sh, in $BENCH_DATA)
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${BENCH_REPS:-5}
bin=$PWD/build/crashwatch
source bench/lib.sh
source bench/inputs.sh
make_inputs "$bin"
work=$(mktemp -d /tmp/crashwatch-cluster-bench.XXXXXX)
trap 'pkill -9 -f "crashwatch node .*$work" 2>/dev/null || true; rm -rf "$work"' EXIT
files=(--input "$data/half-0.jsonl" --input "$data/half-1.jsonl" --input "$data/full.jsonl")
sinks=(--output jsonl --output-file /dev/null --late-output /dev/null --dead-letter /dev/null)

# cluster DIR ARGS...: coordinator c (job ARGS) + aggregators a1, a2 in the
# background (bench/lib.sh's start_cluster); pids in C_PID, A1_PID, A2_PID.
# With DATA=1, each a data dir.
cluster() {
  local d=$1
  shift
  start_cluster "$bin" "$d" 2 "$@"
  A1_PID=${A_PIDS[0]} A2_PID=${A_PIDS[1]}
}

# --- 1 + 2: throughput and bytes per record ---------------------------------
run_t=() cl_t=() cl_e=() ratios=() eratios=() bytes=()
for ((i = 0; i < reps; i++)); do
  t0=$(now_ns)
  "$bin" run "${files[@]}" --shards 4 "${sinks[@]}" 2>"$work/run.err"
  t1=$(now_ns)
  run_t+=("$(secs "$t0" "$t1")")
  t0=$(now_ns)
  cluster "$work/t$i" "${files[@]}" --shards 4 "${sinks[@]}"
  te=""
  : >"$work/t$i.tcp"
  while kill -0 "$A1_PID" 2>/dev/null || kill -0 "$A2_PID" 2>/dev/null; do
    tcp_bytes "$A1_PID" "$A2_PID" >>"$work/t$i.tcp"
    [[ -n $te ]] || ! grep -q "from checkpoint" "$work/t$i/c.err" || te=$(now_ns)
    sleep 0.01
  done
  wait "$C_PID" "$A1_PID" "$A2_PID"
  t1=$(now_ns)
  cl_t+=("$(secs "$t0" "$t1")")
  cl_e+=("$(secs "$te" "$t1")")
  ratios+=("$(awk -v a="${run_t[-1]}" -v b="${cl_t[-1]}" 'BEGIN{printf "%.3f", a / b}')")
  eratios+=("$(awk -v a="${run_t[-1]}" -v b="${cl_e[-1]}" 'BEGIN{printf "%.3f", a / b}')")
  records=$(grep -o '[0-9]* records' "$work/t$i/c.err" | head -1 | cut -d' ' -f1)
  bytes+=("$(awk -v b="$(tcp_bytes_total "$work/t$i.tcp")" -v n="$records" 'BEGIN{printf "%.2f", b / n}')")
done
records=${records:-10000000}
echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
echo "throughput, $records records, 3 files, 4 shards; $reps pairs"
echo "  run:     median $(median "${run_t[@]}") s (best $(best "${run_t[@]}")) = $(awk -v n="$records" -v t="$(median "${run_t[@]}")" 'BEGIN{printf "%.2f", n / t / 1e6}') M records/s"
echo "  cluster: median $(median "${cl_t[@]}") s (best $(best "${cl_t[@]}")) = $(awk -v n="$records" -v t="$(median "${cl_t[@]}")" 'BEGIN{printf "%.2f", n / t / 1e6}') M records/s"
echo "  cluster rate / run rate, per pair: ${ratios[*]}; median $(median "${ratios[@]}")"
echo "  cluster from its epoch's start (nodes joined) to the end: median $(median "${cl_e[@]}") s; rate / run's rate, per pair: ${eratios[*]}; median $(median "${eratios[@]}")"
echo "  bytes on the aggregators' TCP connections (both ways, ss -ti) per record: ${bytes[*]}; median $(median "${bytes[@]}")"

# --- 3: checkpoint time -------------------------------------------------------
ck_stats() {
  sqlite3 "$1" "SELECT completed_at_ms - started_at_ms FROM checkpoint WHERE id > 0 ORDER BY 1" \
    | awk '{a[NR]=$1} END{printf "%d checkpoints, median %d ms, p90 %d ms, max %d ms", NR, a[int((NR+1)/2)], a[int(NR*0.9+0.5)], a[NR]}'
}
"$bin" run "${files[@]}" --shards 4 "${sinks[@]}" --data-dir "$work/ck-run" \
  --checkpoint-interval 100ms 2>"$work/ck-run.err"
DATA=1 cluster "$work/ck" "${files[@]}" --shards 4 "${sinks[@]}" --checkpoint-interval 100ms
wait "$C_PID" "$A1_PID" "$A2_PID"
echo "checkpoints every 100 ms, started -> committed:"
echo "  run:     $(ck_stats "$work/ck-run/journal.db")"
echo "  cluster: $(ck_stats "$work/ck/c/journal.db") (each aggregator stages its part, synced, then the coordinator commits)"

# --- 4: recovery with 1 M keys ------------------------------------------------
input=$work/keys.jsonl
crash_keys_input 250000 4 5000000 >"$input"
d=$work/rec
DATA=1 cluster "$d" --input "$input" --shards 4 --watermark-delay 1h \
  --checkpoint-interval 200ms --output jsonl --output-file "$d/alerts.jsonl" \
  --late-output /dev/null --dead-letter /dev/null
journal=$d/c/journal.db
open=0
until ((open >= 1000000)); do
  sleep 0.01
  open=$(sqlite3 -readonly "$journal" "SELECT coalesce(max(open_keys), 0) FROM checkpoint" 2>/dev/null || echo 0)
  kill -0 "$C_PID" 2>/dev/null || { echo "recovery: the job ended before 1 M keys were checkpointed" >&2; exit 1; }
done
kill_ms=$(date +%s%3N)
kill -9 "$A1_PID"
wait "$A1_PID" 2>/dev/null || true
a1_listen=$(sed -n 's/.*listening on \([^,]*\),.*/\1/p' "$d/a1.err" | head -1)
"$bin" node --role aggregator --node-id a1 --listen "$a1_listen" \
  --join "127.0.0.1:$PORT" --data-dir "$d/a1" 2>>"$d/a1.err" &
A1_PID=$!
epochs=1
until ((epochs >= 2)); do
  sleep 0.002
  epochs=$(grep -c "from checkpoint" "$d/c.err" || true)
done
epoch_ms=$(date +%s%3N)
first=""
until [[ -n $first ]]; do
  sleep 0.005
  first=$(sqlite3 -readonly "$journal" "SELECT min(completed_at_ms) FROM checkpoint WHERE started_at_ms > $epoch_ms" 2>/dev/null || true)
done
wait "$C_PID" "$A1_PID" "$A2_PID"
echo "recovery: kill -9 of a1 (restarted at once) once a committed checkpoint held $open open keys:"
echo "  new epoch after $((epoch_ms - kill_ms)) ms (polled every 2 ms); first checkpoint of it committed after $((first - kill_ms)) ms"
echo "  $(grep 'stopped' "$d/c.err" | head -1 | cut -c1-160)"
echo "  job: $(tail -1 "$d/c.err")"
echo "  alerts: $(wc -l <"$d/alerts.jsonl") (the input holds 142858)"
