# A cluster on 127.0.0.1 ports (no root needed): a coordinator, two
# aggregator nodes and a reader node, each its own process, talking over
# real TCP connections (CAF remote actors). The outputs must be byte for byte
# those of `crashwatch run` on the same input, and the oracle's: on files
# (two of them read by the reader node, named --input node://r1/PATH, one by
# the coordinator) and on the embedded Kafka broker (its partitions spread
# over the reader node). Then the refusals: conflicting job options, a
# duplicate node id, another --node-timeout, a role the job does not need,
# an unreachable coordinator.
source "$(dirname "$0")/common.sh"
source "$(dirname "$0")/kafka_common.sh"
source "$(dirname "$0")/cluster_common.sh"

gen "$TMP/p0.jsonl" --records 30000 --users 300 --seed 31 \
  --late-fraction 0.02 --malformed-fraction 0.01
gen "$TMP/p1.jsonl" --records 30000 --users 300 --seed 32 \
  --start 2026-01-20T13:53:04Z --out-of-order 8000 --malformed-fraction 0.02
gen "$TMP/p2.jsonl" --records 30000 --users 300 --seed 33 \
  --events-per-second 500 --late-fraction 0.05

outputs=(--output jsonl --shards 4)
# check_like_run DIR RUN_ARGS...: DIR/{alerts.jsonl,late.jsonl,dead.jsonl}
# of the cluster equal those of `run RUN_ARGS...` (alerts byte for byte;
# late and dead letters as sets: partitions interleave differently).
check_like_run() {
  local d=$1
  shift
  cw run "$@" "${outputs[@]}" --output-file "$d/run.alerts" \
    --late-output "$d/run.late" --dead-letter "$d/run.dead" 2>"$d/run.err" \
    || fail "run exited $?: $(tail -3 "$d/run.err")"
  same_file "$d/run.alerts" "$d/alerts.jsonl" "alerts of the cluster and of run"
  sort "$d/run.late" >"$d/run.late.sorted"
  sort "$d/late.jsonl" >"$d/late.sorted"
  same_file "$d/run.late.sorted" "$d/late.sorted" "late records of the cluster and of run"
  sort "$d/run.dead" >"$d/run.dead.sorted"
  sort "$d/dead.jsonl" >"$d/dead.sorted"
  same_file "$d/run.dead.sorted" "$d/dead.sorted" "dead letters of the cluster and of run"
}

# cluster DIR JOB_ARGS...: coordinator c (reading what JOB_ARGS name),
# aggregators a1 and a2, reader r1; all exit 0.
cluster() {
  local d=$1
  shift
  mkdir -p "$d"
  local port
  port=$(free_port)
  node c --role coordinator --node-id c --listen "127.0.0.1:$port" \
    --expect-nodes 3 "$@" "${outputs[@]}" --output-file "$d/alerts.jsonl" \
    --late-output "$d/late.jsonl" --dead-letter "$d/dead.jsonl"
  for a in a1 a2; do
    node "$a" --role aggregator --node-id "$a" --listen "127.0.0.1:$(free_port)" \
      --join "127.0.0.1:$port"
  done
  node r1 --role reader --node-id r1 --listen "127.0.0.1:$(free_port)" \
    --join "127.0.0.1:$port" --window 10s
  expect_rc c 0 120
  for n in a1 a2 r1; do expect_rc "$n" 0 20; done
  grep -q "shards 0:a1 1:a2 2:a1 3:a2" "$TMP/c.err" \
    || fail "shards not spread over a1 and a2: $(grep epoch "$TMP/c.err")"
}

# --- files: p0 read by the coordinator, p1 and p2 by the reader node ---------
d="$TMP/files"
cluster "$d" --input "$TMP/p0.jsonl" --input "node://r1$TMP/p1.jsonl" \
  --input "node://r1$TMP/p2.jsonl"
grep -q "partitions 0:c 1:r1 2:r1" "$TMP/c.err" \
  || fail "files not read where named: $(grep epoch "$TMP/c.err")"
oracle_outputs "$d/expected" --input "$TMP/p0.jsonl" --input "$TMP/p1.jsonl" \
  --input "$TMP/p2.jsonl"
outputs_at_least 50 "$d/expected"
same_file "$d/expected.jsonl" "$d/alerts.jsonl" "alerts of the cluster and of the oracle"
offsets "$d/late.jsonl" "$d/actual.late"
same_file "$d/expected.late" "$d/actual.late" "late records"
offsets "$d/dead.jsonl" "$d/actual.malformed"
same_file "$d/expected.malformed" "$d/actual.malformed" "malformed records"
check_like_run "$d" --input "$TMP/p0.jsonl" --input "$TMP/p1.jsonl" \
  --input "$TMP/p2.jsonl"
note "files: $(wc -l <"$d/alerts.jsonl") alerts as run and the oracle, over 4 processes"

# --- Kafka: 3 partitions, all read by the reader node -------------------------
start_broker 3
for p in 0 1 2; do produce "$TMP/p$p.jsonl" "$p"; done
d="$TMP/kafka"
kafka=(--brokers "$BROKERS" --from earliest --exit-at-end)
cluster "$d" "${kafka[@]}"
grep -q "partitions 0:r1 1:r1 2:r1" "$TMP/c.err" \
  || fail "Kafka partitions not read by r1: $(grep epoch "$TMP/c.err")"
oracle_outputs "$d/expected" --offsets messages --input "$TMP/p0.jsonl.msgs" \
  --input "$TMP/p1.jsonl.msgs" --input "$TMP/p2.jsonl.msgs"
same_file "$d/expected.jsonl" "$d/alerts.jsonl" "Kafka: alerts of the cluster and of the oracle"
check_like_run "$d" "${kafka[@]}"
note "Kafka: $(wc -l <"$d/alerts.jsonl") alerts as run and the oracle"

# --- refusals: exit 2 and one line saying why; unreachable: exit 1 ------------
# refused NAME WANT_RC TEXT NODE_ARGS...: a node started with NODE_ARGS that
# joins a coordinator waiting for 2 nodes exits WANT_RC naming TEXT.
port=$(free_port)
node c --role coordinator --node-id c --listen "127.0.0.1:$port" \
  --expect-nodes 2 --input "$TMP/p0.jsonl" "${outputs[@]}" \
  --output-file "$TMP/refusals.alerts"
refused() {
  local name=$1 want=$2 text=$3
  shift 3
  node "$name" --listen "127.0.0.1:$(free_port)" --join "127.0.0.1:$port" "$@"
  expect_rc "$name" "$want" 30
  grep -qF -- "$text" "$TMP/$name.err" \
    || fail "node $name: stderr does not say '$text': $(cat "$TMP/$name.err")"
}
refused w1 2 "was started with --window 5s, the job has --window 10s" \
  --role aggregator --node-id w1 --window 5s
refused t1 2 "has --node-timeout 2000ms, the coordinator 5000ms" \
  --role aggregator --node-id t1 --node-timeout 2s
refused r9 2 "the job needs no reader node r9" --role reader --node-id r9
node a1 --role aggregator --node-id a1 --listen "127.0.0.1:$(free_port)" \
  --join "127.0.0.1:$port" --join-timeout 2s
sleep 1
refused dup 2 "--node-id a1 is already in the cluster" --role aggregator \
  --node-id a1
kill -TERM "${NODE_PID[c]}"
expect_rc c 130 20
# A node that loses its coordinator joins it again, for --join-timeout.
expect_rc a1 1 20
grep -q "lost the coordinator" "$TMP/a1.err" \
  || fail "a1 did not notice the coordinator was gone: $(cat "$TMP/a1.err")"
grep -q "cannot join the coordinator at 127.0.0.1:$port within 2 s" "$TMP/a1.err" \
  || fail "a1 did not try to join again: $(cat "$TMP/a1.err")"
node gone --role aggregator --node-id gone --listen "127.0.0.1:$(free_port)" \
  --join "127.0.0.1:$(free_port)" --join-timeout 1s
expect_rc gone 1 30
grep -q "cannot join the coordinator at" "$TMP/gone.err" \
  || fail "an unreachable coordinator: $(cat "$TMP/gone.err")"
note "refused: conflicting --window, --node-timeout, an unneeded reader, a duplicate --node-id (exit 2); an unreachable coordinator (exit 1)"
