# Shared by the cluster integration tests; sourced after common.sh and
# kafka_common.sh (whose cleanup kills every pid in CW_PIDS). Starts nodes of
# `crashwatch node` as separate processes and waits for them with deadlines.

# node NAME ARGS...: starts `crashwatch node ARGS...` in the background,
# stderr to $TMP/NAME.err; its pid goes to CW_PIDS and to NODE_PID[NAME].
declare -A NODE_PID
node() {
  local name=$1
  shift
  "$BIN" node "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" &
  NODE_PID[$name]=$!
  CW_PIDS+=("$!")
}

# node_rc NAME SECONDS: waits for node NAME to exit; its exit status in
# NODE_RC (124 when it was still running after SECONDS, then killed). Not in
# a subshell: only the shell that started a node can wait for it.
node_rc() {
  local pid=${NODE_PID[$1]} deadline=$((SECONDS + $2))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
    sleep 0.05
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null || true
    NODE_RC=124
    return
  fi
  NODE_RC=0
  wait "$pid" || NODE_RC=$?
}

# expect_rc NAME WANT SECONDS: node NAME exits with WANT within SECONDS.
expect_rc() {
  node_rc "$1" "$3"
  [[ $NODE_RC == "$2" ]] || fail "node $1 exited $NODE_RC (want $2): $(tail -5 "$TMP/$1.err")"
}

# await_line NAME TEXT: node NAME's stderr has a line with TEXT within 10 s
# (fails the test otherwise).
await_line() {
  local deadline=$((SECONDS + 10))
  until grep -qF -- "$2" "$TMP/$1.err" 2>/dev/null; do
    ((SECONDS < deadline)) || fail "node $1 never said '$2': $(cat "$TMP/$1.err" 2>/dev/null)"
    sleep 0.05
  done
}

# small_job SEED: a 20,000-record input with late and malformed records in
# $TMP/in.jsonl and the oracle's outputs for it in $TMP/expected.* (at least
# 20 alerts, or the test fails).
small_job() {
  gen "$TMP/in.jsonl" --records 20000 --users 200 --seed "$1" \
    --late-fraction 0.02 --malformed-fraction 0.01
  oracle_outputs "$TMP/expected" --input "$TMP/in.jsonl"
  at_least 20 "$(wc -l <"$TMP/expected.jsonl")" "expected alerts"
}
