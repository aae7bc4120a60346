# The live page (telemetry/page/index.html, served at `/` by --metrics) in a
# real browser: headless Chromium loads it, lets its JavaScript poll /status
# (--virtual-time-budget), and dumps the DOM it rendered; the figures must be
# there and move between two loads a few seconds apart. Screenshots are kept.
#
# 1. Against tests/integration/telemetry_fixture.py (the page alone): single
#    process, cluster (three nodes, one down), and /status failing (the
#    "disconnected" banner).
# 2. Against a real `crashwatch run --input - --metrics 127.0.0.1:PORT` fed
#    slowly through a pipe, so that the numbers change between the loads.
#
# Screenshots go to $ARTIFACTS_DIR if set, else build/artifacts/ of the source
# tree. CHROMIUM overrides the browser (default: chromium on the PATH).
source "$(dirname "$0")/common.sh"

ROOT=$(cd "$HERE/../.." && pwd)
PAGE="$ROOT/telemetry/page/index.html"
FIXTURE="$HERE/telemetry_fixture.py"
[[ -f $PAGE ]] || fail "no page at $PAGE"

CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [[ -z $CHROMIUM ]]; then
  note "skipped: no chromium (scripts/install-deps.sh installs it)"
  exit 77
fi
ART=${ARTIFACTS_DIR:-$ROOT/build/artifacts}
mkdir -p "$ART" || fail "cannot create the artifacts directory $ART"

PIDS=()
cleanup() {
  local i
  # the newest first: crashwatch before its feeder (else it sees the end of
  # its input and writes into $TMP while it is removed)
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    kill "${PIDS[i]}" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$TMP"
}
trap cleanup EXIT

# The page must stay self-contained: nothing fetched from another host.
if grep -nEi 'https?://|<link |@import|src="//' "$PAGE" >"$TMP/external.txt"; then
  fail "the page refers to outside resources: $(head -3 "$TMP/external.txt")"
fi

# browser ARGS...: headless Chromium with a fresh profile, under a time limit.
BROWSER_RUNS=0
browser() {
  BROWSER_RUNS=$((BROWSER_RUNS + 1))
  timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
    --disable-dev-shm-usage --no-first-run --no-default-browser-check \
    --hide-scrollbars --user-data-dir="$TMP/profile-$BROWSER_RUNS" "$@" \
    2>>"$TMP/chromium.err"
}

# dump URL OUT: the DOM after ~3 s of (virtual) time, i.e. a few polls.
dump() {
  browser --virtual-time-budget=3000 --dump-dom "$1" >"$2" \
    || fail "chromium --dump-dom $1 exited $?: $(tail -3 "$TMP/chromium.err")"
  grep -q 'id="records-read"' "$2" || fail "chromium dumped no page for $1 ($(wc -c <"$2") bytes)"
}

# shot URL OUT BUDGET_MS: a 1440x900 screenshot.
shot() {
  rm -f "$2"
  browser --virtual-time-budget="$3" --window-size=1440,900 --screenshot="$2" "$1" >/dev/null \
    || fail "chromium --screenshot $1 exited $?: $(tail -3 "$TMP/chromium.err")"
  [[ -s $2 ]] || fail "chromium wrote no screenshot $2"
}

# figures DOM [--cluster N DOWN] [--disconnected]: checks the rendered DOM;
# prints records read (the number behind #records-read).
cat >"$TMP/figures.py" <<'PY'
import argparse, re, sys
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
        "meta", "source", "track", "wbr"}

class Dom(HTMLParser):
    """Every element with an id or a data-* attribute, with its text."""
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.found = [], []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        node = {"tag": tag, "attrs": a, "text": [], "parent": self.stack[-1] if self.stack else None}
        if "id" in a or any(k.startswith("data-") for k in a):
            self.found.append(node)
        if tag not in VOID:
            self.stack.append(node)
    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack:
            self.stack.pop()
    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i]["tag"] == tag:
                del self.stack[i:]
                return
    def handle_data(self, data):
        for n in self.stack:
            n["text"].append(data)

ap = argparse.ArgumentParser()
ap.add_argument("dom")
ap.add_argument("--cluster", nargs=2, type=int, metavar=("NODES", "DOWN"))
ap.add_argument("--disconnected", action="store_true")
args = ap.parse_args()
d = Dom()
d.feed(open(args.dom, encoding="utf-8").read())
text = lambda n: re.sub(r"\s+", " ", "".join(n["text"])).strip()
by_id = {n["attrs"]["id"]: n for n in d.found if "id" in n["attrs"]}
problems = []

def figure(id_, numeric=True):
    n = by_id.get(id_)
    if n is None:
        problems.append(f"no element #{id_}")
        return None
    t = text(n)
    if t in ("", "\u2014"):
        problems.append(f"#{id_} is empty ({t!r})")
    if numeric:
        v = n["attrs"].get("data-value")
        try:
            return float(v)
        except (TypeError, ValueError):
            problems.append(f"#{id_} ({t!r}) has no numeric data-value ({v!r})")
    return t

def rows(attr, cells):
    rs = [n for n in d.found if n["tag"] == "tr" and attr in n["attrs"]]
    if not rs:
        problems.append(f"no table row with {attr}")
    for r in rs:
        for c in cells:
            cs = [n for n in d.found if n["attrs"].get("data-metric") == c and n["parent"] is r]
            if not cs or text(cs[0]) in ("", "\u2014"):
                problems.append(f"row {attr}={r['attrs'][attr]}: no {c}")
    return rs

state = by_id.get("connection", {"attrs": {}})["attrs"].get("data-state")
banner = by_id.get("disconnected")
if args.disconnected:
    if state != "disconnected":
        problems.append(f"/status fails, but #connection is {state!r}")
    if banner is None or "hidden" in banner["attrs"]:
        problems.append("/status fails, but the #disconnected banner is hidden")
else:
    if state != "live":
        problems.append(f"#connection is {state!r}, not 'live' "
                        f"(banner: {text(banner) if banner else None!r})")
    if banner is None or "hidden" not in banner["attrs"]:
        problems.append("the #disconnected banner shows")
    read = figure("records-read")
    figure("records-per-second")
    figure("watermark-lag")
    figure("watermark-time", numeric=False)
    figure("uptime")
    figure("alerts")
    rows("data-partition", ["partition", "records_read", "offset", "state"])
    rows("data-shard", ["shard", "open_keys", "busy_seconds"])
    if args.cluster:
        nodes = [n for n in d.found if "data-node" in n["attrs"]]
        down = [n for n in nodes if n["attrs"].get("data-up") == "false"]
        if len(nodes) != args.cluster[0] or len(down) != args.cluster[1]:
            problems.append(f"{len(nodes)} cluster nodes, {len(down)} down; "
                            f"want {args.cluster[0]} and {args.cluster[1]}")
        if any("down" not in n["attrs"].get("class", "").split() for n in down):
            problems.append("a down node is not marked down")
if problems:
    sys.exit(f"{args.dom}: " + "; ".join(problems))
if not args.disconnected:
    print(int(read))
PY
figures() {
  python3 "$TMP/figures.py" "$@" || fail "the page misses figures (above)"
}

# wait_http URL: until URL answers (10 s at most).
wait_http() {
  for _ in $(seq 100); do
    python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)' "$1" \
      2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# start_fixture ARGS...: sets FIXTURE_URL.
start_fixture() {
  local port
  port=$(free_port)
  python3 "$FIXTURE" --port "$port" --page "$PAGE" "$@" >"$TMP/fixture.out" 2>&1 &
  PIDS+=($!)
  FIXTURE_URL="http://127.0.0.1:$port"
  wait_http "$FIXTURE_URL/" || fail "fixture did not start: $(cat "$TMP/fixture.out")"
}

# --- 1. The page alone, against the fixture ---------------------------------
start_fixture
dump "$FIXTURE_URL/" "$TMP/fixture1.html"
first=$(figures "$TMP/fixture1.html")
sleep 1
dump "$FIXTURE_URL/" "$TMP/fixture2.html"
second=$(figures "$TMP/fixture2.html")
[[ $second -gt $first ]] || fail "fixture: records read did not grow between two loads ($first, then $second)"
note "fixture: records read $first, then $second"
# Screenshots from a pretended uptime of 95 s with 1 s per poll: a full minute
# of sparklines, a hot shard.
start_fixture --start 95 --step 1
shot "$FIXTURE_URL/" "$ART/telemetry-page-fixture.png" 70000
start_fixture --cluster
dump "$FIXTURE_URL/" "$TMP/cluster.html"
figures "$TMP/cluster.html" --cluster 3 1 >/dev/null
start_fixture --cluster --start 84 --step 1
shot "$FIXTURE_URL/" "$ART/telemetry-page-fixture-cluster.png" 40000
start_fixture --down
dump "$FIXTURE_URL/" "$TMP/down.html"
figures "$TMP/down.html" --disconnected
note "fixture: figures, cluster nodes and the disconnected banner render"

# --- 2. A real crashwatch ---------------------------------------------------
gen "$TMP/in.jsonl" --records 600000 --users 3000 --seed 41 \
  --late-fraction 0.001 --malformed-fraction 0.0005
# A slow stream: the file in 0.25 s slices over FEED_SECONDS, through a fifo so
# that killing the feeder (one process) ends the input.
FEED_SECONDS=${FEED_SECONDS:-40}
mkfifo "$TMP/feed"
python3 "$HERE/slow_feed.py" "$TMP/in.jsonl" "$FEED_SECONDS" >"$TMP/feed" &
FEED_PID=$!
PIDS+=($FEED_PID)
port=$(free_port)
URL="http://127.0.0.1:$port"
cw run --input - --metrics "127.0.0.1:$port" --shards 4 --output jsonl \
  --output-file "$TMP/alerts.jsonl" --late-output /dev/null --dead-letter /dev/null \
  <"$TMP/feed" 2>"$TMP/run.err" &
RUN_PID=$!
PIDS+=($RUN_PID)

# Until /status counts records (10 s at most).
for _ in $(seq 100); do
  if python3 - "$URL/status" 2>/dev/null <<'PY'; then break; fi
import json, sys, urllib.request
d = json.load(urllib.request.urlopen(sys.argv[1], timeout=1))
sys.exit(0 if d.get("version") == 1 and d["totals"]["records_read"] > 0 else 1)
PY
  kill -0 "$RUN_PID" 2>/dev/null || fail "crashwatch run ended before /status answered: $(tail -5 "$TMP/run.err")"
  sleep 0.1
done
python3 - "$URL/status" <<'PY' || fail "/status of the real process: see above"
import json, sys, urllib.request
d = json.load(urllib.request.urlopen(sys.argv[1], timeout=2))
if d.get("version") != 1 or d["totals"]["records_read"] <= 0:
    sys.exit(f"/status counts no records: {json.dumps(d)[:300]}")
PY

# `/` serves this page (the server embeds telemetry/page/index.html).
python3 - "$URL/" "$PAGE" <<'PY' || fail "/ of the real process is not telemetry/page/index.html"
import sys, urllib.request
got = urllib.request.urlopen(sys.argv[1], timeout=2).read()
want = open(sys.argv[2], "rb").read()
if got.rstrip() != want.rstrip():
    sys.exit(f"/ serves {len(got)} bytes, the page has {len(want)}: rebuild after editing the page?")
PY

dump "$URL/" "$TMP/real1.html"
first=$(figures "$TMP/real1.html")
sleep 2
dump "$URL/" "$TMP/real2.html"
kill -0 "$RUN_PID" 2>/dev/null || fail "crashwatch run ended during the page checks (raise FEED_SECONDS)"
second=$(figures "$TMP/real2.html")
[[ $second -gt $first ]] || fail "real process: records read did not grow between two loads ($first, then $second)"
shot "$URL/" "$ART/telemetry-page-run.png" 5000
note "real process: records read $first, then $second"

# The end of the input ends the run, as without --metrics.
kill "$FEED_PID" 2>/dev/null || true
status=0
wait "$RUN_PID" || status=$?
[[ $status -eq 0 ]] || fail "crashwatch run --metrics exited $status: $(tail -5 "$TMP/run.err")"
[[ -s $TMP/alerts.jsonl ]] || fail "crashwatch run --metrics wrote no alert"
note "screenshots in $ART: telemetry-page-run.png, telemetry-page-fixture.png, telemetry-page-fixture-cluster.png"
