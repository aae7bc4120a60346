# A journal is created atomically (docs/DURABILITY.md, "The journal"):
# journal.db appears only complete (schema, the job's settings, checkpoint
# 0), so an existing journal.db that is empty or half-written is damage:
# refused with exit 1 and one line naming it, never taken for a new job that
# would write every alert, late record and dead letter a second time. A
# journal.db.new left by a crash during creation is not damage (journal.db
# never appeared): the next start removes it and starts the job afresh.
source "$(dirname "$0")/common.sh"
source "$(dirname "$0")/durable_common.sh"

gen "$TMP/p0.jsonl" --records 30000 --users 200 --seed 401 \
  --late-fraction 0.05 --malformed-fraction 0.01
gen "$TMP/p1.jsonl" --records 30000 --users 200 --seed 402 \
  --start 2026-01-20T13:53:05Z --malformed-fraction 0.01
oracle_outputs "$TMP/expected" --input "$TMP/p0.jsonl" --input "$TMP/p1.jsonl"
outputs_at_least 20 "$TMP/expected"

# cmd NAME: CMD = the command of run NAME, data dir and outputs in $TMP/NAME.
cmd() {
  local d="$TMP/$1"
  mkdir -p "$d"
  CMD=(run --input "$TMP/p0.jsonl" --input "$TMP/p1.jsonl" --shards 2
       --data-dir "$d/data" --output jsonl --output-file "$d/alerts.jsonl"
       --output "sqlite:$d/alerts.db" --late-output "$d/late.jsonl"
       --dead-letter "$d/dead.jsonl" --checkpoint-interval 20ms)
}

# outputs_copy NAME / outputs_unchanged NAME WHAT: the outputs of run NAME
# are byte for byte those of the copy (files and the SQLite table).
outputs_copy() {
  local d="$TMP/$1" f
  rm -rf "$d/copy"
  mkdir -p "$d/copy"
  for f in alerts.jsonl late.jsonl dead.jsonl; do cp "$d/$f" "$d/copy/$f"; done
  alert_table_rows "$d/alerts.db" >"$d/copy/table.txt"
}
outputs_unchanged() {
  local d="$TMP/$1" f
  for f in alerts.jsonl late.jsonl dead.jsonl; do
    same_file "$d/copy/$f" "$d/$f" "$2: $f"
  done
  alert_table_rows "$d/alerts.db" >"$d/copy/table-now.txt"
  same_file "$d/copy/table.txt" "$d/copy/table-now.txt" "$2: SQLite alerts table"
}

# refused_damaged NAME WHAT WORDS: the command of run NAME exits 1 with one
# stderr line naming its journal.db as damaged, with WORDS; its outputs and
# its journal.db are untouched.
refused_damaged() {
  local name=$1 what=$2 words=$3 d="$TMP/$1" rc=0
  local journal="$d/data/journal.db"
  cp "$journal" "$d/journal.before"
  cw "${CMD[@]}" >"$d/refused.out" 2>"$d/refused.err" || rc=$?
  refused 1 "$rc" "$d/refused.err" "$what" "journal $journal is damaged" "$words"
  [[ $(grep -c . "$d/refused.err") == 1 ]] \
    || fail "$what: $(grep -c . "$d/refused.err") stderr lines (want exactly 1): $(head -c 400 "$d/refused.err")"
  ! grep -q 'new journal' "$d/refused.err" || fail "$what: taken for a new journal: $(cat "$d/refused.err")"
  [[ ! -s $d/refused.out ]] || fail "$what: the refused run wrote to stdout: $(head -3 "$d/refused.out")"
  cmp -s "$d/journal.before" "$journal" || fail "$what: the refused run changed or replaced $journal"
  outputs_unchanged "$name" "$what"
}

# 1. A completed run whose journal.db is then cut to 0 bytes (`: >`).
cmd empty
life "$TMP/empty/life0.err" run "${CMD[@]}"
((LIFE_RC == 0)) || fail "the first run exited $LIFE_RC: $(tail -3 "$TMP/empty/life0.err")"
grep -q 'new journal' "$TMP/empty/life0.err" || fail "a fresh data dir did not say 'new journal': $(head -3 "$TMP/empty/life0.err")"
check_oracle_outputs empty
outputs_copy empty
: >"$TMP/empty/data/journal.db"
rm -f "$TMP/empty/data/journal.db-wal" "$TMP/empty/data/journal.db-shm"
refused_damaged empty "an empty journal.db after a completed run" "the file is empty"
note "an empty journal.db after a completed run: refused, nothing written twice"

# 2. Half-created journals, each after a completed run: a SQLite file
# without the journal's tables (what a creation that never committed left
# before journals were created atomically), and a journal whose checkpoint
# rows or settings are gone.
cmd half
life "$TMP/half/life0.err" run "${CMD[@]}"
((LIFE_RC == 0)) || fail "the first run exited $LIFE_RC: $(tail -3 "$TMP/half/life0.err")"
check_oracle_outputs half
outputs_copy half
cp -a "$TMP/half/data" "$TMP/half/data.orig"
half_journal() {
  local j="$TMP/half/data/journal.db"
  rm -rf "$TMP/half/data"
  cp -a "$TMP/half/data.orig" "$TMP/half/data"
  case $1 in
    no-tables) rm -f "$j"* && sqlite3 "$j" "PRAGMA auto_vacuum = INCREMENTAL; PRAGMA journal_mode = WAL;" >/dev/null ;;
    no-checkpoint) q "$j" "DELETE FROM checkpoint" ;;
    no-settings) q "$j" "DELETE FROM setting" ;;
  esac
}
for how in "no-tables|without the journal's tables" \
  "no-checkpoint|it holds no complete checkpoint" \
  "no-settings|it holds no job settings"; do
  half_journal "${how%%|*}"
  refused_damaged half "a half-created journal (${how%%|*})" "${how#*|}"
done
note "half-created journals (no tables, no checkpoint, no settings): refused, nothing written twice"

# 3. Killed while the journal is being created (inside checkpoint 0's
# transaction, before the rename): no journal.db, a journal.db.new left.
# The restart removes it, starts afresh, and ends with the oracle's outputs.
cmd crash
life "$TMP/crash/life0.err" point:checkpoint-write:1 "${CMD[@]}"
((LIFE_RC == 137)) || fail "the life with kill point checkpoint-write:1 exited $LIFE_RC, not killed: $(tail -3 "$TMP/crash/life0.err")"
[[ ! -e $TMP/crash/data/journal.db ]] || fail "journal.db exists after a kill before its creation finished"
[[ -s $TMP/crash/data/journal.db.new ]] || fail "no journal.db.new after a kill inside its creation (was it written elsewhere?)"
life "$TMP/crash/life1.err" run "${CMD[@]}"
((LIFE_RC == 0)) || fail "the restart after a kill during creation exited $LIFE_RC: $(tail -3 "$TMP/crash/life1.err")"
grep -q 'new journal' "$TMP/crash/life1.err" || fail "the restart after a kill during creation did not start a new journal: $(head -3 "$TMP/crash/life1.err")"
[[ ! -e $TMP/crash/data/journal.db.new ]] || fail "journal.db.new is still there after the restart"
check_oracle_outputs crash
note "a journal.db.new left by a kill during creation: removed, the job started afresh to the oracle's outputs"
