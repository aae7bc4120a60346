# Bad command lines exit 2 with one stderr line naming the option (SPEC.md,
# "Command line"); an unreadable input exits 1 naming it; --help of every
# command prints CLI11's help on stdout and exits 0.
source "$(dirname "$0")/common.sh"

good="$TMP/good.jsonl"
gen "$good" --records 1000

# Each case: the text stderr must contain, then the command line. Every run
# case but the last ones has a readable --input, so the bad option is the
# only mistake.
cases=(
  "--frobnicate|run --input $good --frobnicate 3"
  "--window|run --input $good --window 0s"
  "--window|run --input $good --window 10"
  "--window|run --input $good --window ten"
  "--watermark-delay|run --input $good --watermark-delay -5s"
  "--threshold|run --input $good --threshold -1"
  "--threshold|run --input $good --threshold abc"
  "--emit|run --input $good --emit sometimes"
  "--shards|run --input $good --shards 0"
  "--shards|run --input $good --shards many"
  "--timestamp-unit|run --input $good --timestamp-unit days"
  "--output|run --input $good --output xml"
  "--idle-timeout|run --input $good --idle-timeout forever"
  "--window needs a value|run --input $good --window"
  "--threshold needs a value|run --input $good --threshold --window 10s"
  "--output-file needs a value|run --input $good --output-file --window 10s"
  "--window given 2 times|run --input $good --window 5s --window 10s"
  "unexpected argument 'extra'|run --input $good extra"
  "--input|run --input"
  "--input|run"
  "--input|run --window 10s --threshold 2"
  "--config|run --input $good --config $TMP/no-such.conf"
  "unknown option 'frob'|run --input $good --config $TMP/bad.conf"
  "--records|generate --output-file $TMP/g.jsonl --records -1"
  "--start|generate --output-file $TMP/g.jsonl --start yesterday"
  "--rate|generate --brokers 127.0.0.1:1 --rate fast"
  "--output-file and --brokers|generate --output-file $TMP/g.jsonl --brokers 127.0.0.1:1"
  "need --brokers|generate --output-file $TMP/g.jsonl --rate 5"
  "--output-file is required|generate --records 5"
  "--seed given 2 times|generate --output-file $TMP/g.jsonl --seed 1 --seed 2"
  "--port|broker --port 0"
  "--partitions|broker --partitions many"
  "--listen needs --port|broker --listen 0.0.0.0 --advertise broker"
  "--advertise needs --port|broker --advertise broker"
  "--advertise is required with --listen 0.0.0.0|broker --port 9092 --listen 0.0.0.0"
  "unknown option --frob for 'broker'|broker --frob"
  "--role is required|node --node-id a --listen 127.0.0.1:4000 --join 127.0.0.1:4001"
  "--role|node --role boss --node-id a --listen 127.0.0.1:4000"
  "--node-id|node --role aggregator --node-id a/b --listen 127.0.0.1:4000 --join 127.0.0.1:4001"
  "--listen|node --role aggregator --node-id a --listen nowhere --join 127.0.0.1:4001"
  "--join is required|node --role aggregator --node-id a --listen 127.0.0.1:4000"
  "--join: the coordinator joins no one|node --role coordinator --node-id c --listen 127.0.0.1:4000 --join 127.0.0.1:4001 --input $good"
  "--advertise is required|node --role aggregator --node-id a --listen 0.0.0.0:4000 --join 127.0.0.1:4001"
  "--expect-nodes is the coordinator's option|node --role reader --node-id r --listen 127.0.0.1:4000 --join 127.0.0.1:4001 --expect-nodes 2"
  "--input or --brokers is required|node --role coordinator --node-id c --listen 127.0.0.1:4000 --expect-nodes 1"
  "node:// names a file of a cluster node|run --input node://r1$good"
  "--rate|demo --rate 0"
  "unknown option --records for 'demo'|demo --records 5"
  "unknown command 'frobnicate'|frobnicate"
  "unexpected argument 'generate'|demo generate"
)
printf 'frob = 1\n' >"$TMP/bad.conf"

failures=0
for c in "${cases[@]}"; do
  want=${c%%|*}
  read -r -a args <<<"${c#*|}"
  set +e
  cw "${args[@]}" >"$TMP/out" 2>"$TMP/err" </dev/null
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
    echo "  ${args[*]}: $problem; stderr: $(head -c 300 "$TMP/err")" >&2
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

# --help: CLI11's help on stdout, exit 0, nothing on stderr.
helps=("--help" "run --help" "generate --help" "demo --help" "broker --help" "node --help"
  "run --input $good -h" "run --window 10 --frobnicate --help")
for h in "${helps[@]}"; do
  read -r -a args <<<"$h"
  set +e
  cw "${args[@]}" >"$TMP/out" 2>"$TMP/err" </dev/null
  rc=$?
  set -e
  if [[ $rc != 0 ]] || [[ -s $TMP/err ]] || ! grep -q '^Usage: crashwatch' "$TMP/out"; then
    echo "  $h: exit $rc (want 0), stdout: $(head -c 200 "$TMP/out"), stderr: $(head -c 300 "$TMP/err")" >&2
    failures=$((failures + 1))
  fi
done

# No command: the usage on stderr, exit 2.
set +e
cw >"$TMP/out" 2>"$TMP/err" </dev/null
rc=$?
set -e
if [[ $rc != 2 ]] || [[ -s $TMP/out ]] || ! grep -q '^Usage: crashwatch' "$TMP/err"; then
  echo "  (no arguments): exit $rc (want 2), stderr: $(head -c 300 "$TMP/err")" >&2
  failures=$((failures + 1))
fi

total=$((${#cases[@]} + ${#helps[@]} + 2))
[[ $failures == 0 ]] || fail "$failures of $total command lines handled wrongly (see above)"
note "${#cases[@]} bad command lines exit 2 naming the option; a missing input exits 1; ${#helps[@]} --help exit 0"
