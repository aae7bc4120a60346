# Durable state stays bounded.
# 1. Files: a long input (one partition, about 40 minutes of event time: 240
# windows) through `run --data-dir --checkpoint-interval 2ms`, killed many
# times (kill points after a checkpoint's commit and after the cut-back, kill
# -9 at random moments). After each kill the journal (inspected on a copy)
# must hold
#   * no window_count row of a window already emitted (SPEC: "the window's
#     state is then freed"; here, the journal's copy of it),
#   * state of a few windows only, never the history: at most 12 distinct
#     window starts (the watermark delay of 30 s and the 2 s disorder keep
#     about 4-5 windows open; the rest is slack for the shards' emission
#     lagging the reader),
#   * at most 100 checkpoint rows,
#   * database + WAL under 16 MiB: SQLite checkpoints the WAL at 1000 pages
#     (4 MiB at the default 4 KiB page) and then reuses it from the start,
#     and the database holds 100 checkpoint rows, one row per shard,
#     partition and output, and the open windows' counts (a few thousand
#     rows at most).
# The final outputs equal the oracle's, and a completed run's journal holds
# no window_count row at all.
# 2. Pruning: a file run has a few dozen checkpoints, too few to prune; a
# live Kafka run (the embedded broker, no --exit-at-end) checkpoints every
# 2 ms for as long as it runs. Once its ids pass 300, the journal must hold
# at most 100 checkpoint rows and stay under the same size; SIGINT stops it
# (idle: exit 130) at a checkpoint.
source "$(dirname "$0")/common.sh"
source "$(dirname "$0")/kafka_common.sh"
source "$(dirname "$0")/durable_common.sh"

N=${DURABILITY_RECORDS:-600000}
gen "$TMP/long.jsonl" --records "$N" --users 60 --seed 401 \
  --events-per-second 250 --late-fraction 0.01 --malformed-fraction 0.002
oracle_outputs "$TMP/expected" --input "$TMP/long.jsonl"
at_least 100 "$(wc -l <"$TMP/expected.jsonl")" "alerts"
at_least 100 "$(wc -l <"$TMP/expected.late")" "late records"
windows=$(python3 -c "import sys,json; ws={json.loads(l)['window_start_ms'] for l in open(sys.argv[1])}; print(len(ws))" "$TMP/expected.jsonl")
at_least 200 "$windows" "windows with alerts"
input_bytes=$(stat -c %s "$TMP/long.jsonl")

d="$TMP/run"
mkdir -p "$d"
LIFE_CMD=(run --input "$TMP/long.jsonl" --data-dir "$d/data" --checkpoint-interval 2ms
          --output jsonl --output-file "$d/alerts.jsonl" --output "sqlite:$d/alerts.db"
          --late-output "$d/late.jsonl" --dead-letter "$d/dead.jsonl")
LIFE_DIR="$d/data"
# The run has only about 10-30 checkpoints (a file reader's barriers queue
# behind its 2 MiB chunks), and the whole run takes 100-200 ms, so one kill
# -9 at a random moment can carry it most of the way. The first lives
# therefore each die right after committing a checkpoint: they move the run
# on by a known step and guarantee the four inspected journals asked for
# below, whatever the machine's speed. Random kills follow.
LIFE_PLAN=(point:checkpoint-commit:2 point:restore-cut-back point:checkpoint-commit:1
           point:checkpoint-commit:1 point:checkpoint-commit:1)
for i in $(seq 0 7); do
  LIFE_PLAN+=("kill9:$(rand_between 5 40)" point:checkpoint-commit:2 point:restore-cut-back)
done
LIFE_EXTRA=()
LIFE_FINAL_TRIES=1
max_open_rows=0 max_open_windows=0 max_bytes=0 samples=0 ids=" "
after_life() {
  ((LIFE_RC != 0)) || return 0
  local bytes
  bytes=$(journal_bytes "$LIFE_DIR")
  ((bytes <= 16 * 1024 * 1024)) \
    || fail "journal.db + WAL take $bytes bytes after life $1 (bound 16 MiB; the input is $input_bytes bytes)"
  ((bytes <= max_bytes)) || max_bytes=$bytes
}
# (run_lives has checked: no emitted window, at most 100 checkpoint rows.)
after_inspect() {
  ((JOURNAL_OPEN_WINDOWS <= 12)) \
    || fail "after life $1 the journal holds counts of $JOURNAL_OPEN_WINDOWS distinct windows ($JOURNAL_OPEN_ROWS rows) at checkpoint $JOURNAL_MAX_ID (at most 12 can be open)"
  ((JOURNAL_OPEN_ROWS <= max_open_rows)) || max_open_rows=$JOURNAL_OPEN_ROWS
  ((JOURNAL_OPEN_WINDOWS <= max_open_windows)) || max_open_windows=$JOURNAL_OPEN_WINDOWS
  [[ $ids == *" $JOURNAL_MAX_ID "* ]] || samples=$((samples + 1))
  ids+="$JOURNAL_MAX_ID "
}
run_lives bounded 10000
at_least 4 "$samples" "journals with a new checkpoint inspected after a kill"
at_least 1 "$max_open_rows" "window_count rows seen after a kill (the checks would be vacuous)"

journal_copy "$LIFE_DIR" "$TMP/final" || fail "no journal after the run"
out=$(q "$TMP/final/journal.db" "SELECT (SELECT count(*) FROM checkpoint), (SELECT max(id) FROM checkpoint), (SELECT count(*) FROM window_count)") \
  || fail "cannot read the completed run's journal"
read -r rows last_id open_rows <<<"$out"
((rows <= 100)) || fail "the completed run's journal holds $rows checkpoint rows (at most 100)"
((open_rows == 0)) || fail "the completed run's journal still holds $open_rows window_count rows"

same_file "$TMP/expected.jsonl" "$d/alerts.jsonl" "alerts (vs the oracle)"
sqlite_alerts_jsonl "$d/alerts.db" "$d/alerts-from-db.jsonl"
same_file "$TMP/expected.jsonl" "$d/alerts-from-db.jsonl" "SQLite alerts table (vs the oracle)"
offsets "$d/late.jsonl" "$d/actual.late"
same_file "$TMP/expected.late" "$d/actual.late" "late records (vs the oracle)"
offsets "$d/dead.jsonl" "$d/actual.malformed"
same_file "$TMP/expected.malformed" "$d/actual.malformed" "malformed records (vs the oracle)"
note "files: $LIVES_RUN lives ($LIVES_KILLED killed), checkpoints up to $last_id; after kills at most $max_open_rows open rows in $max_open_windows windows of $windows, journal at most $max_bytes bytes (input $input_bytes); outputs as the oracle"

# 2. Pruning, on a live Kafka run.
start_broker 1
gen "$TMP/k0.jsonl" --records 20000 --users 60 --seed 402 --malformed-fraction 0.01
produce "$TMP/k0.jsonl" 0
k="$TMP/live"
mkdir -p "$k"
"$BIN" run --brokers "$BROKERS" --topic logs --from earliest --data-dir "$k/data" \
  --checkpoint-interval 2ms --output jsonl --output-file "$k/alerts.jsonl" \
  --late-output "$k/late.jsonl" --dead-letter "$k/dead.jsonl" 2>"$k/err" &
live=$!
CW_PIDS+=("$live")
newest=-1 rows=0
deadline=$((SECONDS + 60))
while ((newest < 300)); do
  kill -0 "$live" 2>/dev/null || fail "the live run ended: $(tail -3 "$k/err")"
  ((SECONDS < deadline)) || fail "the live run's checkpoint ids reached only $newest in 60 s"
  sleep 0.2
  # (SQLite lets a reader in beside the writer: a consistent snapshot.)
  out=$(q "$k/data/journal.db" "SELECT count(*), coalesce(max(id), -1) FROM checkpoint" 2>/dev/null) || continue
  read -r rows newest <<<"$out"
  ((rows <= 100)) || fail "the live run's journal holds $rows checkpoint rows at checkpoint $newest (at most 100)"
done
kill -INT "$live"
wait_rc "$live" "the live run stopped by SIGINT"
((WAIT_RC == 130)) || fail "the idle live run stopped by SIGINT exited $WAIT_RC: $(tail -3 "$k/err")"
grep -qE 'stopped at checkpoint [0-9]+' "$k/err" || note "SIGINT: no 'stopped at checkpoint N' line: $(tail -1 "$k/err")"
inspect_journal "$k/data" 10000
((JOURNAL_MAX_ID >= 300)) || fail "after SIGINT the newest checkpoint is $JOURNAL_MAX_ID, below the $newest seen while running"
bytes=$(journal_bytes "$k/data")
((bytes <= 16 * 1024 * 1024)) || fail "the live run's journal.db + WAL take $bytes bytes after $JOURNAL_MAX_ID checkpoints (bound 16 MiB)"
note "live Kafka run: $JOURNAL_MAX_ID checkpoints, at most 100 kept, journal $bytes bytes, $JOURNAL_OPEN_ROWS open rows in $JOURNAL_OPEN_WINDOWS windows"
