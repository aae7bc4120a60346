# A full disk under the journal, for real: the data dir on a small tmpfs.
# Every journal failure reaches the operator as one line naming the journal
# and SQLite's reason, with exit status 1, and the run stops at once (no
# hang, no raw CAF error such as "system_error(request_receiver_down)"):
#   1. the new journal does not fit: "journal DIR/journal.db: cannot create
#      it: database or disk is full (writing DIR/journal.db.new)", and
#      neither file is left behind;
#   2. periodic checkpoints outgrow the disk during a run: "journal
#      DIR/journal.db: cannot write|commit checkpoint N: database or disk is
#      full";
#   3. the disk is full when a restart opens the journal: "journal
#      DIR/journal.db: cannot open it: ..." (not "damaged": the file is
#      fine);
#   4. the final checkpoint (the one the end of the input asks for) does not
#      fit;
# and after each, once there is room again, the same command resumes from
# the last checkpoint written and ends with the oracle's outputs.
# Needs root and mount(8) (exit 77, skipped, otherwise); the tmpfs is
# unmounted on every exit.
source "$(dirname "$0")/common.sh"
source "$(dirname "$0")/durable_common.sh"

skip() {
  echo "[$TEST_NAME] SKIPPED: $*"
  exit 77
}
[[ $(id -u) == 0 ]] || skip "needs root to mount a small tmpfs"
command -v mount >/dev/null && command -v umount >/dev/null || skip "mount(8) is missing"

FULL="$TMP/full"
mkdir -p "$FULL"
MOUNTED=0
cleanup_full() {
  local pid
  # Processes first: a file open on the tmpfs keeps it busy.
  for pid in ${CW_PIDS[@]+"${CW_PIDS[@]}"}; do
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if ((MOUNTED)); then
    umount "$FULL" 2>/dev/null || umount -l "$FULL" 2>/dev/null || true
  fi
  cleanup_durable
}
trap cleanup_full EXIT
mount -t tmpfs -o size=16k,mode=0755 tmpfs "$FULL" 2>"$TMP/mount.err" \
  || skip "cannot mount a tmpfs here: $(head -1 "$TMP/mount.err")"
MOUNTED=1

# Two partitions with alerts, and one with many users: every checkpoint
# changes thousands of window counts, so that checkpoints every 10 ms
# outgrow a few hundred KiB within the run.
gen "$TMP/p0.jsonl" --records 150000 --users 300 --seed 501 \
  --late-fraction 0.02 --malformed-fraction 0.005
gen "$TMP/p1.jsonl" --records 150000 --users 300 --seed 502 \
  --start 2026-01-20T13:53:05Z --malformed-fraction 0.005
gen "$TMP/p2.jsonl" --records 300000 --users 20000 --seed 503
oracle_outputs "$TMP/expected" --input "$TMP/p0.jsonl" --input "$TMP/p1.jsonl" \
  --input "$TMP/p2.jsonl"
outputs_at_least 20 "$TMP/expected"

# cmd NAME [OPTION VALUE]...: CMD = the command of run NAME: its data dir
# on the tmpfs, its outputs beside it on the ordinary disk; more options
# after.
cmd() {
  local d="$TMP/$1"
  mkdir -p "$d"
  CMD=(run --input "$TMP/p0.jsonl" --input "$TMP/p1.jsonl"
       --input "$TMP/p2.jsonl" --shards 2
       --data-dir "$FULL/$1" --output jsonl --output-file "$d/alerts.jsonl"
       --output "sqlite:$d/alerts.db" --late-output "$d/late.jsonl"
       --dead-letter "$d/dead.jsonl" "${@:2}")
}

# resize SIZE: the tmpfs's size (its files are kept).
resize() {
  mount -o "remount,size=$1" "$FULL" 2>"$TMP/mount.err" \
    || fail "cannot resize the tmpfs to $1: $(cat "$TMP/mount.err")"
}

# fill [LEAVE_KIB]: fills the tmpfs but LEAVE_KIB KiB (default 0).
fill() {
  local leave=${1:-0}
  dd if=/dev/zero of="$FULL/filler" bs=4k status=none 2>/dev/null || true
  if ((leave > 0)); then
    truncate -s "-${leave}K" "$FULL/filler"
  fi
}

# resumed NAME LOG: with room again, the same command (CMD) resumes and ends
# with the oracle's outputs.
resumed() {
  rm -f "$FULL/filler"
  resize 64m
  life "$2" run "${CMD[@]}"
  ((LIFE_RC == 0)) || fail "$1: the restart with room again exited $LIFE_RC: $(tail -5 "$2")"
  grep -q 'resuming from checkpoint' "$2" \
    || fail "$1: the restart with room again did not resume: $(head -3 "$2")"
  check_oracle_outputs "$1"
}

# one_failure LOG WHAT PATTERN: LOG (a run's stderr) ends with exactly one
# error line, matching the extended regex PATTERN, and shows nothing of CAF.
one_failure() {
  local log=$1 what=$2 pattern=$3
  ! grep -qiE 'system_error|request_receiver_down|caf::|sec::' "$log" \
    || fail "$what: a raw CAF error reached the operator: $(cat "$log")"
  [[ $(grep -cE "$pattern" "$log") == 1 ]] \
    || fail "$what: want exactly one line matching '$pattern'; stderr: $(head -c 600 "$log")"
  [[ $(tail -1 "$log") =~ $pattern ]] \
    || fail "$what: the last stderr line is not the error: $(tail -3 "$log")"
}

# 1. The new journal does not fit (16 KiB).
cmd small
rc=0
cw "${CMD[@]}" >"$TMP/small/run.out" 2>"$TMP/small/run.err" || rc=$?
((rc == 1)) || fail "a journal that cannot be created: exit $rc (want 1): $(cat "$TMP/small/run.err")"
j="$FULL/small/journal.db"
one_failure "$TMP/small/run.err" "a journal that cannot be created" \
  "^crashwatch run: journal $j: cannot create it: database or disk is full \(writing $j\.new\)$"
[[ ! -e $j && ! -e $j.new ]] || fail "a journal that could not be created left files: $(ls -la "$FULL/small")"
note "a journal that does not fit: $(tail -1 "$TMP/small/run.err")"

# 2. Checkpoints every 10 ms outgrow the disk (whichever checkpoint it is,
# the periodic ones or the final one).
rm -rf "${FULL:?}/small"
resize 320k
cmd grow --checkpoint-interval 10ms
j="$FULL/grow/journal.db"
start=$SECONDS
life "$TMP/grow/life0.err" run "${CMD[@]}"
((LIFE_RC == 1)) || fail "checkpoints outgrowing the disk: exit $LIFE_RC (want 1): $(tail -5 "$TMP/grow/life0.err")"
grep -q 'new journal' "$TMP/grow/life0.err" \
  || fail "the journal of the full-disk run was not even created (is the tmpfs too small?): $(cat "$TMP/grow/life0.err")"
one_failure "$TMP/grow/life0.err" "checkpoints outgrowing the disk" \
  "^crashwatch run: journal $j: cannot (write|commit) checkpoint [0-9]+: database or disk is full$"
((SECONDS - start < 60)) || fail "the full-disk run took $((SECONDS - start)) s to stop"
note "checkpoints outgrowing the disk: $(tail -1 "$TMP/grow/life0.err")"
resumed grow "$TMP/grow/life1.err"
note "with room again the same command resumed and ended with the oracle's outputs"
rm -rf "${FULL:?}/grow"

# 3. and 4. A journal with checkpoint 0 only (a life killed right after
# creating it), then a disk with no room at all, then room for SQLite's
# shared memory (-shm, 32 KiB) but not for the final checkpoint: no
# periodic checkpoint comes before it (--checkpoint-interval 1h).
cmd last --checkpoint-interval 1h
j="$FULL/last/journal.db"
life "$TMP/last/life0.err" point:checkpoint-commit:1 "${CMD[@]}"
((LIFE_RC == 137)) || fail "the life with kill point checkpoint-commit:1 exited $LIFE_RC, not killed: $(tail -3 "$TMP/last/life0.err")"
[[ -s $j ]] || fail "no journal.db after checkpoint 0 was committed"
fill
life "$TMP/last/life1.err" run "${CMD[@]}"
((LIFE_RC == 1)) || fail "opening a journal on a full disk: exit $LIFE_RC (want 1): $(tail -5 "$TMP/last/life1.err")"
one_failure "$TMP/last/life1.err" "opening a journal on a full disk" \
  "^crashwatch run: journal $j: cannot open it: .+$"
! grep -q 'damaged' "$TMP/last/life1.err" \
  || fail "a journal on a full disk was called damaged: $(cat "$TMP/last/life1.err")"
note "opening a journal on a full disk: $(tail -1 "$TMP/last/life1.err")"
rm -f "$FULL/filler"
fill 40
start=$SECONDS
life "$TMP/last/life2.err" run "${CMD[@]}"
((LIFE_RC == 1)) || fail "a final checkpoint that does not fit: exit $LIFE_RC (want 1): $(tail -5 "$TMP/last/life2.err")"
grep -q 'resuming from checkpoint 0' "$TMP/last/life2.err" \
  || fail "a final checkpoint that does not fit: the run did not resume from checkpoint 0: $(cat "$TMP/last/life2.err")"
one_failure "$TMP/last/life2.err" "a final checkpoint that does not fit" \
  "^crashwatch run: journal $j: cannot (write|commit) checkpoint 1: database or disk is full$"
((SECONDS - start < 60)) || fail "the run whose final checkpoint did not fit took $((SECONDS - start)) s to stop"
note "a final checkpoint that does not fit: $(tail -1 "$TMP/last/life2.err")"
resumed last "$TMP/last/life3.err"
note "with room again the same command resumed and ended with the oracle's outputs"
