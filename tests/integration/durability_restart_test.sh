# Durable state, restarts that must not resume: a completed run restarted
# has nothing to do and changes nothing; a journal written with other
# options, inputs or outputs is refused (exit 2, naming the option); a
# damaged or foreign journal is refused (exit 1, naming the journal), never a
# crash or a silent fresh start; a data dir in use is refused; an output cut
# shorter than what was committed is refused (exit 1, naming the file); and
# the command-line rules of --data-dir and --checkpoint-interval. After each
# refusal the data dir still resumes to the oracle's outputs.
source "$(dirname "$0")/common.sh"
source "$(dirname "$0")/durable_common.sh"

gen "$TMP/p0.jsonl" --records 60000 --users 300 --seed 301 \
  --late-fraction 0.1 --malformed-fraction 0.01
gen "$TMP/p1.jsonl" --records 60000 --users 300 --seed 302 \
  --start 2026-01-20T13:53:05Z --out-of-order 5000 --malformed-fraction 0.01
gen "$TMP/p2.jsonl" --records 60000 --users 300 --seed 303
oracle_outputs "$TMP/expected" --input "$TMP/p0.jsonl" --input "$TMP/p1.jsonl"
outputs_at_least 100 "$TMP/expected"

# cmd NAME [OPTION VALUE]...: CMD = the command of run NAME (data dir and
# outputs in $TMP/NAME), with options changed: OPTION VALUE replaces or adds
# an option ("" leaves it out); --inputs "A B" are the inputs (default
# "p0 p1", files of $TMP); --sqlite VALUE is the `--output sqlite:` option.
cmd() {
  local d="$TMP/$1" k f
  shift
  mkdir -p "$d"
  local -A o=([--data-dir]="$d/data" [--shards]=3 [--output]=jsonl
              [--output-file]="$d/alerts.jsonl" [--sqlite]="sqlite:$d/alerts.db"
              [--late-output]="$d/late.jsonl" [--dead-letter]="$d/dead.jsonl")
  local keys=(--data-dir --shards --output --output-file --sqlite --late-output --dead-letter)
  local ins="p0 p1"
  while (($#)); do
    if [[ $1 == --inputs ]]; then
      ins=$2
    else
      [[ -v "o[$1]" ]] || keys+=("$1")
      o[$1]=$2
    fi
    shift 2
  done
  CMD=(run)
  for f in $ins; do CMD+=(--input "$TMP/$f.jsonl"); done
  for k in "${keys[@]}"; do
    [[ -n ${o[$k]} ]] || continue
    if [[ $k == --sqlite ]]; then CMD+=(--output "${o[$k]}"); else CMD+=("$k" "${o[$k]}"); fi
  done
}

# check_outputs NAME: run NAME's outputs against the oracle.
check_outputs() {
  check_oracle_outputs "$1"
}

# snapshot NAME / unchanged NAME WHAT: the outputs of run NAME (files and
# the SQLite table) are byte for byte what they were at the snapshot.
snapshot() {
  local d="$TMP/$1" f
  rm -rf "$d/snap"
  mkdir -p "$d/snap"
  for f in alerts.jsonl late.jsonl dead.jsonl; do
    if [[ -f $d/$f ]]; then cp "$d/$f" "$d/snap/$f"; else : >"$d/snap/$f.missing"; fi
  done
  if [[ -f $d/alerts.db ]]; then
    alert_table_rows "$d/alerts.db" >"$d/snap/table.txt" 2>&1 || true
  fi
}
unchanged() {
  local d="$TMP/$1" f
  for f in alerts.jsonl late.jsonl dead.jsonl; do
    if [[ -f $d/snap/$f ]]; then
      same_file "$d/snap/$f" "$d/$f" "$2: $f"
    elif [[ -f $d/$f ]]; then
      fail "$2: $f was created"
    fi
  done
  if [[ -f $d/snap/table.txt ]]; then
    alert_table_rows "$d/alerts.db" >"$d/snap/table-now.txt" 2>&1 || true
    same_file "$d/snap/table.txt" "$d/snap/table-now.txt" "$2: SQLite alerts table"
  fi
}

# killed NAME SPEC [OPTION VALUE]...: a first life of run NAME ended by a
# kill point SPEC (must be killed: exit 137).
killed() {
  local name=$1 spec=$2
  shift 2
  cmd "$name" "$@"
  life "$TMP/$name/life0.err" "$spec" "${CMD[@]}" --checkpoint-interval 20ms
  ((LIFE_RC == 137)) || fail "$name: the life with $spec exited $LIFE_RC, not killed: $(tail -3 "$TMP/$name/life0.err")"
}

# 1. A completed run, restarted: nothing to do, nothing changes (also with
# options that do not shape results changed).
cmd completed
life "$TMP/completed/life0.err" run "${CMD[@]}" --checkpoint-interval 20ms
((LIFE_RC == 0)) || fail "run exited $LIFE_RC: $(tail -5 "$TMP/completed/life0.err")"
grep -q 'new journal' "$TMP/completed/life0.err" || fail "a fresh data dir did not say 'new journal': $(head -3 "$TMP/completed/life0.err")"
check_outputs completed
snapshot completed
for extra in "--checkpoint-interval 20ms" "--checkpoint-interval 5s --idle-timeout 10s"; do
  read -r -a more <<<"$extra"
  rc=0
  cw "${CMD[@]}" "${more[@]}" >"$TMP/completed/again.out" 2>"$TMP/completed/again.err" || rc=$?
  ((rc == 0)) || fail "restart of a completed run ($extra) exited $rc: $(cat "$TMP/completed/again.err")"
  grep -q 'nothing to do' "$TMP/completed/again.err" \
    || fail "restart of a completed run ($extra) did not say 'nothing to do': $(cat "$TMP/completed/again.err")"
  [[ ! -s $TMP/completed/again.out ]] || fail "restart of a completed run wrote to stdout: $(head -3 "$TMP/completed/again.out")"
  unchanged completed "restart of a completed run ($extra)"
done
note "completed run: a restart has nothing to do and changes nothing"

# 2. Mismatch: a journal is for one job. Each option that shapes results,
# the input set and the output paths, changed at restart: exit 2, one line
# naming the option and the journal. Then the same job resumes (its options
# written out explicitly with their default values) to the oracle's outputs.
killed mm point:alerts-written:1
mismatches=(
  "--window|--window 5s"
  "--watermark-delay|--watermark-delay 20s"
  "--threshold|--threshold 3"
  "--keyword|--keyword fatal"
  "--severity|--severity Critical"
  "--timestamp-unit|--timestamp-unit ms"
  "--emit|--emit early"
  "--shards|--shards 2"
  "--input|--inputs p0"
  "--input|--inputs p0 p1 p2"
  "--input|--inputs p1 p0"
  "--input|--inputs p0 p2"
  "--output-file|--output-file $TMP/other/alerts.jsonl"
  "--late-output|--late-output $TMP/other/late.jsonl"
  "--dead-letter|--dead-letter $TMP/other/dead.jsonl"
  "--output|--sqlite sqlite:$TMP/other/alerts.db"
  "--output|--sqlite \"\""
  "--output|--output console"
)
# (The other outputs' directory exists: whether a refused run opens its
# outputs before it reads the journal is not the question here.)
mkdir -p "$TMP/other"
failures=0
for m in "${mismatches[@]}"; do
  want=${m%%|*}
  change=${m#*|}
  if [[ $change == "--inputs "* ]]; then
    cmd mm --inputs "${change#--inputs }"
  elif [[ $change == '--sqlite ""' ]]; then
    cmd mm --sqlite ""
  else
    cmd mm "${change%% *}" "${change#* }"
  fi
  rc=0
  cw "${CMD[@]}" --checkpoint-interval 20ms >/dev/null 2>"$TMP/mm/refused.err" || rc=$?
  problem=""
  if ((rc != 2)); then
    problem="exit $rc (want 2)"
  elif [[ $(grep -c . "$TMP/mm/refused.err") != 1 ]]; then
    problem="$(grep -c . "$TMP/mm/refused.err") stderr lines (want 1)"
  elif ! grep -F -- "$want" "$TMP/mm/refused.err" | grep -q journal; then
    problem="no line names $want and the journal"
  fi
  if [[ -n $problem ]]; then
    echo "  restart with $change: $problem; stderr: $(head -c 300 "$TMP/mm/refused.err")" >&2
    failures=$((failures + 1))
  fi
done
((failures == 0)) || fail "$failures of ${#mismatches[@]} mismatched restarts handled wrongly (see above)"
cmd mm --window 10s --watermark-delay 30s --threshold 2 --emit final \
  --timestamp-unit auto --keyword crash --severity High,Critical
life "$TMP/mm/life1.err" run "${CMD[@]}" --checkpoint-interval 20ms
((LIFE_RC == 0)) || fail "resume with the same options (defaults written out) exited $LIFE_RC: $(tail -3 "$TMP/mm/life1.err")"
grep -q 'resuming from checkpoint' "$TMP/mm/life1.err" \
  || fail "resume after refused restarts did not say 'resuming from checkpoint': $(head -3 "$TMP/mm/life1.err")"
check_outputs mm
note "${#mismatches[@]} mismatched restarts refused naming the option; the job then resumed to the oracle's outputs"

# 3. Damaged journals: exit 1, one line naming the journal, "damaged" or
# "not a crashwatch journal"; the journal and the outputs untouched.
# The state of a run killed right after checkpoint 0, with its WAL folded
# into the database file so that cutting the file really loses pages.
killed dmg point:checkpoint-commit:1
sqlite3 "$TMP/dmg/data/journal.db" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null \
  || fail "sqlite3 cannot read the journal a killed run left"
[[ ! -s $TMP/dmg/data/journal.db-wal ]] || fail "the journal's WAL could not be folded into the database"
rm -f "$TMP/dmg/data/journal.db-wal" "$TMP/dmg/data/journal.db-shm"
cp -a "$TMP/dmg/data" "$TMP/dmg/data.orig"
pages=$(q "$TMP/dmg/data/journal.db" "PRAGMA page_count")
at_least 4 "$pages" "pages in the journal (a truncated one must lose some)"
snapshot dmg
journal="$TMP/dmg/data/journal.db"
size=$(stat -c %s "$journal")
damage() {
  rm -rf "$TMP/dmg/data"
  cp -a "$TMP/dmg/data.orig" "$TMP/dmg/data"
  case $1 in
    garbage) dd if=/dev/urandom of="$journal" bs=4096 count=2 conv=notrunc status=none ;;
    text) printf 'crashwatch journal? no: plain text\n' >"$journal" ;;
    truncated) truncate -s $((size / 2)) "$journal" ;;
    foreign) rm -f "$journal" && sqlite3 "$journal" "CREATE TABLE notes(x TEXT); INSERT INTO notes VALUES ('hello');" ;;
  esac
}
for how in garbage text truncated foreign; do
  damage "$how"
  cp "$journal" "$TMP/dmg/damaged.db"
  cmd dmg
  rc=0
  cw "${CMD[@]}" --checkpoint-interval 20ms >/dev/null 2>"$TMP/dmg/$how.err" || rc=$?
  refused 1 "$rc" "$TMP/dmg/$how.err" "journal ($how)" "$journal"
  grep -qE 'damaged|not a crashwatch journal' "$TMP/dmg/$how.err" \
    || fail "journal ($how): the message says neither 'damaged' nor 'not a crashwatch journal': $(cat "$TMP/dmg/$how.err")"
  # Not replaced by a fresh journal. (Files SQLite can open, the cut one and
  # the foreign one, may get their header touched, e.g. by setting WAL mode
  # before the check; the others cannot have been written by SQLite at all.)
  case $how in
    garbage | text)
      cmp -s "$TMP/dmg/damaged.db" "$journal" || fail "journal ($how): the refused run changed or replaced the journal" ;;
    foreign)
      [[ $(q "$journal" "SELECT x FROM notes" 2>/dev/null) == hello ]] \
        || fail "journal ($how): the foreign database lost its table after the refused run" ;;
  esac
  unchanged dmg "journal ($how) refused"
done
note "damaged journals (garbage header, plain text, cut to half of $size bytes, a foreign SQLite database) refused naming the journal"

# A longer input for 4. and 5., and its outputs from a run without
# --data-dir (the other tests check those against the oracle).
# Its first lines give every output bytes at once: a malformed line, an
# alert (3 crashes, then a record 100 s later moves the watermark past their
# window) and a late crash; the generated records follow, an hour later.
t0=$((1768917180000 - 3600000))
crash='"severity": "High", "content": "App crash detected"'
{
  echo 'not JSON at all'
  for i in 1 2 3; do echo "{\"timestamp\": $((t0 + i)), $crash, \"user_id\": \"user_early\"}"; done
  echo "{\"timestamp\": $((t0 + 100000)), \"severity\": \"Low\", \"content\": \"ok\"}"
  echo "{\"timestamp\": $((t0 + 5)), $crash, \"user_id\": \"user_late\"}"
} >"$TMP/big.jsonl"
gen "$TMP/gen.jsonl" --records 400000 --users 300 --seed 305 \
  --late-fraction 0.01 --malformed-fraction 0.002
cat "$TMP/gen.jsonl" >>"$TMP/big.jsonl"
mkdir -p "$TMP/plain"
cw run --input "$TMP/big.jsonl" --output jsonl --output-file "$TMP/plain/alerts.jsonl" \
  --late-output "$TMP/plain/late.jsonl" --dead-letter "$TMP/plain/dead.jsonl" \
  2>"$TMP/plain/err" || fail "run without --data-dir failed: $(tail -3 "$TMP/plain/err")"
offsets "$TMP/plain/late.jsonl" "$TMP/plain/late.offsets"
offsets "$TMP/plain/dead.jsonl" "$TMP/plain/dead.offsets"
at_least 100 "$(wc -l <"$TMP/plain/alerts.jsonl")" "alerts (big input)"
# same_as_plain NAME: run NAME's outputs as the run without --data-dir.
same_as_plain() {
  local d="$TMP/$1"
  same_file "$TMP/plain/alerts.jsonl" "$d/alerts.jsonl" "$1: alerts (vs a run without --data-dir)"
  sqlite_alerts_jsonl "$d/alerts.db" "$d/alerts-from-db.jsonl"
  same_file "$TMP/plain/alerts.jsonl" "$d/alerts-from-db.jsonl" "$1: SQLite alerts table (vs a run without --data-dir)"
  offsets "$d/late.jsonl" "$d/late.offsets"
  same_file "$TMP/plain/late.offsets" "$d/late.offsets" "$1: late records (vs a run without --data-dir)"
  offsets "$d/dead.jsonl" "$d/dead.offsets"
  same_file "$TMP/plain/dead.offsets" "$d/dead.offsets" "$1: malformed records (vs a run without --data-dir)"
}

# 4. A data dir in use (a second process while the first runs): exit 1,
# "in use". The first run is frozen (SIGSTOP) once it has its journal, so
# that it is surely still running; then it finishes as if nothing happened.
cmd busy --inputs big
"$BIN" "${CMD[@]}" --checkpoint-interval 20ms >/dev/null 2>"$TMP/busy/first.err" &
first=$!
CW_PIDS+=("$first")
deadline=$((SECONDS + 60))
until grep -q 'new journal' "$TMP/busy/first.err" || ! kill -0 "$first" 2>/dev/null || ((SECONDS > deadline)); do
  sleep 0.002
done
kill -STOP "$first" 2>/dev/null || true
# (The stop takes effect asynchronously: wait for state T, or the end.)
state=""
for _ in $(seq 500); do
  state=$(awk '{print $3}' "/proc/$first/stat" 2>/dev/null || true)
  [[ $state == T || $state == Z || -z $state ]] && break
  sleep 0.01
done
if [[ $state == T ]]; then
  rc=0
  RUN_TIMEOUT=30 cw "${CMD[@]}" --checkpoint-interval 20ms >/dev/null 2>"$TMP/busy/second.err" || rc=$?
  kill -CONT "$first"
  refused 1 "$rc" "$TMP/busy/second.err" "a second process on a data dir in use" "in use"
  wait_rc "$first" "the first run (after a second one tried its data dir)"
  ((WAIT_RC == 0)) || fail "the first run exited $WAIT_RC after a second one tried its data dir: $(tail -3 "$TMP/busy/first.err")"
  same_as_plain busy
  note "a second process on a data dir in use is refused; the first is unharmed"
else
  kill -CONT "$first" 2>/dev/null || true
  wait_rc "$first" "the first run"
  note "the first run ended before it could be frozen (state '$state'): 'in use' left to durability_kafka_test"
fi

# 5. An output shorter than what the journal committed (truncated or deleted
# by someone): exit 1, "cannot resume" and the file. Every output has bytes
# after the input's first lines, so the first periodic checkpoint commits
# some; lives are killed right after it (checkpoint-commit) until it has.
cmd short --inputs big
LIFE_DIR="$TMP/short/data"
positions=""
for i in $(seq 0 9); do
  spec=point:checkpoint-commit:1
  ((i > 0)) || spec=point:checkpoint-commit:2 # (checkpoint 0 is the first)
  life "$TMP/short/life$i.err" "$spec" "${CMD[@]}" --checkpoint-interval 20ms
  ((LIFE_RC == 137)) || fail "short: life $i ($spec) exited $LIFE_RC before every output had committed bytes (positions: $positions): $(tail -3 "$TMP/short/life$i.err")"
  journal_copy "$LIFE_DIR" "$TMP/short/j" || fail "short: no journal after a kill"
  positions=$(q "$TMP/short/j/journal.db" "SELECT path, position FROM output_position")
  committed=0
  for f in alerts.jsonl late.jsonl dead.jsonl; do
    p=$(awk -v path="$TMP/short/$f" '$1 == path {print $2}' <<<"$positions")
    [[ -n $p ]] || fail "short: output_position has no row for $TMP/short/$f: $positions"
    ((p == 0)) || committed=$((committed + 1))
  done
  ((committed < 3)) || break
done
((committed == 3)) || fail "short: after 10 lives not every output had committed bytes: $positions"
cut=0
for f in alerts.jsonl late.jsonl dead.jsonl; do
  path="$TMP/short/$f"
  p=$(awk -v path="$path" '$1 == path {print $2}' <<<"$positions")
  cp "$path" "$TMP/short/$f.saved"
  for how in shorter deleted; do
    if [[ $how == shorter ]]; then truncate -s $((p - 1)) "$path"; else rm -f "$path"; fi
    rc=0
    cw "${CMD[@]}" --checkpoint-interval 20ms >/dev/null 2>"$TMP/short/$f.$how.err" || rc=$?
    refused 1 "$rc" "$TMP/short/$f.$how.err" "$f $how than its committed $p bytes" "cannot resume" "$path"
    cp "$TMP/short/$f.saved" "$path"
    cut=$((cut + 1))
  done
done
life "$TMP/short/last.err" run "${CMD[@]}" --checkpoint-interval 20ms
((LIFE_RC == 0)) || fail "short: resume with the outputs restored exited $LIFE_RC: $(tail -3 "$TMP/short/last.err")"
same_as_plain short
note "$cut outputs shorter than committed (or gone) refused naming the file; restored, the run resumed to the same outputs as without --data-dir"

# 6. Command-line rules.
cases=(
  "stdin|run --input - --data-dir $TMP/cli/stdin.data --output jsonl --output-file $TMP/cli/a.jsonl"
  "--checkpoint-interval|run --input $TMP/p0.jsonl --checkpoint-interval 1s --output jsonl --output-file $TMP/cli/a.jsonl"
  "--checkpoint-interval|run --input $TMP/p0.jsonl --data-dir $TMP/cli/d1 --checkpoint-interval 10 --output jsonl --output-file $TMP/cli/a.jsonl"
  "--checkpoint-interval|run --input $TMP/p0.jsonl --data-dir $TMP/cli/d2 --checkpoint-interval soon --output jsonl --output-file $TMP/cli/a.jsonl"
  "--output|run --input $TMP/p0.jsonl --output jsonl --output console --output-file $TMP/cli/a.jsonl"
  "--output|run --input $TMP/p0.jsonl --output sqlite:$TMP/cli/a.db --output sqlite:$TMP/cli/b.db"
)
mkdir -p "$TMP/cli"
failures=0
for c in "${cases[@]}"; do
  want=${c%%|*}
  read -r -a args <<<"${c#*|}"
  rc=0
  cw "${args[@]}" <"$TMP/p0.jsonl" >/dev/null 2>"$TMP/cli/err" || rc=$?
  if ((rc != 2)) || [[ $(grep -c . "$TMP/cli/err") != 1 ]] || ! grep -qF -- "$want" "$TMP/cli/err"; then
    echo "  ${args[*]}: exit $rc (want 2 and one line naming $want): $(head -c 300 "$TMP/cli/err")" >&2
    failures=$((failures + 1))
  fi
done
((failures == 0)) || fail "$failures of ${#cases[@]} bad command lines handled wrongly (see above)"
note "${#cases[@]} bad uses of --data-dir, --checkpoint-interval and --output exit 2 naming them"
