# Bad input on a cluster port (issue 13): a coordinator waiting for its node
# is sent garbage, an HTTP request, a TLS handshake, a header announcing a
# 1 GiB message, a message before the handshake, a message cut short, a
# connection that never completes its handshake, and a flood of 300
# connections; a node joining a "coordinator" that speaks another BASP
# version. Each connection must be closed, each kind named once in the log
# (twice sent, once named), the node must not allocate what a header
# announces (peak memory), and afterwards a real node joins and the job's
# alerts are the oracle's. The peer is tests/integration/hostile_peer.py,
# written from CAF's BASP framing, not from crashwatch's code.
source "$(dirname "$0")/common.sh"
source "$(dirname "$0")/kafka_common.sh"
source "$(dirname "$0")/cluster_common.sh"

PEER="$HERE/hostile_peer.py"
small_job 41

port=$(free_port)
node c --role coordinator --node-id c --listen "127.0.0.1:$port" \
  --expect-nodes 1 --node-timeout 1s --input "$TMP/in.jsonl" \
  --output jsonl --output-file "$TMP/alerts.jsonl"
await_line c "waiting for 1 nodes"

# attack KIND: the coordinator closes the connection.
attack() {
  local got
  got=$(python3 "$PEER" attack 127.0.0.1 "$port" "$1") || fail "hostile_peer $1 failed"
  [[ $got == closed ]] || fail "a $1 connection was left $got"
}
for kind in garbage http tls oversized out-of-order garbage oversized; do
  attack "$kind"
done
[[ $(python3 "$PEER" attack 127.0.0.1 "$port" truncated) == sent ]] \
  || fail "truncated attack failed"
# A connection silent after 10 bytes is closed once --node-timeout passed
# (when the next connection comes).
[[ $(python3 "$PEER" stall 127.0.0.1 "$port" 1.5) == closed ]] \
  || fail "a connection without a handshake was kept open"
# 300 silent connections: all but 64 are closed at once.
closed=$(python3 "$PEER" flood 127.0.0.1 "$port" 300 1)
at_least 200 "$closed" "flood connections closed at once"

hwm=$(awk '/VmHWM/ {print $2}' "/proc/${NODE_PID[c]}/status")
note "coordinator peak memory after the attacks: $hwm kB"
((hwm < 200000)) || fail "the coordinator's peak memory is $hwm kB: it allocated what a header announced"

# A node joining a "coordinator" of another BASP version gives up (exit 1)
# after naming it once, whatever the retries.
old=$(free_port)
python3 "$PEER" old-server "$old" 8 &
old_pid=$!
sleep 0.3
# It is told only ports (--listen and --metrics without a host): it
# listens on 127.0.0.1 alone.
old_listen=$(free_port)
old_metrics=$(free_port)
node old --role aggregator --node-id old --listen "$old_listen" \
  --metrics ":$old_metrics" --join "127.0.0.1:$old" --join-timeout 3s
await_line old "live page"
for p in "$old_listen" "$old_metrics"; do
  where=$(ss -ltnH "sport = :$p" | awk '{print $4}')
  [[ $where == "127.0.0.1:$p" ]] || fail "a node told port $p listens on '$where', not 127.0.0.1:$p"
done
expect_rc old 1 30
kill "$old_pid" 2>/dev/null || true
wait "$old_pid" 2>/dev/null || true
[[ $(grep -c "speaks BASP version 2" "$TMP/old.err") == 1 ]] \
  || fail "the other BASP version is not named once: $(cat "$TMP/old.err")"

# The real node still gets in, and the job is right.
node a1 --role aggregator --node-id a1 --listen "127.0.0.1:$(free_port)" \
  --join "127.0.0.1:$port" --node-timeout 1s
expect_rc c 0 120
expect_rc a1 0 20
same_file "$TMP/expected.jsonl" "$TMP/alerts.jsonl" "alerts after the attacks"

# Each kind named exactly once (garbage and oversized were sent twice).
for what in "no BASP header" "an HTTP request" "a TLS handshake" \
  "announced a 1073741824-byte message" "direct_message before its client_handshake" \
  "(truncated)" "no handshake within 1000 ms" "have not completed their handshake"; do
  n=$(grep -cF -- "$what" "$TMP/c.err" || true)
  [[ $n == 1 ]] || fail "'$what' logged $n times (want 1): $(cat "$TMP/c.err")"
done
note "every attack refused and named once; alerts match the oracle"
