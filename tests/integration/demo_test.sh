# `crashwatch demo --metrics HOST:PORT` (the README's first command, with
# telemetry): the embedded broker, the generator and the pipeline in one
# process. It prints the live page's address; /status shows the 4 Kafka
# partitions of topic logs being read, with their end offsets (consumer lag);
# `crashwatch inspect` reads it; the first alert table reaches the console
# once the first window and the 10 s watermark delay have passed; Ctrl-C
# stops all three with exit 0.
source "$(dirname "$0")/common.sh"

mport=$(free_port)
"$BIN" demo --rate 5000 --dir "$TMP" --metrics "127.0.0.1:$mport" \
  >"$TMP/demo.out" 2>"$TMP/demo.err" &
pid=$!
trap 'kill -9 $pid 2>/dev/null || true; rm -rf "$TMP"' EXIT

until=$((SECONDS + 20))
until grep -q "live page on http://127.0.0.1:$mport/" "$TMP/demo.err"; do
  kill -0 $pid 2>/dev/null || fail "demo exited: $(cat "$TMP/demo.err")"
  ((SECONDS < until)) || fail "demo printed no page address: $(cat "$TMP/demo.err")"
  sleep 0.1
done
grep -q -- "--metrics 127.0.0.1:$mport" "$TMP/demo.err" \
  || fail "the pipeline line does not show --metrics: $(cat "$TMP/demo.err")"
curl -fsS "http://127.0.0.1:$mport/" -o "$TMP/page.html" \
  || fail "no live page at http://127.0.0.1:$mport/"
grep -q "<title>" "$TMP/page.html" || fail "the page at http://127.0.0.1:$mport/ is no HTML page"

# status_of FIELD: python expression over the /status document `d`.
status_of() {
  curl -fsS "http://127.0.0.1:$mport/status" | python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"
}
until=$((SECONDS + 20))
while :; do
  parts=$(status_of '" ".join(sorted(p["source"] for p in d["partitions"] if p["end_offset"] is not None))')
  [[ $parts == "kafka logs/0 kafka logs/1 kafka logs/2 kafka logs/3" ]] && break
  ((SECONDS < until)) || fail "/status never showed the 4 partitions of logs with their ends: '$parts'"
  sleep 0.2
done
first=$(status_of 'd["totals"]["records_read"]')
sleep 1.5
second=$(status_of 'd["totals"]["records_read"]')
((second > first)) || fail "records read did not grow: $first, then $second"
note "demo --metrics: page address printed, 4 partitions of logs with their ends in /status, records read $first -> $second"

timeout 10 "$BIN" inspect "127.0.0.1:$mport" >"$TMP/inspect.out" \
  || fail "inspect on the demo failed"
rows=$(awk '/^PARTITION /{t=1; next} t && NF == 0 {t=0} t && $2 == "kafka" && $6 ~ /^[0-9]+$/' \
  "$TMP/inspect.out" | wc -l)
((rows == 4)) || fail "inspect shows $rows Kafka partitions with an end: $(cat "$TMP/inspect.out")"
note "inspect on the demo: 4 Kafka partitions with offset, end and lag"

until=$((SECONDS + 45))
until grep -q "^|Interval" "$TMP/demo.out"; do
  kill -0 $pid 2>/dev/null || fail "demo exited: $(cat "$TMP/demo.err")"
  ((SECONDS < until)) || fail "no alert table after 45 s: $(tail -5 "$TMP/demo.err")"
  sleep 0.2
done
kill -INT $pid
rc=0
timeout 20 tail --pid=$pid -f /dev/null || fail "demo did not stop within 20 s of SIGINT"
wait $pid || rc=$?
((rc == 0)) || fail "demo exited $rc after SIGINT: $(tail -3 "$TMP/demo.err")"
note "the first alert table reached the console; SIGINT stopped the demo with exit 0"
