# Kafka consumer lag and per-actor load in /status and /metrics, from a live
# `crashwatch run --metrics` (no --exit-at-end) reading the embedded broker:
# every partition's end_offset is the number of records the test produced to
# it (kcat, not crashwatch), its lag reaches 0 once the run has caught up,
# and both follow when more records come while it runs. That end comes from
# librdkafka's statistics only (the watermark query at start is long past),
# and reaches /status only because a reader with nothing to read keeps
# reporting: the report sent with the new records carries the end of the
# statistics before them. Reader busy time and mailbox, and the sink's
# messages, busy time and mailbox are there too; a scrape passes `promtool
# check metrics`.
source "$(dirname "$0")/common.sh"
source "$(dirname "$0")/kafka_common.sh"

command -v promtool >/dev/null \
  || { note "skipped: promtool missing (scripts/install-deps.sh installs it)"; exit 77; }

start_broker 3
declare -A produced
for p in 0 1 2; do
  gen "$TMP/i$p.jsonl" --records $((700 * (p + 1))) --users 50 --seed $((60 + p))
  produce "$TMP/i$p.jsonl" "$p"
  produced[$p]=$(wc -l <"$TMP/i$p.jsonl.msgs")
done
at_least 700 "${produced[0]}" "records produced to partition 0"

mport=$(free_port)
"$BIN" run --brokers "$BROKERS" --from earliest --metrics "127.0.0.1:$mport" \
  --output jsonl --output-file /dev/null --late-output /dev/null \
  --dead-letter /dev/null 2>"$TMP/run.err" &
CW_PIDS+=($!)

# expect_partitions "P:END ..." SECONDS: until /status shows, for each
# partition P, end_offset = offset = records_read = END and lag_records = 0
# (and lag 0 in /metrics); fails with the last /status after SECONDS.
expect_partitions() {
  local deadline=$((SECONDS + $2))
  while ((SECONDS < deadline)); do
    if curl -sf --max-time 2 "http://127.0.0.1:$mport/status" >"$TMP/status.json" \
      && python3 - "$TMP/status.json" "$1" <<'PY'; then
import json, sys
doc = json.load(open(sys.argv[1]))
parts = {p["partition"]: p for p in doc["partitions"]}
for want in sys.argv[2].split():
    p, end = (int(x) for x in want.split(":"))
    got = parts.get(p)
    if got is None or not (got["end_offset"] == got["offset"]
                           == got["records_read"] == end
                           and got["lag_records"] == 0):
        sys.exit(1)
PY
      return 0
    fi
    sleep 0.3
  done
  fail "/status never showed end_offset = offset = records read and lag 0 for $1 within $2 s: $(cat "$TMP/status.json" 2>/dev/null) $(tail -3 "$TMP/run.err")"
}

expect_partitions "0:${produced[0]} 1:${produced[1]} 2:${produced[2]}" 20
note "caught up: end_offset = records produced (${produced[0]}, ${produced[1]}, ${produced[2]}), lag_records 0"

# --- /metrics: the lag series, reader and sink load ---------------------------
curl -sf "http://127.0.0.1:$mport/metrics" >"$TMP/scrape.txt" || fail "cannot scrape /metrics"
for p in 0 1 2; do
  grep -qx "crashwatch_kafka_consumer_lag_records{partition=\"$p\"} 0" "$TMP/scrape.txt" \
    || fail "no crashwatch_kafka_consumer_lag_records{partition=\"$p\"} 0: $(grep lag_records "$TMP/scrape.txt")"
  grep -qx "crashwatch_reader_mailbox_messages{partition=\"$p\"} [0-9]*" "$TMP/scrape.txt" \
    || fail "no crashwatch_reader_mailbox_messages for partition $p"
  # Busy time > 0: the reader parsed hundreds of records.
  grep -qE "^crashwatch_reader_busy_seconds_total\{partition=\"$p\"\} [0-9.e-]*[1-9]" "$TMP/scrape.txt" \
    || fail "no positive crashwatch_reader_busy_seconds_total for partition $p: $(grep reader_busy "$TMP/scrape.txt")"
done
grep -qE '^crashwatch_sink_messages_total [1-9]' "$TMP/scrape.txt" \
  || fail "no positive crashwatch_sink_messages_total: $(grep sink_ "$TMP/scrape.txt")"
grep -qE '^crashwatch_sink_busy_seconds_total [0-9.e-]*[1-9]' "$TMP/scrape.txt" \
  || fail "no positive crashwatch_sink_busy_seconds_total: $(grep sink_ "$TMP/scrape.txt")"
grep -qE '^crashwatch_sink_mailbox_messages [0-9]' "$TMP/scrape.txt" \
  || fail "no crashwatch_sink_mailbox_messages"
promtool check metrics <"$TMP/scrape.txt" >"$TMP/promtool.out" 2>&1 \
  || fail "promtool check metrics: $(cat "$TMP/promtool.out")"
python3 - "$TMP/status.json" <<'PY' || fail "/status: sink or reader load missing: $(cat "$TMP/status.json")"
import json, sys
doc = json.load(open(sys.argv[1]))
sink = doc["sink"]
assert sink["messages"] > 0 and sink["busy_seconds"] > 0 and sink["mailbox"] >= 0, sink
for p in doc["partitions"]:
    assert p["busy_seconds"] > 0 and p["mailbox"] >= 0 and p["batches"] > 0, p
PY
note "lag, reader busy/mailbox and sink series exist; promtool check metrics: clean"

# --- more records while it runs -------------------------------------------------
gen "$TMP/more.jsonl" --records 900 --users 50 --seed 70
produce "$TMP/more.jsonl" 1
more=$(wc -l <"$TMP/more.jsonl.msgs")
expect_partitions "0:${produced[0]} 1:$((produced[1] + more)) 2:${produced[2]}" 15
note "partition 1 grew by $more records: end_offset $((produced[1] + more)), lag 0 again"
