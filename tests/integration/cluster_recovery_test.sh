# A cluster on 127.0.0.1 ports (no root needed) survives nodes that die by
# SIGKILL mid-run and are restarted with the same command (--node-id and
# --data-dir): a coordinator, two aggregator nodes and a reader node, each
# with its own journal. Each scenario kills one node at an exact place (a
# kill point: docs/DURABILITY.md), or at a random moment from outside, then
# restarts it once it is dead; the job must end with every node exiting 0
# and outputs byte for byte those of `crashwatch run` on the same input
# (which the oracle checks first).
#
#   aggregator  a1 dies right after staging its part of a checkpoint
#               (phase one done, the coordinator not yet told)
#   coordinator c dies right after committing a checkpoint (the nodes not
#               yet told to apply it); the nodes join the restarted one
#   reader      r1 dies while applying a committed checkpoint's part
#   random      a2 is killed -9 from outside at a random moment (a few ms
#               after a random early checkpoint)
#   hung        a2 is stopped (SIGSTOP) past --node-timeout, then continued
# Then a coordinator restarted after its job's end tells a node that joins
# it again that the job is over.
source "$(dirname "$0")/common.sh"
source "$(dirname "$0")/kafka_common.sh"
source "$(dirname "$0")/cluster_common.sh"

# On failure, what the nodes said about epochs and membership, for the log.
fail() {
  echo "FAIL [$TEST_NAME]: $*" >&2
  grep -H "epoch\|lost\|joined\|missing\|resuming\|error\|records (" \
    "$TMP"/*.err >&2 2>/dev/null || true
  exit 1
}

gen "$TMP/p0.jsonl" --records 1500000 --users 5000 --seed 41 \
  --late-fraction 0.01 --malformed-fraction 0.001
gen "$TMP/p1.jsonl" --records 1500000 --users 5000 --seed 42 \
  --start 2026-01-20T13:53:04Z --out-of-order 8000
inputs=(--input "$TMP/p0.jsonl" --input "$TMP/p1.jsonl")
outputs=(--output jsonl --shards 4)

# --- the reference: run, checked against the oracle --------------------------
cw run "${inputs[@]}" "${outputs[@]}" --output-file "$TMP/run.alerts" \
  --late-output "$TMP/run.late" --dead-letter "$TMP/run.dead" \
  2>"$TMP/run.err" || fail "run exited $?: $(tail -3 "$TMP/run.err")"
oracle_outputs "$TMP/expected" "${inputs[@]}"
outputs_at_least 50 "$TMP/expected"
same_file "$TMP/expected.jsonl" "$TMP/run.alerts" "alerts of run and the oracle"
sort "$TMP/run.late" >"$TMP/run.late.sorted"
sort "$TMP/run.dead" >"$TMP/run.dead.sorted"

# start NAME: starts node NAME with the arguments in ARGS[NAME] (again).
declare -A ARGS
start() {
  node "$1" ${ARGS[$1]}
}

# cluster_args DIR PORT: every node's command line for a job writing to DIR.
cluster_args() {
  local d=$1 port=$2
  ARGS[c]="--role coordinator --node-id c --listen 127.0.0.1:$port
    --expect-nodes 3 --input $TMP/p0.jsonl --input node://r1$TMP/p1.jsonl
    ${outputs[*]} --output-file $d/alerts.jsonl --late-output $d/late.jsonl
    --dead-letter $d/dead.jsonl --data-dir $d/c --checkpoint-interval 20ms
    ${NODE_TIMEOUT:+--node-timeout $NODE_TIMEOUT}
    ${METRICS:+--metrics $METRICS}"
  local n p
  for n in a1 a2 r1; do
    p=$(free_port)
    local role=aggregator
    [[ $n == r1 ]] && role=reader
    ARGS[$n]="--role $role --node-id $n --listen 127.0.0.1:$p
      --join 127.0.0.1:$port --data-dir $d/$n
      ${NODE_TIMEOUT:+--node-timeout $NODE_TIMEOUT}"
  done
}

# wait_dead NAME SECONDS: node NAME died by SIGKILL (exit 137) within SECONDS.
wait_dead() {
  node_rc "$1" "$2"
  [[ $NODE_RC == 137 ]] \
    || fail "node $1 exited $NODE_RC, not killed: $(tail -5 "$TMP/$1.err")"
}

# like_run DIR WHAT: the cluster's outputs in DIR equal run's.
like_run() {
  local d=$1
  same_file "$TMP/run.alerts" "$d/alerts.jsonl" "$2: alerts of the cluster and of run"
  sort "$d/late.jsonl" >"$d/late.sorted"
  same_file "$TMP/run.late.sorted" "$d/late.sorted" "$2: late records"
  sort "$d/dead.jsonl" >"$d/dead.sorted"
  same_file "$TMP/run.dead.sorted" "$d/dead.sorted" "$2: dead letters"
}

# scenario NAME VICTIM KILL: a job where node VICTIM is killed per KILL
# (point:NAME:K = the kill point, random = kill -9 from outside after the
# first epoch started) and restarted once dead; every node exits 0 and the
# outputs equal run's. Logs of each scenario in $TMP/NAME.
scenario() {
  local name=$1 victim=$2 kill=$3 d="$TMP/$1" port n
  mkdir -p "$d"
  port=$(free_port)
  cluster_args "$d" "$port"
  for n in c a1 a2 r1; do
    if [[ $n == "$victim" && $kill == point:* ]]; then
      CRASHWATCH_KILL_POINT=${kill#point:} start "$n"
    else
      start "$n"
    fi
  done
  if [[ $kill == random ]]; then
    # Once the coordinator committed checkpoint K (K random in 1..3; the
    # job takes 6 or more), a few random milliseconds later.
    local k=$((1 + RANDOM % 3)) until=$((SECONDS + 60)) at=0
    while ((at < k && SECONDS < until)); do
      sleep 0.01
      at=$(sqlite3 -readonly "$d/c/journal.db" \
        "SELECT coalesce(max(id), 0) FROM checkpoint" 2>/dev/null || echo 0)
    done
    sleep "0.0$((RANDOM % 10))"
    kill -9 "${NODE_PID[$victim]}" 2>/dev/null || true
  fi
  wait_dead "$victim" 60
  cp "$TMP/$victim.err" "$d/$victim.1.err"
  start "$victim"
  expect_rc c 0 120
  for n in a1 a2 r1; do expect_rc "$n" 0 20; done
  for n in c a1 a2 r1; do cp "$TMP/$n.err" "$d/$n.err"; done
  like_run "$d" "$name"
}

# killed_mid_run NAME: the kill happened before the job's end (else the
# scenario proved nothing): the coordinator saw an epoch stop, or was killed
# and resumed from a checkpoint.
killed_mid_run() {
  grep -q "stopped (.*missing: \|resuming from checkpoint" "$TMP/$1/c.err" \
    "$TMP/$1/c.1.err" 2>/dev/null \
    || fail "$1: the job was not interrupted: $(grep -h epoch "$TMP/$1"/*.err)"
}

scenario aggregator a1 point:node-staged:3
killed_mid_run aggregator
grep -q "missing: a1 (127.0.0.1:" "$TMP/aggregator/c.err" \
  || fail "the coordinator did not name the missing node: $(grep epoch "$TMP/aggregator/c.err")"
note "aggregator a1 killed after staging checkpoint part 3, restarted: outputs as run"

scenario coordinator c point:checkpoint-commit:3
killed_mid_run coordinator
grep -q "joined again the coordinator" "$TMP/coordinator/a1.err" \
  || fail "a1 did not join the restarted coordinator: $(cat "$TMP/coordinator/a1.err")"
note "coordinator killed right after committing checkpoint 2, restarted: outputs as run"

scenario reader r1 point:checkpoint-commit:3
killed_mid_run reader
note "reader r1 killed while applying checkpoint part 3, restarted: outputs as run"

scenario random a2 random
killed_mid_run random
note "aggregator a2 killed -9 at a random moment, restarted: outputs as run"

# --- a hung node: SIGSTOP past --node-timeout, then SIGCONT ------------------
# Noticed by CAF's heartbeats (every node-timeout / 5), not by a closed
# connection: the epoch stops, the node finds it lost the coordinator once it
# runs again, joins again, and the job goes on from the newest checkpoint.
d="$TMP/hung"
mkdir -p "$d"
mport=$(free_port)
NODE_TIMEOUT=1s METRICS=127.0.0.1:$mport cluster_args "$d" "$(free_port)"
for n in c a1 a2 r1; do start "$n"; done
at=0 until=$((SECONDS + 60))
while ((at < 1 && SECONDS < until)); do
  sleep 0.01
  at=$(sqlite3 -readonly "$d/c/journal.db" \
    "SELECT coalesce(max(id), 0) FROM checkpoint" 2>/dev/null || echo 0)
done
kill -STOP "${NODE_PID[a2]}"
# Meanwhile the coordinator's /status (--metrics) shows a2 down.
seen_down=0
for _ in $(seq 25); do
  sleep 0.1
  python3 - "http://127.0.0.1:$mport/status" <<'PY' && { seen_down=1; break; }
import json, sys, urllib.request
d = json.load(urllib.request.urlopen(sys.argv[1], timeout=1))
nodes = {n["node_id"]: n["up"] for n in (d.get("cluster") or {}).get("nodes", [])}
sys.exit(0 if nodes.get("a2") is False and nodes.get("a1") is True else 1)
PY
done
kill -CONT "${NODE_PID[a2]}"
((seen_down)) || fail "the coordinator's /status never showed a2 down while it hung"
expect_rc c 0 120
for n in a1 a2 r1; do expect_rc "$n" 0 20; done
for n in c a1 a2 r1; do cp "$TMP/$n.err" "$d/$n.err"; done
grep -q "stopped (.*missing: a2" "$d/c.err" \
  || fail "the hung node was not noticed: $(grep -h epoch "$d"/*.err)"
grep -q "joined again" "$d/a2.err" \
  || fail "a2 did not join again: $(cat "$d/a2.err")"
like_run "$d" hung
note "aggregator a2 stopped (SIGSTOP) 2.5 s with --node-timeout 1s, then continued: the coordinator's /status showed it down; outputs as run"

# --- a coordinator restarted after its job's end -----------------------------
# A node that joins it again (it lost the coordinator before the end) is told
# that the job is over and exits 0, as does the coordinator.
start c
start a1
expect_rc a1 0 30
grep -q "says the job is over" "$TMP/a1.err" \
  || fail "a1 was not told the job is over: $(cat "$TMP/a1.err")"
expect_rc c 0 30
grep -q "completed at checkpoint" "$TMP/c.err" \
  || fail "the restarted coordinator did not see its job complete: $(cat "$TMP/c.err")"
same_file "$TMP/run.alerts" "$TMP/hung/alerts.jsonl" "alerts after a restart past the end"
note "a coordinator restarted after the end tells a node joining again that the job is over"

# --- a data dir of another job is refused ------------------------------------
# $TMP/hung/a1 holds node a1's journal of the job above; a new job's
# coordinator refuses a1 with it (exit 2, one line naming both jobs).
d="$TMP/other"
mkdir -p "$d"
cluster_args "$d" "$(free_port)"
start c
node a1 ${ARGS[a1]/--data-dir $d\/a1/--data-dir $TMP\/hung\/a1}
expect_rc a1 2 30
grep -q "its data dir belongs to job .*, this is job " "$TMP/a1.err" \
  || fail "a data dir of another job was not refused: $(cat "$TMP/a1.err")"
kill -TERM "${NODE_PID[c]}"
expect_rc c 130 20
note "a node with the data dir of another job: refused, exit 2"
