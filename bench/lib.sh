# shellcheck shell=bash
# Helpers shared by the bench scripts; sourced, not run.
#   machine_line      one line: cores, CPU model, RAM, OS, date (UTC)
#   commit_line       short commit of HEAD, "+dirty" when the tree has changes
#   median/best       of the arguments, or of stdin's lines without arguments
#   now_ns, secs A B  clock in ns; (B - A) in seconds, 3 decimals
#   free_port         a free TCP port on 127.0.0.1
#   start_broker      the embedded Kafka broker in the background
#   start_cluster     a coordinator and K aggregator nodes on 127.0.0.1
#   tcp_bytes         bytes sent + received so far on each TCP socket of PIDs
#   crash_keys_input  JSON Lines holding many distinct (window, user) keys

machine_line() {
  local cpu os
  cpu=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)
  # shellcheck source=/dev/null
  os=$(. /etc/os-release && echo "$PRETTY_NAME")
  echo "$(nproc) cores, ${cpu:-unknown CPU}, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $os, kernel $(uname -r); $(date -u '+%Y-%m-%d %H:%M UTC')"
}

commit_line() {
  local c
  c=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
  if [[ -n $(git status --porcelain --untracked-files=no 2>/dev/null) ]]; then
    c+="+dirty"
  fi
  echo "$c"
}

# median [VALUES...]: the middle value (the upper one of an even count's two).
median() {
  if (($#)); then printf '%s\n' "$@"; else cat; fi \
    | sort -g | awk '{a[NR]=$1} END{print a[int(NR/2)+1]}'
}

# best [VALUES...]: the smallest value.
best() {
  if (($#)); then printf '%s\n' "$@"; else cat; fi | sort -g | head -1
}

now_ns() { date +%s%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.3f", (b - a) / 1e9}'; }
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_broker BIN PARTITIONS DIR: `BIN broker` (the embedded Kafka broker,
# topic "logs" of PARTITIONS partitions) in the background, its banner in
# DIR/broker.out; waits up to 5 s for the banner. Sets BROKER_PID and BROKERS
# (its host:port).
# shellcheck disable=SC2034 # BROKER_PID, BROKERS: for the caller
start_broker() {
  local bin=$1 partitions=$2 d=$3
  "$bin" broker --partitions "$partitions" >"$d/broker.out" 2>/dev/null &
  BROKER_PID=$!
  for _ in $(seq 50); do [[ -s $d/broker.out ]] && break; sleep 0.1; done
  BROKERS=$(awk '{print $2}' "$d/broker.out")
}

# start_cluster BIN DIR K ARGS...: `BIN node` processes on 127.0.0.1 in the
# background: a coordinator c (job ARGS, --expect-nodes K) and K aggregator
# nodes a1..aK; stderr of each in DIR/<id>.err. With DATA=1 each node has
# the data dir DIR/<id>. Sets C_PID, A_PIDS (a1 first) and PORT (the
# coordinator's). K = 0 is one process hosting everything (`run` as a node).
# shellcheck disable=SC2034 # C_PID, A_PIDS, PORT: for the caller
start_cluster() {
  local bin=$1 d=$2 k=$3 i
  shift 3
  mkdir -p "$d"
  PORT=$(free_port)
  local ddir=()
  if [[ ${DATA:-0} == 1 ]]; then ddir=(--data-dir "$d/c"); fi
  "$bin" node --role coordinator --node-id c --listen "127.0.0.1:$PORT" \
    --expect-nodes "$k" "$@" "${ddir[@]}" 2>"$d/c.err" &
  C_PID=$!
  A_PIDS=()
  for ((i = 1; i <= k; i++)); do
    ddir=()
    if [[ ${DATA:-0} == 1 ]]; then ddir=(--data-dir "$d/a$i"); fi
    "$bin" node --role aggregator --node-id "a$i" \
      --listen "127.0.0.1:$(free_port)" --join "127.0.0.1:$PORT" \
      "${ddir[@]}" 2>"$d/a$i.err" &
    A_PIDS+=($!)
  done
}

# tcp_bytes PID...: one line "LOCAL-PEER BYTES" per TCP connection of the
# processes PID..., BYTES = bytes_acked + bytes_received so far (ss -tinp:
# the kernel's tcp_info, payload only). A socket's counters vanish when it
# closes: poll, and keep each connection's largest value (tcp_bytes_total).
# (/proc/PID/io's rchar does not see sockets read with recv().)
tcp_bytes() {
  local re
  re=$(IFS='|' && echo "$*")
  ss -tinpH 2>/dev/null | awk -v re="pid=($re)," '
    /^[^ \t]/ { key = ($0 ~ re) ? $4 "-" $5 : ""; next }
    key != "" {
      a = 0; r = 0
      if (match($0, /bytes_acked:[0-9]+/)) a = substr($0, RSTART + 12, RLENGTH - 12)
      if (match($0, /bytes_received:[0-9]+/)) r = substr($0, RSTART + 15, RLENGTH - 15)
      print key, a + r
      key = ""
    }'
}

# tcp_bytes_total FILE: the sum over connections of the largest BYTES that
# tcp_bytes lines appended to FILE show for each.
tcp_bytes_total() {
  awk '$2 > m[$1] {m[$1] = $2} END {for (k in m) s += m[k]; printf "%d\n", s}' "$1"
}

# crash_keys_input USERS WINDOWS FILLER [COUNTS_FILE] [EVERY]: to stdout,
# crash records of USERS users in each of WINDOWS consecutive 10 s windows
# (the first at 2026-01-20T13:53:00Z; users in a shuffled order inside a
# window, ids user_100000 ...; every EVERY-th key (default 7; 0: none) gets
# 3 crashes, the others 1), then FILLER lines that are not crashes. USERS x
# WINDOWS open (window, user) keys; with COUNTS_FILE (may be ""),
# "crash_lines alerts" (keys with 3 crashes) is written there.
# bench/restore_bench.sh's and bench/cluster_bench.sh's recovery input;
# bench/report.sh's memory input.
crash_keys_input() {
  awk -v users="$1" -v windows="$2" -v filler="$3" -v counts="${4:-}" \
    -v every="${5:-7}" 'BEGIN {
    t0 = 1768917180000 # 2026-01-20T13:53:00Z, a window boundary
    lines = 0; alerts = 0
    # 7919 is prime to any user count not divisible by it: a permutation.
    step = (users % 7919 == 0) ? 1 : 7919
    for (w = 0; w < windows; w++)
      for (i = 0; i < users; i++) {
        u = (i * step + w * 13) % users
        n = (every > 0 && (u * 4 + w) % every == 0) ? 3 : 1
        alerts += (n == 3)
        for (c = 0; c < n; c++) {
          printf "{\"timestamp\": %.0f, \"status\": \"ERROR\", \"severity\": \"High\", \"source_ip\": \"10.1.2.3\", \"user_id\": \"user_%d\", \"content\": \"App crash detected\"}\n", t0 + w * 10000 + (i % 10000), 100000 + u
          lines++
        }
      }
    for (i = 0; i < filler; i++)
      printf "{\"timestamp\": %.0f, \"status\": \"INFO\", \"severity\": \"Low\", \"source_ip\": \"10.1.2.3\", \"user_id\": \"user_%d\", \"content\": \"Request served\"}\n", t0 + (i % (windows * 10000)), 100000 + (i % users)
    if (counts != "") print lines, alerts > counts
  }'
}
