# `crashwatch broker` and `crashwatch generate --brokers`, as real processes:
# the broker on a fixed port, 20000 generated records produced through it and
# counted by kcat (a Kafka client that is not our code), failure injection
# with SIGUSR1/SIGUSR2, clean exit on SIGTERM. About 10 s.
source "$(dirname "$0")/common.sh"
source "$(dirname "$0")/kafka_common.sh"

start_broker 4
PORT=$BROKER_PORT
read -r LINE <"$TMP/broker.out" || fail "broker printed nothing"
[[ $LINE == "crashwatch-broker: 127.0.0.1:$PORT topic logs, 4 partitions" ]] \
  || fail "unexpected broker line: $LINE"

# A second broker on the same port fails with a message naming the port.
if timeout 10 "$BIN" broker --port "$PORT" >/dev/null 2>"$TMP/twin.err"; then
  fail "a second broker on port $PORT started"
fi
grep -q "127.0.0.1:$PORT" "$TMP/twin.err" || fail "no port in: $(cat "$TMP/twin.err")"

# 20000 records as fast as possible, all confirmed.
timeout 60 "$BIN" generate --brokers "$BROKERS" --records 20000 --rate 0 \
  2>"$TMP/gen.err" || fail "generate failed: $(cat "$TMP/gen.err")"
grep -q "produced 20000 records .* 20000 delivered, 0 failed" "$TMP/gen.err" \
  || fail "unexpected generate summary: $(tail -1 "$TMP/gen.err")"
note "$(tail -1 "$TMP/gen.err")"

# kcat reads them all back, spread over the 4 partitions, keyed by user_id.
timeout 30 kcat -C -b "$BROKERS" -t logs -o beginning -e -q -f '%p\t%k\t%s\n' \
  >"$TMP/consumed.txt" 2>"$TMP/kcat.err" || fail "kcat failed: $(cat "$TMP/kcat.err")"
COUNT=$(wc -l <"$TMP/consumed.txt")
[[ $COUNT -eq 20000 ]] || fail "kcat read $COUNT messages, want 20000"
PARTS=$(cut -f1 "$TMP/consumed.txt" | sort -u | wc -l)
[[ $PARTS -eq 4 ]] || fail "messages in $PARTS partitions, want 4"
# Every record's key is its user_id (lines without one have an empty key).
awk -F '\t' '{ if (match($0, /"user_id": "[^"]*"/)) { u = substr($0, RSTART + 12, RLENGTH - 13); if (u != $2 && index(u, "\\") == 0) bad++ } } END { exit bad > 0 }' \
  "$TMP/consumed.txt" || fail "some messages are not keyed by their user_id"

# --partition: everything to one partition.
timeout 60 "$BIN" generate --brokers "$BROKERS" --records 500 --rate 0 --partition 3 \
  2>"$TMP/gen3.err" || fail "generate --partition failed: $(cat "$TMP/gen3.err")"
timeout 30 kcat -C -b "$BROKERS" -t logs -p 3 -o beginning -e -q -f '%p\n' \
  >"$TMP/p3.txt" 2>/dev/null || fail "kcat -p 3 failed"
P3_BEFORE=$(cut -f1 "$TMP/consumed.txt" | grep -cx 3)
[[ $(wc -l <"$TMP/p3.txt") -eq $((P3_BEFORE + 500)) ]] \
  || fail "partition 3 has $(wc -l <"$TMP/p3.txt") messages, want $((P3_BEFORE + 500))"

# Paced: 2 s at 1000 records/s gives about 2000 records.
timeout 30 "$BIN" generate --brokers "$BROKERS" --rate 1000 --duration 2s \
  2>"$TMP/paced.err" || fail "paced generate failed: $(cat "$TMP/paced.err")"
PACED=$(sed -n 's/.*produced \([0-9]*\) records.*/\1/p' "$TMP/paced.err" | tail -1)
[[ $PACED -ge 1800 && $PACED -le 2100 ]] || fail "paced run produced $PACED records, want about 2000"
note "$(tail -1 "$TMP/paced.err")"

# SIGUSR1: brokers down, a producer cannot deliver and says so.
kill -USR1 "$BROKER_PID"
sleep 0.3
grep -q "all brokers down" "$TMP/broker.err" || fail "no SIGUSR1 line: $(cat "$TMP/broker.err")"
if timeout 30 "$BIN" generate --brokers "$BROKERS" --records 10 --rate 0 \
  -X message.timeout.ms=1000 2>"$TMP/down.err"; then
  fail "generate succeeded against a broker that is down"
fi
note "while down: $(tail -1 "$TMP/down.err")"

# SIGUSR2: back up, deliveries succeed again.
kill -USR2 "$BROKER_PID"
sleep 0.3
grep -q "all brokers up" "$TMP/broker.err" || fail "no SIGUSR2 line: $(cat "$TMP/broker.err")"
timeout 60 "$BIN" generate --brokers "$BROKERS" --records 100 --rate 0 \
  2>"$TMP/up.err" || fail "generate after SIGUSR2 failed: $(cat "$TMP/up.err")"

# SIGTERM: clean exit 0, promptly.
kill -TERM "$BROKER_PID"
for _ in $(seq 50); do
  kill -0 "$BROKER_PID" 2>/dev/null || break
  sleep 0.1
done
kill -0 "$BROKER_PID" 2>/dev/null && fail "broker still running 5 s after SIGTERM"
STATUS=0
wait "$BROKER_PID" || STATUS=$?
BROKER_PID=""
[[ $STATUS -eq 0 ]] || fail "broker exited with $STATUS after SIGTERM"
note "ok"
