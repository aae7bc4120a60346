#!/usr/bin/env bash
# Soak of the demo topology (issue 13; docs/PERFORMANCE.md, "Soak"). The
# services of compose.yaml run as processes on this machine over 127.0.0.1,
# their commands read from compose.yaml (as cluster_hosts_test.sh does) and
# changed only where the header below says: the embedded broker, the
# generator at $SOAK_RATE records/s, the coordinator, aggregator-1,
# aggregator-2 and reader-1, each node with its own --data-dir and the
# outputs as files, as compose has them. For $SOAK_MINUTES minutes, every
# $SOAK_KILL_EVERY seconds one process is killed with kill -9 and started
# again at once with its same command (compose's restart: on-failure).
#
#   bench/soak.sh                                   # 30 min, 50k/s, kills every 180 s
#   SOAK_MINUTES=3 SOAK_KILL_EVERY=30 bench/soak.sh # a short run, for development
#
# Environment: SOAK_MINUTES (30), SOAK_KILL_EVERY (180 s), SOAK_RATE (50000
# records/s), SOAK_SEED (random; the order of the victims), SOAK_DIR (where
# everything goes; default a new /tmp/crashwatch-soak.XXXXXX, kept),
# SOAK_KEEP_TOPIC=1 keeps the copy of the topic (removed otherwise once
# checked). A 30-minute run at 50k/s needs ~15 GB free there (the copy of
# the topic: 90 M records) and, after the run, ~16 min of one core for the
# oracle.
#
# Which processes are killed: the generator and the four nodes, in a
# shuffled order (every one of them once before any twice). Not the broker:
# `crashwatch broker` is librdkafka's in-memory mock (docs/BROKER.md), a
# restarted one is empty, so killing it loses the topic and the job's
# offsets with it; that is a property of the development broker, not a
# failure crashwatch could survive. The generator is killable because the
# expected alerts are computed from what is in the topic, not from what the
# generator meant to send (records it had not delivered when killed are
# simply not in the topic).
#
# The topic's copy: the development broker keeps at most 5 MiB per
# partition (docs/BROKER.md), a few seconds at this rate, so "every record
# in the topic" cannot be read back at the end. An independent Kafka client,
# kcat, consumes each partition from offset 0 for the whole run (the "tap"),
# writing each message value as one line of SOAK_DIR/topic/pN.jsonl and
# checking that the offsets have no gap (a gap = the tap fell behind the
# broker's retention: reported, and the oracle check fails).
#
# Changed from compose.yaml's commands: addresses (127.0.0.1 and a free port
# per service), /data (a directory per service), the generator's --rate
# (SOAK_RATE) and -X compression.type=zstd (the broker keeps 5 MiB of
# batches per partition: at 50k/s over 3 partitions ~1.5 s of plain
# records, ~9 s of zstd ones; a recovery seeks back to a checkpoint up to
# 1 s old plus the time it took, and anything older than the broker keeps
# is data loss: status.csv's retained_records shows the margin), and the
# coordinator's --from earliest (the oracle starts at offset 0) and
# --metrics (consumer lag).
#
# At the end: the generator is stopped (SIGTERM), the tap reads the rest of
# each partition (kcat -e); the oracle (tests/integration/oracle.py,
# --offsets messages) computes the expected alerts, late and malformed
# records from the tap's copy. The coordinator is stopped with SIGTERM
# (a last checkpoint) and the cluster started again with the coordinator's
# command plus --exit-at-end (free to change between restarts,
# docs/DURABILITY.md): it reads to the end of the topic, completes every
# window and exits 0. Its alert file must equal the oracle's byte for byte,
# its late and dead-letter records as sets (as cluster_hosts_test.sh).
#
# Measured, in SOAK_DIR: rss.csv (process, pid, time_s, rss_kb of every
# crashwatch process every 10 s), status.csv (the coordinator's /status:
# records in the topic, consumer lag, watermark lag), kills.csv (each kill,
# and how long until the coordinator's next epoch and its first committed
# checkpoint), logs/SERVICE.N.err (the N-th start of each), report.md (what
# bench/soak_report.py makes of it) and rss.png. Exit status 1 when the
# outputs differ from the oracle's or a process failed.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh
repo=$PWD
bin=$repo/build/crashwatch
oracle=$repo/tests/integration/oracle.py
minutes=${SOAK_MINUTES:-30}
kill_every=${SOAK_KILL_EVERY:-180}
rate=${SOAK_RATE:-50000}
seed=${SOAK_SEED:-$RANDOM}
out=${SOAK_DIR:-$(mktemp -d /tmp/crashwatch-soak.XXXXXX)}
[[ -x $bin ]] || { echo "no $bin: build it first" >&2; exit 1; }
command -v kcat >/dev/null || { echo "kcat is missing (scripts/install-deps.sh)" >&2; exit 1; }
mkdir -p "$out/logs" "$out/topic" "$out/pids"
RANDOM=$seed

SERVICES=(broker generator coordinator aggregator-1 aggregator-2 reader-1)
NODES=(coordinator aggregator-1 aggregator-2 reader-1)
KILLABLE=(generator coordinator aggregator-1 aggregator-2 reader-1)
declare -A PID RUNS PORT
now_ms() { date +%s%3N; }
log() { echo "[soak $(date -u +%H:%M:%S)] $*" | tee -a "$out/soak.log" >&2; }

cleanup() {
  local s
  for s in "${!PID[@]}"; do kill -9 "${PID[$s]}" 2>/dev/null || true; done
  for s in ${TAP_PIDS[@]+"${TAP_PIDS[@]}"} ${SAMPLER_PID:-}; do
    kill "$s" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- commands: compose.yaml's, changed as the header says ------------------
for s in "${SERVICES[@]}"; do PORT[$s]=$(free_port); done
mport=$(free_port)
ports=()
for s in "${SERVICES[@]}"; do ports+=("$s=${PORT[$s]}"); done
python3 - "$repo/compose.yaml" "$out" "$bin" "$rate" "$mport" "${ports[@]}" <<'PY' \
  || { echo "cannot read compose.yaml (python3-yaml)" >&2; exit 1; }
import os, sys, yaml
compose, out, binary, rate, mport = sys.argv[1:6]
ports = dict(a.split("=", 1) for a in sys.argv[6:])
services = yaml.safe_load(open(compose))["services"]
for name, port in ports.items():
    words, cmd = services[name]["command"], []
    for i, w in enumerate(words):
        prev = words[i - 1] if i else ""
        if w == "crashwatch":
            w = binary
        elif w == "broker:9092":
            w = "127.0.0.1:" + ports["broker"]
        elif w == "0.0.0.0:7000" or w == name + ":7000":
            w = "127.0.0.1:" + port
        elif w == "coordinator:7000":
            w = "127.0.0.1:" + ports["coordinator"]
        elif prev == "--port":
            w = port
        elif prev in ("--listen", "--advertise"):
            w = "127.0.0.1"
        elif prev == "--rate":
            w = rate
        elif w == "/data" or w.startswith("/data/"):
            w = os.path.join(out, name) + w[len("/data"):]
        cmd.append(w)
    if name == "generator":
        cmd += ["-X", "compression.type=zstd"]
    if name == "coordinator":
        cmd += ["--from", "earliest", "--metrics", "127.0.0.1:" + mport]
    os.makedirs(os.path.join(out, name), exist_ok=True)
    with open(os.path.join(out, name + ".cmd"), "w") as f:
        f.write("".join(w + "\n" for w in cmd))
PY

# start SERVICE [EXTRA...]: SERVICE's command (plus EXTRA) in the background,
# output to logs/SERVICE.N.{out,err} (N: the how-manyth start); PID[SERVICE].
start() {
  local s=$1 cmd
  shift
  mapfile -t cmd <"$out/$s.cmd"
  RUNS[$s]=$((${RUNS[$s]:-0} + 1))
  { "${cmd[@]}" "$@" >"$out/logs/$s.${RUNS[$s]}.out" 2>"$out/logs/$s.${RUNS[$s]}.err" & } 2>/dev/null
  PID[$s]=$!
  echo "${PID[$s]}" >"$out/pids/$s"
  echo "$(now_ms),start,$s,${PID[$s]}" >>"$out/events.csv"
}

# wait_exit SERVICE SECONDS: its exit status in RC (124: still running after
# SECONDS, then killed -9).
wait_exit() {
  local pid=${PID[$1]} deadline=$((SECONDS + $2))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.05; done
  # (In braces with stderr closed: bash reports each killed job.)
  if kill -0 "$pid" 2>/dev/null; then
    { kill -9 "$pid" && wait "$pid"; } 2>/dev/null || true
    RC=124
    return
  fi
  RC=0
  { wait "$pid" || RC=$?; } 2>/dev/null
  echo "$(now_ms),exit $RC,$1,$pid" >>"$out/events.csv"
}

# epochs: how many epochs the coordinator(s) started so far.
epochs() { cat "$out"/logs/coordinator.*.err 2>/dev/null | grep -cE 'epoch [0-9]+ from checkpoint' || true; }

# end_offsets: "P END" per partition of topic logs (kcat's query mode).
end_offsets() {
  local p
  for p in 0 1 2; do
    kcat -Q -b "$brokers" -t "logs:$p:-1" 2>/dev/null | awk -v p="$p" '{print p, $NF}'
  done
}

# --- the tap: kcat copies every partition from offset 0 ----------------------
# tap_awk FROM: message lines "OFFSET VALUE" in, values out; a gap in the
# offsets goes to stderr; the next offset expected to the file in $next.
tap_awk() {
  awk -v expect="$1" -v next_file="$2" '{
      i = index($0, " "); o = substr($0, 1, i - 1) + 0
      if (o != expect) printf "gap: offset %d, expected %d\n", o, expect > "/dev/stderr"
      expect = o + 1
      print substr($0, i + 1)
    }
    END { print expect > next_file }'
}
TAP_PIDS=()
start_tap() {
  local p=$1 from=$2
  shift 2
  kcat -C -b "$brokers" -t logs -p "$p" -o "$from" -q "$@" -f '%o %s\n' \
    2>>"$out/logs/tap.err" | tap_awk "$from" "$out/topic/p$p.next" >>"$out/topic/p$p.jsonl" \
    2>>"$out/topic/gaps.txt"
}

# --- start -------------------------------------------------------------------
log "soak: $minutes min at $rate records/s, kill -9 every $kill_every s (seed $seed), in $out"
log "machine: $(machine_line); commit $(commit_line)"
: >"$out/events.csv"
start broker
for _ in $(seq 100); do [[ -s $out/logs/broker.1.out ]] && break; sleep 0.1; done
brokers=$(awk '{print $2; exit}' "$out/logs/broker.1.out")
[[ $brokers == 127.0.0.1:* ]] || { echo "broker: $(cat "$out/logs/broker.1.err")" >&2; exit 1; }
for p in 0 1 2; do
  start_tap "$p" 0 &
  TAP_PIDS+=($!)
done
for s in "${NODES[@]}"; do start "$s"; done
for _ in $(seq 600); do (($(epochs) >= 1)) && break; sleep 0.1; done
(($(epochs) >= 1)) || { echo "no epoch within 60 s" >&2; exit 1; }
start generator
t0=$(now_ms)
log "running: broker $brokers, coordinator /status at 127.0.0.1:$mport"

# The sampler: every 10 s the RSS of every crashwatch process (rss.csv) and
# the coordinator's view of the topic (status.csv).
sampler() {
  local hz t s pid rss cpu kept status
  hz=$(getconf CLK_TCK)
  echo "process,pid,time_s,rss_kb,cpu_s" >"$out/rss.csv"
  echo "time_s,end_offsets,lag_records,watermark_lag_s,state,retained_records,load1" >"$out/status.csv"
  while :; do
    t=$(awk -v a="$t0" -v b="$(now_ms)" 'BEGIN{printf "%.1f", (b - a) / 1000}')
    status=$(curl -s -m 2 "http://127.0.0.1:$mport/status" 2>/dev/null) || status=""
    for s in "${SERVICES[@]}"; do
      pid=$(<"$out/pids/$s")
      rss=$(awk '/^VmRSS:/{print $2}' "/proc/$pid/status" 2>/dev/null) || rss=""
      # utime + stime: fields 14 and 15 of /proc/PID/stat (no spaces in comm).
      cpu=$(awk -v hz="$hz" '{printf "%.1f", ($14 + $15) / hz}' "/proc/$pid/stat" 2>/dev/null) || cpu=""
      [[ -z $rss ]] || echo "$s,$pid,$t,$rss,$cpu" >>"$out/rss.csv"
    done
    # Records the broker still holds (its end - its start offsets): how far
    # back a recovery may seek before it meets data loss.
    kept=$(for p in 0 1 2; do kcat -Q -b "$brokers" -t "logs:$p:-2" 2>/dev/null; done \
      | awk '{s += $NF} END {print s + 0}')
    kept=$(($(end_offsets | awk '{s += $2} END {print s + 0}') - kept))
    jq -r --arg t "$t" --arg kept "$kept" --arg load "$(cut -d' ' -f1 /proc/loadavg)" '
      [$t, ([.partitions[].end_offset // 0] | add), ([.partitions[].lag_records // 0] | add),
       (.watermark.lag_seconds // ""), (.cluster.state // ""), $kept, $load] | @csv' \
      <<<"$status" >>"$out/status.csv" 2>/dev/null || true
    sleep 10
  done
}
sampler &
SAMPLER_PID=$!

# --- kills -------------------------------------------------------------------
echo "kill_s,victim,old_pid,new_pid,epoch_ms,checkpoint_ms,produce_ms,note" >"$out/kills.csv"
bag=()
victim() {
  if ((${#bag[@]} == 0)); then
    bag=("${KILLABLE[@]}")
    local i j tmp
    for ((i = ${#bag[@]} - 1; i > 0; i--)); do
      j=$((RANDOM % (i + 1)))
      tmp=${bag[i]} bag[i]=${bag[j]} bag[j]=$tmp
    done
  fi
  VICTIM=${bag[0]}
  bag=("${bag[@]:1}")
}

# kill_one: kill -9 a victim, start it again at once, and time the way back:
# the coordinator's next epoch ("epoch N from checkpoint C" in its log) and
# the first checkpoint that epoch committed (its journal), from the kill; for
# the generator, until the topic grows again.
kill_one() {
  victim
  local v=$VICTIM old=${PID[$VICTIM]} n0 t_kill e="" c="" g="" note=""
  n0=$(epochs)
  local ends0
  ends0=$(end_offsets | awk '{s += $2} END {print s + 0}')
  t_kill=$(now_ms)
  # (stderr closed: bash reports each killed job.)
  { kill -9 "$old" && wait_exit "$v" 10; } 2>/dev/null || wait_exit "$v" 10
  [[ $RC == 137 ]] || note="exited $RC before the kill"
  start "$v"
  log "kill -9 $v (pid $old) at $(((t_kill - t0) / 1000)) s; started again as pid ${PID[$v]}"
  local deadline=$((SECONDS + 120))
  if [[ $v == generator ]]; then
    while ((SECONDS < deadline)); do
      (($(end_offsets | awk '{s += $2} END {print s + 0}') > ends0)) && { g=$(($(now_ms) - t_kill)); break; }
      sleep 0.05
    done
  else
    while ((SECONDS < deadline)); do
      (($(epochs) > n0)) && { e=$(($(now_ms) - t_kill)); break; }
      sleep 0.02
    done
    if [[ -n $e ]]; then
      local since=$((t_kill + e - 50))
      while ((SECONDS < deadline)); do
        c=$(sqlite3 -readonly "$out/coordinator/journal.db" \
          "SELECT min(completed_at_ms) FROM checkpoint WHERE started_at_ms >= $since" 2>/dev/null) || c=""
        [[ -z $c ]] || { c=$((c - t_kill)); break; }
        sleep 0.05
      done
    fi
    [[ -n $e ]] || note="${note:+$note; }no new epoch within 120 s"
  fi
  echo "$(((t_kill - t0) / 1000)),$v,$old,${PID[$v]},$e,$c,$g,$note" >>"$out/kills.csv"
  log "  back: ${e:+epoch after $e ms, checkpoint committed after $c ms}${g:+producing again after $g ms}${note:+ ($note)}"
}

end_at=$((t0 + minutes * 60000))
next_kill=$((t0 + kill_every * 1000))
while (($(now_ms) < end_at)); do
  for s in "${SERVICES[@]}"; do
    if ! kill -0 "${PID[$s]}" 2>/dev/null; then
      wait_exit "$s" 1
      log "$s (pid ${PID[$s]}) exited $RC by itself: started again (restart: on-failure); $(tail -2 "$out/logs/$s.${RUNS[$s]}.err" | tr '\n' ' ')"
      echo "$(((RC == 0) ? 0 : 1)),$s" >>"$out/unexpected_exits"
      [[ $s == broker ]] && { log "the broker died: the topic is gone, stopping"; exit 1; }
      start "$s"
    fi
  done
  if (($(now_ms) >= next_kill && next_kill < end_at - 10000)); then
    kill_one
    next_kill=$((next_kill + kill_every * 1000))
  fi
  sleep 1
done

# --- the end -----------------------------------------------------------------
kill "$SAMPLER_PID" 2>/dev/null || true
wait "$SAMPLER_PID" 2>/dev/null || true
SAMPLER_PID=""
final_status=$(curl -s -m 5 "http://127.0.0.1:$mport/status" || true)
echo "$final_status" >"$out/status-end.json"
lag_end=$(jq -r '[.partitions[].lag_records // 0] | add' <<<"$final_status" 2>/dev/null || echo "?")
kill -TERM "${PID[generator]}"
wait_exit generator 60
t_stop=$(now_ms)
log "generator stopped (exit $RC) after $(((t_stop - t0) / 1000)) s; consumer lag then: $lag_end records; $(tail -1 "$out/logs/generator.${RUNS[generator]}.err")"

# The tap: stop the running copy, read each partition's rest to its end.
ends=$(end_offsets)
for p in "${TAP_PIDS[@]}"; do pkill -P "$p" kcat 2>/dev/null || true; done
for p in "${TAP_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
TAP_PIDS=()
for p in 0 1 2; do start_tap "$p" "$(<"$out/topic/p$p.next")" -e; done
records=0
while read -r p end; do
  got=$(<"$out/topic/p$p.next")
  [[ $got == "$end" ]] || echo "partition $p: the tap ends at $got, the topic at $end" >>"$out/topic/gaps.txt"
  records=$((records + end))
done <<<"$ends"
log "topic: $records records ($(tr '\n' ' ' <<<"$ends")); tap gaps: $(wc -l <"$out/topic/gaps.txt" 2>/dev/null || echo 0)"
python3 "$oracle" --offsets messages --input "$out/topic/p0.jsonl" --input "$out/topic/p1.jsonl" \
  --input "$out/topic/p2.jsonl" --alerts "$out/expected.jsonl" --late "$out/expected.late" \
  --malformed "$out/expected.malformed" 2>"$out/oracle.err" &
oracle_pid=$!

# The job: a last checkpoint (SIGTERM), then to the end of the topic.
kill -TERM "${PID[coordinator]}"
wait_exit coordinator 60
log "coordinator stopped by SIGTERM: exit $RC; $(tail -1 "$out/logs/coordinator.${RUNS[coordinator]}.err")"
for s in aggregator-1 aggregator-2 reader-1; do
  wait_exit "$s" 30
  log "$s: exit $RC"
done
t_drain=$(now_ms)
start coordinator --exit-at-end
for s in aggregator-1 aggregator-2 reader-1; do start "$s"; done
wait_exit coordinator 1800
drain_rc=$RC
log "to the end with --exit-at-end: coordinator exit $RC after $((($(now_ms) - t_drain) / 1000)) s; $(tail -1 "$out/logs/coordinator.${RUNS[coordinator]}.err")"
for s in aggregator-1 aggregator-2 reader-1; do
  wait_exit "$s" 30
  [[ $RC == 0 ]] || drain_rc=$RC
done
kill -TERM "${PID[broker]}" 2>/dev/null || true
wait_exit broker 10

# --- the oracle's verdict -------------------------------------------------------
verdict=PASS
why=()
wait "$oracle_pid" || { verdict=FAIL; why+=("the oracle failed: $(tail -2 "$out/oracle.err")"); }
c=$out/coordinator
cmp -s "$out/expected.jsonl" "$c/alerts.jsonl" || {
  verdict=FAIL
  why+=("alerts differ from the oracle's: $(diff "$out/expected.jsonl" "$c/alerts.jsonl" | grep -c '^[<>]') lines")
}
python3 "$oracle" offsets "$c/late.jsonl" >"$out/actual.late"
python3 "$oracle" offsets "$c/dead.jsonl" >"$out/actual.malformed"
cmp -s "$out/expected.late" "$out/actual.late" || { verdict=FAIL; why+=("late records differ"); }
cmp -s "$out/expected.malformed" "$out/actual.malformed" || { verdict=FAIL; why+=("dead letters differ"); }
[[ ! -s $out/topic/gaps.txt ]] || { verdict=FAIL; why+=("the tap's copy has gaps"); }
[[ $drain_rc == 0 ]] || { verdict=FAIL; why+=("the job did not end with exit 0 ($drain_rc)"); }
dups=$(sort "$c/alerts.jsonl" | uniq -d | wc -l)
{
  echo "oracle: $verdict${why[*]:+: ${why[*]}}"
  echo "alerts: $(wc -l <"$c/alerts.jsonl") (oracle $(wc -l <"$out/expected.jsonl")), duplicate lines $dups;" \
    "late $(wc -l <"$out/actual.late") (oracle $(wc -l <"$out/expected.late"));" \
    "dead letters $(wc -l <"$out/actual.malformed") (oracle $(wc -l <"$out/expected.malformed"))"
  echo "topic: $records records in $(((t_stop - t0) / 1000)) s = $((records * 1000 / (t_stop - t0))) records/s (target $rate)"
  echo "consumer lag when the generator stopped: $lag_end records"
} | tee -a "$out/soak.log"
python3 bench/soak_report.py "$out" "$minutes" >"$out/report.md" || true
cat "$out/report.md"
[[ ${SOAK_KEEP_TOPIC:-0} == 1 ]] || rm -f "$out"/topic/p?.jsonl
log "done; everything in $out"
[[ $verdict == PASS ]]
