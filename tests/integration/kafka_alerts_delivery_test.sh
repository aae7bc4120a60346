# --alerts-topic when the topic's broker does not take the alerts: the
# embedded broker's "dead-alerts" has no leader (`broker --leaderless-topic`),
# so every alert produced to it waits until librdkafka times it out, while
# the input topic "logs" reads normally.
#  * the run writes every alert to its file while their deliveries are still
#    pending (the sink does not wait for the broker: the sink that waited
#    wrote nothing until the broker confirmed, which never happens here);
#  * --on-data-loss warn: the run completes (exit 0), one stderr line per
#    failure for the first 10 naming topic, partition, key and reason, and
#    the summary counts them all;
#  * --on-data-loss fail (default): the run stops with exit status 1 and the
#    one-line error naming topic, partition, key and reason.
source "$(dirname "$0")/common.sh"
source "$(dirname "$0")/kafka_common.sh"

start_broker 1 --leaderless-topic dead-alerts
gen "$TMP/k0.jsonl" --records 20000 --users 200 --seed 41
produce "$TMP/k0.jsonl" 0
oracle_outputs "$TMP/expected" --offsets messages --input "$TMP/k0.jsonl.msgs"
want=$(wc -l <"$TMP/expected.jsonl")
at_least 20 "$want" "alerts"

# warn: deliveries time out after 10 s; the file is complete long before.
"$BIN" run --brokers "$BROKERS" --from earliest --exit-at-end \
  --alerts-topic dead-alerts --on-data-loss warn -X message.timeout.ms=10000 \
  --output jsonl --output-file "$TMP/alerts.jsonl" --late-output /dev/null \
  --dead-letter /dev/null 2>"$TMP/warn.err" &
RUN_PID=$!
CW_PIDS+=("$RUN_PID")
started=$SECONDS
wait_for_lines "$TMP/alerts.jsonl" "$want" 8 \
  || fail "after 8 s the alerts file has $(wc -l <"$TMP/alerts.jsonl" 2>/dev/null || echo 0) of $want alerts: the sink waits for the broker"
kill -0 "$RUN_PID" 2>/dev/null \
  || fail "the run ended before its deliveries could time out: $(tail -3 "$TMP/warn.err")"
note "all $want alerts written after $((SECONDS - started)) s while their deliveries were pending"
status=0
wait "$RUN_PID" || status=$?
[[ $status -eq 0 ]] || fail "warn: exit status $status: $(tail -3 "$TMP/warn.err")"
same_file "$TMP/expected.jsonl" "$TMP/alerts.jsonl" "alerts (warn)"
failures=$(grep -c "alert not delivered to Kafka topic dead-alerts partition 0 key [0-9]*:[^:]*: Local: Message timed out" "$TMP/warn.err" || true)
[[ $failures -eq 10 ]] || fail "warn: $failures failure lines (want the first 10): $(head -3 "$TMP/warn.err")"
grep -q "further alerts not delivered to topic dead-alerts are only counted" "$TMP/warn.err" \
  || fail "warn: no line saying the rest are only counted"
grep -q "; $want alerts NOT delivered to the alerts topic" "$TMP/warn.err" \
  || fail "warn: the summary does not count $want undelivered alerts: $(tail -2 "$TMP/warn.err")"
note "warn: exit 0, 10 failure lines, $want undelivered counted in the summary"

# fail (the default): the first timeout stops the run.
status=0
cw run --brokers "$BROKERS" --from earliest --exit-at-end \
  --alerts-topic dead-alerts -X message.timeout.ms=1000 \
  --output jsonl --output-file "$TMP/alerts-fail.jsonl" \
  --late-output /dev/null --dead-letter /dev/null 2>"$TMP/fail.err" \
  || status=$?
[[ $status -eq 1 ]] || fail "fail: exit status $status (want 1): $(tail -3 "$TMP/fail.err")"
grep -q "alert not delivered to Kafka topic dead-alerts partition 0 key [0-9]*:[^ ]*: Local: Message timed out" "$TMP/fail.err" \
  || fail "fail: no error naming topic, partition, key and reason: $(tail -3 "$TMP/fail.err")"
note "fail: exit 1 with: $(grep -m1 "alert not delivered" "$TMP/fail.err")"
