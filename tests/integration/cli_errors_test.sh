# Bad command lines of `crashwatch run` exit 2 with one stderr line naming the
# option (SPEC.md, "Command line"); an unreadable input exits 1 naming it.
source "$(dirname "$0")/common.sh"

good="$TMP/good.jsonl"
gen "$good" --records 1000

# Each case: the text stderr must contain, then the arguments after `run`.
# Every case but the last ones has a readable --input, so the bad option is
# the only mistake.
cases=(
  "--frobnicate|--input $good --frobnicate 3"
  "--window|--input $good --window 0s"
  "--window|--input $good --window 10"
  "--window|--input $good --window ten"
  "--watermark-delay|--input $good --watermark-delay -5s"
  "--threshold|--input $good --threshold -1"
  "--threshold|--input $good --threshold abc"
  "--emit|--input $good --emit sometimes"
  "--shards|--input $good --shards 0"
  "--shards|--input $good --shards many"
  "--timestamp-unit|--input $good --timestamp-unit days"
  "--output|--input $good --output xml"
  "--idle-timeout|--input $good --idle-timeout forever"
  "--window|--input $good --window"
  "--threshold|--input $good --threshold --window 10s"
  "--input|--input"
  "--input|"
  "--input|--window 10s --threshold 2"
)

failures=0
for c in "${cases[@]}"; do
  want=${c%%|*}
  read -r -a args <<<"${c#*|}"
  set +e
  cw run "${args[@]}" >"$TMP/out" 2>"$TMP/err" </dev/null
  rc=$?
  set -e
  lines=$(wc -l <"$TMP/err")
  problem=""
  if [[ $rc != 2 ]]; then
    problem="exit status $rc (want 2)"
  elif [[ $lines != 1 ]]; then
    problem="$lines stderr lines (want exactly 1)"
  elif ! grep -qF -- "$want" "$TMP/err"; then
    problem="stderr does not name $want"
  fi
  if [[ -n $problem ]]; then
    echo "  run ${args[*]}: $problem; stderr: $(head -c 300 "$TMP/err")" >&2
    failures=$((failures + 1))
  fi
done

# A missing input file is a runtime failure: exit 1, naming the file.
missing="$TMP/no-such-file.jsonl"
set +e
cw run --input "$good" --input "$missing" --output jsonl \
  --output-file "$TMP/alerts.jsonl" >"$TMP/out" 2>"$TMP/err"
rc=$?
set -e
if [[ $rc != 1 ]] || ! grep -qF -- "$missing" "$TMP/err"; then
  echo "  run --input $missing: exit $rc (want 1), stderr: $(head -c 300 "$TMP/err")" >&2
  failures=$((failures + 1))
fi

[[ $failures == 0 ]] || fail "$failures of $((${#cases[@]} + 1)) bad command lines handled wrongly (see above)"
note "${#cases[@]} bad command lines exit 2 naming the option; a missing input exits 1"
