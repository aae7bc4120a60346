# Bad broker address or unknown topic: a clear one-line error within a
# bounded time, not a hang.
source "$(dirname "$0")/common.sh"
source "$(dirname "$0")/kafka_common.sh"

port=$(free_port) # nothing listens there
start=$SECONDS
rc=0
timeout 60 "$BIN" run --brokers "127.0.0.1:$port" --exit-at-end \
  2>"$TMP/err1" >/dev/null || rc=$?
((rc == 1)) || fail "unreachable broker: exit $rc, not 1: $(cat "$TMP/err1")"
((SECONDS - start < 40)) || fail "unreachable broker took $((SECONDS - start)) s"
grep -q "127.0.0.1:$port" "$TMP/err1" \
  || fail "the error does not name the broker: $(cat "$TMP/err1")"
note "unreachable broker: $(tail -1 "$TMP/err1")"

start_broker 2
rc=0
timeout 60 "$BIN" run --brokers "$BROKERS" --topic no-such-topic \
  --exit-at-end 2>"$TMP/err2" >/dev/null || rc=$?
((rc == 1)) || fail "unknown topic: exit $rc, not 1: $(cat "$TMP/err2")"
grep -q "no-such-topic" "$TMP/err2" \
  || fail "the error does not name the topic: $(cat "$TMP/err2")"
note "unknown topic: $(tail -1 "$TMP/err2")"

rc=0
timeout 60 "$BIN" run --brokers "$BROKERS" --partitions 7 --exit-at-end \
  2>"$TMP/err3" >/dev/null || rc=$?
((rc == 1)) || fail "missing partition: exit $rc, not 1: $(cat "$TMP/err3")"
grep -q "7" "$TMP/err3" || fail "the error does not name the partition"
note "missing partition: $(tail -1 "$TMP/err3")"
