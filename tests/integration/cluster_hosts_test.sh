# The cluster of compose.yaml as if on six hosts: one network namespace per
# compose service (netns_common.sh: own address, /etc/hosts naming every
# service, a bridge between them, nothing reaches outside), running the very
# commands compose.yaml declares (read from it with python3 + yaml), each in
# its service's namespace. Needs root (exit 77, skipped, otherwise).
#
# What is changed in compose.yaml's commands, and only that:
#   * the binary: `crashwatch` is the one ctest passes ($BIN);
#   * /data (and /data/...) is a directory per service and scenario: all
#     namespaces share this machine's file system;
#   * the coordinator's input, for finite runs: the file scenarios drop
#     --brokers/--topic and read three files on reader-1
#     (--input node://reader-1/PATH); the broker scenario adds
#     --exit-at-end --from earliest;
#   * the coordinator gets --checkpoint-interval 100ms (compose: the default
#     1s), so that a failure mid-run rolls back to a recent checkpoint;
#   * the link-cut scenario gives every node --node-timeout 2s.
#
# Scenarios; each ends with every node exiting 0 and outputs equal to the
# independent oracle's and to `crashwatch run`'s on the same input (alerts
# byte for byte; late and dead-letter records as sorted sets):
#   (a) no failure, on files read by reader-1; and on the embedded broker
#       (own namespace, `--advertise broker`; records produced with kcat from
#       the generator's namespace): skipped, with a note, while
#       `crashwatch broker` has no --advertise;
#   (f) before (a)'s nodes join, an aggregator started with --window 5s is
#       refused: exit 2, one line saying why; the job then runs as usual;
#   (b) kill -9 of aggregator-1 mid-run, restarted at once (what compose's
#       restart: on-failure does) with the same command;
#   (c) the same for the coordinator; (e) for reader-1;
#   (d) aggregator-2's link cut (its switch port down) for 3 s, longer than
#       --node-timeout 2s, then restored.
# A kill lands KILL_PERCENT % of (a)'s run time after the coordinator's
# "epoch ... from checkpoint" line; the logs must show it landed before the
# end (the coordinator's "epoch ... stopped (...); missing: NODE", or the
# restarted coordinator's "resuming from checkpoint N"), else it is tried
# again earlier, then the test fails. Timing decides where a kill lands,
# never what is expected.
source "$(dirname "$0")/common.sh"
source "$(dirname "$0")/netns_common.sh"

CW_PIDS=()
cleanup_hosts() {
  local pid
  {
    for pid in ${CW_PIDS[@]+"${CW_PIDS[@]}"}; do
      kill -9 "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    done
  } 2>/dev/null
  netns_down
  # KEEP_TMP=1 keeps the logs and outputs, for a look after a failure.
  if [[ -n ${KEEP_TMP:-} ]]; then echo "[$TEST_NAME] kept $TMP" >&2; else rm -rf "$TMP"; fi
}
trap cleanup_hosts EXIT
trap 'exit 130' INT TERM HUP

netns_require

COMPOSE="$HERE/../../compose.yaml"
[[ -f $COMPOSE ]] || fail "no compose.yaml at the project root ($COMPOSE)"
PY=""
for p in python3 /usr/bin/python3; do
  if "$p" -c 'import yaml' 2>/dev/null; then PY=$p; break; fi
done
[[ -n $PY ]] || fail "no python3 with the yaml module (python3-yaml; scripts/install-deps.sh installs it)"

SERVICES=(broker generator coordinator aggregator-1 aggregator-2 reader-1)
NODES=(coordinator aggregator-1 aggregator-2 reader-1)
RECORDS_PER_FILE=${RECORDS_PER_FILE:-1000000}
KILL_PERCENT=${KILL_PERCENT:-40}
T_START=$SECONDS

now_ms() { date +%s%3N; }
sleep_ms() { sleep "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"; }

# compose_command SERVICE: its compose.yaml command in array WORDS.
compose_command() {
  mapfile -d '' -t WORDS < <("$PY" -c '
import sys, yaml
cmd = yaml.safe_load(open(sys.argv[1]))["services"][sys.argv[2]]["command"]
assert isinstance(cmd, list) and all(isinstance(w, str) for w in cmd), cmd
sys.stdout.write("".join(w + "\0" for w in cmd))' "$COMPOSE" "$1")
  [[ ${WORDS[0]:-} == crashwatch ]] \
    || fail "compose.yaml: the command of $1 does not start with crashwatch: ${WORDS[*]:-}"
}

# The job's options, per scenario: COORD_INPUT replaces --brokers/--topic
# when set; COORD_EXTRA goes to the coordinator, NODE_EXTRA to every node.
COORD_INPUT=()
COORD_EXTRA=()
NODE_EXTRA=()

# node_command DIR SERVICE: compose.yaml's command of SERVICE, changed as the
# header says, in array CMD (and in DIR/SERVICE.cmd, one word a line, to
# read when something fails); its data dir DIR/SERVICE.
node_command() {
  local d=$1 s=$2 w skip=0
  compose_command "$s"
  mkdir -p "$d/$s"
  CMD=("$BIN")
  for w in "${WORDS[@]:1}"; do
    if ((skip)); then skip=0; continue; fi
    if [[ $s == coordinator && ${#COORD_INPUT[@]} -gt 0 ]] &&
      [[ $w == --brokers || $w == --topic ]]; then
      skip=1
      continue
    fi
    case $w in
      /data) w="$d/$s" ;;
      /data/*) w="$d/$s/${w#/data/}" ;;
    esac
    CMD+=("$w")
  done
  if [[ $s == coordinator ]]; then
    CMD+=(${COORD_INPUT[@]+"${COORD_INPUT[@]}"} ${COORD_EXTRA[@]+"${COORD_EXTRA[@]}"})
  fi
  CMD+=(${NODE_EXTRA[@]+"${NODE_EXTRA[@]}"})
  printf '%s\n' "${CMD[@]}" >"$d/$s.cmd"
}

# start DIR SERVICE LOG: DIR/SERVICE.cmd in SERVICE's namespace, in the
# background, stderr to LOG; its pid in PID[SERVICE].
declare -A PID
start() {
  local d=$1 s=$2 log=$3
  local cmd
  mapfile -t cmd <"$d/$s.cmd"
  # (Bash's own stderr is quiet here: it reports each killed job.)
  # ip execs the command: $! is the node's own pid (not a subshell's).
  { ip netns exec "${NETNS[$s]}" "${cmd[@]}" >"$log.out" 2>"$log" & } 2>/dev/null
  PID[$s]=$!
  CW_PIDS+=("$!")
}

# wait_exit SERVICE SECONDS: its exit status in RC (124: still running, then
# killed).
wait_exit() {
  local pid=${PID[$1]} deadline=$((SECONDS + $2)) hung=0
  {
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.02; done
    if kill -0 "$pid" 2>/dev/null; then
      hung=1
      kill -9 "$pid" 2>/dev/null || true
    fi
    RC=0
    wait "$pid" || RC=$?
  } 2>/dev/null
  ((hung == 0)) || RC=124
}

# wait_line FILE ERE SECONDS [N]: until FILE has N (default 1) lines matching
# ERE; sets AT to the time (ms) it saw it; returns 1 after SECONDS.
wait_line() {
  local deadline=$((SECONDS + $3)) want=${4:-1}
  while ((SECONDS < deadline)); do
    local n
    n=$(grep -cE -- "$2" "$1" 2>/dev/null) || n=${n:-0}
    if ((n >= want)); then
      AT=$(now_ms)
      return 0
    fi
    sleep 0.01
  done
  return 1
}

# logs DIR: every log of DIR, for a failure message.
logs() {
  local f
  for f in "$1"/*.err; do
    echo "== $f"
    tail -15 "$f"
  done
}

# epochs_check DIR: an epoch stops when a node is lost ("missing: NODE"); one
# that stops with no node missing is a defect (seen before it was fixed:
# after a node came back, dozens of epochs in a row each stopped within
# ~20 ms with exit_reason(user_shutdown) — downs of the previous epoch's
# actors taken for the new one's).
epochs_check() {
  local n epochs
  n=$(cat "$1"/coordinator*.err | grep -cE 'epoch [0-9]+ stopped \([^)]*\)\); waiting' || true)
  epochs=$(cat "$1"/coordinator*.err | grep -cE 'epoch [0-9]+ from checkpoint' || true)
  ((n == 0)) || fail "$(basename "$1"): $n of $epochs epochs stopped with no node missing: $(logs "$1")"
}

# abandon: kills what is left of a job whose failure came too late; 3.
abandon() {
  local s
  {
    for s in "${NODES[@]}"; do
      kill -9 "${PID[$s]}" 2>/dev/null || true
      wait "${PID[$s]}" 2>/dev/null || true
    done
  } 2>/dev/null
  return 3
}

# job DIR FAILURE: one job of the four nodes in DIR; FAILURE is none,
# kill:SERVICE (kill -9 KILL_DELAY ms after the epoch starts, restarted at
# once) or cut:SERVICE (its link down KILL_DELAY ms after the epoch starts,
# for CUT_MS). Every node must exit 0. Returns 3 when the failure came too
# late (the job was over). Sets JOB_MS (epoch start to the coordinator's
# exit), DETECT_MS, RESUME_MS (failure to the next epoch's start).
job() {
  local d=$1 failure=$2 s log c="$1/coordinator.err"
  local victim=${failure#*:}
  rm -rf "$d"
  mkdir -p "$d"
  for s in "${NODES[@]}"; do node_command "$d" "$s"; done
  start "$d" coordinator "$c"
  if [[ -n ${REFUSE:-} ]]; then
    # (f): an aggregator with a conflicting job option, before the others.
    mapfile -t CMD <"$d/aggregator-2.cmd"
    printf '%s\n' "${CMD[@]}" --window 5s >"$d/wrong.cmd"
    NETNS[wrong]=${NETNS[aggregator-2]}
    start "$d" wrong "$d/wrong.err"
    wait_exit wrong 60
    [[ $RC == 2 ]] || fail "(f) aggregator-2 with --window 5s exited $RC (want 2): $(cat "$d/wrong.err")"
    # Its last stderr line says why (after its "listening on" line).
    tail -1 "$d/wrong.err" | grep -qF "refused by coordinator coordinator: node aggregator-2 was started with --window 5s, the job has --window 10s" \
      || fail "(f) the refusal does not say why in one line: $(cat "$d/wrong.err")"
    note "(f) aggregator-2 with --window 5s refused, exit 2: $(tail -1 "$d/wrong.err")"
  fi
  for s in aggregator-1 aggregator-2 reader-1; do start "$d" "$s" "$d/$s.err"; done
  wait_line "$c" 'epoch [0-9]+ from checkpoint' 60 \
    || fail "no epoch started within 60 s: $(logs "$d")"
  local t_epoch=$AT t_fail=""
  DETECT_MS="" RESUME_MS=""
  case $failure in
    kill:*)
      sleep_ms "$KILL_DELAY"
      kill -0 "${PID[coordinator]}" 2>/dev/null || { abandon; return 3; }
      t_fail=$(now_ms)
      { kill -9 "${PID[$victim]}" && wait_exit "$victim" 10; } 2>/dev/null || wait_exit "$victim" 10
      [[ $RC == 137 ]] || {
        [[ $RC == 0 ]] && { abandon; return 3; }
        fail "$victim exited $RC before it was killed: $(logs "$d")"
      }
      # restart: on-failure, at once; with SLOW_RESTART_MS, that long
      # after the coordinator reported it missing (a slow host).
      [[ -n ${SLOW_RESTART_MS:-} ]] || start "$d" "$victim" "$d/$victim.2.err"
      if [[ $victim == coordinator ]]; then
        c="$d/coordinator.2.err"
        wait_line "$c" 'resuming from checkpoint [0-9]+' 30 \
          || fail "the restarted coordinator does not resume from a checkpoint: $(logs "$d")"
        wait_line "$c" 'epoch [0-9]+ from checkpoint' 60 \
          || fail "the restarted coordinator starts no epoch: $(logs "$d")"
        RESUME_MS=$((AT - t_fail))
      else
        if ! wait_line "$c" "epoch [0-9]+ stopped \(.*\); missing: .*$victim" 30; then
          wait_exit coordinator 60
          [[ $RC == 0 ]] && ! grep -q 'stopped (' "$c" && { abandon; return 3; }
          fail "the coordinator did not report $victim missing: $(logs "$d")"
        fi
        DETECT_MS=$((AT - t_fail))
        if [[ -n ${SLOW_RESTART_MS:-} ]]; then
          sleep_ms "$SLOW_RESTART_MS"
          start "$d" "$victim" "$d/$victim.2.err"
        fi
        wait_line "$c" 'epoch [0-9]+ from checkpoint' 60 2 \
          || fail "no epoch after the failure: $(logs "$d")"
        RESUME_MS=$((AT - t_fail))
      fi ;;
    cut:*)
      sleep_ms "$KILL_DELAY"
      kill -0 "${PID[coordinator]}" 2>/dev/null || { abandon; return 3; }
      t_fail=$(now_ms)
      link_down "$victim"
      if ! wait_line "$c" "epoch [0-9]+ stopped \(.*\); missing: .*$victim" $((CUT_MS / 1000 + 10)); then
        link_up "$victim"
        wait_exit coordinator 60
        [[ $RC == 0 ]] && ! grep -q 'stopped (' "$c" && { abandon; return 3; }
        fail "the coordinator did not report $victim missing after its link was cut: $(logs "$d")"
      fi
      DETECT_MS=$((AT - t_fail))
      local left=$((t_fail + CUT_MS - $(now_ms)))
      ((left <= 0)) || sleep_ms "$left"
      link_up "$victim"
      local t_up
      t_up=$(now_ms)
      note "(d) $victim's link down for $((t_up - t_fail)) ms; the coordinator reported it missing after $DETECT_MS ms"
      # A node that gave up (exit 1) is restarted, as compose would.
      if ! kill -0 "${PID[$victim]}" 2>/dev/null; then
        wait_exit "$victim" 1
        note "(d) $victim exited $RC while cut off; restarted (restart: on-failure)"
        CUT_EXITS="$victim exited $RC while cut off"
        start "$d" "$victim" "$d/$victim.2.err"
      fi
      wait_line "$c" 'epoch [0-9]+ from checkpoint' 60 2 \
        || fail "no epoch after the link came back: $(logs "$d")"
      RESUME_MS=$((AT - t_up)) ;;
  esac
  wait_exit coordinator 120
  [[ $RC == 0 ]] || fail "coordinator exited $RC: $(logs "$d")"
  JOB_MS=$(($(now_ms) - t_epoch))
  for s in aggregator-1 aggregator-2 reader-1; do
    wait_exit "$s" 30
    [[ $RC == 0 ]] || fail "$s exited $RC (want 0): $(logs "$d")"
  done
  grep -q 'crashwatch: [0-9]* partitions' "$c" || fail "no summary line: $(logs "$d")"
  epochs_check "$d"
  if [[ $failure == kill:coordinator ]]; then
    grep -q 'crashwatch: [0-9]* partitions' "$d/coordinator.err" \
      && fail "the killed coordinator had already finished: $(logs "$d")"
    for s in aggregator-1 aggregator-2 reader-1; do
      grep -q 'lost the coordinator' "$d/$s.err" \
        || fail "$s did not notice the coordinator was gone: $(logs "$d")"
    done
  fi
  return 0
}

# job_until_hit NAME FAILURE: job, tried again with half the delay (twice at
# most) when the failure came after the end.
job_until_hit() {
  local t0=$SECONDS tries=0 rc
  KILL_DELAY=$BASE_DELAY
  while :; do
    rc=0
    job "$TMP/$1" "$2" || rc=$?
    ((rc == 0)) && break
    tries=$((tries + 1))
    ((tries < 3)) || fail "$1: $2 came after the end of the job $tries times (delay down to $KILL_DELAY ms): use a bigger input (RECORDS_PER_FILE)"
    note "$1: $2 at $KILL_DELAY ms came after the end of the job; again at $((KILL_DELAY / 2)) ms"
    mv "$TMP/$1" "$TMP/$1.missed$tries"
    KILL_DELAY=$((KILL_DELAY / 2))
  done
  SCENARIO_S=$((SECONDS - t0))
}

# same_as_run DIR REF: DIR/coordinator/{alerts,late,dead}.jsonl equal REF's
# (alerts byte for byte; late and dead letters as sorted sets: partitions
# interleave differently).
same_as_run() {
  local d=$1/coordinator ref=$2 f
  same_file "$ref.alerts" "$d/alerts.jsonl" "$1: alerts of the cluster and of run"
  for f in late dead; do
    sort "$d/$f.jsonl" >"$d/$f.sorted"
    same_file "$ref.$f.sorted" "$d/$f.sorted" "$1: $f records of the cluster and of run"
  done
}

# same_as_oracle DIR PREFIX: DIR/coordinator's outputs as oracle_outputs PREFIX.
same_as_oracle() {
  local d=$1/coordinator
  same_file "$2.jsonl" "$d/alerts.jsonl" "$1: alerts of the cluster and of the oracle"
  offsets "$d/late.jsonl" "$d/actual.late"
  same_file "$2.late" "$d/actual.late" "$1: late records (vs the oracle)"
  offsets "$d/dead.jsonl" "$d/actual.malformed"
  same_file "$2.malformed" "$d/actual.malformed" "$1: malformed records (vs the oracle)"
}

# run_like DIR REF_PREFIX [SERVICE]: `crashwatch run` with the job options of
# DIR's coordinator (node options and outputs dropped, node://reader-1/PATH
# read as PATH), in SERVICE's namespace when given; outputs REF_PREFIX.{alerts,
# late,dead} (.sorted for late and dead).
run_like() {
  local d=$1 ref=$2 ns=${3:-} w skip=0 cmd args=()
  mapfile -t cmd <"$d/coordinator.cmd"
  for w in "${cmd[@]:2}"; do
    if ((skip)); then skip=0; continue; fi
    case $w in
      --role | --node-id | --listen | --advertise | --join | --expect-nodes | \
        --node-timeout | --join-timeout | --data-dir | --checkpoint-interval | \
        --output-file | --late-output | --dead-letter)
        skip=1
        continue ;;
      node://reader-1/*) w=${w#node://reader-1} ;;
    esac
    args+=("$w")
  done
  local runner=(timeout "$RUN_TIMEOUT" "$BIN" run)
  [[ -z $ns ]] || runner=(ip netns exec "${NETNS[$ns]}" "${runner[@]}")
  "${runner[@]}" "${args[@]}" --output-file "$ref.alerts" --late-output "$ref.late" \
    --dead-letter "$ref.dead" 2>"$ref.err" || fail "run ${args[*]} exited $?: $(tail -3 "$ref.err")"
  sort "$ref.late" >"$ref.late.sorted"
  sort "$ref.dead" >"$ref.dead.sorted"
}

netns_up "${SERVICES[@]}"

# --- the input: three files of RECORDS_PER_FILE records -----------------------
gen "$TMP/p0.jsonl" --records "$RECORDS_PER_FILE" --users 3000 --seed 41 \
  --late-fraction 0.01 --malformed-fraction 0.005
gen "$TMP/p1.jsonl" --records "$RECORDS_PER_FILE" --users 3000 --seed 42 \
  --start 2026-01-20T13:53:04Z --out-of-order 8000 --malformed-fraction 0.01
gen "$TMP/p2.jsonl" --records "$RECORDS_PER_FILE" --users 3000 --seed 43 \
  --events-per-second 2000 --late-fraction 0.02
# The oracle takes ~10 s per million records: it works meanwhile.
python3 "$ORACLE" --input "$TMP/p0.jsonl" --input "$TMP/p1.jsonl" --input "$TMP/p2.jsonl" \
  --alerts "$TMP/expected.jsonl" --late "$TMP/expected.late" \
  --malformed "$TMP/expected.malformed" 2>"$TMP/oracle.err" &
ORACLE_PID=$!
CW_PIDS+=("$ORACLE_PID")
note "input: 3 files of $RECORDS_PER_FILE records, read by reader-1; the oracle runs meanwhile"

COORD_INPUT=()
for p in 0 1 2; do COORD_INPUT+=(--input "node://reader-1$TMP/p$p.jsonl"); done
COORD_EXTRA=(--checkpoint-interval 100ms)

# --- (a) + (f): no failure, on files -----------------------------------------
t0=$SECONDS
REFUSE=1 job "$TMP/files" none
REFUSE=""
grep -q "shards 0:aggregator-1 1:aggregator-2 2:aggregator-1 3:aggregator-2; partitions 0:reader-1 1:reader-1 2:reader-1" \
  "$TMP/files/coordinator.err" || fail "(a) unexpected assignment: $(grep epoch "$TMP/files/coordinator.err")"
run_like "$TMP/files" "$TMP/run"
same_as_run "$TMP/files" "$TMP/run"
CLEAN_MS=$JOB_MS
BASE_DELAY=$((CLEAN_MS * KILL_PERCENT / 100))
note "(a) files: $(wc -l <"$TMP/run.alerts") alerts as run; job ${CLEAN_MS} ms after its epoch began; scenario $((SECONDS - t0)) s"

DONE=(files)
# --- (b), (c), (e): kill -9 mid-run, restarted at once -----------------------
for v in aggregator-1 coordinator reader-1; do
  job_until_hit "kill-$v" "kill:$v"
  same_as_run "$TMP/kill-$v" "$TMP/run"
  DONE+=("kill-$v")
  note "kill -9 $v ${KILL_DELAY} ms into the run: ${DETECT_MS:+reported missing after $DETECT_MS ms, }next epoch $RESUME_MS ms after the kill, resumed from checkpoint $(cat "$TMP/kill-$v"/coordinator*.err | grep -oE 'resuming from checkpoint [0-9]+' | tail -1 | awk '{print $4}'); job done ${JOB_MS} ms after the first epoch began (no failure: ${CLEAN_MS} ms); every node exited 0; outputs as run ($SCENARIO_S s)"
done

# --- (b'): the same, aggregator-1 restarted 1 s after it was reported missing
SLOW_RESTART_MS=1000 job_until_hit slow-restart-aggregator-1 kill:aggregator-1
same_as_run "$TMP/slow-restart-aggregator-1" "$TMP/run"
DONE+=(slow-restart-aggregator-1)
note "kill -9 aggregator-1, restarted 1 s after it was reported missing ($DETECT_MS ms): next epoch $RESUME_MS ms after the kill; every node exited 0; outputs as run ($SCENARIO_S s)"

# --- (d): aggregator-2's link cut for 3 s > --node-timeout 2s -----------------
NODE_EXTRA=(--node-timeout 2s)
CUT_MS=3000
CUT_EXITS=""
job_until_hit cut-aggregator-2 cut:aggregator-2
same_as_run "$TMP/cut-aggregator-2" "$TMP/run"
DONE+=(cut-aggregator-2)
note "(d) next epoch $RESUME_MS ms after the link came back; ${CUT_EXITS:-aggregator-2 kept running}; every node exited 0; outputs as run ($SCENARIO_S s)"
NODE_EXTRA=()

# --- the oracle, for every file scenario --------------------------------------
wait "$ORACLE_PID" || fail "oracle failed: $(cat "$TMP/oracle.err")"
outputs_at_least 100 "$TMP/expected"
same_file "$TMP/expected.jsonl" "$TMP/run.alerts" "alerts of run and of the oracle"
for s in "${DONE[@]}"; do same_as_oracle "$TMP/$s" "$TMP/expected"; done
note "file scenarios (${DONE[*]}): outputs as the oracle's ($(wc -l <"$TMP/expected.jsonl") alerts, $(wc -l <"$TMP/expected.late") late, $(wc -l <"$TMP/expected.malformed") malformed)"

# --- (a) on the embedded broker, in its own namespace ---------------------------
# (--help captured first: grep -q closing the pipe early would fail it.)
"$BIN" broker --help >"$TMP/broker.help" 2>&1 || true
if ! grep -q -- '--advertise' "$TMP/broker.help"; then
  note "NOTE: broker scenario skipped: this crashwatch broker has no --listen/--advertise yet (compose.yaml's broker command needs them); the rest ran"
else
  command -v kcat >/dev/null || fail "kcat is missing (scripts/install-deps.sh installs it)"
  t0=$SECONDS
  compose_command broker
  ip netns exec "${NETNS[broker]}" "$BIN" "${WORDS[@]:1}" >"$TMP/broker.out" 2>"$TMP/broker.err" &
  PID[broker]=$!
  CW_PIDS+=("$!")
  wait_line "$TMP/broker.out" . 20 || fail "the broker printed nothing: $(cat "$TMP/broker.err")"
  note "broker: $(head -1 "$TMP/broker.out")"
  for p in 0 1 2; do
    gen "$TMP/k$p.jsonl" --records 30000 --users 300 --seed $((51 + p)) \
      --late-fraction 0.02 --malformed-fraction 0.01
    grep -v '^[[:space:]]*$' "$TMP/k$p.jsonl" >"$TMP/k$p.jsonl.msgs" || true
    in_ns generator timeout 60 kcat -P -b broker:9092 -t logs -p "$p" -l "$TMP/k$p.jsonl.msgs" \
      2>"$TMP/kcat.err" || fail "kcat in the generator's namespace could not produce to broker:9092: $(cat "$TMP/kcat.err")"
  done
  COORD_INPUT=()
  COORD_EXTRA=(--exit-at-end --from earliest --checkpoint-interval 100ms)
  job "$TMP/kafka" none || fail "broker scenario: job returned $?"
  grep -q "partitions 0:reader-1 1:reader-1 2:reader-1" "$TMP/kafka/coordinator.err" \
    || fail "Kafka partitions not read by reader-1: $(grep epoch "$TMP/kafka/coordinator.err")"
  run_like "$TMP/kafka" "$TMP/krun" generator
  same_as_run "$TMP/kafka" "$TMP/krun"
  oracle_outputs "$TMP/kexpected" --offsets messages --input "$TMP/k0.jsonl.msgs" \
    --input "$TMP/k1.jsonl.msgs" --input "$TMP/k2.jsonl.msgs"
  same_as_oracle "$TMP/kafka" "$TMP/kexpected"
  note "(a) broker: $(wc -l <"$TMP/krun.alerts") alerts as run and the oracle ($((SECONDS - t0)) s)"
fi
note "done in $((SECONDS - T_START)) s"
