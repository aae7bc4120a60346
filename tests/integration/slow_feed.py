"""Writes FILE to stdout in 0.25 s slices (whole lines) over SECONDS: a slow,
steady input for a run whose telemetry a test watches. Usage:
    python3 slow_feed.py FILE SECONDS > fifo
"""
import sys
import time

data = open(sys.argv[1], "rb").read()
steps = max(1, int(float(sys.argv[2]) / 0.25))
pos = 0
for i in range(1, steps + 1):
    end = len(data) if i == steps else data.rfind(b"\n", 0, len(data) * i // steps) + 1
    if end > pos:
        sys.stdout.buffer.write(data[pos:end])
        sys.stdout.buffer.flush()
        pos = end
    time.sleep(0.25)
