# `crashwatch broker --listen 0.0.0.0 --advertise broker` reached from ANOTHER
# host: two network namespaces joined by a veth pair (10.77.X.1 = the
# broker's, 10.77.X.2 = the client's, where the name "broker" means
# 10.77.X.1). In the client's namespace 127.0.0.1 is its own loopback, so
# every client here fails (times out) if any metadata or coordinator answer
# still names the mock's 127.0.0.1 addresses. With one broker and with two
# (partition leaders spread over broker:9092 and broker:9093): records
# produced by `generate --brokers broker:9092`, read back by kcat (per
# partition, and as a consumer group: FindCoordinator, commits), and read by
# `run --brokers broker:9092 --exit-at-end`, whose alerts must equal those
# of `run` over the same records from files and the oracle's. Needs root
# (exit 77 = skipped otherwise). Nothing leaves this machine: the
# namespaces have no route but their /24 on the veth pair. About 30 s.
source "$(dirname "$0")/common.sh"

command -v kcat >/dev/null || fail "kcat is missing (scripts/install-deps.sh installs it)"
if [[ $(id -u) -ne 0 ]] || ! command -v ip >/dev/null; then
  echo "skipped: needs root and ip(8) for network namespaces"
  exit 77
fi

X=$(($$ % 250 + 1))
NS_B=cwb-broker-$$
NS_C=cwb-client-$$
VETH_B=cwbb$$
VETH_C=cwbc$$
BROKER_IP=10.77.$X.1
CLIENT_IP=10.77.$X.2
BROKER_PID=""

stop_broker() {
  if [[ -n $BROKER_PID ]]; then
    kill -TERM "$BROKER_PID" 2>/dev/null || true
    for _ in $(seq 50); do
      kill -0 "$BROKER_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$BROKER_PID" 2>/dev/null || true
    wait "$BROKER_PID" 2>/dev/null || true
    BROKER_PID=""
  fi
}

cleanup() {
  stop_broker
  ip netns del "$NS_C" 2>/dev/null || true
  ip netns del "$NS_B" 2>/dev/null || true
  ip link del "$VETH_B" 2>/dev/null || true
  rm -rf "/etc/netns/$NS_C" "$TMP"
}
trap cleanup EXIT

skip() {
  echo "skipped: $*"
  exit 77
}

ip netns add "$NS_B" 2>"$TMP/ip.err" || skip "ip netns add: $(cat "$TMP/ip.err")"
ip netns add "$NS_C" 2>"$TMP/ip.err" || skip "ip netns add: $(cat "$TMP/ip.err")"
ip link add "$VETH_B" type veth peer name "$VETH_C" 2>"$TMP/ip.err" \
  || skip "no veth pair: $(cat "$TMP/ip.err")"
ip link set "$VETH_B" netns "$NS_B"
ip link set "$VETH_C" netns "$NS_C"
ip -n "$NS_B" addr add "$BROKER_IP/24" dev "$VETH_B"
ip -n "$NS_C" addr add "$CLIENT_IP/24" dev "$VETH_C"
for ns in "$NS_B" "$NS_C"; do
  ip -n "$ns" link set lo up
done
ip -n "$NS_B" link set "$VETH_B" up
ip -n "$NS_C" link set "$VETH_C" up
# `ip netns exec` bind-mounts this over /etc/hosts in the client's namespace.
mkdir -p "/etc/netns/$NS_C"
printf '127.0.0.1 localhost\n%s broker\n' "$BROKER_IP" >"/etc/netns/$NS_C/hosts"
ip netns exec "$NS_C" true 2>"$TMP/ip.err" \
  || skip "ip netns exec: $(cat "$TMP/ip.err")"
ip netns exec "$NS_C" getent hosts broker | grep -q "^$BROKER_IP " \
  || fail "'broker' does not resolve to $BROKER_IP in $NS_C"

# in_client CMD...: CMD in the client's namespace, under a time limit.
in_client() {
  timeout 60 ip netns exec "$NS_C" "$@"
}

# check_cluster BROKERS: a broker with BROKERS mock brokers (3 partitions),
# reached from the client's namespace only.
check_cluster() {
  local n=$1 dir="$TMP/b$1"
  mkdir -p "$dir"
  ip netns exec "$NS_B" "$BIN" broker --port 9092 --listen 0.0.0.0 \
    --advertise broker --partitions 3 --brokers "$n" \
    >"$dir/broker.out" 2>"$dir/broker.err" &
  BROKER_PID=$!
  for _ in $(seq 100); do
    [[ -s $dir/broker.out ]] && break
    kill -0 "$BROKER_PID" 2>/dev/null || fail "broker died: $(cat "$dir/broker.err")"
    sleep 0.1
  done
  local line
  read -r line <"$dir/broker.out" || fail "broker printed nothing"
  [[ $line == "crashwatch-broker: broker:9092 topic logs, 3 partitions" ]] \
    || fail "unexpected broker line: $line"
  local brokers
  brokers=$(awk '{print $2; exit}' "$dir/broker.out")

  # Metadata names the advertised brokers only, and with two brokers the
  # partition leaders are spread over both.
  in_client kcat -L -b "$brokers" -t logs >"$dir/meta.txt" 2>"$dir/kcat.err" \
    || fail "kcat -L failed ($n brokers): $(cat "$dir/kcat.err")"
  grep -q '127\.0\.0\.1' "$dir/meta.txt" \
    && fail "metadata still names 127.0.0.1: $(cat "$dir/meta.txt")"
  local i
  for ((i = 1; i <= n; i++)); do
    grep -q "broker $i at broker:$((9091 + i))" "$dir/meta.txt" \
      || fail "metadata does not name broker $i at broker:$((9091 + i)): $(cat "$dir/meta.txt")"
  done
  local leaders
  leaders=$(sed -n 's/.*partition [0-9]*, leader \([0-9]*\),.*/\1/p' "$dir/meta.txt" | sort -u | wc -l)
  [[ $leaders -eq $n ]] || fail "partition leaders on $leaders brokers, want $n: $(cat "$dir/meta.txt")"

  # Produced by crashwatch through the forwarders, every record delivered.
  in_client "$BIN" generate --brokers "$brokers" --records 6000 --rate 0 \
    --users 60 --seed $((40 + n)) --late-fraction 0.02 \
    --malformed-fraction 0.01 2>"$dir/gen.err" \
    || fail "generate failed ($n brokers): $(cat "$dir/gen.err")"
  grep -q "produced 6000 records .* 6000 delivered, 0 failed" "$dir/gen.err" \
    || fail "unexpected generate summary: $(tail -1 "$dir/gen.err")"

  # Read back per partition by kcat (also from the client's namespace).
  local p inputs=()
  for p in 0 1 2; do
    in_client kcat -C -b "$brokers" -t logs -p "$p" -o beginning -e -q \
      -f '%s\n' >"$dir/p$p.jsonl" 2>"$dir/kcat.err" \
      || fail "kcat -C -p $p failed ($n brokers): $(cat "$dir/kcat.err")"
    inputs+=(--input "$dir/p$p.jsonl")
  done
  local total
  total=$(cat "$dir"/p[012].jsonl | wc -l)
  [[ $total -eq 6000 ]] || fail "kcat read $total records, want 6000"

  # A consumer group: its coordinator (FindCoordinator) must be reachable
  # for the group to get its partitions and commit.
  in_client kcat -b "$brokers" -G "cwb-group-$n" -o beginning -e -q -f '%s\n' \
    -X auto.commit.interval.ms=100 logs >"$dir/group.txt" 2>"$dir/group.err" \
    || fail "kcat -G failed ($n brokers): $(cat "$dir/group.err")"
  [[ $(wc -l <"$dir/group.txt") -eq 6000 ]] \
    || fail "the consumer group read $(wc -l <"$dir/group.txt") records, want 6000: $(cat "$dir/group.err")"

  # The pipeline from Kafka, against the same records from files and the
  # oracle.
  in_client "$BIN" run --brokers "$brokers" --topic logs --from earliest \
    --exit-at-end --shards 2 --output jsonl --output-file "$dir/alerts.jsonl" \
    --late-output /dev/null --dead-letter /dev/null 2>"$dir/run.err" \
    || fail "run --brokers exited $? ($n brokers): $(tail -5 "$dir/run.err")"
  grep -q "3 partitions, 6000 records" "$dir/run.err" \
    || fail "run did not read every record: $(grep 'crashwatch: ' "$dir/run.err")"
  grep -q "cannot commit" "$dir/run.err" \
    && fail "run could not commit to its group: $(cat "$dir/run.err")"
  cw run "${inputs[@]}" --shards 2 --output jsonl \
    --output-file "$dir/file-alerts.jsonl" --late-output /dev/null \
    --dead-letter /dev/null 2>"$dir/file-run.err" \
    || fail "run --input exited $?: $(tail -5 "$dir/file-run.err")"
  oracle_outputs "$dir/expected" "${inputs[@]}"
  same_file "$dir/expected.jsonl" "$dir/file-alerts.jsonl" "oracle vs file alerts"
  same_file "$dir/file-alerts.jsonl" "$dir/alerts.jsonl" "file vs Kafka alerts ($n brokers)"
  at_least 20 "$(wc -l <"$dir/alerts.jsonl")" "alerts"
  grep -q "relayed unchanged" "$dir/broker.err" \
    && fail "the broker could not rewrite a response: $(cat "$dir/broker.err")"
  note "$n broker(s): $(wc -l <"$dir/alerts.jsonl") alerts from 6000 records via broker:9092, same as from files and the oracle"
  stop_broker
}

check_cluster 1
check_cluster 2
note "ok"
