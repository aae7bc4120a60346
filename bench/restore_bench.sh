#!/usr/bin/env bash
# Restore benchmark (issue: "restoring a shard with one million open (window,
# user) keys takes under 2 seconds"; see docs/PERFORMANCE.md for how figures
# are reported). Three parts, $BENCH_REPS repetitions each (default 5):
#   1. build/bench/restore_bench (bench/restore_bench.cpp): one shard of
#      1,000,000 keys (4 windows x 250,000 users) written through the journal
#      API, then restored as app/run_start.cpp does (journal::open with its
#      quick_check, load(), load_shard()), timed per step, every restore
#      verified; warm page cache, and cold (sync + drop_caches, root only).
#      Also times the first checkpoint that holds the big state (take_changes
#      once, journal write $BENCH_REPS times into fresh journals; write()
#      sorts each window's changes by user id).
#   2. End to end: a real `crashwatch run --data-dir D --shards 1
#      --watermark-delay 1h` over a file of 1,285,716 crash lines (one or
#      three per (window, user) key, 4 windows x 250,000 users) followed by
#      5 M lines that are not crashes, killed with kill -9 once its newest
#      committed checkpoint holds 1,000,000 open keys. The data dir (db + WAL,
#      as the kill left it) is kept; each repetition restarts a copy of it
#      with the same command plus CRASHWATCH_KILL_POINT=checkpoint-write and
#      --checkpoint-interval 1ms (the interval is not a setting the journal
#      checks): the process restores, starts its actors, takes its first
#      checkpoint (nothing changed) and dies by SIGKILL inside that
#      checkpoint's transaction. Its wall time, from spawn to death, is
#      start-up + restore + one empty checkpoint's alignment. Warm and cold
#      (page cache dropped after copying: binary, libraries, journal, input
#      read from disk).
#   3. Check: one restart of a copy runs to completion and must report
#      exactly the alerts the input holds (142,858 keys with 3 crashes), all
#      of whose crashes lie before the checkpoint's resume offset, i.e. come
#      from the restored counts.
# Writes a Markdown table with the raw output to bench/results/restore.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 >/dev/null
bin=$PWD/build/crashwatch
data=${BENCH_DATA:-/tmp/crashwatch-bench}
reps=${BENCH_REPS:-5}
mkdir -p "$data"
work=$(mktemp -d "$data/restore-bench.XXXXXX")
pid=""
cleanup() {
  if [[ -n $pid ]]; then kill -9 "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
load() { cut -d' ' -f1-3 /proc/loadavg; }
can_drop() { [[ -w /proc/sys/vm/drop_caches ]]; }
drop_caches() { sync; echo 3 >/proc/sys/vm/drop_caches; }
raw=$work/raw.txt
: >"$raw"
load_start=$(load)

# -- 1. the journal API -------------------------------------------------------
cache=warm
if can_drop; then cache=both; fi
echo "restore_bench: API level, $reps reps ($cache cache; load $(load))" >&2
api=$(build/bench/restore_bench --reps "$reps" --write-reps "$reps" \
  --cache "$cache" --dir "$work")
{
  echo "\$ build/bench/restore_bench --reps $reps --write-reps $reps --cache $cache"
  echo "$api"
} >>"$raw"

# -- 2. end to end ------------------------------------------------------------
input=$work/e2e.jsonl
echo "restore_bench: end to end: writing $input" >&2
crash_keys_input 250000 4 5000000 "$work/e2e.counts" >"$input"
read -r crash_lines want_alerts <"$work/e2e.counts"
crash_bytes=$(head -n "$crash_lines" "$input" | wc -c)
dd=$work/dd
args=(run --input "$input" --shards 1 --watermark-delay 1h --output jsonl
  --output-file /dev/null --late-output /dev/null --dead-letter /dev/null
  --data-dir "$dd")
newest() {
  sqlite3 -readonly "$dd/journal.db" "SELECT id, open_keys, finished FROM
    checkpoint ORDER BY id DESC LIMIT 1" 2>/dev/null || true
}
"$bin" "${args[@]}" --checkpoint-interval 100ms 2>"$work/first.err" &
pid=$!
until [[ $(newest) == *"|1000000|0" ]]; do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "restore_bench: the first run ended before a checkpoint held 1 M" \
      "keys:" >&2
    cat "$work/first.err" >&2
    exit 1
  fi
  sleep 0.02
done
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
pid=""
cp -a "$dd" "$work/pristine"
IFS='|' read -r ck_id ck_open ck_changed ck_offset < <(sqlite3 -readonly \
  "$work/pristine/journal.db" "SELECT c.id, c.open_keys, c.changed_keys,
    r.next_offset FROM checkpoint c, reader_state r ORDER BY c.id DESC
    LIMIT 1")
if ((ck_offset < crash_bytes)); then
  echo "restore_bench: checkpoint $ck_id resumes at byte $ck_offset, inside" \
    "the crash lines (ending at $crash_bytes); the check would not test" \
    "the restore alone" >&2
  exit 1
fi
wal_mib=$(awk -v b="$(stat -c %s "$work/pristine/journal.db-wal" 2>/dev/null || echo 0)" 'BEGIN{printf "%.1f", b / 1048576}')
db_mib=$(awk -v b="$(stat -c %s "$work/pristine/journal.db")" 'BEGIN{printf "%.1f", b / 1048576}')
{
  echo
  echo "end to end: $input: $crash_lines crash lines ($crash_bytes bytes) + 5000000 other lines; killed (kill -9) after checkpoint $ck_id committed: open_keys $ck_open, changed_keys $ck_changed, resume offset $ck_offset; journal.db $db_mib MiB + WAL $wal_mib MiB"
} >>"$raw"

# One restart of a fresh copy of the killed data dir, dying in its first
# checkpoint; prints its wall time in seconds.
restart() { # warm|cold
  rm -rf "$dd"
  cp -a "$work/pristine" "$dd"
  if [[ $1 == cold ]]; then drop_caches; fi
  local t0 t1 rc=0
  t0=$(date +%s%N)
  CRASHWATCH_KILL_POINT=checkpoint-write "$bin" "${args[@]}" \
    --checkpoint-interval 1ms 2>"$work/re.err" || rc=$?
  t1=$(date +%s%N)
  if ((rc != 137)) || ! grep -q "resuming from checkpoint $ck_id " "$work/re.err"; then
    echo "restore_bench: restart did not resume and die at its first" \
      "checkpoint (status $rc):" >&2
    cat "$work/re.err" >&2
    exit 1
  fi
  awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", (b - a) / 1e9}'
}
modes=(warm)
if can_drop; then modes+=(cold); fi
declare -A e2e
for mode in "${modes[@]}"; do
  echo "restore_bench: end to end, $mode, $reps reps (load $(load))" >&2
  times=()
  for r in $(seq "$reps"); do
    t=$(restart "$mode")
    times+=("$t")
    echo "end to end restart $mode $r: ${t} s from spawn to SIGKILL in its first checkpoint after restoring $ck_open keys (load $(load))" >>"$raw"
  done
  mapfile -t sorted_times < <(printf '%s\n' "${times[@]}" | sort -g)
  e2e[$mode]="${sorted_times[$(((reps - 1) / 2))]} s (${sorted_times[0]} s)"
done

# -- 3. check: a restart runs to completion with the restored counts ----------
rm -rf "$dd"
cp -a "$work/pristine" "$dd"
t0=$(date +%s%N)
"$bin" "${args[@]}" --checkpoint-interval 1s 2>"$work/done.err"
t1=$(date +%s%N)
summary=$(grep '^crashwatch: ' "$work/done.err" | tail -1)
got_alerts=$(sed -E 's/.* ([0-9]+) alerts.*/\1/' <<<"$summary")
complete_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", (b - a) / 1e9}')
echo "completion restart: ${complete_s} s: $summary" >>"$raw"
if [[ $got_alerts != "$want_alerts" ]]; then
  echo "restore_bench: the completed restart reported $got_alerts alerts," \
    "not $want_alerts" >&2
  exit 1
fi

# -- the table ----------------------------------------------------------------
field() { # summary-line mode name -> "median s (best s)"
  grep "summary $1," <<<"$api" | sed -E "s/.*$2 ([0-9.]+ s \([0-9.]+ s\)).*/\1/"
}
take_s=$(grep 'take_changes' <<<"$api" | sed -E 's/.*checkpoint\): ([0-9.]+) s.*/\1/')
write_s=$(grep 'summary write' <<<"$api" | sed -E 's/.*\(best\): ([0-9.]+ s \([0-9.]+ s\)).*/\1/')
{
  echo "Machine: $(machine_line); load average at start $load_start, at the end $(load)"
  echo
  echo "Command: \`bench/restore_bench.sh\` (one shard, 1,000,000 open (window, user) keys = 4 windows × 250,000 users; median of $reps (best))."
  echo
  echo "| measurement | warm page cache | cold page cache | target |"
  echo "|---|---|---|---|"
  echo "| restore, journal API: open (+ quick_check) + load() + load_shard() | **$(field warm total)** | $(if can_drop; then echo "**$(field cold total)**"; else echo "not measured (not root)"; fi) | < 2 s |"
  echo "| … journal::open, incl. PRAGMA quick_check | $(field warm 'open\+quick_check') | $(if can_drop; then field cold 'open\+quick_check'; fi) | |"
  echo "| … load() | $(field warm load) | $(if can_drop; then field cold load; fi) | |"
  echo "| … load_shard() into window_counts | $(field warm load_shard) | $(if can_drop; then field cold load_shard; fi) | |"
  echo "| restart end to end: \`crashwatch run --data-dir\` after kill -9, spawn → restored (+ one empty checkpoint) | **${e2e[warm]}** | $(if can_drop; then echo "**${e2e[cold]}**"; fi) | < 2 s |"
  echo "| first checkpoint holding the 1 M keys: journal write() (coordinator thread) | ${write_s} | | |"
  echo "| … take_changes() (shard actor; one run) | ${take_s} s | | |"
  echo "| check: restart run to completion (restore, read the remaining 5 M lines, fire 1 M keys, final checkpoint) | ${complete_s} s, $got_alerts alerts = expected $want_alerts | | |"
  echo
  echo '```'
  cat "$raw"
  echo '```'
} | tee bench/results/restore.md
