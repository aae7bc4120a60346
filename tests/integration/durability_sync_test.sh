# What a power loss needs, seen in the system calls (strace): a kill -9 test
# cannot tell a synced file from one the kernel merely holds, so this test
# watches `crashwatch run --data-dir` make the journal's first checkpoint
# and every name a checkpoint relies on durable before the first alert is
# written (docs/DURABILITY.md, "synchronous = NORMAL"):
#   * the parent of a new data dir (the data dir's name),
#   * the new journal, written whole as journal.db.new (checkpoint 0, with
#     the job's settings), synced, then renamed to journal.db, then
#   * the data dir (the name journal.db),
#   * the directory of each new output file (its name), and
#   * each output file (its size at checkpoint 0);
# and, at the end, the WAL once more after the last alert: the final
# checkpoint (the run is complete) survives a power loss too.
# A run without --data-dir syncs nothing (durability costs only who asks).
source "$(dirname "$0")/common.sh"

command -v strace >/dev/null || fail "strace is missing (scripts/install-deps.sh installs it)"
# A sandbox that forbids ptrace cannot run this test: skipped (exit 77,
# shown by ctest as "Skipped"), not passed.
if ! strace -o /dev/null true 2>"$TMP/strace.err"; then
  echo "[$TEST_NAME] SKIPPED: strace cannot trace here: $(head -1 "$TMP/strace.err")"
  exit 77
fi

gen "$TMP/in.jsonl" --records 50000 --users 50 --seed 11
root=$(realpath "$TMP")
mkdir -p "$root/state" "$root/out"
out="$root/out"
trace="$TMP/trace.txt"
timeout "$RUN_TIMEOUT" strace -f -y -qq -o "$trace" \
  -e trace=fsync,fdatasync,write,pwrite64,rename,renameat,renameat2 \
  "$BIN" run --input "$TMP/in.jsonl" --data-dir "$root/state/job" \
  --checkpoint-interval 1h --output jsonl --output-file "$out/alerts.jsonl" \
  --late-output "$out/late.jsonl" --dead-letter "$out/dead.jsonl" \
  >"$TMP/run.out" 2>"$root/run.err" \
  || fail "the traced run failed: $(tail -3 "$root/run.err")"

# first PATTERN / last PATTERN: the line number in the trace of the first /
# last system call matching the extended regex PATTERN, or 0.
first() { grep -nE "$1" "$trace" | head -1 | cut -d: -f1 | grep . || echo 0; }
last() { grep -nE "$1" "$trace" | tail -1 | cut -d: -f1 | grep . || echo 0; }
# synced PATH: the pattern of an fsync or fdatasync of PATH.
synced() { printf '(fsync|fdatasync)\\([0-9]+<%s>' "$1"; }

alert_write="write\\([0-9]+<$out/alerts.jsonl>"
first_alert=$(first "$alert_write")
((first_alert > 0)) || fail "the trace shows no write to $out/alerts.jsonl (strace saw nothing? $(head -3 "$trace"))"
at_least 20 "$(grep -c . "$out/alerts.jsonl")" "alerts written"

# before_first_alert PATH WHAT: PATH was synced before the first alert.
before_first_alert() {
  local at
  at=$(first "$(synced "$1")")
  ((at > 0)) || fail "$2 ($1) is never synced"
  ((at < first_alert)) || fail "$2 ($1) is first synced at trace line $at, after the first alert was written (line $first_alert)"
}
before_first_alert "$root/state" "the parent of the new data dir"
before_first_alert "$root/state/job" "the data dir"
before_first_alert "$root/state/job/journal.db.new" "the new journal, before its rename"
# journal.db appears only complete and synced, and its name is synced next.
new_synced=$(first "$(synced "$root/state/job/journal.db.new")")
renamed=$(first "rename(at2?)?\\(.*\"$root/state/job/journal.db.new\", .*\"$root/state/job/journal.db\"")
((renamed > 0)) || fail "the trace shows no rename of journal.db.new to journal.db: $(grep -m3 rename "$trace" || true)"
((new_synced < renamed)) || fail "journal.db.new is renamed (trace line $renamed) before it is synced (line $new_synced)"
dir_synced=$(grep -nE "$(synced "$root/state/job")\)" "$trace" | cut -d: -f1 | awk -v r="$renamed" '$1 > r' | head -1)
[[ -n $dir_synced ]] || fail "the data dir is not synced after journal.db.new is renamed (line $renamed)"
((dir_synced < first_alert)) || fail "the data dir is synced after the rename only at trace line $dir_synced, after the first alert (line $first_alert)"
[[ ! -e $root/state/job/journal.db.new ]] || fail "journal.db.new is still there after the run"
before_first_alert "$out" "the directory of the new output files"
for f in alerts late dead; do
  before_first_alert "$out/$f.jsonl" "output $f.jsonl"
done

# The final checkpoint: synced after the last alert was written and before
# the summary line tells the operator the run is done. (SQLite syncs the WAL
# again when the journal is closed, which may come after the summary.)
last_alert=$(last "$alert_write")
summary=$(first "write\\(2<$root/run.err>, \"crashwatch: 1 partition")
((summary > 0)) || fail "the trace shows no summary line written to stderr: $(tail -2 "$root/run.err")"
final_sync=$(grep -nE "$(synced "$root/state/job/journal.db-wal")" "$trace" | cut -d: -f1 \
  | awk -v a="$last_alert" -v s="$summary" '$1 > a && $1 < s' | head -1)
[[ -n $final_sync ]] || fail "the journal's WAL is not synced between the last alert (trace line $last_alert) and the summary (line $summary): the final checkpoint may not survive a power loss"
finished=$(sqlite3 -readonly "$root/state/job/journal.db" "SELECT finished FROM checkpoint ORDER BY id DESC LIMIT 1")
[[ $finished == 1 ]] || fail "the journal's newest checkpoint is not the final one (finished = '$finished')"

# Without --data-dir: no sync at all.
timeout "$RUN_TIMEOUT" strace -f -qq -o "$TMP/plain.txt" -e trace=fsync,fdatasync \
  "$BIN" run --input "$TMP/in.jsonl" --output jsonl --output-file "$out/plain.jsonl" \
  --late-output "$out/plain.late" --dead-letter "$out/plain.dead" \
  >/dev/null 2>"$TMP/plain.err" || fail "the plain run failed: $(tail -3 "$TMP/plain.err")"
same_file "$out/alerts.jsonl" "$out/plain.jsonl" "alerts with and without --data-dir"
syncs=$(grep -cE '(fsync|fdatasync)\(' "$TMP/plain.txt" || true)
((syncs == 0)) || fail "a run without --data-dir made $syncs fsync/fdatasync calls: $(grep -E 'sync\(' "$TMP/plain.txt" | head -3)"
note "new data dir, journal.db.new synced then renamed to journal.db (line $renamed), data dir synced (line $dir_synced), output dir and files synced before the first alert (trace line $first_alert); WAL synced after the last alert; no sync without --data-dir"
