# Shared by the Kafka integration tests; sourced after common.sh. Starts the
# embedded broker (`crashwatch broker`, librdkafka's mock cluster speaking the
# Kafka protocol) as its own process and produces files with kcat, a Kafka
# client that is not crashwatch's code.

command -v kcat >/dev/null || fail "kcat is missing (scripts/install-deps.sh installs it)"

BROKER_PID=""
BROKER_PORT=""
BROKERS=""
CW_PIDS=()
cleanup_kafka() {
  for pid in "${CW_PIDS[@]}" $BROKER_PID; do
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$TMP"
}
trap cleanup_kafka EXIT

# start_broker PARTITIONS [BROKER_OPTIONS...]: a fresh broker with topic
# "logs" on a free fixed port; sets BROKER_PID, BROKER_PORT and BROKERS
# (parsed from its line).
start_broker() {
  BROKER_PORT=$(free_port)
  "$BIN" broker --port "$BROKER_PORT" --partitions "$1" --topic logs "${@:2}" \
    >"$TMP/broker.out" 2>"$TMP/broker.err" &
  BROKER_PID=$!
  for _ in $(seq 100); do
    [[ -s $TMP/broker.out ]] && break
    kill -0 "$BROKER_PID" 2>/dev/null || fail "broker died: $(cat "$TMP/broker.err")"
    sleep 0.1
  done
  BROKERS=$(awk '{print $2; exit}' "$TMP/broker.out")
  [[ $BROKERS == 127.0.0.1:* ]] || fail "broker printed no address: $(cat "$TMP/broker.out")"
  note "broker at $BROKERS (pid $BROKER_PID)"
}

# produce FILE PARTITION: every line of FILE as one message, in order, to
# partition PARTITION of "logs". Blank lines are left out first (kcat skips
# them), so that message offset = line number of the FILE.msgs it writes.
produce() {
  grep -v '^[[:space:]]*$' "$1" >"$1.msgs" || true
  timeout 60 kcat -P -b "$BROKERS" -t logs -p "$2" -l "$1.msgs" \
    2>"$TMP/kcat.err" || fail "kcat could not produce $1: $(cat "$TMP/kcat.err")"
}

# wait_for_lines FILE N SECONDS: until FILE has at least N lines.
wait_for_lines() {
  local deadline=$((SECONDS + $3))
  while ((SECONDS < deadline)); do
    [[ -f $1 ]] && (($(wc -l <"$1") >= $2)) && return 0
    sleep 0.2
  done
  return 1
}
