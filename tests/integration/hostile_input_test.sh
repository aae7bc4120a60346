# Hostile files (issue 13): a 100 MiB line of NULs and an endless one
# (/dev/zero) keep memory flat and end up as one dead letter with the line's
# length and first 1024 bytes; a byte order mark before the first line is
# no dead letter; the records around a long line are counted as the oracle
# counts them.
source "$(dirname "$0")/common.sh"

# Peak RSS in KiB of a command (python's getrusage over its child).
peak_kib() {
  python3 - "$@" <<'PY'
import resource, subprocess, sys
rc = subprocess.call(sys.argv[1:])
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, rc)
PY
}

truncate -s 100M "$TMP/nul.jsonl"
read -r kib rc < <(peak_kib "$BIN" run --input "$TMP/nul.jsonl" \
  --output-file /dev/null --dead-letter "$TMP/nul.dead" 2>"$TMP/nul.err")
((rc == 0)) || fail "100 MiB of NULs: exit $rc: $(cat "$TMP/nul.err")"
((kib < 64 * 1024)) || fail "100 MiB of NULs peaked at $kib KiB (limit 1 MiB per record)"
python3 - "$TMP/nul.dead" <<'PY' || fail "dead letter of the NUL line: $(head -c 300 "$TMP/nul.dead")"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 1, len(lines)
d = json.loads(lines[0])
assert d["offset"] == 0, d["offset"]
assert d["reason"] == "record too long (104857600 bytes; the first 1024 are kept)", d["reason"]
assert d["record"] == "\0" * 1024
PY
grep -q ' 1 records (0 crashes, 0 late, 1 malformed' "$TMP/nul.err" \
  || fail "summary of the NUL file: $(tail -1 "$TMP/nul.err")"

# /dev/zero never ends a line: memory stays flat, and SIGINT is answered.
"$BIN" run --input /dev/zero --output-file /dev/null --dead-letter /dev/null \
  2>"$TMP/zero.err" &
pid=$!
sleep 2
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
kill -INT "$pid"
rc=0
wait "$pid" || rc=$?
((rc == 130)) || fail "/dev/zero run stopped by SIGINT exited $rc: $(tail -2 "$TMP/zero.err")"
((hwm < 64 * 1024)) || fail "/dev/zero peaked at $hwm KiB"

# A long line between ordinary records, and a byte order mark: the oracle
# (tests/integration/oracle.py, independent of crashwatch) says which records
# are malformed; the long line is the only extra dead letter.
gen "$TMP/g.jsonl" --records 2000 --users 10 --seed 5
{
  printf '\xef\xbb\xbf'
  head -n 1000 "$TMP/g.jsonl"
  head -c 2000000 /dev/zero | tr '\0' 'a'
  echo
  tail -n +1001 "$TMP/g.jsonl"
} >"$TMP/mixed.jsonl"
cw run --input "$TMP/mixed.jsonl" --output jsonl --output-file "$TMP/alerts.jsonl" \
  --late-output /dev/null --dead-letter "$TMP/mixed.dead" 2>"$TMP/mixed.err" \
  || fail "mixed file: $(tail -2 "$TMP/mixed.err")"
oracle_outputs "$TMP/expected" --input "$TMP/g.jsonl"
same_file "$TMP/expected.jsonl" "$TMP/alerts.jsonl" "alerts around a 2 MB line"
expected_dead=$(($(wc -l <"$TMP/expected.malformed") + 1))
got_dead=$(wc -l <"$TMP/mixed.dead")
((got_dead == expected_dead)) \
  || fail "dead letters: $got_dead, expected the oracle's plus the long line ($expected_dead)"
grep -q '"reason":"record too long (2000000 bytes; the first 1024 are kept)"' "$TMP/mixed.dead" \
  || fail "no dead letter for the 2 MB line: $(cut -c1-200 "$TMP/mixed.dead")"
note "100 MiB NUL line: $kib KiB peak; /dev/zero: $hwm KiB; BOM and a 2 MB line between records: alerts exact"
