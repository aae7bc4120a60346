# Shared by the tests that run crashwatch as if on several hosts
# (cluster_hosts_test.sh); sourced after common.sh, not run.
#
# One network namespace per compose.yaml service, named cwh<PID>-<service>,
# each with lo up and one veth (eth0) with its own address in a private /24
# (10.213.N.0/24, N from the test's pid, moved on if any address or route of
# the machine is already in it). The other ends of the veths are ports of a
# bridge (br0) in one more namespace, cwh<PID>-sw: "the switch". No
# namespace has a default route and the switch is not connected to the
# machine's own namespace, so no packet can leave these namespaces, let alone
# the machine. /etc/netns/<ns>/hosts maps every service name to its address
# (`ip netns exec` bind-mounts it over /etc/hosts), so that the names in
# compose.yaml's commands (coordinator:7000, broker:9092, ...) resolve. All
# namespaces share the file system. netns_down (run by the EXIT trap the test
# sets) kills what runs in them and removes every namespace, hence every
# veth and the bridge, and every /etc/netns dir.
#
# netns_require exits 77 (ctest: skipped) unless root may add namespaces.

NETNS_PREFIX="cwh$$"
declare -A NETNS NETNS_ADDR NETNS_PORT
NETNS_ALL=()
NETNS_SUBNET=""

netns_require() {
  if [[ $(id -u) != 0 ]]; then
    echo "[$TEST_NAME] skipped: needs root (network namespaces)"
    exit 77
  fi
  command -v ip >/dev/null || { echo "[$TEST_NAME] skipped: no ip (iproute2)"; exit 77; }
  if ! ip netns add "$NETNS_PREFIX-probe" 2>"$TMP/netns.err"; then
    echo "[$TEST_NAME] skipped: ip netns add is not allowed here: $(cat "$TMP/netns.err")"
    exit 77
  fi
  ip netns del "$NETNS_PREFIX-probe"
  # Leftovers of an earlier run of this test that was killed (SIGKILL runs
  # no trap): namespaces cwh<PID>-* whose PID no longer runs.
  local ns pid
  for ns in $(ip netns list | awk '{print $1}' | grep -E '^cwh[0-9]+-' || true); do
    pid=${ns#cwh}
    pid=${pid%%-*}
    if ! kill -0 "$pid" 2>/dev/null; then
      ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
      ip netns del "$ns" 2>/dev/null || true
      rm -rf "/etc/netns/$ns"
    fi
  done
}

# netns_up SERVICE...: a namespace per SERVICE on the switch (see above).
# Sets NETNS[SERVICE] (its name), NETNS_ADDR[SERVICE] (its address) and
# NETNS_PORT[SERVICE] (the switch's port of its link, in namespace
# NETNS[sw]).
netns_up() {
  local n=$(($$ % 200 + 20)) tries=0
  while ip -4 -o addr show | grep -q " 10\.213\.$n\." ||
    ip -4 route show table all | grep -q "10\.213\.$n\."; do
    n=$(((n + 1) % 250))
    tries=$((tries + 1))
    ((tries < 250)) || fail "no free 10.213.N.0/24 subnet"
  done
  NETNS_SUBNET="10.213.$n"
  local sw="$NETNS_PREFIX-sw"
  ip netns add "$sw" || fail "ip netns add $sw"
  NETNS[sw]=$sw
  NETNS_ALL+=("$sw")
  ip -n "$sw" link set lo up
  ip -n "$sw" link add br0 type bridge || fail "cannot add a bridge in $sw"
  ip -n "$sw" link set br0 up
  local i=0 s ns
  for s in "$@"; do
    i=$((i + 1))
    ns="$NETNS_PREFIX-$s"
    ip netns add "$ns" || fail "ip netns add $ns"
    NETNS_ALL+=("$ns")
    NETNS[$s]=$ns
    NETNS_ADDR[$s]="$NETNS_SUBNET.$((10 + i))"
    NETNS_PORT[$s]="p$i"
    ip -n "$sw" link add "p$i" type veth peer name eth0 netns "$ns" \
      || fail "cannot add a veth pair for $s"
    ip -n "$sw" link set "p$i" master br0 up
    ip -n "$ns" addr add "${NETNS_ADDR[$s]}/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up
  done
  for s in "$@"; do
    ns=${NETNS[$s]}
    mkdir -p "/etc/netns/$ns"
    {
      echo "127.0.0.1 localhost"
      local t
      for t in "$@"; do echo "${NETNS_ADDR[$t]} $t"; done
    } >"/etc/netns/$ns/hosts"
  done
  # Every service name resolves to its address in the namespaces.
  for s in "$@"; do
    [[ $(ip netns exec "${NETNS[$1]}" getent hosts "$s" | awk '{print $1}') == "${NETNS_ADDR[$s]}" ]] \
      || fail "$s does not resolve to ${NETNS_ADDR[$s]} in namespace ${NETNS[$1]}"
  done
  note "namespaces $NETNS_PREFIX-{$(IFS=,; echo "$*")} on $NETNS_SUBNET.0/24 (bridge in $sw)"
}

# netns_down: kills every process left in our namespaces (only ours run
# there), removes the namespaces (their veths and the bridge go with them)
# and their /etc/netns dirs. Safe to call twice.
netns_down() {
  local ns
  for ns in ${NETNS_ALL[@]+"${NETNS_ALL[@]}"}; do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
  done
  for ns in ${NETNS_ALL[@]+"${NETNS_ALL[@]}"}; do
    ip netns del "$ns" 2>/dev/null || true
    rm -rf "/etc/netns/$ns"
  done
  NETNS_ALL=()
}

# link_down SERVICE / link_up SERVICE: pulls / plugs SERVICE's cable (its
# port on the switch).
link_down() {
  ip -n "${NETNS[sw]}" link set "${NETNS_PORT[$1]}" down
}
link_up() {
  ip -n "${NETNS[sw]}" link set "${NETNS_PORT[$1]}" up
}

# in_ns SERVICE CMD...: CMD in SERVICE's namespace (ip execs it: same pid).
in_ns() {
  local s=$1
  shift
  ip netns exec "${NETNS[$s]}" "$@"
}
