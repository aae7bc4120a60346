# /metrics as its real consumers see it: a running `crashwatch run
# --metrics` (fed slowly through a fifo, so that it runs for a while) is
# scraped by a real Prometheus server (Debian package prometheus) every
# second; through Prometheus's HTTP query API, crashwatch_records_read_total
# grows, and the lag, watermark, reader, sink and shard series exist with
# their labels. A scrape passes `promtool check metrics`. A bad --metrics
# value is refused (exit 2).
source "$(dirname "$0")/common.sh"

command -v prometheus >/dev/null && command -v promtool >/dev/null \
  || { note "skipped: prometheus/promtool missing (scripts/install-deps.sh installs them)"; exit 77; }

PIDS=()
cleanup() {
  local i
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    kill "${PIDS[i]}" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT
# --- a bad value is refused ----------------------------------------------------
rc=0
"$BIN" run --input /dev/null --metrics nonsense 2>"$TMP/bad.err" || rc=$?
[[ $rc == 2 ]] || fail "--metrics nonsense: exit $rc, not 2"
grep -q -- "--metrics: 'nonsense' is not \[HOST:\]PORT" "$TMP/bad.err" \
  || fail "--metrics nonsense: $(cat "$TMP/bad.err")"

# --- a running pipeline --------------------------------------------------------
gen "$TMP/in.jsonl" --records 400000 --users 3000 --seed 43 \
  --malformed-fraction 0.001
mkfifo "$TMP/feed"
python3 "$HERE/slow_feed.py" "$TMP/in.jsonl" 30 >"$TMP/feed" &
PIDS+=($!)
mport=$(free_port)
cw run --input - --metrics "127.0.0.1:$mport" --shards 2 --output jsonl \
  --output-file /dev/null --late-output /dev/null --dead-letter /dev/null \
  <"$TMP/feed" 2>"$TMP/run.err" &
PIDS+=($!)

# --- Prometheus scraping it ------------------------------------------------------
pport=$(free_port)
cat >"$TMP/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: crashwatch
    static_configs:
      - targets: ["127.0.0.1:$mport"]
EOF
promtool check config "$TMP/prometheus.yml" >"$TMP/promtool-config.out" 2>&1 \
  || fail "promtool rejects the scrape config: $(cat "$TMP/promtool-config.out")"
prometheus --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/tsdb" \
  --web.listen-address="127.0.0.1:$pport" >"$TMP/prometheus.log" 2>&1 &
PIDS+=($!)

# query PROMQL: the query's result vector as JSON lines "labels value".
query() {
  python3 - "http://127.0.0.1:$pport/api/v1/query" "$1" <<'PY'
import json, sys, urllib.parse, urllib.request
url = sys.argv[1] + "?" + urllib.parse.urlencode({"query": sys.argv[2]})
d = json.load(urllib.request.urlopen(url, timeout=2))
for r in d["data"]["result"]:
    print(json.dumps(r["metric"], sort_keys=True), r["value"][1])
PY
}

# records_read: the total Prometheus sees, "" while it has none.
records_read() {
  query 'sum(crashwatch_records_read_total)' 2>/dev/null | awk '{print $NF}'
}

first=""
for _ in $(seq 150); do
  first=$(records_read)
  [[ -n $first && $first != 0 ]] && break
  sleep 0.1
done
[[ -n $first && $first != 0 ]] \
  || fail "Prometheus has no crashwatch_records_read_total: $(tail -5 "$TMP/prometheus.log")"
second=$first
for _ in $(seq 100); do
  sleep 0.5
  second=$(records_read)
  awk -v a="$first" -v b="$second" 'BEGIN{exit !(b > a)}' && break
done
awk -v a="$first" -v b="$second" 'BEGIN{exit !(b > a)}' \
  || fail "crashwatch_records_read_total did not grow in Prometheus: $first, then $second"
note "Prometheus scraped crashwatch_records_read_total: $first, then $second"

for series in 'crashwatch_partition_watermark_lag_seconds' \
  'crashwatch_partition_watermark_seconds' 'crashwatch_reader_credits_waiting' \
  'crashwatch_records_malformed_total' 'crashwatch_reader_busy_seconds_total' \
  'crashwatch_reader_mailbox_messages'; do
  query "$series" >"$TMP/series.out" || fail "query $series failed"
  grep -q '"partition": "0"' "$TMP/series.out" \
    || fail "$series has no series with partition=\"0\": $(cat "$TMP/series.out")"
done
for series in 'crashwatch_watermark_lag_seconds' 'crashwatch_alerts_total' \
  'crashwatch_sink_messages_total' 'crashwatch_sink_busy_seconds_total' \
  'crashwatch_sink_mailbox_messages'; do
  query "$series" >"$TMP/series.out" || fail "query $series failed"
  [[ -s "$TMP/series.out" ]] || fail "Prometheus has no $series"
done
query 'crashwatch_shard_open_keys' >"$TMP/series.out"
grep -q '"shard": "1"' "$TMP/series.out" \
  || fail "crashwatch_shard_open_keys has no shard=\"1\": $(cat "$TMP/series.out")"
note "lag, watermark, credits, reader, sink and shard series exist in Prometheus with their labels"

curl -sf "http://127.0.0.1:$mport/metrics" >"$TMP/scrape.txt" \
  || fail "cannot scrape /metrics"
promtool check metrics <"$TMP/scrape.txt" >"$TMP/promtool.out" 2>&1 \
  || fail "promtool check metrics: $(cat "$TMP/promtool.out")"
note "promtool check metrics: clean ($(grep -c '^crashwatch_' "$TMP/scrape.txt") samples)"

promtool check rules "$HERE/../../docs/prometheus/crashwatch-rules.yml" \
  >"$TMP/rules.out" 2>&1 || fail "promtool check rules: $(cat "$TMP/rules.out")"
note "promtool check rules docs/prometheus/crashwatch-rules.yml: clean"
