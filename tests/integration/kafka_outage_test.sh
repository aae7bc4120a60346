# The broker goes down for several seconds mid-stream (SIGUSR1/SIGUSR2 of the
# embedded broker) while crashwatch reads live and more records are produced:
# the output is still exact (nothing lost, nothing counted twice).
source "$(dirname "$0")/common.sh"
source "$(dirname "$0")/kafka_common.sh"

start_broker 2
for p in 0 1; do
  gen "$TMP/o$p.jsonl" --records 20000 --users 200 --seed $((50 + p)) \
    --late-fraction 0.01 --malformed-fraction 0.01
  grep -v '^[[:space:]]*$' "$TMP/o$p.jsonl" >"$TMP/o$p.all"
  # A last non-matching record an hour later moves the partition's watermark
  # past every window, so all alerts come out while the run is live.
  echo '{"timestamp": "2026-01-20T23:00:00Z", "content": "end of test"}' >>"$TMP/o$p.all"
  head -n 10000 "$TMP/o$p.all" >"$TMP/o$p.first"
  tail -n +10001 "$TMP/o$p.all" >"$TMP/o$p.second"
  produce "$TMP/o$p.first" "$p"
done
oracle_outputs "$TMP/expected" --offsets messages --input "$TMP/o0.all" \
  --input "$TMP/o1.all"
expected=$(wc -l <"$TMP/expected.jsonl")
at_least 50 "$expected" "expected alerts"

"$BIN" run --brokers "$BROKERS" --from earliest --output jsonl \
  --output-file "$TMP/alerts.jsonl" --late-output /dev/null \
  --dead-letter /dev/null -X reconnect.backoff.max.ms=500 2>"$TMP/run.err" &
CW_PIDS+=($!)
sleep 2
kill -USR1 "$BROKER_PID" # all brokers down while crashwatch reads live
sleep 5
kill -USR2 "$BROKER_PID" # up again
grep -q "lost connection to Kafka" "$TMP/run.err" \
  || fail "the reader did not notice the outage: $(cat "$TMP/run.err")"
# The rest of the stream arrives after the outage (kcat itself gives up while
# every broker is down, so it produces only now).
sleep 1
for p in 0 1; do produce "$TMP/o$p.second" "$p"; done
wait_for_lines "$TMP/alerts.jsonl" "$expected" 60 \
  || fail "only $(wc -l <"$TMP/alerts.jsonl") of $expected alerts 60 s after the outage: $(tail -3 "$TMP/run.err")"
sleep 1 # anything beyond the expected alerts would show now
kill -INT "${CW_PIDS[0]}"
wait "${CW_PIDS[0]}" || true
same_file "$TMP/expected.jsonl" "$TMP/alerts.jsonl" "alerts across a broker outage"
note "broker down 5 s mid-stream: $expected alerts, same as the oracle"
