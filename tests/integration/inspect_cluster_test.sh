# `crashwatch inspect` on a running 3-node cluster (issue 11): a coordinator
# (reading the 4 partitions of a Kafka topic a generator keeps filling, with
# --metrics) and two aggregator nodes, a2 with --metrics of its own.
#   * inspect on the coordinator lists the 3 nodes up, every partition of
#     the topic with its node, offset and watermark, and every shard on the
#     node the coordinator's /status assigns it;
#   * inspect on a2 (a member) shows the coordinator's view, and says so;
#   * --json prints the document itself; --watch redraws every second;
#   * after kill -9 of a1, a1 is shown DOWN (in the table and the JSON), its
#     shards "node down", not left out; once a1 is back, all are up again in
#     a later epoch;
#   * with the coordinator killed, inspect on a2 shows a2's own view and
#     why it cannot show the cluster's (exit 1);
#   * a dead address exits 1 with one line, a bad one exits 2.
# The outputs with all up and with a1 down go to $ARTIFACTS_DIR if set, else
# build/artifacts/ of the source tree (docs/TELEMETRY.md shows them).
source "$(dirname "$0")/common.sh"
source "$(dirname "$0")/kafka_common.sh"
source "$(dirname "$0")/cluster_common.sh"

ART=${ARTIFACTS_DIR:-$(cd "$HERE/../.." && pwd)/build/artifacts}
mkdir -p "$ART" || fail "cannot create the artifacts directory $ART"

fail() {
  echo "FAIL [$TEST_NAME]: $*" >&2
  grep -H "epoch\|lost\|joined\|missing\|error" "$TMP"/*.err >&2 2>/dev/null || true
  exit 1
}

start_broker 4
"$BIN" generate --brokers "$BROKERS" --topic logs --rate 3000 --duration 120s \
  >/dev/null 2>"$TMP/generate.err" &
CW_PIDS+=("$!")

cport=$(free_port) mport=$(free_port) m2port=$(free_port)
declare -A ARGS
ARGS[c]="--role coordinator --node-id c --listen 127.0.0.1:$cport
  --expect-nodes 2 --brokers $BROKERS --topic logs --from earliest
  --shards 4 --output jsonl --output-file $TMP/alerts.jsonl
  --data-dir $TMP/c --checkpoint-interval 200ms --node-timeout 1s
  --metrics 127.0.0.1:$mport"
for n in a1 a2; do
  ARGS[$n]="--role aggregator --node-id $n --listen 127.0.0.1:$(free_port)
    --join 127.0.0.1:$cport --data-dir $TMP/$n --node-timeout 1s"
done
ARGS[a2]+=" --metrics 127.0.0.1:$m2port"
start() { node "$1" ${ARGS[$1]}; }
for n in c a1 a2; do start "$n"; done

# inspect ARGS...: `crashwatch inspect ARGS...` into $TMP/inspect.out.
inspect() {
  INSPECT_RC=0
  timeout 20 "$BIN" inspect "$@" >"$TMP/inspect.out" 2>"$TMP/inspect.err" \
    || INSPECT_RC=$?
}

# The node table's row of NODE in $TMP/inspect.out: "NODE ROLES ADDR EPOCH STATE".
node_row() {
  awk -v n="$1" '/^NODE /{t=1; next} t && NF == 0 {t=0} t && $1 == n {print; exit}' \
    "$TMP/inspect.out"
}

# wait_inspect SECONDS TEST: runs inspect on the coordinator until the
# shell test TEST passes (on $TMP/inspect.out), or fails after SECONDS.
wait_inspect() {
  local until=$((SECONDS + $1))
  while :; do
    inspect "127.0.0.1:$mport"
    if ((INSPECT_RC == 0)) && eval "$2"; then return 0; fi
    ((SECONDS < until)) || fail "inspect never showed: $2; last output: $(cat "$TMP/inspect.out" "$TMP/inspect.err")"
    sleep 0.2
  done
}

# --- all up, partitions and shards reported ----------------------------------
# rows TABLE: the rows of the table whose header starts with TABLE.
rows() {
  awk -v h="^$1 " '$0 ~ h {t=1; next} t && NF == 0 {t=0} t' "$TMP/inspect.out"
}
# Once every node is up and all 4 partitions and 4 shards have reported.
wait_inspect 60 '[[ "$(node_row a1)" == *" up" && "$(node_row a2)" == *" up" ]] && (( $(rows PARTITION | wc -l) == 4 && $(rows SHARD | wc -l) == 4 ))'
read -r _ roles addr epoch1 state < <(node_row c)
[[ $roles == coordinator && $addr == 127.0.0.1:$cport && $state == up ]] \
  || fail "coordinator row: $(node_row c)"
grep -q "^cluster: coordinator c, epoch $epoch1, 3 nodes, 0 down$" "$TMP/inspect.out" \
  || fail "cluster line: $(grep ^cluster "$TMP/inspect.out")"

# The partitions are the topic's (kcat's metadata, not ours), read by c.
kcat -b "$BROKERS" -L -t logs 2>/dev/null | sed -n 's/^ *partition \([0-9]*\),.*/\1/p' \
  | sort -n >"$TMP/topic.partitions"
rows PARTITION | awk '{print $1}' | sort -n >"$TMP/shown.partitions"
same_file "$TMP/topic.partitions" "$TMP/shown.partitions" "partitions of the topic and of inspect"
rows PARTITION | awk '$4 != "c" {bad=1} END {exit bad}' || fail "a partition not read by c: $(cat "$TMP/inspect.out")"

# Every shard on the node /status assigns it, and the 4 shards spread over
# a1 and a2.
curl -fsS "http://127.0.0.1:$mport/status" >"$TMP/status.json"
python3 - "$TMP/status.json" >"$TMP/status.shards" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for s in sorted(d["shards"], key=lambda s: s["shard"]):
    print(s["shard"], s["node"])
PY
inspect "127.0.0.1:$mport"
rows SHARD | awk '{print $1, $2}' | sort -n >"$TMP/shown.shards"
same_file "$TMP/status.shards" "$TMP/shown.shards" "shard nodes of /status and of inspect"
[[ $(awk '{print $2}' "$TMP/shown.shards" | sort -u | tr '\n' ' ') == "a1 a2 " ]] \
  || fail "shards are not on a1 and a2: $(cat "$TMP/shown.shards")"
grep -q "^records: [1-9][0-9]* read" "$TMP/inspect.out" \
  || fail "no records read: $(cat "$TMP/inspect.out")"
cp "$TMP/inspect.out" "$ART/inspect-cluster-up.txt"
note "inspect on the coordinator: 3 nodes up (epoch $epoch1), the topic's 4 partitions on c, 4 shards on a1 and a2"

# --- a member shows its coordinator's view -----------------------------------
inspect "127.0.0.1:$m2port"
((INSPECT_RC == 0)) || fail "inspect on a2 exited $INSPECT_RC: $(cat "$TMP/inspect.err")"
grep -q "^crashwatch node c (coordinator) at 127.0.0.1:$mport" "$TMP/inspect.out" \
  || fail "inspect on a2 did not show the coordinator: $(cat "$TMP/inspect.out")"
grep -q "asked 127.0.0.1:$m2port, a member" "$TMP/inspect.out" \
  || fail "inspect on a2 did not say it followed: $(cat "$TMP/inspect.out")"
curl -fsS "http://127.0.0.1:$m2port/status" | python3 -c '
import json, sys
m = json.load(sys.stdin)["membership"]
assert m["coordinator"] == "c" and m["connected"] is True, m
assert m["coordinator_metrics"] == sys.argv[1], m
' "127.0.0.1:$mport" || fail "a2's /status does not name its coordinator"
note "inspect on member a2 follows to the coordinator's /status"

# --- --json and --watch --------------------------------------------------------
inspect "127.0.0.1:$mport" --json
python3 -c '
import json, sys
d = json.loads(open(sys.argv[1]).read())
assert d["version"] == 1 and d["process"]["node_id"] == "c", d["process"]
assert sorted(n["node_id"] for n in d["cluster"]["nodes"]) == ["a1", "a2", "c"]
' "$TMP/inspect.out" || fail "--json is not the coordinator's /status: $(head -c 300 "$TMP/inspect.out")"
timeout -s INT 3.5 "$BIN" inspect "127.0.0.1:$mport" --watch >"$TMP/watch.out" 2>&1 || true
frames=$(grep -c "^crashwatch node c (coordinator)" "$TMP/watch.out" || true)
((frames >= 3)) || fail "--watch drew $frames frames in 3.5 s: $(cat "$TMP/watch.out")"
note "--json is /status; --watch drew $frames frames in 3.5 s"

# --- kill -9 a1: shown DOWN, its shards too ----------------------------------
kill -9 "${NODE_PID[a1]}"
node_rc a1 10
wait_inspect 20 '[[ "$(node_row a1)" == *" DOWN" ]]'
[[ "$(node_row a2)" == *" up" && "$(node_row c)" == *" up" ]] \
  || fail "other nodes not up: $(cat "$TMP/inspect.out")"
grep -q "3 nodes, 1 down" "$TMP/inspect.out" || fail "cluster line: $(grep ^cluster "$TMP/inspect.out")"
grep -q "^epoch stopped: waiting for every node" "$TMP/inspect.out" \
  || fail "the stopped epoch is not shown: $(cat "$TMP/inspect.out")"
down_shards=$(rows SHARD | awk '$2 == "a1" && $3 == "node" && $4 == "down"' | wc -l)
want_down=$(awk '$2 == "a1"' "$TMP/status.shards" | wc -l)
((down_shards == want_down && want_down > 0)) \
  || fail "$down_shards shards shown 'node down' on a1, want $want_down: $(cat "$TMP/inspect.out")"
cp "$TMP/inspect.out" "$ART/inspect-cluster-down.txt"
inspect "127.0.0.1:$mport" --json
python3 -c '
import json, sys
d = json.loads(open(sys.argv[1]).read())
up = {n["node_id"]: n["up"] for n in d["cluster"]["nodes"]}
assert up == {"c": True, "a1": False, "a2": True}, up
' "$TMP/inspect.out" || fail "--json does not show a1 down"
# Asked through a2 too.
inspect "127.0.0.1:$m2port"
grep -q "^a1 .* DOWN$" "$TMP/inspect.out" || fail "through a2, a1 is not down: $(cat "$TMP/inspect.out")"
note "a1 killed -9: shown DOWN with its $want_down shards 'node down' (table, --json, through a2)"

# --- a1 back: all up in a later epoch ------------------------------------------
start a1
wait_inspect 60 '[[ "$(node_row a1)" == *" up" && "$(node_row a2)" == *" up" ]] && ! grep -q "node down" "$TMP/inspect.out"'
read -r _ _ _ epoch2 _ < <(node_row a1)
((epoch2 > epoch1)) || fail "epoch $epoch2 after recovery, was $epoch1"
# The new epoch started from a checkpoint: its restore is in /status and
# /metrics, from a checkpoint the coordinator's journal had committed.
restored=$(curl -fsS "http://127.0.0.1:$mport/status" | python3 -c '
import json, sys
r = json.load(sys.stdin)["checkpoints"]["restore"]
assert r["from"] > 0 and 0 < r["seconds"] < 60, r
print(r["from"])') || fail "no restore in /status after the recovery"
newest=$(sqlite3 -readonly "$TMP/c/journal.db" "SELECT max(id) FROM checkpoint")
((restored <= newest)) || fail "restored from checkpoint $restored, c's journal's newest is $newest"
curl -fsS "http://127.0.0.1:$mport/metrics" -o "$TMP/metrics.txt" \
  || fail "no /metrics"
grep -q "^crashwatch_restore_duration_seconds{checkpoint=\"$restored\"} " "$TMP/metrics.txt" \
  || fail "no crashwatch_restore_duration_seconds for checkpoint $restored"
grep -q "^restored from checkpoint $restored in " "$TMP/inspect.out" \
  || fail "inspect does not show the restore: $(cat "$TMP/inspect.out")"
note "a1 restarted: all up again in epoch $epoch2 (was $epoch1), restored from checkpoint $restored"

# --- the coordinator gone: a member still answers, and says so -------------
kill -9 "${NODE_PID[c]}"
node_rc c 10
inspect "127.0.0.1:$m2port"
((INSPECT_RC == 1)) || fail "inspect on a2 without its coordinator exited $INSPECT_RC"
grep -q "^member of coordinator c at 127.0.0.1:$cport: " "$TMP/inspect.out" \
  || fail "a2's own view is not shown: $(cat "$TMP/inspect.out")"
[[ $(wc -l <"$TMP/inspect.err") == 1 ]] \
  && grep -q "^crashwatch inspect: cannot reach its coordinator's /status: http://127.0.0.1:$mport/status" "$TMP/inspect.err" \
  || fail "no one-line reason: $(cat "$TMP/inspect.err")"
note "coordinator killed: inspect on a2 shows a2's own view and why not the cluster's (exit 1)"

# --- bad addresses -----------------------------------------------------------
inspect "127.0.0.1:$(free_port)"
((INSPECT_RC == 1)) || fail "a dead address exited $INSPECT_RC"
[[ $(wc -l <"$TMP/inspect.err") == 1 ]] && grep -q "^crashwatch inspect: cannot reach http://127.0.0.1:" "$TMP/inspect.err" \
  || fail "dead address message: $(cat "$TMP/inspect.err")"
inspect not-an-address
((INSPECT_RC == 2)) || fail "a bad address exited $INSPECT_RC"
grep -q "is not HOST:PORT" "$TMP/inspect.err" || fail "bad address message: $(cat "$TMP/inspect.err")"
note "a dead address exits 1, a bad one 2, each with one line"
