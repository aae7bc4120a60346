# Durable state, file input: `run --data-dir` killed again and again (kill -9
# at random moments, from a few ms after start on; kill points inside and
# right after a checkpoint's transaction, after alerts were written, after
# the outputs were cut back at restart; one SIGTERM), restarted with the same
# command each time until a life ends by itself. Its final outputs must be
# byte for byte those of a failure-free run and of the independent oracle:
# the JSONL alerts, the SQLite alerts table (rowids 1..N in order), the exact
# sets of late and malformed records (a record written twice would show), and
# the summary's record count over the whole run.
source "$(dirname "$0")/common.sh"
source "$(dirname "$0")/durable_common.sh"

# Four partitions with their own pace and disorder, late and malformed
# records (as in e2e_oracle_test.sh), big enough for many checkpoints.
N=${DURABILITY_RECORDS:-400000}
gen "$TMP/p0.jsonl" --records "$N" --users 300 --seed 101 \
  --late-fraction 0.01 --malformed-fraction 0.005
gen "$TMP/p1.jsonl" --records "$N" --users 300 --seed 102 \
  --start 2026-01-20T13:53:07.250Z --out-of-order 5000 \
  --late-fraction 0.01 --malformed-fraction 0.01
gen "$TMP/p2.jsonl" --records "$N" --users 300 --seed 103 \
  --start 1768917160000 --events-per-second 2000 --out-of-order 45000 \
  --late-fraction 0 --malformed-fraction 0.005
gen "$TMP/p3.jsonl" --records "$N" --users 300 --seed 104 \
  --start 2026-01-20T13:53:03Z --events-per-second 800 \
  --late-fraction 0.03 --malformed-fraction 0.005
files=("$TMP/p0.jsonl" "$TMP/p1.jsonl" "$TMP/p2.jsonl" "$TMP/p3.jsonl")
inputs=()
for f in "${files[@]}"; do inputs+=(--input "$f"); done

oracle_outputs "$TMP/expected" "${inputs[@]}"
outputs_at_least 1000 "$TMP/expected"
records=$(nonblank_lines "${files[@]}")

# cmd_for NAME: the command of run NAME (its own data dir and outputs).
cmd_for() {
  local d="$TMP/$1"
  mkdir -p "$d"
  CMD=(run "${inputs[@]}" --shards 3 --data-dir "$d/data"
       --output jsonl --output-file "$d/alerts.jsonl"
       --output "sqlite:$d/alerts.db"
       --late-output "$d/late.jsonl" --dead-letter "$d/dead.jsonl")
}

# check_outputs NAME: run NAME's outputs against the oracle.
check_outputs() {
  check_oracle_outputs "$1"
  local d="$TMP/$1"
  python3 "$ORACLE" check-dead-letters "$d/dead.jsonl" "${files[@]}" \
    2>"$d/deadcheck.err" || fail "$1: $(tail -1 "$d/deadcheck.err")"
}

# 1. The failure-free run: the reference, and the time one life takes.
reference_life

# 2. Lives. A checkpoint here covers a good part of the input (barriers
# queue behind whole batches), so a life that commits one checkpoint may
# move the run far. The plan therefore has enough lives that cannot move it
# at all (killed inside checkpoint 0, inside a restart's first checkpoint,
# after the cut-back, within ms of the start) for the kill count not to
# depend on the machine's speed; the others move it a little each. Random
# delays are fractions of the failure-free time T.
cmd_for lives
LIFE_CMD=("${CMD[@]}")
LIFE_DIR="$TMP/lives/data"
LIFE_PLAN=(
  point:checkpoint-write:1                           # inside checkpoint 0
  "kill9:$(rand_between 1 15)"                       # very early
  point:checkpoint-commit:1
  point:restore-cut-back
  point:checkpoint-write:1                           # inside a restart's first
  point:checkpoint-commit:1
  "kill9:$(rand_between $((T / 10)) $((T / 4)))"
  point:alerts-written:1
  "term:$(rand_between 0 5)"                       # stop: exit 130
  point:checkpoint-write:2
  "kill9:$(rand_between 1 30)"                       # during restore
  point:alerts-written:2
  "kill9:$(rand_between 0 $((T / 4)))"
  point:restore-cut-back
  "kill9:$(rand_between $((T / 10)) $((T / 3)))"
)
# (checkpoint-commit kills come early: late in the run a restart's first
# checkpoint may be its final one, and a life killed right after it leaves
# no summary line to check.)
LIFE_EXTRA=()
for i in "${!LIFE_PLAN[@]}"; do LIFE_EXTRA[i]="--checkpoint-interval 20ms"; done
# Options that do not shape results may change between lives.
LIFE_EXTRA[6]="--checkpoint-interval 7ms --idle-timeout 30s"
LIFE_EXTRA[12]="--checkpoint-interval 50ms"
LIFE_FINAL_TRIES=2
RUN_NAME="file"
run_lives file 10000
at_least 6 "$LIVES_KILLED" "lives killed (exit 137)"
((LIVES_STOPPED == 1)) || fail "the SIGTERM life exited 0, not 130: the run had ended before the signal, or the signal was not honoured"
max_resumed=-1
for id in ${RESUMED_IDS[@]+"${RESUMED_IDS[@]}"}; do ((id <= max_resumed)) || max_resumed=$id; done
at_least 1 "$max_resumed" "as newest checkpoint id restarts resumed from"
note "$LIVES_RUN lives, $LIVES_KILLED killed, $LIVES_STOPPED stopped by SIGTERM; resumed from checkpoints ${RESUMED_IDS[*]:-none}"

# 3. The outputs after all these lives: as the oracle, as the failure-free
# run (byte for byte, also the SQLite table), the whole run counted once.
check_lives_outputs "the inputs hold $records (each must count once over the whole run)"
journal_copy "$LIFE_DIR" "$TMP/final-journal" || fail "no journal in $LIFE_DIR"
open_rows=$(q "$TMP/final-journal/journal.db" "SELECT count(*) FROM window_count")
[[ $open_rows == 0 ]] || fail "the journal of a completed run still holds $open_rows window_count rows (every window was emitted)"

# 4. A restart after the end emits nothing and changes nothing.
check_restart_after_end
note "$(wc -l <"$TMP/expected.jsonl") alerts, $(wc -l <"$TMP/expected.late") late, $(wc -l <"$TMP/expected.malformed") malformed, $records records: as the oracle and the failure-free run"
