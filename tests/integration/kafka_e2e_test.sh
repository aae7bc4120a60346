# Kafka end to end: known records produced (by kcat) to 4 partitions of the
# embedded broker, read by `run --brokers --from earliest --exit-at-end`, and
# checked partition by partition against the independent oracle: alerts byte
# for byte, and the exact late and malformed sets (by partition and offset).
source "$(dirname "$0")/common.sh"
source "$(dirname "$0")/kafka_common.sh"

start_broker 4
# Partitions with their own pace and disorder, late and malformed records.
gen "$TMP/k0.jsonl" --records 20000 --users 300 --seed 21 \
  --late-fraction 0.02 --malformed-fraction 0.01
gen "$TMP/k1.jsonl" --records 20000 --users 300 --seed 22 \
  --start 2026-01-20T13:53:04Z --out-of-order 8000 --malformed-fraction 0.02
gen "$TMP/k2.jsonl" --records 20000 --users 300 --seed 23 \
  --events-per-second 500 --late-fraction 0.05
gen "$TMP/k3.jsonl" --records 20000 --users 300 --seed 24 \
  --start 1768917170000 --out-of-order 40000 --malformed-fraction 0.005
for p in 0 1 2 3; do produce "$TMP/k$p.jsonl" "$p"; done

oracle_outputs "$TMP/expected" --offsets messages \
  --input "$TMP/k0.jsonl.msgs" --input "$TMP/k1.jsonl.msgs" \
  --input "$TMP/k2.jsonl.msgs" --input "$TMP/k3.jsonl.msgs"

cw run --brokers "$BROKERS" --topic logs --from earliest --exit-at-end \
  --alerts-topic alerts \
  --shards 3 --output jsonl --output-file "$TMP/alerts.jsonl" \
  --late-output "$TMP/late.jsonl" --dead-letter "$TMP/dead.jsonl" \
  2>"$TMP/run.err" || fail "run exited $?: $(tail -5 "$TMP/run.err")"

same_file "$TMP/expected.jsonl" "$TMP/alerts.jsonl" "alerts"
offsets "$TMP/late.jsonl" "$TMP/actual.late"
same_file "$TMP/expected.late" "$TMP/actual.late" "late records"
offsets "$TMP/dead.jsonl" "$TMP/actual.malformed"
same_file "$TMP/expected.malformed" "$TMP/actual.malformed" "malformed records"
at_least 100 "$(wc -l <"$TMP/expected.jsonl")" "alerts"
at_least 100 "$(wc -l <"$TMP/expected.late")" "late records"
at_least 100 "$(wc -l <"$TMP/expected.malformed")" "malformed records"
# --alerts-topic: the same alerts, each once, keyed <window_start_ms>:<user_id>
# (a topic's partitions have no common order: compare sorted).
timeout 60 kcat -C -b "$BROKERS" -t alerts -e -q -f '%k %s\n' \
  >"$TMP/topic.txt" 2>"$TMP/kcat-c.err" || fail "kcat -C: $(cat "$TMP/kcat-c.err")"
cut -d' ' -f2- "$TMP/topic.txt" | sort >"$TMP/topic.sorted"
sort "$TMP/expected.jsonl" >"$TMP/expected.sorted"
same_file "$TMP/expected.sorted" "$TMP/topic.sorted" "alerts in the alerts topic"
python3 - "$TMP/topic.txt" <<'PY' || fail "alert keys are not <window_start_ms>:<user_id>"
import json, sys
for line in open(sys.argv[1]):
    key, value = line.rstrip("\n").split(" ", 1)
    a = json.loads(value)
    assert key == f"{a['window_start_ms']}:{a['user_id']}", (key, value)
PY
note "4 partitions: $(wc -l <"$TMP/alerts.jsonl") alerts, $(wc -l <"$TMP/late.jsonl") late, $(wc -l <"$TMP/dead.jsonl") malformed: same as the oracle"

# --partitions reads a subset: partitions 1 and 3 alone, against the oracle
# over those two.
oracle_outputs "$TMP/expected13" --offsets messages \
  --input /dev/null --input "$TMP/k1.jsonl.msgs" \
  --input /dev/null --input "$TMP/k3.jsonl.msgs"
cw run --brokers "$BROKERS" --partitions 1,3 --from earliest --exit-at-end \
  --output jsonl --output-file "$TMP/alerts13.jsonl" --late-output /dev/null \
  --dead-letter /dev/null 2>"$TMP/run13.err" \
  || fail "run --partitions 1,3 exited $?: $(tail -5 "$TMP/run13.err")"
same_file "$TMP/expected13.jsonl" "$TMP/alerts13.jsonl" "alerts of partitions 1,3"
note "--partitions 1,3: $(wc -l <"$TMP/alerts13.jsonl") alerts, same as the oracle"
