# Data loss is never silent: the reader is frozen (SIGSTOP) while more is
# produced than the broker keeps (the embedded broker keeps ~5 MiB per
# partition), so the offsets it needs next are deleted. With
# --on-data-loss fail the run stops with a message naming partition, expected
# and available offsets, and a non-zero status; with warn it reports, counts
# and goes on.
source "$(dirname "$0")/common.sh"
source "$(dirname "$0")/kafka_common.sh"

start_broker 1
gen "$TMP/small.jsonl" --records 100 --seed 41
gen "$TMP/big.jsonl" --records 60000 --seed 42 # ~10 MB: twice what is kept
produce "$TMP/small.jsonl" 0

# run_frozen POLICY: starts a run, lets it read the first 100 records,
# freezes it, overflows the partition, thaws it.
run_frozen() {
  "$BIN" run --brokers "$BROKERS" --from earliest --on-data-loss "$1" \
    --output jsonl --output-file /dev/null --late-output /dev/null \
    --dead-letter /dev/null 2>"$TMP/run-$1.err" &
  CW_PIDS+=($!)
  sleep 2 # open, read the first 100 records, wait for more
  kill -STOP "${CW_PIDS[-1]}"
  produce "$TMP/big.jsonl" 0
  kill -CONT "${CW_PIDS[-1]}"
}

run_frozen fail
rc=0
timeout 30 tail --pid="${CW_PIDS[-1]}" -f /dev/null || fail "run did not stop after data loss"
wait "${CW_PIDS[-1]}" || rc=$?
((rc == 1)) || fail "data loss with fail: exit $rc, not 1: $(cat "$TMP/run-fail.err")"
grep -q "data loss on logs/0: next offset 100 is gone" "$TMP/run-fail.err" \
  || fail "no data-loss report naming partition and offset: $(cat "$TMP/run-fail.err")"
note "fail: $(grep 'data loss' "$TMP/run-fail.err" | head -1)"

produce "$TMP/small.jsonl" 0 # new offsets after the big ones
run_frozen warn
sleep 3
kill -0 "${CW_PIDS[-1]}" 2>/dev/null || fail "run with warn stopped: $(cat "$TMP/run-warn.err")"
grep -Eq "data loss on logs/0: next offset [0-9]+ is gone, broker has [0-9]+\.\.[0-9]+ \(lost [0-9]+ records\); continuing at" "$TMP/run-warn.err" \
  || fail "no data-loss warning with the lost count: $(cat "$TMP/run-warn.err")"
kill -INT "${CW_PIDS[-1]}"
rc=0
wait "${CW_PIDS[-1]}" || rc=$?
((rc == 130)) || fail "warn run stopped by SIGINT exited $rc"
note "warn: $(grep 'data loss' "$TMP/run-warn.err" | head -1)"
