# One partition silent: with --idle-timeout, alerts from the other partitions
# still come out while the run is live (no --exit-at-end), and a clean stop
# (SIGINT) exits 130 with a summary of what was done up to the stop.
source "$(dirname "$0")/common.sh"
source "$(dirname "$0")/kafka_common.sh"

start_broker 4
for p in 0 1 2; do
  # 250 s of event time, so windows complete long before the data ends.
  gen "$TMP/i$p.jsonl" --records 5000 --users 20 --events-per-second 20 \
    --seed $((30 + p))
  produce "$TMP/i$p.jsonl" "$p"
done
# Partition 3 stays empty. Without idleness it would hold the global
# watermark at its start forever: no window could complete.
"$BIN" run --brokers "$BROKERS" --from earliest --idle-timeout 1s \
  --output jsonl --output-file "$TMP/alerts.jsonl" --late-output /dev/null \
  --dead-letter /dev/null 2>"$TMP/run.err" &
CW_PIDS+=($!)
wait_for_lines "$TMP/alerts.jsonl" 10 30 \
  || fail "no alerts 30 s after start with partition 3 silent: $(tail -3 "$TMP/run.err")"
# The alerts that came out are exact: every one is in the oracle's answer
# over partitions 0-2 (windows still open at the end need not be out yet).
oracle_outputs "$TMP/expected" --offsets messages --input "$TMP/i0.jsonl.msgs" \
  --input "$TMP/i1.jsonl.msgs" --input "$TMP/i2.jsonl.msgs"
sleep 1
kill -INT "${CW_PIDS[0]}"
rc=0
wait "${CW_PIDS[0]}" || rc=$?
((rc == 130)) || fail "run stopped by SIGINT exited $rc, not 130: $(tail -3 "$TMP/run.err")"
CW_PIDS=()
n=$(wc -l <"$TMP/alerts.jsonl")
head -n "$n" "$TMP/expected.jsonl" >"$TMP/expected.prefix"
same_file "$TMP/expected.prefix" "$TMP/alerts.jsonl" "alerts while partition 3 is idle"
# Where it stopped, then the counts up to the stop: every record produced was
# read long before, and the alerts counted are the lines written.
grep -q '^crashwatch run: interrupted: ' "$TMP/run.err" \
  || fail "no 'interrupted' line after SIGINT: $(tail -3 "$TMP/run.err")"
produced=$(cat "$TMP"/i[012].jsonl.msgs | wc -l)
summary=$(tail -1 "$TMP/run.err")
[[ $summary == "crashwatch: 4 partitions, $produced records ("*"), $n alerts in "* ]] \
  || fail "summary after SIGINT is not '4 partitions, $produced records, $n alerts': $summary"
note "partition 3 silent: $n alerts came out after the idle timeout, all exact"
