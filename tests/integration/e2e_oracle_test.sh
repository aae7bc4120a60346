# End to end: generated partitions through `crashwatch run`, checked against
# the independent oracle (oracle.py): alerts byte for byte, and the exact sets
# of late and malformed records (by partition and byte offset).
source "$(dirname "$0")/common.sh"

# Partitions that differ in seed, start, speed and disorder, so that
# their watermarks differ: p2 is out of order by up to 45 s (more than the
# watermark delay: many records behind its watermark), p3 is slower and has
# many late records.
gen "$TMP/p0.jsonl" --records 30000 --users 400 --seed 11 \
  --late-fraction 0.02 --malformed-fraction 0.01
gen "$TMP/p1.jsonl" --records 30000 --users 400 --seed 12 \
  --start 2026-01-20T13:53:07.250Z --out-of-order 5000 \
  --late-fraction 0.01 --malformed-fraction 0.02
gen "$TMP/p2.jsonl" --records 30000 --users 400 --seed 13 \
  --start 1768917160000 --events-per-second 2000 --out-of-order 45000 \
  --late-fraction 0 --malformed-fraction 0.005
gen "$TMP/p3.jsonl" --records 30000 --users 400 --seed 14 \
  --start 2026-01-20T13:53:03Z --events-per-second 500 --out-of-order 0 \
  --late-fraction 0.05 --malformed-fraction 0.01
# p6 probes the lateness boundary: one record every 10 s of event time, on
# window starts minus 0-2 ms, half of them 35-120 s late. A late record's
# window end then often lands exactly on the watermark (late), or 1 or 2 ms
# above it (counted).
gen "$TMP/p6.jsonl" --records 20000 --users 20 --seed 17 \
  --events-per-second 0.1 --out-of-order 2 --late-fraction 0.5 \
  --malformed-fraction 0.05
# Bytes that are not UTF-8 (a Latin-1 log line, a cut multi-byte character)
# are malformed, and their dead letters must still carry them, losslessly.
printf '{"timestamp": 1768917185000, "content": "caf\xe9 crash", "severity": "High", "user_id": "user_1"}\n{"timestamp": 1768917185001, "content": "\xe2\x82"}\n' >>"$TMP/p3.jsonl"
inputs=(--input "$TMP/p0.jsonl" --input "$TMP/p1.jsonl"
        --input "$TMP/p2.jsonl" --input "$TMP/p3.jsonl"
        --input "$TMP/p6.jsonl")

# check NAME MIN_ALERTS MIN_LATE MIN_MALFORMED [options...]
check() {
  local name=$1 min_alerts=$2 min_late=$3 min_bad=$4
  shift 4
  local d="$TMP/$name"
  mkdir -p "$d"
  oracle_outputs "$d/expected" "${inputs[@]}" "$@"
  cw run "${inputs[@]}" "$@" --output jsonl --output-file "$d/alerts.jsonl" \
    --late-output "$d/late.jsonl" --dead-letter "$d/dead.jsonl" \
    2>"$d/run.err" || fail "$name: run exited $?: $(tail -5 "$d/run.err")"
  same_file "$d/expected.jsonl" "$d/alerts.jsonl" "$name: alerts"
  offsets "$d/late.jsonl" "$d/actual.late"
  same_file "$d/expected.late" "$d/actual.late" "$name: late records"
  offsets "$d/dead.jsonl" "$d/actual.malformed"
  same_file "$d/expected.malformed" "$d/actual.malformed" \
    "$name: malformed records"
  local files=() i
  for ((i = 1; i < ${#inputs[@]}; i += 2)); do files+=("${inputs[i]}"); done
  python3 "$ORACLE" check-dead-letters "$d/dead.jsonl" "${files[@]}" \
    2>>"$d/oracle.err" || fail "$name: $(tail -1 "$d/oracle.err")"
  local alerts late bad
  alerts=$(wc -l <"$d/expected.jsonl")
  late=$(wc -l <"$d/expected.late")
  bad=$(wc -l <"$d/expected.malformed")
  at_least "$min_alerts" "$alerts" "alerts ($name)"
  at_least "$min_late" "$late" "late records ($name)"
  at_least "$min_bad" "$bad" "malformed records ($name)"
  note "$name: $alerts alerts, $late late, $bad malformed: same as the oracle"
}

check defaults 200 100 500

# Non-default options. Few users, so that "fatal" records of severity
# Critical (about 0.75% of all) still exceed 3 per 5 s window now and then;
# p5 is out of order by up to 12 s, more than this watermark delay.
default_inputs=("${inputs[@]}")
gen "$TMP/p4.jsonl" --records 30000 --users 25 --seed 15 \
  --late-fraction 0.1 --malformed-fraction 0.01
gen "$TMP/p5.jsonl" --records 30000 --users 25 --seed 16 \
  --start 2026-01-20T13:53:02.500Z --out-of-order 12s \
  --late-fraction 0.01 --malformed-fraction 0.01
inputs=(--input "$TMP/p4.jsonl" --input "$TMP/p5.jsonl" --input "$TMP/p0.jsonl")
check options 20 20 500 --window 5s --watermark-delay 10s --threshold 3 \
  --keyword fatal --severity Critical
inputs=("${default_inputs[@]}")

# Early mode: the final alerts are the same; every (window, user) alert was
# announced early exactly once, when its count first exceeded the threshold.
d="$TMP/early"
mkdir -p "$d"
cw run "${inputs[@]}" --emit early --output jsonl \
  --output-file "$d/alerts.jsonl" --late-output "$d/late.jsonl" \
  --dead-letter "$d/dead.jsonl" 2>"$d/run.err" \
  || fail "early: run exited $?: $(tail -5 "$d/run.err")"
python3 - "$d/alerts.jsonl" "$TMP/defaults/expected.jsonl" <<'PY' || fail "early mode: see above"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
expected = open(sys.argv[2]).read().splitlines()
final = [l for l in lines if json.loads(l)["final"] is True]
early = [json.loads(l) for l in lines if json.loads(l)["final"] is False]
if final != expected:
    sys.exit(f"final alerts of --emit early differ from the oracle "
             f"({len(final)} vs {len(expected)} lines)")
counts = {}
for e in (json.loads(l) for l in expected):
    counts[(e["window_start_ms"], e["user_id"])] = e["crash_count"]
keys = [(e["window_start_ms"], e["user_id"]) for e in early]
if len(set(keys)) != len(keys):
    sys.exit("some (window, user) has more than one early alert")
if set(keys) != set(counts):
    sys.exit(f"early alerts for {len(set(keys))} (window, user) pairs, "
             f"final alerts for {len(counts)}")
for e in early:
    final_count = counts[(e["window_start_ms"], e["user_id"])]
    if not 2 < e["crash_count"] <= final_count:
        sys.exit(f"early alert count out of range (final {final_count}): {e}")
print(f"[e2e_oracle_test] early: {len(early)} early alerts, final ones as the oracle")
PY
