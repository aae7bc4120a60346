# Shared by the durability integration tests (durability_*_test.sh); sourced
# after common.sh (and kafka_common.sh, if used), not run.
#
# A "life" is one process of `crashwatch run ... --data-dir DIR` started in
# the background and ended by one of: nothing (it runs to its end), kill -9
# after a delay, SIGTERM or SIGINT after a delay, or a kill point
# (CRASHWATCH_KILL_POINT=NAME[:K]: the binary raises SIGKILL the K-th time it
# reaches NAME). Timing only decides *where* a life dies, never what the test
# expects: every check compares final outputs with the oracle.

command -v sqlite3 >/dev/null || fail "the sqlite3 command-line tool is missing (scripts/install-deps.sh installs it)"

# Nothing from the caller's environment may kill our lives.
unset CRASHWATCH_KILL_POINT

# Lives still running when a test fails are killed (with the broker, if any).
CW_PIDS=(${CW_PIDS[@]+"${CW_PIDS[@]}"})
cleanup_durable() {
  local pid
  {
    for pid in ${CW_PIDS[@]+"${CW_PIDS[@]}"} ${BROKER_PID:-}; do
      kill -9 "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    done
  } 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup_durable EXIT

# The kill schedule is random; its seed is printed so that a failure can be
# replayed (DURABILITY_SEED=N), as far as timing allows.
DURABILITY_SEED=${DURABILITY_SEED:-$RANDOM}
RANDOM=$DURABILITY_SEED

# rand_between LO HI: a random integer in [LO, HI].
rand_between() {
  echo $(($1 + (RANDOM * 32768 + RANDOM) % ($2 - $1 + 1)))
}

sleep_ms() {
  sleep "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"
}

now_ms() {
  date +%s%3N
}

# life LOG SPEC ARGS...: "$BIN" ARGS... as one life, ended per SPEC:
#   run            runs to its end
#   kill9:MS       kill -9 after MS milliseconds
#   term:MS int:MS SIGTERM / SIGINT MS milliseconds after the life said
#                  where it starts ("new journal", "resuming from ..."). The
#                  binary prints that line after installing its handlers and
#                  before it starts reading, and a signal that comes before
#                  the end of the input is noticed always stops the run
#                  (exit 130): keep MS small (a few ms) for a life that must
#                  stop; a larger MS races the end of a short remaining run.
#   point:NAME[:K] CRASHWATCH_KILL_POINT=NAME[:K]
# stderr goes to LOG, stdout to LOG.out. Sets LIFE_RC (137 = killed),
# LIFE_MS (wall time) and LIFE_SIGNAL_MS (when SIGTERM/SIGINT was sent). A life still running after RUN_TIMEOUT seconds fails
# the test.
life() {
  local log=$1 spec=$2 pid start
  shift 2
  start=$(now_ms)
  LIFE_SIGNAL_MS=""
  : >"$log"
  if [[ $spec == point:* ]]; then
    CRASHWATCH_KILL_POINT=${spec#point:} "$BIN" "$@" >"$log.out" 2>"$log" &
  else
    "$BIN" "$@" >"$log.out" 2>"$log" &
  fi
  pid=$!
  CW_PIDS+=("$pid")
  case $spec in
    kill9:*) sleep_ms "${spec#*:}"; kill -KILL "$pid" 2>/dev/null || true ;;
    term:* | int:*)
      # A signal sent before the binary set up its handlers would kill it
      # like any program; so wait until it says where it starts.
      local until=$((SECONDS + RUN_TIMEOUT))
      while kill -0 "$pid" 2>/dev/null && ((SECONDS < until)) &&
        ! grep -qE 'resuming from checkpoint|new journal' "$log"; do
        sleep 0.005
      done
      sleep_ms "${spec#*:}"
      LIFE_SIGNAL_MS=$(($(now_ms) - start))
      kill "-${spec%%:*}" "$pid" 2>/dev/null || true ;;
  esac
  wait_rc "$pid" "a life ($spec)" "$log"
  LIFE_RC=$WAIT_RC
  LIFE_MS=$(($(now_ms) - start))
}

# wait_rc PID WHAT [LOG]: waits (at most RUN_TIMEOUT seconds) for background
# process PID and sets WAIT_RC to its exit status; a process still running
# then is killed and fails the test (with the tail of LOG, if given).
wait_rc() {
  local pid=$1 deadline=$((SECONDS + RUN_TIMEOUT)) hung=0
  # (stderr of the shell itself is quiet here: bash would report each
  # killed process as "PID Killed ...".)
  {
    while kill -0 "$pid" 2>/dev/null; do
      if ((SECONDS >= deadline)); then
        hung=1
        kill -9 "$pid" 2>/dev/null || true
        break
      fi
      sleep 0.01
    done
    WAIT_RC=0
    wait "$pid" || WAIT_RC=$?
  } 2>/dev/null
  ((hung == 0)) || fail "$2 still ran after ${RUN_TIMEOUT}s${3:+: $(tail -3 "$3")}"
}

# resumed_from LOG: the N of "resuming from checkpoint N" in LOG, or nothing.
resumed_from() {
  grep -oE 'resuming from checkpoint [0-9]+' "$1" | tail -1 | awk '{print $4}' || true
}

# summary_records LOG: the record count of the final summary line
# ("crashwatch: 4 partitions, 120000 records (...").
summary_records() {
  grep -oE 'crashwatch: [0-9]+ partitions?, [0-9]+ records' "$1" | tail -1 | awk '{print $4}' || true
}

# work_ms LOG WALL_MS: how long a life that ran to its end took to do its
# work: WALL_MS, or less when its summary ("... alerts in 0.25 s") shows the
# process lingered after the work (a slow exit), plus 100 ms of start-up.
work_ms() {
  local busy
  busy=$(grep -oE 'alerts in [0-9.]+ s' "$1" | tail -1 | awk '{printf "%d", $3 * 1000}')
  if [[ -n $busy ]] && ((busy + 100 < $2)); then echo $((busy + 100)); else echo "$2"; fi
}

# nonblank_lines FILE...: lines that are not blank (the records a run counts).
nonblank_lines() {
  cat "$@" | grep -cv '^[[:space:]]*$' || true
}

# sqlite_alerts_jsonl DB OUT: the table `alerts` of DB as JSON Lines in rowid order, in
# SPEC.md's format (to compare with the oracle byte for byte); fails unless
# the rowids are exactly 1..N and every column agrees with its neighbours.
sqlite_alerts_jsonl() {
  python3 - "$1" "$2" <<'PY' || fail "sqlite output $1: see above"
import json, sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
cols = [r[1] for r in db.execute("PRAGMA table_info(alerts)")]
want = ["window_start", "window_end", "window_start_ms", "window_end_ms",
        "user_id", "crash_count", "final"]
if sorted(cols) != sorted(want):
    sys.exit(f"table alerts has columns {cols}, want {want}")
rows = db.execute("SELECT rowid, window_start, window_end, window_start_ms, "
                  "window_end_ms, user_id, crash_count, final FROM alerts "
                  "ORDER BY rowid").fetchall()
out = open(sys.argv[2], "w", encoding="utf-8")
for n, (rowid, ws, we, wsm, wem, user, count, final) in enumerate(rows, 1):
    if rowid != n:
        sys.exit(f"{sys.argv[1]}: alerts rowid {rowid} where {n} was due "
                 f"(rowids must be 1..N, emission order, no gaps)")
    if not (isinstance(ws, str) and isinstance(we, str) and
            isinstance(wsm, int) and isinstance(wem, int) and
            isinstance(user, str) and isinstance(count, int) and
            final in (0, 1)):
        sys.exit(f"{sys.argv[1]}: row {rowid} has wrong column types: "
                 f"{(ws, we, wsm, wem, user, count, final)!r}")
    out.write('{"window_start":%s,"window_end":%s,"window_start_ms":%d,'
              '"window_end_ms":%d,"user_id":%s,"crash_count":%d,"final":%s}\n'
              % (json.dumps(ws), json.dumps(we), wsm, wem,
                 json.dumps(user, ensure_ascii=False), count,
                 "true" if final else "false"))
PY
}

# journal_copy DIR OUT: a copy of DIR's journal (database and WAL, taken
# while no process uses it) in OUT, so that inspecting it with sqlite3 cannot
# change what the next life finds. Returns 1 when there is no journal yet.
journal_copy() {
  rm -rf "$2"
  mkdir -p "$2"
  [[ -f $1/journal.db ]] || return 1
  cp "$1/journal.db" "$2/journal.db"
  if [[ -f $1/journal.db-wal ]]; then cp "$1/journal.db-wal" "$2/journal.db-wal"; fi
  return 0
}

# journal_bytes DIR: bytes of DIR's journal.db and its WAL, if any.
journal_bytes() {
  local f total=0
  for f in "$1/journal.db" "$1/journal.db-wal"; do
    [[ ! -f $f ]] || total=$((total + $(stat -c %s "$f")))
  done
  echo "$total"
}

# q DB SQL: one sqlite3 query, fields separated by spaces.
q() {
  sqlite3 -batch -noheader -separator ' ' "$1" "$2"
}

# alert_table_rows DB: every row of DB's table `alerts` with its rowid, in
# rowid order: what two alert tables are compared by.
alert_table_rows() {
  q "$1" "SELECT rowid, * FROM alerts ORDER BY rowid"
}

# inspect_journal DIR WINDOW_MS: checks, on a copy, the journal a killed
# life left: at most 100 checkpoint rows, no window_count row of an emitted
# window (window_start_ms + window <= its shard's emitted_through), no row of
# a shard without shard_state. Sets JOURNAL_MAX_ID (newest complete
# checkpoint, or -1 when there is none yet) and JOURNAL_OPEN_ROWS.
inspect_journal() {
  local dir=$1 window_ms=$2 copy="$TMP/journal-inspect" tables
  JOURNAL_MAX_ID=-1
  JOURNAL_OPEN_ROWS=0
  JOURNAL_OPEN_WINDOWS=0
  journal_copy "$dir" "$copy" || return 0
  tables=$(q "$copy/journal.db" "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'checkpoint'" 2>"$TMP/q.err") \
    || fail "sqlite3 cannot read the journal a killed life left in $dir: $(cat "$TMP/q.err")"
  # Killed before the journal's schema was committed: nothing to check.
  [[ $tables == 1 ]] || return 0
  local n max bad orphans out
  out=$(q "$copy/journal.db" "SELECT count(*), coalesce(max(id), -1) FROM checkpoint" 2>"$TMP/q.err") \
    || fail "cannot read table checkpoint of $dir/journal.db: $(cat "$TMP/q.err")"
  read -r n max <<<"$out"
  ((n <= 100)) || fail "$dir/journal.db holds $n checkpoint rows (at most 100 are kept)"
  JOURNAL_MAX_ID=$max
  ((max >= 0)) || return 0
  bad=$(q "$copy/journal.db" "SELECT count(*) FROM window_count w JOIN shard_state s ON s.shard = w.shard WHERE w.window_start_ms + $window_ms <= s.emitted_through" 2>"$TMP/q.err") \
    || fail "cannot read tables window_count, shard_state of $dir/journal.db: $(cat "$TMP/q.err")"
  if [[ $bad != 0 ]]; then
    q "$copy/journal.db" "SELECT w.shard, w.window_start_ms, w.user_id, w.count, s.emitted_through FROM window_count w JOIN shard_state s ON s.shard = w.shard WHERE w.window_start_ms + $window_ms <= s.emitted_through LIMIT 5" >&2 || true
    fail "$dir/journal.db keeps $bad window_count rows of windows already emitted (shard, window_start_ms, user, count, emitted_through above)"
  fi
  orphans=$(q "$copy/journal.db" "SELECT count(*) FROM window_count WHERE shard NOT IN (SELECT shard FROM shard_state)" 2>"$TMP/q.err") \
    || fail "cannot read tables window_count, shard_state of $dir/journal.db: $(cat "$TMP/q.err")"
  [[ $orphans == 0 ]] || fail "$dir/journal.db has $orphans window_count rows of shards without shard_state"
  out=$(q "$copy/journal.db" "SELECT count(*), count(DISTINCT window_start_ms) FROM window_count" 2>"$TMP/q.err") \
    || fail "cannot read table window_count of $dir/journal.db: $(cat "$TMP/q.err")"
  read -r JOURNAL_OPEN_ROWS JOURNAL_OPEN_WINDOWS <<<"$out"
}

# run_lives NAME WINDOW_MS: runs lives of `"$BIN" "${LIFE_CMD[@]}"` (the
# same command each time, plus the words of LIFE_EXTRA[i] for life i, if set:
# options that may change between lives) on data dir LIFE_DIR, ending life i
# per LIFE_PLAN[i] (see `life`); after the plan, lives run to their end (at
# most LIFE_FINAL_TRIES of them). Stops at the first life that exits 0.
# After every other life the journal is inspected (inspect_journal), and the
# next life must say it resumes from exactly its newest complete checkpoint.
# A test may define after_life N, run after each life, and after_inspect N,
# run after each inspection (JOURNAL_* set). Sets LIVES_RUN,
# LIVES_KILLED (exit 137), LIVES_STOPPED (130), RESUMED_IDS, and
# SUMMARY_LOG: the stderr of the last life that printed the summary line.
run_lives() {
  local name=$1 window_ms=$2 i=0 spec expect_id=-1 log got
  LIVES_RUN=0 LIVES_KILLED=0 LIVES_STOPPED=0 RESUMED_IDS=() SUMMARY_LOG=""
  local total=$((${#LIFE_PLAN[@]} + ${LIFE_FINAL_TRIES:-3}))
  while ((i < total)); do
    spec=${LIFE_PLAN[i]:-run}
    log="$TMP/$name-life$i.err"
    if [[ $spec == point:restore-* ]] && ((expect_id < 0)); then
      # Restore needs a complete checkpoint, which earlier lives did not
      # leave: this life leaves one, the next one restores.
      note "$name life $i: no complete checkpoint yet, checkpoint-commit:1 before $spec"
      LIFE_PLAN=("${LIFE_PLAN[@]:0:i}" point:checkpoint-commit:1 "${LIFE_PLAN[@]:i}")
      total=$((total + 1))
      spec=point:checkpoint-commit:1
    fi
    local extra=()
    if [[ -n ${LIFE_EXTRA[i]:-} ]]; then read -r -a extra <<<"${LIFE_EXTRA[i]}"; fi
    life "$log" "$spec" "${LIFE_CMD[@]}" ${extra[@]+"${extra[@]}"}
    LIVES_RUN=$((LIVES_RUN + 1))
    [[ -z $(summary_records "$log") ]] || SUMMARY_LOG=$log
    got=$(resumed_from "$log")
    if [[ -n $got ]]; then
      RESUMED_IDS+=("$got")
      ((expect_id >= 0)) \
        || fail "$name life $i says 'resuming from checkpoint $got' but the journal held no complete checkpoint"
      ((got == expect_id)) \
        || fail "$name life $i resumed from checkpoint $got, but the newest complete checkpoint in the journal was $expect_id"
    elif ((expect_id >= 0)) && ! grep -q 'nothing to do' "$log" &&
      [[ $LIFE_RC == 0 || $LIFE_RC == 130 || $spec == point:checkpoint-* || $spec == point:alerts-* ]]; then
      # (A life killed after the run's final checkpoint leaves nothing to
      # do: the next one says so instead.)
      fail "$name life $i ($spec, exit $LIFE_RC) did not say 'resuming from checkpoint $expect_id': $(head -5 "$log")"
    fi
    note "$name life $i: $spec${extra[*]:+ (${extra[*]})} -> exit $LIFE_RC after ${LIFE_MS} ms${got:+, resumed from checkpoint $got}"
    local sig=${spec%%:*}
    case $LIFE_RC in
      0)
        if [[ -n $LIFE_SIGNAL_MS ]] && ((LIFE_MS - LIFE_SIGNAL_MS > 3000)); then
          fail "$name life $i: SIG${sig^^} sent ${LIFE_SIGNAL_MS} ms after start did not stop it: it ran $((LIFE_MS - LIFE_SIGNAL_MS)) ms more and exited 0 (want 130): $(tail -2 "$log")"
        elif [[ -n $LIFE_SIGNAL_MS ]]; then
          # The summary's time counts from after the process started, so
          # work that took longer than the signal's delay was still going
          # on when the signal came: it should have stopped the run.
          local busy_ms
          busy_ms=$(grep -oE 'alerts in [0-9.]+ s' "$log" | tail -1 | awk '{printf "%d", $3 * 1000}')
          if [[ -n $busy_ms ]] && ((busy_ms > LIFE_SIGNAL_MS)) && ! grep -q 'nothing to do' "$log"; then
            fail "$name life $i: SIG${sig^^} sent ${LIFE_SIGNAL_MS} ms after start did not stop the run: its summary says it worked ${busy_ms} ms, and it exited 0 (want 130): $(tail -1 "$log")"
          fi
          note "$name life $i: SIG${sig^^} sent ${LIFE_SIGNAL_MS} ms after start; the life had ended by itself (exit 0, ${LIFE_MS} ms): $(tail -1 "$log")"
        fi ;;
      137)
        [[ $spec == kill9:* || $spec == point:* ]] \
          || fail "$name life $i ($spec) was killed (137) though nothing was to kill it: $(tail -5 "$log")"
        LIVES_KILLED=$((LIVES_KILLED + 1)) ;;
      130)
        [[ $spec == term:* || $spec == int:* ]] \
          || fail "$name life $i ($spec) exited 130 without a signal: $(tail -5 "$log")"
        LIVES_STOPPED=$((LIVES_STOPPED + 1)) ;;
      *) fail "$name life $i ($spec) exited $LIFE_RC: $(tail -5 "$log")" ;;
    esac
    if declare -F after_life >/dev/null; then after_life "$i"; fi
    ((LIFE_RC != 0)) || return 0
    inspect_journal "$LIFE_DIR" "$window_ms"
    expect_id=$JOURNAL_MAX_ID
    if declare -F after_inspect >/dev/null; then after_inspect "$i"; fi
    i=$((i + 1))
  done
  fail "$name: no life ended the run after $total lives"
}

# refused WANT_RC RC LOG WHAT TEXT...: a refused command (stderr in LOG)
# exited WANT_RC (RC is what it exited with) and one line of its stderr
# contains every TEXT. Exit 2 (a bad command line, SPEC.md) must print
# exactly one line; exit 1 may come after a line such as "resuming from
# checkpoint N".
refused() {
  local want=$1 rc=$2 log=$3 what=$4 t
  shift 4
  [[ $rc == "$want" ]] || fail "$what: exit $rc (want $want); stderr: $(head -c 400 "$log")"
  if [[ $want == 2 && $(grep -c . "$log") != 1 ]]; then
    fail "$what: $(grep -c . "$log") stderr lines (want exactly 1): $(head -c 400 "$log")"
  fi
  local lines
  lines=$(cat "$log")
  for t in "$@"; do lines=$(grep -F -- "$t" <<<"$lines" || true); done
  [[ -n $lines ]] || fail "$what: no stderr line contains all of: $*; stderr: $(head -c 400 "$log")"
}

# reference_life: the failure-free run of a durability test, with `cmd_for
# clean` (defined by the test) and `check_outputs clean` against the oracle;
# its summary must count $records records. Sets T, the time its work took
# in ms, which only spreads the random kills of the lives after it (bounded,
# so that one slow life, e.g. a slow exit, cannot push every kill past the
# end of the run).
reference_life() {
  cmd_for clean
  life "$TMP/clean.err" run "${CMD[@]}" --checkpoint-interval 20ms
  ((LIFE_RC == 0)) || fail "failure-free run exited $LIFE_RC: $(tail -5 "$TMP/clean.err")"
  grep -q 'new journal' "$TMP/clean.err" \
    || fail "a fresh data dir did not say 'new journal': $(head -5 "$TMP/clean.err")"
  check_outputs clean
  local got
  got=$(summary_records "$TMP/clean.err")
  [[ $got == "$records" ]] || fail "failure-free run: summary counts '$got' records, want $records: $(tail -1 "$TMP/clean.err")"
  T=$(work_ms "$TMP/clean.err" "$LIFE_MS")
  ((T >= 60)) || T=60
  ((T <= 5000)) || T=5000
  note "failure-free run: ${LIFE_MS} ms (work ${T} ms), outputs as the oracle (seed $DURABILITY_SEED)"
}

# check_oracle_outputs NAME: the outputs in $TMP/NAME (alerts.jsonl,
# alerts.db, late.jsonl, dead.jsonl) against the oracle's expected files in
# $TMP: alerts byte for byte (JSONL and the SQLite table), late and
# malformed records as sorted "partition offset" sets (a duplicate fails).
check_oracle_outputs() {
  local d="$TMP/$1"
  same_file "$TMP/expected.jsonl" "$d/alerts.jsonl" "$1: JSONL alerts (vs the oracle)"
  sqlite_alerts_jsonl "$d/alerts.db" "$d/alerts-from-db.jsonl"
  same_file "$TMP/expected.jsonl" "$d/alerts-from-db.jsonl" \
    "$1: rows of the SQLite alerts table (vs the oracle)"
  offsets "$d/late.jsonl" "$d/actual.late"
  same_file "$TMP/expected.late" "$d/actual.late" "$1: late records (partition offset, vs the oracle)"
  offsets "$d/dead.jsonl" "$d/actual.malformed"
  same_file "$TMP/expected.malformed" "$d/actual.malformed" \
    "$1: malformed records (partition offset, vs the oracle)"
}

# check_lives_outputs WANT: after run_lives, the killed run's outputs
# ($TMP/lives) as the oracle (check_outputs, defined by the test) and as the
# failure-free run ($TMP/clean), byte for byte, the SQLite table included;
# its summary counts $records records over the whole run (WANT says why
# that is the number).
check_lives_outputs() {
  check_outputs lives
  same_file "$TMP/clean/alerts.jsonl" "$TMP/lives/alerts.jsonl" "JSONL alerts of the killed run vs the failure-free run"
  local db got
  for db in clean lives; do
    alert_table_rows "$TMP/$db/alerts.db" >"$TMP/$db/table.txt" \
      || fail "cannot read $TMP/$db/alerts.db"
  done
  same_file "$TMP/clean/table.txt" "$TMP/lives/table.txt" "SQLite alerts tables of the killed and the failure-free run"
  if [[ -z $SUMMARY_LOG ]] && grep -q 'nothing to do' "$TMP/$RUN_NAME-life$((LIVES_RUN - 1)).err"; then
    # Killed between the final checkpoint and its summary line: the restart
    # has nothing to do, and no life printed the whole run's counts.
    note "no summary line to check: a life was killed after the run's final checkpoint"
  else
    [[ -n $SUMMARY_LOG ]] || fail "no life printed the summary line"
    got=$(summary_records "$SUMMARY_LOG")
    [[ $got == "$records" ]] || fail "after $LIVES_RUN lives the summary counts '$got' records; $1: $(tail -1 "$SUMMARY_LOG")"
  fi
}

# check_restart_after_end: after run_lives ended the run, one more life of
# the same command ($TMP/lives) exits 0, says 'nothing to do', and leaves
# the output files and the SQLite alert table exactly as they were.
check_restart_after_end() {
  local f
  for f in alerts.jsonl late.jsonl dead.jsonl; do cp "$TMP/lives/$f" "$TMP/lives/$f.before"; done
  alert_table_rows "$TMP/lives/alerts.db" >"$TMP/lives/table-before.txt" \
    || fail "cannot read $TMP/lives/alerts.db"
  life "$TMP/again.err" run "${LIFE_CMD[@]}" --checkpoint-interval 20ms
  ((LIFE_RC == 0)) || fail "restart after the end exited $LIFE_RC: $(tail -5 "$TMP/again.err")"
  grep -q 'nothing to do' "$TMP/again.err" || fail "restart after the end did not say 'nothing to do': $(cat "$TMP/again.err")"
  for f in alerts.jsonl late.jsonl dead.jsonl; do
    same_file "$TMP/lives/$f.before" "$TMP/lives/$f" "$f after a restart of a completed run"
  done
  alert_table_rows "$TMP/lives/alerts.db" >"$TMP/lives/table-again.txt" \
    || fail "cannot read $TMP/lives/alerts.db after a restart of a completed run"
  same_file "$TMP/lives/table-before.txt" "$TMP/lives/table-again.txt" "SQLite alerts table after a restart of a completed run"
}
