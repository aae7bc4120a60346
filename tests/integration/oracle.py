#!/usr/bin/env python3
"""An independent oracle for `crashwatch run` on files (SPEC.md).

It re-implements, without any code of crashwatch, the record rules ("Records")
and the lateness rule ("Windows, watermarks, lateness") of SPEC.md in plain
Python (json module, datetime, decimal), loads the records the lateness rule
keeps into SQLite and computes the alerts with

    SELECT ... GROUP BY window_start, user_id HAVING count(*) > threshold

For file inputs every partition ends, so every window completes and the final
alerts depend only on which records are counted: this is exactly what the
binary's final-mode JSON Lines output must be, byte for byte.

Usage:
    oracle.py [run options] --input F [--input F ...]
              [--alerts PATH] [--late PATH] [--malformed PATH]
        Writes the expected JSONL alerts (default: stdout), and the expected
        late and malformed records as "partition offset" lines, sorted.
        --offsets messages: offsets are line numbers from 0 (the Kafka
        offsets of lines produced one message each to empty partitions);
        the default, bytes, is the byte offset of the line (files).
        Run options as `crashwatch run`: --window --watermark-delay
        --threshold --timestamp-unit --keyword --severity; the options that do
        not change final alerts (--shards, --emit, --output, ...) are refused
        here so that a test cannot believe they were honoured.
    oracle.py offsets FILE
        Prints "partition offset" of every line of a late-output or
        dead-letter JSONL file written by crashwatch, sorted, so that it can
        be diffed with the sets above.
    oracle.py self-test
        Checks the oracle on small hand-computed fixtures.

Decisions where SPEC.md is silent or ambiguous (the oracle and the tests rely
on them; the binary must agree for the generated data):
 1. Line splitting: lines end at b"\\n"; a line's offset is the byte offset of
    its first byte. A final line without newline is still a line. A trailing
    "\\r" is JSON whitespace, so CRLF files work.
 2. Blank line = empty or only JSON whitespace (space, tab, CR). Not
    malformed, not counted, does not move the watermark.
 3. Invalid UTF-8 is invalid JSON (malformed). NaN/Infinity/-Infinity
    literals are invalid JSON (Python would accept them; we refuse).
 4. Numbers are read exactly (decimal.Decimal), not through binary floating
    point: 1768917185.123 s is exactly 1768917185123 ms. The generator never
    writes a fractional value within floating-point error of a millisecond
    boundary, so a binary that computes in double agrees on generated data.
 5. Auto unit compares the absolute value: |v| >= 1e14 us, >= 1e11 ms, else
    s; the chosen unit then converts and the result is rounded down
    (floor, also for negative values).
 6. A timestamp string is a decimal number when it matches the JSON number
    grammar exactly (-?(0|[1-9]d*)(.d+)?([eE][+-]?d+)?, no spaces, no '+',
    no leading zeros); otherwise it must be an RFC 3339 / ISO-8601 date-time
    YYYY-MM-DD(T|t| )hh:mm:ss(.f+)?(Z|z|+hh:mm|-hh:mm|+hhmm|-hhmm)? with a
    real calendar date and time (2026-02-30, hour 24 are malformed); a leap
    second :60 is taken as :59.999 (docs/parser.md); no zone is UTC;
    fractions beyond ms are rounded down. Anything else is malformed.
    (Year 0000 is accepted by crashwatch but not by Python's datetime: the
    one known difference, on no generated data.)
 7. An event time outside years 0000-9999 (docs/parser.md: "timestamp out of
    range") is malformed.
 8. Only well-formed records move a partition's watermark: a malformed
    record (e.g. a crash without user_id, with a perfectly good timestamp)
    does not (SPEC: "the largest event time of the well-formed records").
 9. Matching: `content` must be a JSON string containing the keyword with
    ASCII-only case folding (both sides); `severity` must equal one of the
    comma-separated --severity values exactly (values are not trimmed).
    A matching record needs `user_id` to be a non-empty JSON string (any
    content, whitespace included); everything else about user_id is
    malformed for a matching record and irrelevant for the others.
10. Duplicate keys in one object: the last one wins (Python's json). The
    generator never writes duplicate keys, so the tests do not depend on it.
11. ISO strings of windows are YYYY-MM-DDThh:mm:ss.mmmZ in the proleptic
    Gregorian calendar; years outside 0000-9999 (only reachable with absurd
    timestamps, never generated) are written with more digits or a minus sign.
    Alerts are ordered by window_start, then user_id compared byte-wise
    (SQLite's BINARY collation on UTF-8); user_id is written as a JSON string
    with json.dumps(ensure_ascii=False) (only ", \\ and control characters
    escaped). Generated user ids are plain ASCII.
12. Late records are decided per partition in file order with the rule
    `window_end <= max(earlier well-formed timestamps) - delay`; the first
    well-formed record of a partition is never late. `window_emitted`
    lateness needs idle partitions, which file inputs read at full speed do
    not have, so the oracle never produces it.
"""

import datetime as dt
import decimal
import base64
import json
import mmap
import re
import sqlite3
import sys

decimal.getcontext().prec = 80

JSON_WS = b" \t\r\n"
NUMBER_RE = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")
ISO_RE = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt ]([0-9]{2}):([0-9]{2}):([0-9]{2})"
    r"(\.[0-9]+)?([Zz]|[+-][0-9]{2}:?[0-9]{2})?")
ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
# docs/parser.md: event times are years 0000-9999; wider ones are malformed
# ("timestamp out of range").
MIN_RECORD_MS = -62_167_219_200_000  # 0000-01-01T00:00:00.000Z
MAX_RECORD_MS = 253_402_300_799_999  # 9999-12-31T23:59:59.999Z


class Options:
    """The run options that shape final alerts, with SPEC.md's defaults."""

    def __init__(self):
        self.window_ms = 10_000
        self.delay_ms = 30_000
        self.threshold = 2
        self.unit = "auto"
        self.keyword = "crash"
        self.severities = ["High", "Critical"]
        # "bytes": a record's offset is its line's byte offset (files);
        # "messages": its 0-based line number, the Kafka offset it gets when
        # each line is produced as one message to an empty partition.
        self.offsets = "bytes"


def parse_duration_ms(text):
    m = re.fullmatch(r"([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(ms|s|m|h)", text)
    if not m:
        raise SystemExit(f"oracle: bad duration {text!r}")
    factor = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000}[m.group(2)]
    return int((decimal.Decimal(m.group(1)) * factor).to_integral_value(
        decimal.ROUND_FLOOR))


def ascii_lower(s):
    return s.translate(ASCII_LOWER)


def _reject_constant(name):
    raise ValueError(f"{name} is not JSON")


def number_to_ms(value, unit):
    """Event time in ms of an exact decimal `value`, or None."""
    if not value.is_finite():
        return None
    if unit == "auto":
        a = abs(value)
        unit = "us" if a >= 10 ** 14 else "ms" if a >= 10 ** 11 else "s"
    scaled = {"s": value * 1000, "ms": value, "us": value / 1000}[unit]
    ms = int(scaled.to_integral_value(decimal.ROUND_FLOOR))
    return ms if MIN_RECORD_MS <= ms <= MAX_RECORD_MS else None


def iso_to_ms(text):
    m = ISO_RE.fullmatch(text)
    if not m:
        return None
    y, mo, d, h, mi, s = (int(g) for g in m.groups()[:6])
    frac, zone = m.group(7), m.group(8)
    offset = dt.timedelta(0)
    if zone and zone not in "Zz":
        oh, om = int(zone[1:3]), int(zone[-2:])  # +HH:MM or +HHMM
        if oh > 23 or om > 59:
            return None
        offset = dt.timedelta(hours=oh, minutes=om)
        if zone[0] == "-":
            offset = -offset
    leap_second = s == 60  # documented: floored to :59.999
    try:
        t = dt.datetime(y, mo, d, h, mi, 59 if leap_second else s,
                        tzinfo=dt.timezone(offset))
    except ValueError:
        return None
    delta = t - EPOCH
    ms = (delta.days * 86_400 + delta.seconds) * 1000
    if leap_second:
        ms += 999
    elif frac:
        ms += int((frac[1:] + "000")[:3])
    return ms if MIN_RECORD_MS <= ms <= MAX_RECORD_MS else None


def timestamp_to_ms(value, unit):
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return number_to_ms(decimal.Decimal(value), unit)
    if isinstance(value, decimal.Decimal):
        return number_to_ms(value, unit)
    if isinstance(value, str):
        if NUMBER_RE.fullmatch(value):
            return number_to_ms(decimal.Decimal(value), unit)
        return iso_to_ms(value)
    return None  # object or array


def classify(raw, opts):
    """('blank'|'malformed'|'other'|'crash', event_time_ms, user_id)."""
    if raw.strip(JSON_WS) == b"":
        return ("blank", None, None)
    try:
        text = raw.decode("utf-8")
        obj = json.loads(text, parse_float=decimal.Decimal,
                         parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return ("malformed", None, None)
    if not isinstance(obj, dict) or "timestamp" not in obj:
        return ("malformed", None, None)
    t = timestamp_to_ms(obj["timestamp"], opts.unit)
    if t is None:
        return ("malformed", None, None)
    content, severity = obj.get("content"), obj.get("severity")
    matches = (isinstance(content, str) and isinstance(severity, str)
               and ascii_lower(opts.keyword) in ascii_lower(content)
               and severity in opts.severities)
    if not matches:
        return ("other", t, None)
    user = obj.get("user_id")
    if not isinstance(user, str) or user == "":
        return ("malformed", t, None)
    return ("crash", t, user)


def lines_with_offsets(data, offsets="bytes"):
    offset = 0
    index = 0
    n = len(data)
    while offset < n:
        end = data.find(b"\n", offset)
        if end < 0:
            end = n
        yield (offset if offsets == "bytes" else index), data[offset:end]
        offset = end + 1
        index += 1


def evaluate(partitions, opts):
    """partitions: list of bytes. Returns (alerts, late set, malformed set),
    alerts as (window_start_ms, user_id, count) in output order."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE crashes (partition INTEGER, offset INTEGER, "
               "window_start INTEGER, user_id TEXT)")
    late, malformed = set(), set()
    rows = []
    for p, data in enumerate(partitions):
        max_seen = None
        for offset, raw in lines_with_offsets(data, opts.offsets):
            kind, t, user = classify(raw, opts)
            if kind == "blank":
                continue
            if kind == "malformed":
                malformed.add((p, offset))
                continue
            if kind == "crash":
                start = t // opts.window_ms * opts.window_ms
                end = start + opts.window_ms
                if max_seen is not None and end <= max_seen - opts.delay_ms:
                    late.add((p, offset))
                else:
                    rows.append((p, offset, start, user))
            max_seen = t if max_seen is None else max(max_seen, t)
    db.executemany("INSERT INTO crashes VALUES (?, ?, ?, ?)", rows)
    alerts = db.execute(
        "SELECT window_start, user_id, count(*) FROM crashes "
        "GROUP BY window_start, user_id HAVING count(*) > ? "
        "ORDER BY window_start, user_id", (opts.threshold,)).fetchall()
    db.close()
    return alerts, late, malformed


def civil_from_days(z):
    """(year, month, day) of a day count since 1970-01-01, for any year
    (datetime stops at 9999)."""
    z += 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    return yoe + era * 400 + (m <= 2), m, d


def iso_ms(ms):
    days, in_day = divmod(ms, 86_400_000)
    y, m, d = civil_from_days(days)
    year = f"{y:04d}" if y >= 0 else f"-{-y:04d}"
    return (f"{year}-{m:02d}-{d:02d}T{in_day // 3_600_000:02d}:"
            f"{in_day // 60_000 % 60:02d}:{in_day // 1000 % 60:02d}."
            f"{in_day % 1000:03d}Z")


def alert_line(start, user, count, opts):
    end = start + opts.window_ms
    return ('{"window_start":"%s","window_end":"%s","window_start_ms":%d,'
            '"window_end_ms":%d,"user_id":%s,"crash_count":%d,"final":true}'
            % (iso_ms(start), iso_ms(end), start, end,
               json.dumps(user, ensure_ascii=False), count))


def offsets_text(pairs):
    return "".join(f"{p} {o}\n" for p, o in sorted(pairs))


def parse_args(argv):
    opts = Options()
    inputs, outputs = [], {"alerts": None, "late": None, "malformed": None}
    i = 0
    while i < len(argv):
        arg = argv[i]
        if "=" in arg and arg.startswith("--"):
            arg, value = arg.split("=", 1)
        else:
            if i + 1 >= len(argv):
                raise SystemExit(f"oracle: {arg} needs a value")
            value = argv[i + 1]
            i += 1
        i += 1
        if arg == "--input":
            inputs.append(value)
        elif arg == "--window":
            opts.window_ms = parse_duration_ms(value)
        elif arg == "--watermark-delay":
            opts.delay_ms = parse_duration_ms(value)
        elif arg == "--threshold":
            opts.threshold = int(value)
        elif arg == "--timestamp-unit":
            if value not in ("auto", "s", "ms", "us"):
                raise SystemExit(f"oracle: bad --timestamp-unit {value}")
            opts.unit = value
        elif arg == "--keyword":
            opts.keyword = value
        elif arg == "--severity":
            opts.severities = value.split(",")
        elif arg == "--offsets":
            if value not in ("bytes", "messages"):
                raise SystemExit(f"oracle: bad --offsets {value}")
            opts.offsets = value
        elif arg in ("--alerts", "--late", "--malformed"):
            outputs[arg[2:]] = value
        else:
            raise SystemExit(f"oracle: unknown option {arg}")
    if not inputs:
        raise SystemExit("oracle: at least one --input is needed")
    return opts, inputs, outputs


def main_compute(argv):
    opts, inputs, outputs = parse_args(argv)
    partitions = []
    for path in inputs:
        if path == "-":
            partitions.append(sys.stdin.buffer.read())
            continue
        # Mapped, not read: a soak's inputs (bench/soak.sh) are many GB; the
        # page cache holds them instead of the heap (find and slices work
        # on a mapping as on bytes). An empty file cannot be mapped.
        with open(path, "rb") as f:
            empty = f.seek(0, 2) == 0
            partitions.append(b"" if empty else
                              mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ))
    alerts, late, malformed = evaluate(partitions, opts)
    text = "".join(alert_line(s, u, c, opts) + "\n" for s, u, c in alerts)
    if outputs["alerts"] in (None, "-"):
        sys.stdout.write(text)
    else:
        with open(outputs["alerts"], "w", encoding="utf-8") as f:
            f.write(text)
    for name, pairs in (("late", late), ("malformed", malformed)):
        if outputs[name]:
            with open(outputs[name], "w") as f:
                f.write(offsets_text(pairs))
    sys.stderr.write(f"oracle: {len(alerts)} alerts, {len(late)} late, "
                     f"{len(malformed)} malformed\n")


def main_offsets(path):
    pairs = []
    with open(path, "rb") as f:
        for n, raw in enumerate(f, 1):
            if raw.strip(JSON_WS) == b"":
                continue
            try:
                # Strict: every side-output line must be valid UTF-8 JSON.
                obj = json.loads(raw.decode("utf-8"))
                pairs.append((int(obj["partition"]), int(obj["offset"])))
            except (ValueError, KeyError, TypeError) as e:
                raise SystemExit(f"oracle: {path}:{n}: not a side-output "
                                 f"line with partition and offset ({e}): "
                                 f"{raw[:200]!r}")
    if len(set(pairs)) != len(pairs):
        raise SystemExit(f"oracle: {path}: some (partition, offset) "
                         f"appear more than once")
    sys.stdout.write(offsets_text(pairs))


def main_check_dead_letters(dead_path, inputs):
    """Checks that each dead-letter line carries the exact raw bytes of the
    input line at its (partition, offset): nothing malformed is lost."""
    data = []
    for path in inputs:
        with open(path, "rb") as f:
            data.append(f.read())
    checked = 0
    with open(dead_path, "rb") as f:
        for n, raw in enumerate(f, 1):
            obj = json.loads(raw.decode("utf-8"))
            part, off = int(obj["partition"]), int(obj["offset"])
            if "record" in obj:
                got = obj["record"].encode("utf-8")
            else:
                got = base64.b64decode(obj["record_base64"], validate=True)
            end = data[part].find(b"\n", off)
            want = data[part][off:] if end < 0 else data[part][off:end]
            if got != want:
                raise SystemExit(f"oracle: {dead_path}:{n}: record {got[:80]!r}"
                                 f" is not input {part} at {off}: "
                                 f"{want[:80]!r}")
            checked += 1
    sys.stderr.write(f"oracle: {checked} dead letters hold their raw records\n")


# --- self-test: small fixtures computed by hand ------------------------------

def _rec(ts, user="user_a", content="App crash detected", severity="High",
         **extra):
    obj = {"timestamp": ts, "severity": severity, "content": content}
    if user is not None:
        obj["user_id"] = user
    obj.update(extra)
    return json.dumps(obj)


def self_test():
    opts = Options()
    t0 = 1768917180000  # 2026-01-20T13:53:00Z, a window start
    ms = lambda raw: timestamp_to_ms(  # noqa: E731
        json.loads(raw, parse_float=decimal.Decimal), "auto")
    # Timestamp forms (decision 4, 5, 6).
    assert ms('1768917185123') == 1768917185123
    assert ms('1768917185.123') == 1768917185123
    assert ms('1768917185.1239') == 1768917185123
    assert ms('1768917185123456') == 1768917185123
    assert ms('1.768917185123e12') == 1768917185123
    assert ms('"1768917185123"') == 1768917185123
    assert ms('"1768917185"') == 1768917185000
    assert ms('99999999999') == 99999999999000  # < 1e11: seconds
    assert ms('100000000000') == 100000000000  # = 1e11: ms
    assert ms('100000000000000') == 100000000000  # = 1e14: us
    assert ms('-1.5') == -1500
    assert ms('-0.0005') == -1  # rounded down
    assert ms('"2026-01-20T13:53:05Z"') == t0 + 5000
    assert ms('"2026-01-20T13:53:05.123+02:00"') == t0 + 5123 - 7_200_000
    assert ms('"2026-01-20 13:53:05"') == t0 + 5000
    assert ms('"2026-01-20T13:53:05.9999-00:30"') == t0 + 5999 + 1_800_000
    assert ms('"2026-01-20T13:53:05+0200"') == t0 + 5000 - 7_200_000
    assert ms('"2026-01-20T13:53:60.5Z"') == t0 + 59_999  # leap second
    assert ms('"9999-12-31T23:59:59.999Z"') == MAX_RECORD_MS
    for bad in ('"yesterday"', '""', '"2026-02-30T10:00:00Z"',
                '"2026-01-20T24:00:00Z"', '"2026-01-20T13:53:61Z"',
                '"253402300800000000"', '-62167219200001',  # out of range
                '"2026-01-20"', '"1768917185123ms"', '" 1768917185123"',
                '"0123"', 'null', 'true', '[1]', '{"a":1}', '1e400'):
        assert ms(bad) is None, bad
    assert timestamp_to_ms(decimal.Decimal("1768917185"), "ms") == 1768917185
    assert timestamp_to_ms(decimal.Decimal("1768917185"), "s") == \
        1768917185000
    # 1768917185123 seconds is the year 58024: out of range.
    assert timestamp_to_ms(decimal.Decimal("1768917185123"), "s") is None
    assert timestamp_to_ms(decimal.Decimal("1768917185123"), "us") == \
        1768917185

    # Record rules.
    c = lambda raw: classify(raw.encode(), opts)[0]  # noqa: E731
    assert c("") == "blank" and c("  \t\r") == "blank"
    assert c("[1, 2]") == "malformed" and c('"x"') == "malformed"
    assert c("42") == "malformed" and c("{") == "malformed"
    assert c('{"timestamp": NaN}') == "malformed"
    assert c('{"timestamp": 1768917185123}') == "other"
    assert c('{"status": "ERROR"}') == "malformed"
    assert c(_rec(t0)) == "crash"
    assert c('{"timestamp": 1, "severity": "High", "user_id": "u", '
             '"content": "App c\\u0072ash"}') == "crash"
    assert c(_rec(t0, content="APPLICATION CRASHED")) == "crash"
    assert c(_rec(t0, severity="high")) == "other"
    assert c(_rec(t0, severity=" High")) == "other"
    assert c(_rec(t0, user=None)) == "malformed"
    assert c(_rec(t0, user="")) == "malformed"
    assert c(_rec(t0, user=7)) == "malformed"
    assert c(_rec(t0, user=None, severity="Low")) == "other"
    assert c(_rec(t0, content=None)) == "other"
    assert c(_rec(t0, content=["crash"])) == "other"
    assert classify(b'{"timestamp": 1, "x": "\xff"}', opts)[0] == "malformed"

    # Lateness boundaries, by hand (delay 30 s, window 10 s, threshold 2).
    # line: (record, expected fate)
    fixture = [
        (_rec(t0 + 11000), "counted"),            # [t0+10s, t0+20s)
        (_rec(t0 + 12000), "counted"),
        (_rec(t0 + 49999, severity="Low"), "-"),  # max t0+49999: wm t0+19999
        (_rec(t0 + 19999), "counted"),            # end t0+20000 = wm + 1
        (_rec(t0 + 9999, user="user_b"), "late"),  # end t0+10000 <= wm
        (_rec(t0 + 50000, severity="Low"), "-"),  # wm t0+20000
        (_rec(t0 + 15000), "late"),               # end t0+20000 == wm: late
        (_rec(t0 + 15000, user=None), "malformed"),
        (_rec(t0 + 99000, user=None), "malformed"),  # does not move wm
        (_rec(t0 + 21000, user="user_c"), "counted"),  # end t0+30000 > wm
        ("", "-"),
        (_rec(t0 + 22000, user="user_c"), "counted"),
        (_rec(t0 + 29999, user="user_c"), "counted"),
        (_rec(t0 + 30000, user="user_c"), "counted"),  # next window
        ("[1]", "malformed"),
    ]
    data = "".join(r + "\n" for r, _ in fixture).encode()
    alerts, late, malformed = evaluate([data, b"\n" + data], opts)
    offsets, pos = [], 0
    for r, _ in fixture:
        offsets.append(pos)
        pos += len(r.encode()) + 1
    exp_late = {(p, offsets[i] + p) for p in (0, 1)
                for i, (_, f) in enumerate(fixture) if f == "late"}
    exp_bad = {(p, offsets[i] + p) for p in (0, 1)
               for i, (_, f) in enumerate(fixture) if f == "malformed"}
    assert late == exp_late, (late, exp_late)
    assert malformed == exp_bad, (malformed, exp_bad)
    # Both partitions count the same: user_a 3+3 in [t0+10s, t0+20s),
    # user_c 3+3 in [t0+20s, t0+30s), user_c 1+1 in the next window.
    assert alerts == [(t0 + 10000, "user_a", 6), (t0 + 20000, "user_c", 6)], \
        alerts
    for ms_, text in ((0, "1970-01-01T00:00:00.000Z"),
                      (-1, "1969-12-31T23:59:59.999Z"),
                      (951782400000, "2000-02-29T00:00:00.000Z"),
                      (253402300799999, "9999-12-31T23:59:59.999Z")):
        assert iso_ms(ms_) == text, (ms_, iso_ms(ms_))
    line = alert_line(t0, "user_1361", 3, opts)
    assert line == (
        '{"window_start":"2026-01-20T13:53:00.000Z",'
        '"window_end":"2026-01-20T13:53:10.000Z",'
        '"window_start_ms":1768917180000,"window_end_ms":1768917190000,'
        '"user_id":"user_1361","crash_count":3,"final":true}'), line

    # Threshold is strict (count > threshold), byte-wise user order, windows
    # aligned to the epoch; a final line without newline is still a line.
    recs = [_rec(t0 + i, user=u) for u in ("user_b", "User_z", "user_a")
            for i in range(3)] + [_rec(t0 + 5, user="user_d")] * 2
    data = ("\n".join(recs)).encode()
    alerts, late, malformed = evaluate([data], opts)
    assert alerts == [(t0, "User_z", 3), (t0, "user_a", 3),
                      (t0, "user_b", 3)], alerts
    o = Options()
    o.threshold = 1
    o.window_ms = 7000
    alerts, _, _ = evaluate([data], o)
    # 1768917180000 // 7000 = 252702454; * 7000 = 1768917178000
    assert [a[0] for a in alerts] == [1768917178000] * 4, alerts
    assert late == set() and malformed == set()

    # Options: keyword and severity list.
    o = Options()
    o.keyword = "FATAL"
    o.severities = ["Critical"]
    assert classify(_rec(t0, content="fatal: app Crash",
                         severity="Critical").encode(), o)[0] == "crash"
    assert classify(_rec(t0, content="fatal: app Crash",
                         severity="High").encode(), o)[0] == "other"
    assert classify(_rec(t0).encode(), o)[0] == "other"
    print("oracle self-test: ok")


def main(argv):
    if argv[:1] == ["self-test"]:
        self_test()
    elif argv[:1] == ["offsets"] and len(argv) == 2:
        main_offsets(argv[1])
    elif argv[:1] == ["check-dead-letters"] and len(argv) >= 3:
        main_check_dead_letters(argv[1], argv[2:])
    else:
        main_compute(argv)


if __name__ == "__main__":
    main(sys.argv[1:])
