# Durable state, Kafka input (the embedded broker): `run --brokers ...
# --from earliest --exit-at-end --data-dir` killed again and again (kill -9 at
# random moments, kill points, one SIGINT) and restarted with the same
# command until a life ends by itself. Records produced to the topic after
# the first start are not read: the end offsets were fixed then. Final
# outputs byte for byte as a failure-free run's and as the oracle's over the
# records produced before the first start. Also: a second process on a data
# dir in use is refused; another --topic or --partitions is refused.
source "$(dirname "$0")/common.sh"
source "$(dirname "$0")/kafka_common.sh"
source "$(dirname "$0")/durable_common.sh"

start_broker 4
# Under the mock's 5 MiB per partition (docs/BROKER.md): about 170 bytes a
# record, (18000 + 4000) records per partition.
N=${DURABILITY_RECORDS:-18000}
gen "$TMP/k0.jsonl" --records "$N" --users 200 --seed 201 \
  --late-fraction 0.02 --malformed-fraction 0.01
gen "$TMP/k1.jsonl" --records "$N" --users 200 --seed 202 \
  --start 2026-01-20T13:53:04Z --out-of-order 8000 --malformed-fraction 0.02
gen "$TMP/k2.jsonl" --records "$N" --users 200 --seed 203 \
  --events-per-second 500 --late-fraction 0.05 --malformed-fraction 0.005
gen "$TMP/k3.jsonl" --records "$N" --users 200 --seed 204 \
  --start 1768917170000 --out-of-order 40000 --malformed-fraction 0.005
for p in 0 1 2 3; do produce "$TMP/k$p.jsonl" "$p"; done
msgs=("$TMP/k0.jsonl.msgs" "$TMP/k1.jsonl.msgs" "$TMP/k2.jsonl.msgs" "$TMP/k3.jsonl.msgs")
records=$(nonblank_lines "${msgs[@]}")

oracle_outputs "$TMP/expected" --offsets messages \
  --input "${msgs[0]}" --input "${msgs[1]}" --input "${msgs[2]}" --input "${msgs[3]}"
outputs_at_least 100 "$TMP/expected"

# cmd_for NAME: the command of run NAME (its own data dir and outputs).
cmd_for() {
  local d="$TMP/$1"
  mkdir -p "$d"
  CMD=(run --brokers "$BROKERS" --topic logs --from earliest --exit-at-end
       --shards 3 --data-dir "$d/data"
       --output jsonl --output-file "$d/alerts.jsonl"
       --output "sqlite:$d/alerts.db"
       --late-output "$d/late.jsonl" --dead-letter "$d/dead.jsonl")
}

check_outputs() {
  check_oracle_outputs "$1"
}

# 1. The failure-free run, before anything else is produced.
reference_life

# 2. Lives. The first one dies right after committing checkpoint 0, which
# fixes the end offsets; then more records arrive in every partition: later
# windows, many crashes, many malformed lines. Read, they would change
# alerts, dead letters and the record count.
cmd_for lives
LIFE_CMD=("${CMD[@]}")
LIFE_DIR="$TMP/lives/data"
# A checkpoint here may cover the whole rest of the input, so as in
# durability_file_test the plan starts with lives that cannot move the run
# (the kill count must not depend on the machine's speed), then SIGINT
# (exit 130), then lives that move it.
LIFE_PLAN=(
  point:checkpoint-commit:1                          # checkpoint 0
  "kill9:$(rand_between 1 20)"                       # very early
  point:restore-cut-back
  point:checkpoint-write:1                           # inside a restart's first
  "kill9:$(rand_between 1 30)"
  point:alerts-written:1
  point:restore-cut-back
  "int:$(rand_between 0 5)"                       # stop: exit 130
  point:checkpoint-write:2
  point:alerts-written:2
  "kill9:$(rand_between 0 $((T / 4)))"
  point:alerts-written:3
  "kill9:$(rand_between $((T / 10)) $((T / 3)))"
)
# (No checkpoint-commit kill late in the plan: here a restart's first
# checkpoint is often the run's final one, and a life killed right after it
# leaves no summary line to check.)
LIFE_EXTRA=()
for i in "${!LIFE_PLAN[@]}"; do LIFE_EXTRA[i]="--checkpoint-interval 20ms"; done
# Options that do not shape results may change between lives.
LIFE_EXTRA[4]="--checkpoint-interval 20ms --group other-group"
# The SIGINT life must still be reading when its signal comes, a few ms
# after it says where it resumes, whatever the machine's load: with
# queued.min.messages=1 librdkafka fetches one batch at a time, so reading
# the rest would take a second or more instead of ~50 ms (measured: 72k
# records in 11 s instead of 0.1 s).
LIFE_EXTRA[7]="--checkpoint-interval 20ms -X queued.min.messages=1"
LIFE_EXTRA[8]="--checkpoint-interval 10ms -X fetch.wait.max.ms=20"
LIFE_EXTRA[10]="--checkpoint-interval 20ms --idle-timeout 30s"
LIFE_FINAL_TRIES=2
produced_more=0
after_life() {
  local i=$1
  if ((i == 0)); then
    ((LIFE_RC == 137)) || fail "life 0 (checkpoint-commit:1) exited $LIFE_RC, not killed after checkpoint 0: $(tail -3 "$TMP/kafka-life0.err")"
    for p in 0 1 2 3; do
      gen "$TMP/more$p.jsonl" --records 4000 --users 20 --seed $((210 + p)) \
        --start 2026-01-20T15:00:00Z --events-per-second 2000 \
        --malformed-fraction 0.05
      produce "$TMP/more$p.jsonl" "$p"
    done
    produced_more=1
    note "produced 4 x 4000 more records after the first start"
    # The data dir is not another one's: a changed input set is refused
    # (and the refusal harms nothing, the lives go on).
    local rc a c
    # --topic other instead of --topic logs (a topic that exists: the mock
    # creates it on the first message).
    echo '{"timestamp": 1768917180000}' | timeout 30 kcat -P -b "$BROKERS" -t other -p 0 \
      2>"$TMP/kcat.err" || fail "kcat could not produce to topic other: $(cat "$TMP/kcat.err")"
    c=()
    for a in "${LIFE_CMD[@]}"; do [[ $a == logs ]] && c+=(other) || c+=("$a"); done
    rc=0
    cw "${c[@]}" --checkpoint-interval 20ms >/dev/null 2>"$TMP/mismatch.err" || rc=$?
    refused 2 "$rc" "$TMP/mismatch.err" "restart with --topic other" --topic journal
    rc=0
    cw "${LIFE_CMD[@]}" --partitions 0,1 --checkpoint-interval 20ms >/dev/null \
      2>"$TMP/mismatch.err" || rc=$?
    refused 2 "$rc" "$TMP/mismatch.err" "restart with --partitions 0,1" --partitions journal
  fi
}
RUN_NAME="kafka"
run_lives kafka 10000
at_least 6 "$LIVES_KILLED" "lives killed (exit 137)"
((LIVES_STOPPED == 1)) || fail "the SIGINT life exited 0, not 130: the run had ended before the signal, or the signal was not honoured"
((produced_more == 1)) || fail "the run ended in its first life, before more records were produced"
max_resumed=-1
for id in ${RESUMED_IDS[@]+"${RESUMED_IDS[@]}"}; do ((id <= max_resumed)) || max_resumed=$id; done
at_least 1 "$max_resumed" "as newest checkpoint id restarts resumed from"
note "$LIVES_RUN lives, $LIVES_KILLED killed, $LIVES_STOPPED stopped by SIGINT; resumed from checkpoints ${RESUMED_IDS[*]:-none}"

# 3. Outputs: as the oracle over the records produced before the first
# start, as the failure-free run; the whole run counted once.
python3 - "$TMP/lives/dead.jsonl" "${msgs[@]}" <<'PY' || fail "records produced after the first start were read (see above)"
import json, sys
ends = [sum(1 for _ in open(f, "rb")) for f in sys.argv[2:]]
beyond = [l for l in open(sys.argv[1]) if json.loads(l)["offset"] >= ends[json.loads(l)["partition"]]]
if beyond:
    sys.exit(f"{len(beyond)} dead letters have offsets past the end offsets of the "
             f"first start {ends}, e.g. {beyond[0][:120]}")
PY
check_lives_outputs "$records were produced before the first start"

# 4. A restart after the end: nothing to do, even with more records waiting.
check_restart_after_end

# 5. A data dir in use: a live run (no --exit-at-end: it never ends by
# itself) holds it; a second process on it is refused; SIGINT stops the first.
cmd_for inuse
inuse=()
for a in "${CMD[@]}"; do [[ $a == --exit-at-end ]] || inuse+=("$a"); done
"$BIN" "${inuse[@]}" >/dev/null 2>"$TMP/inuse1.err" &
first=$!
CW_PIDS+=("$first")
for _ in $(seq 600); do
  grep -q 'new journal' "$TMP/inuse1.err" && break
  kill -0 "$first" 2>/dev/null || fail "live run died: $(cat "$TMP/inuse1.err")"
  sleep 0.05
done
grep -q 'new journal' "$TMP/inuse1.err" || fail "live run did not say 'new journal' in 30 s: $(cat "$TMP/inuse1.err")"
rc=0
cw "${inuse[@]}" >/dev/null 2>"$TMP/inuse2.err" || rc=$?
refused 1 "$rc" "$TMP/inuse2.err" "a second process on a data dir in use" "in use"
kill -0 "$first" 2>/dev/null || fail "the first run died when a second one tried its data dir: $(tail -3 "$TMP/inuse1.err")"
kill -INT "$first"
wait_rc "$first" "the live run stopped by SIGINT"
((WAIT_RC == 130)) || fail "live run stopped by SIGINT exited $WAIT_RC: $(tail -3 "$TMP/inuse1.err")"
note "$(wc -l <"$TMP/expected.jsonl") alerts, $(wc -l <"$TMP/expected.late") late, $(wc -l <"$TMP/expected.malformed") malformed, $records records: as the oracle and the failure-free run; a data dir in use is refused"
