# `--config FILE` (CLI11's format, one `option = value` a line) gives exactly
# the outputs of the same options given as flags: alerts byte for byte, the
# same late and dead-letter lines, the same counts in the summary; an option
# on the command line overrides the file's value. Files, and Kafka (for the
# flag `exit-at-end = true`, and generate's own --config).
source "$(dirname "$0")/common.sh"
source "$(dirname "$0")/kafka_common.sh"

gen "$TMP/p0.jsonl" --records 30000 --users 300 --seed 41 \
  --late-fraction 0.05 --malformed-fraction 0.01
gen "$TMP/p1.jsonl" --records 30000 --users 300 --seed 42 \
  --start 2026-01-20T13:53:04Z --out-of-order 8000 --late-fraction 0.05 \
  --malformed-fraction 0.01

# run_to DIR ARGS...: `run ARGS --output-file DIR/alerts.jsonl ...` with the
# summary's counts (without the timing) in DIR/counts.
run_to() {
  local d=$1
  shift
  mkdir -p "$d"
  cw run "$@" --output-file "$d/alerts.jsonl" --late-output "$d/late.jsonl" \
    --dead-letter "$d/dead.jsonl" 2>"$d/run.err" \
    || fail "run $* exited $?: $(tail -5 "$d/run.err")"
  tail -1 "$d/run.err" | sed 's/ in [0-9.]* s (.*$//' >"$d/counts"
  grep -q ' records (' "$d/counts" || fail "no summary: $(cat "$d/run.err")"
}

# same_run A B WHAT: same alerts (byte for byte), the same late and
# dead-letter lines (partitions and shards write them concurrently, so their
# order across partitions may differ between any two runs: compared sorted),
# the same counts.
same_run() {
  same_file "$1/alerts.jsonl" "$2/alerts.jsonl" "alerts of $3"
  for f in late dead; do
    LC_ALL=C sort "$1/$f.jsonl" >"$1/$f.sorted"
    LC_ALL=C sort "$2/$f.jsonl" >"$2/$f.sorted"
    same_file "$1/$f.sorted" "$2/$f.sorted" "$f lines of $3"
  done
  same_file "$1/counts" "$2/counts" "summary counts of $3"
}

# --- files: a list, severity, window, threshold, output, side outputs ---------
cat >"$TMP/job.conf" <<EOF
# crashwatch run --config job.conf
input = ["$TMP/p0.jsonl", "$TMP/p1.jsonl"]
severity = High,Critical
window = 5s                  # a comment after a value
threshold = 1
watermark-delay = 20s
output = jsonl
shards = 3
EOF
run_to "$TMP/flags" --input "$TMP/p0.jsonl" --input "$TMP/p1.jsonl" \
  --severity High,Critical --window 5s --threshold 1 --watermark-delay 20s \
  --output jsonl --shards 3
run_to "$TMP/config" --config "$TMP/job.conf"
same_run "$TMP/flags" "$TMP/config" "--config and the same flags"
at_least 100 "$(wc -l <"$TMP/flags/alerts.jsonl")" "alerts"
at_least 50 "$(wc -l <"$TMP/flags/late.jsonl")" "late records"
at_least 100 "$(wc -l <"$TMP/flags/dead.jsonl")" "malformed records"

# The side outputs from the file too (the command line names none).
cat >"$TMP/sides.conf" <<EOF
input = ["$TMP/p0.jsonl", "$TMP/p1.jsonl"]
output = jsonl
output-file = "$TMP/sides/alerts.jsonl"
late-output = "$TMP/sides/late.jsonl"
dead-letter = "$TMP/sides/dead.jsonl"
EOF
mkdir -p "$TMP/sides" "$TMP/plain"
cw run --config "$TMP/sides.conf" 2>"$TMP/sides/run.err" \
  || fail "run --config sides.conf exited $?: $(tail -5 "$TMP/sides/run.err")"
tail -1 "$TMP/sides/run.err" | sed 's/ in [0-9.]* s (.*$//' >"$TMP/sides/counts"
run_to "$TMP/plain" --input "$TMP/p0.jsonl" --input "$TMP/p1.jsonl" \
  --output jsonl
same_run "$TMP/plain" "$TMP/sides" "side outputs named in --config"

# The command line wins: --threshold 3 over the file's 1 gives the alerts of
# --threshold 3 (and fewer than the file's threshold would).
run_to "$TMP/flags3" --input "$TMP/p0.jsonl" --input "$TMP/p1.jsonl" \
  --severity High,Critical --window 5s --threshold 3 --watermark-delay 20s \
  --output jsonl --shards 3
run_to "$TMP/override" --config "$TMP/job.conf" --threshold 3
same_run "$TMP/flags3" "$TMP/override" "--config with --threshold 3"
fewer=$(wc -l <"$TMP/override/alerts.jsonl")
more=$(wc -l <"$TMP/config/alerts.jsonl")
((fewer < more)) || fail "--threshold 3 gave $fewer alerts, the file's threshold 1 gave $more: the override did nothing"
at_least 10 "$fewer" "alerts with --threshold 3"
# A list on the command line replaces the file's list.
run_to "$TMP/one-input" --config "$TMP/job.conf" --input "$TMP/p0.jsonl"
grep -q '^crashwatch: 1 partition,' "$TMP/one-input/counts" \
  || fail "--input on the command line did not replace the file's list: $(cat "$TMP/one-input/counts")"

# A mistake in the file names the file and the key; exit 2.
printf 'input = %s\nwindow = 10\n' "$TMP/p0.jsonl" >"$TMP/bad.conf"
set +e
cw run --config "$TMP/bad.conf" >/dev/null 2>"$TMP/bad.err"
rc=$?
set -e
[[ $rc == 2 && $(wc -l <"$TMP/bad.err") == 1 ]] \
  || fail "a bad value in --config: exit $rc, stderr: $(cat "$TMP/bad.err")"
grep -qF -- "--config $TMP/bad.conf: --window: '10' is not a duration" "$TMP/bad.err" \
  || fail "a bad value in --config is not named: $(cat "$TMP/bad.err")"
note "files: --config gives the flags' $more alerts, $(wc -l <"$TMP/flags/late.jsonl") late, $(wc -l <"$TMP/flags/dead.jsonl") malformed; --threshold 3 on the command line wins ($fewer alerts)"

# --- Kafka: generate --config, and the flag exit-at-end = true -----------------
start_broker 2
cat >"$TMP/generate.conf" <<EOF
brokers = $BROKERS
records = 20000
rate = 0
users = 300
seed = 43
malformed-fraction = 0.01
late-fraction = 0.02
EOF
cw generate --config "$TMP/generate.conf" 2>"$TMP/generate.err" \
  || fail "generate --config exited $?: $(tail -3 "$TMP/generate.err")"
grep -q 'produced 20000 records' "$TMP/generate.err" \
  || fail "generate --config: $(tail -1 "$TMP/generate.err")"

# Without exit-at-end the run would wait for more records until the timeout.
cat >"$TMP/kafka.conf" <<EOF
brokers = $BROKERS
topic = logs
from = earliest
exit-at-end = true
X = ["fetch.wait.max.ms=10"]
output = jsonl
threshold = 1
EOF
run_to "$TMP/kafka-flags" --brokers "$BROKERS" --topic logs --from earliest \
  --exit-at-end -X fetch.wait.max.ms=10 --output jsonl --threshold 1
RUN_TIMEOUT=60 run_to "$TMP/kafka-config" --config "$TMP/kafka.conf"
same_run "$TMP/kafka-flags" "$TMP/kafka-config" "Kafka, --config and flags"
at_least 50 "$(wc -l <"$TMP/kafka-flags/alerts.jsonl")" "Kafka alerts"
note "Kafka: generate --config produced 20000 records; run --config (exit-at-end = true) gives the flags' $(wc -l <"$TMP/kafka-flags/alerts.jsonl") alerts"
