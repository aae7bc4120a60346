#!/usr/bin/env python3
"""What bench/soak.sh measured, as Markdown (and rss.png with gnuplot).

    soak_report.py SOAK_DIR MINUTES

Reads SOAK_DIR/rss.csv (process, pid, time_s, rss_kb every ~10 s),
kills.csv, status.csv (the coordinator's /status every ~10 s). Memory is
tracked per role: a restarted process starts fresh, so the table gives the
RSS at 1/6, 1/2 and the end of the run (minutes 5, 15, 30 of a 30-minute
soak) with the pid that had it, and the slope of each role's longest-lived
process (least squares over its samples after its first 2 minutes, MiB per
hour): flat is a slope near 0 over a long stretch.
"""
import csv
import os
import shutil
import statistics
import subprocess
import sys

ROLES = ["broker", "generator", "coordinator", "aggregator-1", "aggregator-2",
         "reader-1"]
WARM_UP_S = 120


def slope(points):
    """Least-squares slope of (t, y) points, per second."""
    n = len(points)
    mt = sum(t for t, _ in points) / n
    my = sum(y for _, y in points) / n
    var = sum((t - mt) ** 2 for t, _ in points)
    return sum((t - mt) * (y - my) for t, y in points) / var if var else 0.0


def main(d, minutes):
    rows = list(csv.DictReader(open(os.path.join(d, "rss.csv"))))
    by_pid = {}  # (role, pid) -> [(t, MiB)]
    cpu = {}  # (role, pid) -> CPU seconds at its last sample
    for r in rows:
        by_pid.setdefault((r["process"], r["pid"]), []).append(
            (float(r["time_s"]), int(r["rss_kb"]) / 1024))
        if r.get("cpu_s"):
            cpu[(r["process"], r["pid"])] = float(r["cpu_s"])
    marks = [minutes * 60 / 6, minutes * 60 / 2, minutes * 60]
    out = []
    out.append("| process | %s | max | longest-lived pid, from-to (min) | "
               "its slope after its first %d min | CPU s (all its pids) |" % (
                   " | ".join("RSS at min %.3g" % (m / 60) for m in marks),
                   WARM_UP_S // 60))
    out.append("|---|" + "---|" * 3 + "---|---|---|---|")
    for role in ROLES:
        incarnations = {pid: pts for (r, pid), pts in by_pid.items() if r == role}
        if not incarnations:
            continue
        first_pid = min(incarnations, key=lambda p: incarnations[p][0][0])
        cells = []
        for m in marks:
            best = None
            for pid, pts in incarnations.items():
                for t, y in pts:
                    if best is None or abs(t - m) < abs(best[0] - m):
                        best = (t, y, pid)
            if best is None or abs(best[0] - m) > 30:
                cells.append("–")
            else:
                cells.append("%.1f MiB%s" % (best[1], "" if best[2] == first_pid
                                             else " (pid %s, restarted)" % best[2]))
        peak = max(y for pts in incarnations.values() for _, y in pts)
        pid, pts = max(incarnations.items(), key=lambda kv: kv[1][-1][0] - kv[1][0][0])
        warm = [(t, y) for t, y in pts if t - pts[0][0] >= WARM_UP_S]
        if len(warm) >= 3:
            s = slope(warm) * 3600
            sl = "%+.2f MiB/h (%.1f → %.1f MiB over %.0f min)" % (
                s, warm[0][1], warm[-1][1], (warm[-1][0] - warm[0][0]) / 60)
        else:
            sl = "– (too short)"
        used = sum(v for (r, _), v in cpu.items() if r == role)
        out.append("| %s | %s | %.1f MiB | %s, %.1f-%.1f | %s | %.0f |" % (
            role, " | ".join(cells), peak, pid, pts[0][0] / 60, pts[-1][0] / 60,
            sl, used))
    memory = "\n".join(out)

    kills = list(csv.DictReader(open(os.path.join(d, "kills.csv"))))
    k = ["| at | killed | pid → new pid | coordinator's next epoch | its first "
         "checkpoint committed | generator producing again | note |",
         "|---|---|---|---|---|---|---|"]
    for r in kills:
        t = int(r["kill_s"])
        ms = lambda v: ("%s ms" % v) if v else "–"
        k.append("| %d:%02d | %s | %s → %s | %s | %s | %s | %s |" % (
            t // 60, t % 60, r["victim"], r["old_pid"], r["new_pid"],
            ms(r["epoch_ms"]), ms(r["checkpoint_ms"]), ms(r["produce_ms"]),
            r["note"] or ""))
    for role in ROLES:
        e = [int(r["epoch_ms"]) for r in kills if r["victim"] == role and r["epoch_ms"]]
        c = [int(r["checkpoint_ms"]) for r in kills if r["victim"] == role
             and r["checkpoint_ms"]]
        if e:
            k.append("")
            k.append("%s: next epoch after %s ms (median %d), first checkpoint "
                     "after %s ms" % (role, ", ".join(map(str, e)),
                                      statistics.median(e), ", ".join(map(str, c))))

    st = [r for r in csv.reader(open(os.path.join(d, "status.csv")))][1:]
    rates, lags, kept, load = [], [], [], []
    prev = None
    for r in st:
        if r[4] != "running" or not int(float(r[1] or 0)):
            prev = None  # the coordinator was down, waiting or starting
            continue
        t, end, lag = float(r[0]), int(float(r[1] or 0)), int(float(r[2] or 0))
        lags.append((t, lag))
        if len(r) > 6:
            kept.append(int(r[5]))
            load.append(float(r[6]))
        if prev and end > prev[1] and t > prev[0]:
            rates.append((end - prev[1]) / (t - prev[0]))
        prev = (t, end)
    s = []
    if rates:
        rates.sort()
        s.append("records produced per second between /status samples (~10 s "
                 "apart, both from a running coordinator): median %.0f, "
                 "lowest %.0f, 5th percentile %.0f (%d intervals)" % (
                     statistics.median(rates), rates[0],
                     rates[int(len(rates) * 0.05)], len(rates)))
    if kept:
        s.append("records the broker held (end - start offsets, 3 partitions): "
                 "median %d, lowest %d" % (statistics.median(kept), min(kept)))
        s.append("load average (1 min) at the samples: median %.1f, max %.1f" % (
            statistics.median(load), max(load)))
    if lags:
        s.append("consumer lag (records, all partitions; samples while the "
                 "coordinator answered): median %d, max %d (at %.0f s)" % (
                     statistics.median(l for _, l in lags),
                     max(l for _, l in lags), max(lags, key=lambda x: x[1])[0]))
    print("### Kills\n\n" + "\n".join(k) + "\n\n### Memory (RSS)\n\n" + memory
          + "\n\n### Rate and lag\n\n" + "\n".join("* " + x for x in s))
    plot(d, by_pid)


def plot(d, by_pid):
    if not shutil.which("gnuplot"):
        return
    cmds = []
    for role in ROLES:
        path = os.path.join(d, "rss-%s.dat" % role)
        with open(path, "w") as f:
            for (r, pid), pts in sorted(by_pid.items(), key=lambda kv: kv[1][0][0]):
                if r == role:
                    f.write("".join("%.1f %.2f\n" % (t / 60, y) for t, y in pts) + "\n")
        cmds.append("'%s' using 1:2 with lines title '%s'" % (path, role))
    script = ("set terminal pngcairo size 900,480; set output '%s';"
              "set xlabel 'minutes'; set ylabel 'RSS (MiB)'; set key outside;"
              "set title 'crashwatch soak: RSS per process (a gap: killed, restarted)';"
              "plot %s" % (os.path.join(d, "rss.png"), ", ".join(cmds)))
    subprocess.run(["gnuplot", "-e", script], check=False)


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]))
