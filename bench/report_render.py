#!/usr/bin/env python3
"""bench/report.sh's second half: from the TSVs under bench/results/report,
renders the plots (gnuplot, SVG, docs/img/report-*.svg) and rewrites the
generated blocks of docs/PERFORMANCE.md, each between
<!-- report:NAME --> and <!-- /report:NAME -->; the text outside the blocks
is left as it is. A block whose TSV is missing keeps its old content.

    bench/report_render.py RESULTS_DIR IMG_DIR DOC RUN_LINE

RUN_LINE describes the run that just ended (machine, commit, mode, what it
measured, how long it took); it goes into the `machine` block. Run it alone
to re-render from the TSVs already there (e.g. after editing a plot).
"""
import os
import re
import subprocess
import sys

res, img, doc, run_line = sys.argv[1:5]
blocks = {}
plots = []

# Seeds' Spark Structured Streaming figure (issue 12): 1 M records/s on an
# 8-core / 16-thread laptop.
SPARK_RATE, SPARK_CORES, SPARK_THREADS = 1_000_000, 8, 16


def read_tsv(name):
    """(machine line, column names, rows as dicts) or None."""
    path = os.path.join(res, name + ".tsv")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        lines = f.read().splitlines()
    meta = lines[0].lstrip("# ")
    cols = lines[1].lstrip("# ").split("\t")
    rows = []
    for line in lines[2:]:
        if not line.strip() or line.startswith("#"):
            continue
        row = {}
        for c, v in zip(cols, line.split("\t")):
            try:
                row[c] = float(v)
            except ValueError:
                row[c] = v
        rows.append(row)
    return meta, cols, rows


def gnuplot(name, script):
    """Renders docs/img/report-NAME.svg; returns its Markdown image."""
    out = os.path.join(img, "report-" + name + ".svg")
    head = (
        "set terminal svg size 760,440 dynamic enhanced font 'sans,12' "
        "background rgb 'white'\n"
        f"set output '{out}'\n"
        "set datafile separator '\\t'\n"
        "set grid\n"
        "set key top left box opaque\n"
    )
    subprocess.run(["gnuplot"], input=head + script, text=True, check=True)
    plots.append(out)
    rel = os.path.relpath(out, os.path.dirname(doc))
    return f"![{name}]({rel})"


def tsv_path(name):
    return os.path.join(res, name + ".tsv")


def fmt_int(x):
    return f"{int(round(x)):,}"


def measured(meta):
    return f"*Measured: {meta}.*"


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def fit(xs, ys):
    """Least-squares line: (slope, intercept)."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return 0.0, my
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
    return slope, my - slope * mx


def quantile(sorted_xs, p):
    return sorted_xs[min(len(sorted_xs) - 1, int(p * len(sorted_xs)))]


figures = {}  # for the scaling model

# -- throughput vs partitions, vs shards --------------------------------------
parts = []
for name, what in (("partitions", "partitions (files)"), ("shards", "shards")):
    t = read_tsv(name)
    if not t:
        continue
    meta, _, rows = t
    fixed = "`--shards 2`" if name == "partitions" else "2 partitions (2 files)"
    pic = gnuplot(
        "throughput-" + name,
        f"set title 'crashwatch run: throughput vs {what}, {fixed.strip('`')}'\n"
        f"set xlabel '{what}'\nset ylabel 'M records/s'\n"
        "set logscale x 2\nset yrange [0:*]\nset xrange [0.8:*]\n"
        f"plot '{tsv_path(name)}' using 1:6 with linespoints lw 2 pt 7 "
        "title 'median', '' using 1:7 with points pt 6 ps 1.3 title 'best'\n",
    )
    recs = rows[0]["records"]
    parts.append(
        f"**vs {what}** ({fixed}, {fmt_int(recs)} records in all, "
        f"median of {int(rows[0]['reps'])}, interleaved):\n\n{pic}\n\n"
        + table(
            [what, "median (best)", "rate, median (best)", "CPU s (user+sys)",
             "records per CPU-second", "peak RSS"],
            [[fmt_int(r[name]), f"{r['median_s']:.2f} s ({r['best_s']:.2f})",
              f"**{r['median_mrps']:.2f} M/s** ({r['best_mrps']:.2f})",
              f"{r['cpu_median_s']:.2f}", f"{r['records_per_cpu_s'] / 1e6:.2f} M",
              f"{r['peak_rss_mib']:.0f} MiB"] for r in rows])
        + "\n\n" + measured(meta))
    figures[name] = rows
if parts:
    blocks["throughput"] = "\n\n".join(parts)

# -- cluster ------------------------------------------------------------------
t = read_tsv("cluster")
if t:
    meta, _, rows = t
    pic = gnuplot(
        "cluster-nodes",
        "set title 'crashwatch node on 127.0.0.1: throughput vs nodes (4 shards)'\n"
        "set xlabel 'nodes (coordinator reading the files + aggregators)'\n"
        "set ylabel 'M records/s'\nset xtics 1\nset xrange [0.7:4.3]\n"
        "set yrange [0:*]\n"
        f"plot '{tsv_path('cluster')}' using 1:6 with linespoints lw 2 pt 7 "
        "title 'spawn to last exit', '' using 1:8 with linespoints lw 2 pt 5 "
        "title 'epoch start (all joined) to end'\n",
    )
    blocks["cluster"] = (
        f"{pic}\n\n"
        + table(
            ["nodes", "aggregator nodes", "spawn → end, median (best)", "rate",
             "epoch start → end", "rate", "bytes between nodes per input record",
             "per crash record routed"],
            [[int(r["nodes"]), int(r["nodes"]) - 1,
              f"{r['median_s']:.2f} s ({r['best_s']:.2f})",
              f"**{r['median_mrps']:.2f} M/s**", f"{r['epoch_median_s']:.2f} s",
              f"{r['epoch_mrps']:.2f} M/s",
              "–" if r["nodes"] == 1 else f"{r['tcp_bytes_per_record']:.3f} B",
              "–" if r["nodes"] == 1 or not r["crash_records"]
              else f"{r['tcp_bytes_per_crash']:.1f} B"] for r in rows])
        + f"\n\n{fmt_int(rows[0]['records'])} records (3 files), `--shards 4`, "
        f"median of {int(rows[0]['reps'])}. 1 node is a coordinator with "
        "`--expect-nodes 0` (what `run` is). Bytes between nodes: the payload "
        "bytes acknowledged and received on the aggregators' TCP connections "
        "(`ss -tinp`, kernel's tcp_info, polled every 10 ms; both directions), "
        "per line of input and per crash record read.\n\n" + measured(meta))
    figures["cluster"] = rows

# -- reading a Kafka topic to the end ------------------------------------------
t = read_tsv("kafka")
if t:
    meta, _, rows = t
    runs = {}
    for r in rows:
        runs.setdefault(r["reader"], []).append(r["seconds"])
    names = {
        "bare": "bare librdkafka consumer, one for all partitions",
        "bare-pp": "bare librdkafka consumers, one per partition",
        "cw": "`crashwatch run --from earliest --exit-at-end --shards 2`",
    }
    med = {k: sorted(v)[len(v) // 2] if len(v) % 2 else
           sum(sorted(v)[len(v) // 2 - 1:len(v) // 2 + 1]) / 2
           for k, v in runs.items()}
    out = []
    for k in ("bare", "bare-pp", "cw"):
        if k in runs:
            worst = max(runs[k])
            out.append([names[k], f"{med[k] * 1000:.0f} ms",
                        f"{worst * 1000:.0f} ms", f"{worst / med[k]:.2f}",
                        f"{100 * med[k] / med['cw']:.0f}%" if k != "cw" else "–"])
    blocks["kafka"] = (
        measured(meta) + "\n\n"
        + table(["reader", "median", "worst", "worst / median",
                 "crashwatch's rate as a share of it"], out)
        + f"\n\n{len(runs.get('cw', []))} runs of each, interleaved (the order "
        "alternates); every run's time: `bench/results/report/kafka.tsv`."
    )

# -- alert latency ------------------------------------------------------------
t = read_tsv("latency")
if t:
    meta, _, rows = t
    series = {}
    for r in rows:
        series.setdefault((int(r["rate"]), r["mode"]), []).append(r["ms"])
    cdf = os.path.join(res, "latency-cdf.dat")
    plot_cmds = []
    summary = []
    with open(cdf, "w") as f:
        for i, ((rate, mode), ms) in enumerate(sorted(series.items())):
            ms.sort()
            name = ("no background" if rate == 0 else f"{rate // 1000}k/s") + ", " + mode
            f.write(f"# {name}\n")
            for j, x in enumerate(ms):
                f.write(f"{x}\t{(j + 1) / len(ms)}\n")
            f.write("\n\n")
            dash = 1 if mode == "final" else 2
            plot_cmds.append(f"'{cdf}' index {i} using 1:2 with steps lw 2 dt {dash} title '{name}'")
            summary.append([("none" if rate == 0 else f"{rate:,}/s"), mode, len(ms),
                            f"{quantile(ms, 0.5):.1f} ms", f"{quantile(ms, 0.9):.1f} ms",
                            f"**{quantile(ms, 0.99):.1f} ms**", f"{ms[-1]:.1f} ms"])
    pic = gnuplot(
        "alert-latency-cdf",
        "set title 'produce → alert on stdout, embedded broker, 4 partitions'\n"
        "set xlabel 'latency (ms)'\nset ylabel 'fraction of probes'\n"
        "set key bottom right\nset yrange [0:1.02]\nset xrange [0:*]\n"
        "plot " + ", \\\n  ".join(plot_cmds) + "\n",
    )
    blocks["latency"] = (
        f"{pic}\n\n" + table(["background", "mode", "probes", "p50", "p90",
                              "p99", "max"], summary)
        + "\n\nEvery probe's latency: `bench/results/report/latency.tsv`.\n\n"
        + measured(meta))

# -- checkpoints --------------------------------------------------------------
t = read_tsv("checkpoint")
if t:
    meta, _, rows = t
    # The cost of one checkpoint: from the shortest interval (most
    # checkpoints, so the difference stands out of the noise most).
    ref = min(rows, key=lambda r: r["interval_ms"])
    cost = ref["wall_ms_per_checkpoint"]
    # Checkpoints run one at a time: at short intervals they come as fast
    # as they complete, not once per interval (the shortest interval's
    # run shows how fast that is).
    # (Per second of the run without checkpoints: the overhead's base.)
    spacing = 1000 * ref["without_median_s"] / max(ref["checkpoints"], 1)
    pic = gnuplot(
        "checkpoint-overhead",
        "set title 'cost of --data-dir vs checkpoint interval, 4 partitions'\n"
        "set xlabel 'checkpoint interval (ms)'\nset ylabel 'wall-clock overhead (%)'\n"
        "set logscale x 10\nset key below horizontal maxrows 2\n"
        f"plot '{tsv_path('checkpoint')}' using 1:6 with linespoints lw 2 pt 7 "
        "title 'medians with / without', '' using 1:7 with points pt 6 ps 1.3 "
        "title 'median of pair ratios', "
        f"100 * {cost:.3f} / (x > {spacing:.1f} ? x : {spacing:.1f}) with lines dt 2 "
        f"title 'model: {cost:.1f} ms per checkpoint, at most one per {spacing:.0f} ms', "
        "10 with lines lc rgb 'red' dt 3 title 'target at 1 s: 10%'\n",
    )
    blocks["checkpoint"] = (
        f"{pic}\n\n"
        + table(["interval", "without (median)", "with --data-dir (median)",
                 "overhead: medians", "overhead: median pair ratio",
                 "checkpoints per run", "wall per checkpoint", "CPU per checkpoint",
                 "longest checkpoint"],
                [[f"{r['interval_ms']:g} ms", f"{r['without_median_s']:.2f} s",
                  f"{r['with_median_s']:.2f} s", f"**{r['overhead_medians_pct']:+.1f}%**",
                  f"{r['overhead_pairs_pct']:+.1f}%", int(r["checkpoints"]),
                  f"{r['wall_ms_per_checkpoint']:.1f} ms",
                  f"{r['cpu_ms_per_checkpoint']:.1f} ms", f"{r['longest_ms']:.0f} ms"]
                 for r in rows])
        + f"\n\n{fmt_int(rows[0]['records'])} records, {int(rows[0]['pairs'])} "
        "interleaved pairs per row. Model: one checkpoint costs "
        f"{cost:.1f} ms of wall time (from the {ref['interval_ms']:g} ms row, "
        f"where there was one checkpoint per {spacing:.0f} ms of the run "
        f"without them: one at a time, the next starts when the previous is written), "
        f"so {cost / 10:.2f}% at one checkpoint per second. "
        "Raw runs: `bench/results/checkpoint-intervals.md`.\n\n" + measured(meta))
    figures["checkpoint_cost_ms"] = cost

# -- restore ------------------------------------------------------------------
t = read_tsv("restore")
if t:
    meta, _, rows = t
    pic = gnuplot(
        "restore-time",
        "set title 'one shard: restore and first checkpoint vs open keys (warm cache)'\n"
        "set xlabel 'open (window, user) keys'\nset ylabel 'seconds'\n"
        "set logscale xy 10\nset xtics ('10k' 1e4, '100k' 1e5, '1M' 1e6, '10M' 1e7)\n"
        f"plot '{tsv_path('restore')}' using 1:3 with linespoints lw 2 pt 7 title 'restore (total)', "
        "'' using 1:7 with linespoints pt 5 title 'load\\_shard()', "
        "'' using 1:5 with linespoints pt 9 title 'open + quick\\_check', "
        "'' using 1:8 with linespoints dt 2 pt 6 title 'first checkpoint write', "
        "2 with lines lc rgb 'red' dt 3 title 'target at 1 M keys: 2 s'\n",
    )
    blocks["restore"] = (
        f"{pic}\n\n"
        + table(["keys", "restore, median (best)", "open + quick_check", "load()",
                 "load_shard()", "µs per key", "first checkpoint write",
                 "journal", "peak RSS"],
                [[fmt_int(r["keys"]), f"**{r['total_median_s']:.3f} s** ({r['total_best_s']:.3f})",
                  f"{r['open_s']:.3f} s", f"{r['load_s']:.3f} s",
                  f"{r['load_shard_s']:.3f} s",
                  f"{1e6 * r['total_median_s'] / r['keys']:.2f}",
                  f"{r['write_s']:.2f} s", f"{r['journal_mib']:.1f} MiB",
                  f"{r['peak_rss_mib']:.0f} MiB"] for r in rows])
        + f"\n\n`build/bench/restore_bench --keys N --reps {int(rows[0]['reps'])} "
        "--write-reps 1 --cache warm` (4 windows × N/4 users in one shard, every "
        "restore verified). Raw output: `bench/results/report/restore.raw.txt`.\n\n"
        + measured(meta))
    figures["restore"] = rows

# -- memory -------------------------------------------------------------------
t = read_tsv("memory")
if t:
    meta, _, rows = t
    fits = {}
    lines = []
    for s in ("run", "data-dir"):
        pts = [(r["keys"], r["peak_rss_mib"]) for r in rows if r["series"] == s]
        if len(pts) >= 2:
            slope, icpt = fit([p[0] for p in pts], [p[1] * 1048576 for p in pts])
            fits[s] = (slope, icpt, pts)
    data = os.path.join(res, "memory-series.dat")
    with open(data, "w") as f:
        for s in fits:
            for k, m in fits[s][2]:
                f.write(f"{k / 1e6}\t{m}\n")
            f.write("\n\n")
    cmds = []
    for i, (s, (slope, icpt, _)) in enumerate(fits.items()):
        label = "run" if s == "run" else "run --data-dir (checkpoint every 1 s)"
        cmds.append(f"'{data}' index {i} using 1:2 with points pt {7 + 2 * i} ps 1.3 lc {i + 1} title '{label}'")
        cmds.append(f"({icpt / 1048576:.3f} + x * 1e6 * {slope:.3f} / 1048576) with lines lc {i + 1} "
                    f"title 'fit: {slope:.0f} B per key'")
    if fits:
        xmax = max(p[0] for f_ in fits.values() for p in f_[2]) / 1e6
        cmds.append(f"(x * 1e6 * 100 / 1048576) with lines lc rgb 'red' dt 3 title 'goal: 100 B per key'")
        pic = gnuplot(
            "memory-keys",
            "set title 'peak RSS vs open (window, user) keys, one window, 2 shards'\n"
            "set xlabel 'open keys (millions)'\nset ylabel 'peak RSS (MiB)'\n"
            f"set xrange [0:{xmax * 1.05:.3f}]\nset yrange [0:*]\n"
            "plot " + ", \\\n  ".join(cmds) + "\n",
        )
        byk = {s: f[0] for s, f in fits.items()}
        # Per series: the goal holds for a job with checkpoints too.
        verdict = ", ".join(
            f"{'`run`' if s == 'run' else '`run --data-dir`'} "
            f"**{'met' if b <= 100 else 'not met'}**" for s, b in byk.items())
        blocks["memory"] = (
            f"{pic}\n\n"
            + table(["open keys", "peak RSS, run", "peak RSS, run --data-dir"],
                    [[fmt_int(k), f"{m:.0f} MiB",
                      next((f"{r['peak_rss_mib']:.0f} MiB" for r in rows
                            if r["series"] == "data-dir" and r["keys"] == k), "–")]
                     for k, m in fits.get("run", (0, 0, []))[2]])
            + "\n\n"
            + "\n".join(f"* {('`run`' if s == 'run' else '`run --data-dir --checkpoint-interval 1s`')}: "
                        f"**{slope:.0f} bytes per key** (least-squares slope), "
                        f"{icpt / 1048576:.0f} MiB at no key" for s, (slope, icpt, _) in fits.items())
            + f"\n* goal ≤ 100 B per key: {verdict}\n\n" + measured(meta))
        figures["bytes_per_key"] = byk

# -- scaling model ------------------------------------------------------------
if "partitions" in figures:
    cores = os.cpu_count() or 1
    best_row = max(figures["partitions"], key=lambda r: r["median_mrps"])
    per_core_wall = best_row["median_mrps"] * 1e6 / cores
    per_cpu_s = max(r["records_per_cpu_s"] for r in figures["partitions"])
    spark_core = SPARK_RATE / SPARK_CORES
    # Per core: records per CPU-second (user + system of the whole process:
    # readers, shards, sink) is what one core does when the pipeline has the
    # cores to itself; the wall-clock rate ÷ cores is the lower bound this
    # (shared) machine gave.
    laptop = per_cpu_s * SPARK_CORES
    lines = [
        table(["figure", "value", "how"], [
            ["measured here: records per CPU-second", f"**{per_cpu_s / 1e6:.2f} M**",
             "records ÷ (user + system) CPU time of `run`, best partition count: "
             "what one core does, the figure other processes disturb least"],
            ["measured here: wall-clock rate per core", f"{per_core_wall / 1e6:.2f} M records/s",
             f"{best_row['median_mrps']:.2f} M/s median with {int(best_row['partitions'])} "
             f"partitions ÷ {cores} cores (start-up included; a lower bound on a shared machine)"],
            ["Spark (seeds): rate per core", f"{spark_core / 1e3:.0f} k records/s",
             f"{SPARK_RATE / 1e6:.0f} M records/s ÷ {SPARK_CORES} cores "
             f"({SPARK_RATE / SPARK_THREADS / 1e3:.1f} k per hardware thread)"],
            ["ratio per core", f"**{per_cpu_s / spark_core:.0f}×** ({per_core_wall / spark_core:.0f}× by wall clock)",
             "crashwatch ÷ Spark"],
            ["projection: 8-core / 16-thread laptop, files", f"~{laptop / 1e6:.0f} M records/s",
             "records per CPU-second × 8 (≥ 8 partitions and shards; SMT's 8 extra "
             "threads counted as nothing, a laptop core counted as fast as this vCPU)"],
        ])
    ]
    if "cluster" in figures:
        c = {int(r["nodes"]): r for r in figures["cluster"]}
        byrec = max((r["tcp_bytes_per_record"] for n, r in c.items() if n > 1), default=0)
        one = c.get(1)
        lines.append("")
        lines.append(table(["figure", "value", "how"], [
            ["bytes between nodes per input record", f"**{byrec:.3f} B**",
             "TCP payload on the aggregators' connections, both ways, ÷ input "
             "lines; only crash records travel to the shards, in batches"],
            ["the same on 1 GbE", f"{125e6 / byrec / 1e6:,.0f} M records/s" if byrec else "–",
             "125 MB/s ÷ bytes per record: the link between readers and shards is never the limit"],
            ["input bytes per record (Kafka → reader)", "~157 B + framing",
             "`crashwatch generate`'s lines; each record crosses the network once, broker → reader node"],
            ["10 GbE into one reader node", f"~{1.25e9 / 170 / 1e6:.1f} M records/s",
             "1.25 GB/s ÷ ~170 B (record + Kafka batch framing, assumed)"],
            ["projection: N machines of 8 cores, Kafka over 10 GbE",
             f"N × ~{min(laptop, 1.25e9 / 170) / 1e6:.1f} M records/s",
             f"min(parsing: {laptop / 1e6:.0f} M/s per node, NIC: {1.25e9 / 170 / 1e6:.1f} M/s per node): "
             + ("the NIC saturates first" if 1.25e9 / 170 < laptop else "parsing saturates first")
             + "; then the brokers (≥ 1 broker per reader node), then the coordinator's sink (text)"],
            ["cluster, 1 node → 4 nodes on this machine",
             f"{one['median_mrps']:.2f} → {c[max(c)]['median_mrps']:.2f} M/s" if one else "–",
             "same 2 cores for all processes: the cluster adds hops, not cores"],
        ]))
    blocks["scaling"] = "\n".join(lines)

# -- machine / run ------------------------------------------------------------
blocks["machine"] = run_line + "\n\nPlots: " + ", ".join(
    f"`{os.path.relpath(p, os.path.dirname(doc))}`" for p in plots) + "."

# -- rewrite the blocks -------------------------------------------------------
with open(doc) as f:
    text = f.read()
missing = []
for name, body in blocks.items():
    pat = re.compile(r"(<!-- report:%s -->\n)(?:.*?\n)?(<!-- /report:%s -->)" % (name, name), re.S)
    if not pat.search(text):
        missing.append(name)
        continue
    text = pat.sub(lambda m: m.group(1) + body.rstrip() + "\n" + m.group(2), text)
with open(doc, "w") as f:
    f.write(text)
if missing:
    sys.exit(f"report_render: {doc} has no block for: {', '.join(missing)}")
print(f"report_render: rewrote {', '.join(blocks)} in {doc}; {len(plots)} plots", file=sys.stderr)
