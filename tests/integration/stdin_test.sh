# Records through `--input -` (stdin) give the oracle's alerts, and as many
# late and malformed records as the oracle finds.
source "$(dirname "$0")/common.sh"

gen "$TMP/in.jsonl" --records 40000 --users 300 --seed 31 \
  --late-fraction 0.02 --malformed-fraction 0.01
oracle_outputs "$TMP/expected" --input "$TMP/in.jsonl"

# Through a pipe, so that the binary cannot seek or stat a regular file.
cat "$TMP/in.jsonl" | cw run --input - --output jsonl \
  --output-file "$TMP/alerts.jsonl" --late-output "$TMP/late.jsonl" \
  --dead-letter "$TMP/dead.jsonl" 2>"$TMP/run.err" \
  || fail "run --input - exited $?: $(tail -5 "$TMP/run.err")"
same_file "$TMP/expected.jsonl" "$TMP/alerts.jsonl" "alerts from stdin"
at_least 50 "$(wc -l <"$TMP/expected.jsonl")" "alerts"
offsets "$TMP/late.jsonl" "$TMP/actual.late"
offsets "$TMP/dead.jsonl" "$TMP/actual.malformed"
for kind in late malformed; do
  want=$(wc -l <"$TMP/expected.$kind")
  got=$(wc -l <"$TMP/actual.$kind")
  [[ $want == "$got" ]] || fail "$got $kind records from stdin, the oracle finds $want"
done
at_least 10 "$(wc -l <"$TMP/expected.late")" "late records"

# Stdin next to a file: stdin is partition 0, the file partition 1.
gen "$TMP/more.jsonl" --records 20000 --users 300 --seed 32 \
  --start 2026-01-20T13:53:05Z --late-fraction 0.02
oracle_outputs "$TMP/expected2" --input "$TMP/in.jsonl" --input "$TMP/more.jsonl"
cw run --input - --input "$TMP/more.jsonl" --output jsonl \
  --output-file "$TMP/alerts2.jsonl" --late-output "$TMP/late2.jsonl" \
  --dead-letter /dev/null <"$TMP/in.jsonl" 2>"$TMP/run2.err" \
  || fail "run --input - --input FILE exited $?: $(tail -5 "$TMP/run2.err")"
same_file "$TMP/expected2.jsonl" "$TMP/alerts2.jsonl" \
  "alerts from stdin and a file"
python3 - "$TMP/late2.jsonl" <<'PY' || fail "late records of stdin and a file: see above"
import json, sys
parts = {json.loads(l)["partition"] for l in open(sys.argv[1]) if l.strip()}
if parts != {0, 1}:
    sys.exit(f"late records come from partitions {sorted(parts)}, want [0, 1]")
PY
note "$(wc -l <"$TMP/expected.jsonl") alerts from stdin, as the oracle"
