# A hand-written partition through the binary: the exact lateness boundary
# (window end == watermark is late, end == watermark + 1 ms is counted),
# malformed records not moving the watermark, the strict threshold, window
# edges; the exact JSONL, late and dead-letter lines; and the Spark-like
# console table of SPEC.md. Everything expected is written down by hand here,
# not computed by the oracle.
source "$(dirname "$0")/common.sh"

python3 - "$BIN" "$TMP" <<'PY'
import json, re, subprocess, sys

binary, tmp = sys.argv[1], sys.argv[2]
T0 = 1768917180000  # 2026-01-20T13:53:00Z

def crash(ts, user, content="App crash detected", severity="High"):
    ts = ts if isinstance(ts, str) else ts
    rec = {"timestamp": ts, "status": "ERROR", "severity": severity,
           "content": content}
    if user is not None:
        rec["user_id"] = user
    return json.dumps(rec)

def info(ts):
    return json.dumps({"timestamp": ts, "status": "INFO", "severity": "Low",
                       "user_id": "user_z", "content": "Config reloaded"})

LONG = "user_charlie_with_a_long_id"
# (line, fate): fate is "count", "late", "bad" or "-" (no effect on counts).
fixture = [
    (crash(T0 + 11000, "user_a"), "count"),            # window [:10, :20)
    (crash("2026-01-20T13:53:12Z", "user_a", severity="Critical"), "count"),
    (info(T0 + 49999), "-"),                           # watermark T0+19999
    (crash(T0 + 19999, "user_a"), "count"),            # end T0+20000 = wm+1
    (crash(T0 + 9999, "user_b"), "late"),              # end T0+10000 <= wm
    (info(T0 + 50000), "-"),                           # watermark T0+20000
    (crash(1768917195.0, "user_a"), "late"),           # end T0+20000 == wm
    (crash(T0 + 99000, None), "bad"),                  # no user: malformed,
    (crash(T0 + 21000, LONG), "count"),                # ... wm stays T0+20000
    ("", "-"),                                         # blank: skipped
    (crash("2026-01-20 13:53:22.500", LONG), "count"),
    (crash(T0 + 29999, LONG, content="APP CRASH"), "count"),
    (crash(T0 + 30000, LONG), "count"),                # next window: 1 only
    (crash(T0 + 25000, "user_d", severity="high"), "-"),  # no match
    (crash(T0 + 25000, "user_d"), "count"),            # 2 crashes: no alert
    (crash(T0 + 26000, "user_d", content="Crash report uploaded"), "count"),
    ("[1768917205000, \"user_d\", \"crash\"]", "bad"),
    ('{"timestamp": 1768917208000, "severity": "Critical", '
     '"user_id": "' + LONG + '", "content": "App c\\u0072ash"}', "count"),
]
data = "".join(line + "\n" for line, _ in fixture).encode()
path = f"{tmp}/fixture.jsonl"
open(path, "wb").write(data)
offsets, pos = [], 0
for line, _ in fixture:
    offsets.append(pos)
    pos += len(line.encode()) + 1

def fail(msg):
    sys.exit(f"FAIL [lateness_fixture_test]: {msg}")

def run(*args):
    p = subprocess.run([binary, "run", "--input", path, *args],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=60)
    if p.returncode != 0:
        fail(f"run {' '.join(args)} exited {p.returncode}: "
             f"{p.stderr.decode()[-500:]}")
    return p.stdout.decode()

# --- JSON Lines, late and dead-letter outputs --------------------------------
run("--output", "jsonl", "--output-file", f"{tmp}/alerts.jsonl",
    "--late-output", f"{tmp}/late.jsonl", "--dead-letter", f"{tmp}/dead.jsonl")
expected = (
    '{"window_start":"2026-01-20T13:53:10.000Z","window_end":"2026-01-20T13:53:20.000Z",'
    '"window_start_ms":1768917190000,"window_end_ms":1768917200000,'
    '"user_id":"user_a","crash_count":3,"final":true}\n'
    '{"window_start":"2026-01-20T13:53:20.000Z","window_end":"2026-01-20T13:53:30.000Z",'
    '"window_start_ms":1768917200000,"window_end_ms":1768917210000,'
    '"user_id":"' + LONG + '","crash_count":4,"final":true}\n')
actual = open(f"{tmp}/alerts.jsonl").read()
if actual != expected:
    fail(f"alerts differ:\n--- expected\n{expected}--- actual\n{actual}")

late = [json.loads(l) for l in open(f"{tmp}/late.jsonl") if l.strip()]
want_late = [
    {"partition": 0, "offset": offsets[4], "event_time_ms": T0 + 9999,
     "window_start_ms": T0, "window_end_ms": T0 + 10000,
     "watermark_ms": T0 + 19999, "user_id": "user_b",
     "reason": "behind_watermark"},
    {"partition": 0, "offset": offsets[6], "event_time_ms": T0 + 15000,
     "window_start_ms": T0 + 10000, "window_end_ms": T0 + 20000,
     "watermark_ms": T0 + 20000, "user_id": "user_a",
     "reason": "behind_watermark"},
]
if late != want_late:
    fail(f"late output differs:\n--- expected\n{want_late}\n--- actual\n{late}")

dead = [json.loads(l) for l in open(f"{tmp}/dead.jsonl") if l.strip()]
want_dead = [(0, offsets[i], fixture[i][0]) for i, (_, f) in
             enumerate(fixture) if f == "bad"]
got_dead = [(d["partition"], d["offset"], d["record"]) for d in dead]
if got_dead != want_dead:
    fail(f"dead letters differ:\n--- expected\n{want_dead}\n--- actual\n"
         f"{got_dead}")
if not all(isinstance(d.get("reason"), str) and d["reason"] for d in dead):
    fail(f"a dead letter without reason: {dead}")

# --- console output (SPEC.md, "Console format") -------------------------------
out = run("--output", "console", "--late-output", "/dev/null",
          "--dead-letter", "/dev/null")
want_rows = [("{2026-01-20 13:53:10, 2026-01-20 13:53:20}", "user_a", "3"),
             ("{2026-01-20 13:53:20, 2026-01-20 13:53:30}", LONG, "4")]
header = ("Interval", "user_id", "crash_count")
lines = [l for l in out.split("\n") if l != ""]
rows, batches, i = [], [], 0

def expect(cond, what):
    if not cond:
        fail(f"console output, line {i + 1}: {what}\n--- output\n{out}")

while i < len(lines):
    expect(lines[i] == "-" * 43, "want a line of 43 dashes before 'Batch: N'")
    m = re.fullmatch(r"Batch: (\d+)", lines[i + 1] if i + 1 < len(lines) else "")
    i += 1
    expect(m, "want 'Batch: N'")
    batches.append(int(m.group(1)))
    i += 1
    expect(lines[i] == "-" * 43, "want 43 dashes after 'Batch: N'")
    i += 1
    block = []
    j = i + 3
    while j < len(lines) and lines[j].startswith("|"):
        block.append(tuple(lines[j][1:-1].split("|")))
        j += 1
    expect(block, "want at least one row in a batch")
    widths = [max(len(header[k]), *(len(r[k].rstrip()) for r in block))
              for k in range(3)]
    border = "+" + "+".join("-" * w for w in widths) + "+"
    def row(cells):
        return "|" + "|".join(c.ljust(w) for c, w in zip(cells, widths)) + "|"
    expect(lines[i] == border, f"want border {border!r}, got {lines[i]!r}")
    expect(lines[i + 1] == row(header), f"want header {row(header)!r}")
    expect(lines[i + 2] == border, "want border after the header")
    for k, r in enumerate(block):
        expect(lines[i + 3 + k] == row([c.rstrip() for c in r]),
               f"rows are left-aligned and padded to the widest cell: "
               f"{lines[i + 3 + k]!r}")
        rows.append(tuple(c.rstrip() for c in r))
    i = j
    expect(i < len(lines) and lines[i] == border, "want border after the rows")
    i += 1
if rows != want_rows:
    fail(f"console rows differ: want {want_rows}, got {rows}")
if batches != list(range(batches[0], batches[0] + len(batches))):
    fail(f"batch numbers are not consecutive: {batches}")
print(f"[lateness_fixture_test] boundaries, outputs and console table as "
      f"written by hand ({len(batches)} console batch(es))")
PY
