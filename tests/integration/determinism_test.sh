# The final-mode JSON Lines output is byte-for-byte the same whatever the
# number of shards (SPEC.md, "Alerts"); so are the late and dead-letter sets.
source "$(dirname "$0")/common.sh"

gen "$TMP/p0.jsonl" --records 100000 --users 300 --seed 21 \
  --late-fraction 0.01 --malformed-fraction 0.005
gen "$TMP/p1.jsonl" --records 100000 --users 300 --seed 22 \
  --start 2026-01-20T13:53:04Z --out-of-order 35000 --malformed-fraction 0.005
gen "$TMP/p2.jsonl" --records 60000 --users 300 --seed 23 \
  --events-per-second 600 --late-fraction 0.02
inputs=(--input "$TMP/p0.jsonl" --input "$TMP/p1.jsonl" --input "$TMP/p2.jsonl")

for shards in 1 3 8; do
  d="$TMP/shards-$shards"
  mkdir -p "$d"
  cw run "${inputs[@]}" --shards "$shards" --output jsonl \
    --output-file "$d/alerts.jsonl" --late-output "$d/late.jsonl" \
    --dead-letter "$d/dead.jsonl" 2>"$d/run.err" \
    || fail "--shards $shards: run exited $?: $(tail -5 "$d/run.err")"
  offsets "$d/late.jsonl" "$d/late.offsets"
  offsets "$d/dead.jsonl" "$d/dead.offsets"
done

at_least 500 "$(wc -l <"$TMP/shards-1/alerts.jsonl")" "alerts"
at_least 100 "$(wc -l <"$TMP/shards-1/late.offsets")" "late records"
for shards in 3 8; do
  same_file "$TMP/shards-1/alerts.jsonl" "$TMP/shards-$shards/alerts.jsonl" \
    "alerts of --shards 1 and --shards $shards"
  same_file "$TMP/shards-1/late.offsets" "$TMP/shards-$shards/late.offsets" \
    "late records of --shards 1 and --shards $shards"
  same_file "$TMP/shards-1/dead.offsets" "$TMP/shards-$shards/dead.offsets" \
    "malformed records of --shards 1 and --shards $shards"
done
note "$(wc -l <"$TMP/shards-1/alerts.jsonl") alerts, identical for 1, 3 and 8 shards"
