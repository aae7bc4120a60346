#!/usr/bin/env python3
"""A stand-in for crashwatch's telemetry server, to develop and test the live
page (telemetry/page/index.html) without the C++ process.

    python3 telemetry_fixture.py --port P --page PATH [--cluster]

Serves PATH at `/` and a `/status` document (schema version 1, as the real
server) that changes on every request: records grow, the watermark advances,
one shard gets hot after 20 s, checkpoints accumulate (with a stall now and
then), alerts appear, partition 1 waits for credits from time to time. With
--cluster the document has a `cluster` of three nodes, one of them down.

`/fixture/down` makes `/status` answer 503 until `/fixture/up` (to see the
page's "disconnected" banner); `--down` starts in that state. Prints
"fixture listening on http://127.0.0.1:P" once it serves. Standard library only.
"""

import argparse
import json
import random
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

EVENT_START_MS = 1768917000000  # 2026-01-20T13:50:00Z, the generator's start
WINDOW_MS = 10_000


class Simulation:
    """The state behind /status; advances by wall time, and at least by
    --step seconds per request so that two requests never see the same."""

    def __init__(self, cluster, seed=7, start=12.345, step=0.25):
        self.min_step = step
        self.cluster = cluster
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.started_ms = int(time.time() * 1000) - int(start * 1000)
        self.sim_seconds = 0.0  # "uptime" of the pretended process
        self.last_wall = time.monotonic()
        self.event_ms = float(EVENT_START_MS)
        if cluster:
            self.partitions = [
                dict(partition=p, source="kafka:logs", node=node)
                for p, node in ((0, "c"), (1, "c"), (2, "a1"), (3, "a1"))
            ]
            self.shards = [dict(shard=s, node=("c" if s < 2 else "a1")) for s in range(4)]
            self.hot_shard = 2
        else:
            self.partitions = [
                dict(partition=p, source=f"logs-{p}.jsonl", node="") for p in range(4)
            ]
            self.shards = [dict(shard=s, node="") for s in range(8)]
            self.hot_shard = 5
        for p in self.partitions:
            p.update(records_read=0, records_matched=0, late=0, malformed=0,
                     bytes=0, credits_waiting=0, ended=False,
                     end_offset=(5_000_000 if cluster else None))
        for s in self.shards:
            s.update(batches=0, busy_seconds=0.0, open_keys=0, mailbox=0)
        self.blank = 0
        self.checkpoints = []  # {"id", "started_ms", "duration_seconds"}
        self.last_checkpoint_sim = 0.0
        self.alerts = []
        self.alerts_emitted = 0
        self.epoch = self.started_ms + 3_000
        self.down = False
        while self.sim_seconds < start:
            dt = min(1.0, start - self.sim_seconds)
            self.sim_seconds += dt
            self.advance(dt)

    def advance(self, dt):
        rng = self.rng
        for p in self.partitions:
            if p["ended"]:
                continue
            rate = 52_000 + 9_000 * p["partition"] + rng.uniform(-6_000, 6_000)
            if p["partition"] == 3 and self.sim_seconds > 40:
                rate = 0  # goes quiet: idle
            n = int(rate * dt)
            p["records_read"] += n
            p["records_matched"] += int(n * 0.035)
            p["late"] += int(n * 0.00005 + rng.random())
            p["malformed"] += int(n * 0.00001 + rng.random() * 0.6)
            p["bytes"] += n * 158
            p["credits_waiting"] = (rng.randint(1, 4)
                                    if p["partition"] == 1 and int(self.sim_seconds) % 9 < 4 else 0)
            if p["end_offset"] is not None:
                p["end_offset"] += int(70_000 * dt)
        # event time runs ~8x wall time, so the watermark lag shrinks slowly
        self.event_ms += dt * 8_000 * rng.uniform(0.8, 1.2)
        for s in self.shards:
            hot = s["shard"] == self.hot_shard and self.sim_seconds > 20
            share = 0.55 if hot else 0.15
            s["batches"] += int(dt * 40 * (3 if hot else 1)) + 1
            s["busy_seconds"] += dt * share * rng.uniform(0.85, 1.15)
            s["open_keys"] = int(900 + (2_600 if hot else 0) + rng.uniform(-80, 80))
            s["mailbox"] = rng.randint(8, 40) if hot else rng.randint(0, 3)
        self.blank += int(rng.random() < 0.1 * dt * 10)
        # a checkpoint a second; from 45 s on every minute one stalls for 8 s
        while self.last_checkpoint_sim + 1.0 <= self.sim_seconds:
            nxt = self.last_checkpoint_sim + 1.0
            if nxt > 45 and nxt % 60 < 8:
                self.last_checkpoint_sim = nxt
                continue
            self.last_checkpoint_sim = nxt
            started = self.started_ms + int(nxt * 1000)
            duration = rng.uniform(0.006, 0.030)
            if rng.random() < 0.08:
                duration *= 6
            self.checkpoints.append(dict(id=len(self.checkpoints) + 1,
                                         started_ms=started,
                                         duration_seconds=round(duration, 4)))
        # alerts: a few per second once windows close
        for _ in range(int(dt * 6 + rng.random())):
            self.alerts_emitted += 1
            start = (int(self.event_ms - 40_000) // WINDOW_MS - rng.choice((0, 0, 1, 2))) * WINDOW_MS
            self.alerts.append(dict(window_start_ms=start, window_end_ms=start + WINDOW_MS,
                                    user_id=f"user_{rng.randint(1, 5000)}",
                                    crash_count=rng.choice((3, 3, 3, 4, 4, 5, 7))))
        self.alerts = self.alerts[-50:]

    def status(self):
        with self.lock:
            wall = time.monotonic()
            dt = max(wall - self.last_wall, self.min_step)
            self.last_wall = wall
            self.sim_seconds += dt
            self.advance(dt)
            return self.document()

    def document(self):
        now_ms = self.started_ms + int(self.sim_seconds * 1000)
        wm_ms = int(self.event_ms) - 30_000
        lag = round((now_ms - wm_ms) / 1000, 3)
        parts = []
        for p in self.partitions:
            idle = p["partition"] == 3 and self.sim_seconds > 40
            pwm = wm_ms + (0 if idle else self.rng.randint(0, 900))
            lag_records = (max(p["end_offset"] - p["records_read"], 0)
                           if p["end_offset"] is not None else None)
            parts.append(dict(
                partition=p["partition"], source=p["source"], node=p["node"],
                records_read=p["records_read"], records_matched=p["records_matched"],
                late=p["late"], malformed=p["malformed"], bytes=p["bytes"],
                offset=(p["records_read"] if p["end_offset"] is not None else p["bytes"]),
                end_offset=p["end_offset"], lag_records=lag_records,
                watermark_ms=pwm, watermark_lag_seconds=round((now_ms - pwm) / 1000, 3),
                state="idle" if idle else "reading",
                credits_waiting=p["credits_waiting"],
                # about 1.5 us of reader time per record, a chunk per 8192
                mailbox=0, batches=p["records_read"] // 8192 * len(self.shards),
                busy_seconds=round(p["records_read"] * 1.5e-6, 3)))
        shards = [dict(shard=s["shard"], node=s["node"],
                       open_windows=self.rng.randint(3, 5), open_keys=s["open_keys"],
                       mailbox=s["mailbox"], batches=s["batches"],
                       busy_seconds=round(s["busy_seconds"], 3)) for s in self.shards]
        batches = sum(s["batches"] for s in self.shards)
        sink = dict(messages=batches // 4, busy_seconds=round(batches * 2e-5, 3), mailbox=0)
        totals = dict(
            records_read=sum(p["records_read"] for p in self.partitions),
            records_matched=sum(p["records_matched"] for p in self.partitions),
            late=sum(p["late"] for p in self.partitions),
            malformed=sum(p["malformed"] for p in self.partitions),
            blank=self.blank,
            bytes=sum(p["bytes"] for p in self.partitions),
            alerts=self.alerts_emitted)
        checkpoints = None
        if self.checkpoints:
            last = self.checkpoints[-1]
            completed = min(last["started_ms"] + int(last["duration_seconds"] * 1000), now_ms)
            checkpoints = dict(last_id=last["id"], last_completed_ms=completed,
                               age_seconds=round((now_ms - completed) / 1000, 3),
                               recent=self.checkpoints[-20:])
        cluster = None
        if self.cluster:
            cluster = dict(coordinator="c", epoch=self.epoch, nodes=[
                dict(node_id="c", roles=["coordinator", "reader", "aggregator"], address="c:7000",
                     up=True, epoch=self.epoch),
                dict(node_id="a1", roles=["aggregator", "reader"], address="a1:7000",
                     up=True, epoch=self.epoch),
                dict(node_id="a2", roles=["aggregator"], address="a2:7000",
                     up=False, epoch=self.epoch - 61_000),
            ])
        return dict(
            version=1,
            process=dict(command="coordinator" if self.cluster else "run",
                         node_id="c" if self.cluster else "",
                         roles=["coordinator", "reader", "aggregator"] if self.cluster else ["all"],
                         started_at_ms=self.started_ms, now_ms=now_ms,
                         uptime_seconds=round(self.sim_seconds, 3)),
            totals=totals,
            watermark=dict(global_ms=wm_ms, lag_seconds=lag),
            partitions=parts,
            shards=shards,
            sink=sink,
            checkpoints=checkpoints,
            alerts=dict(emitted=self.alerts_emitted,
                        latest=list(reversed(self.alerts[-10:]))),
            cluster=cluster)


def make_handler(sim, page_path):
    class Handler(BaseHTTPRequestHandler):
        def send(self, code, ctype, body):
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            path = self.path.split("?", 1)[0]
            if path in ("/", "/index.html"):
                with open(page_path, "rb") as f:
                    self.send(200, "text/html; charset=utf-8", f.read())
            elif path == "/status":
                if sim.down:
                    self.send(503, "text/plain", b"fixture is down\n")
                else:
                    body = json.dumps(sim.status()).encode()
                    self.send(200, "application/json", body)
            elif path == "/fixture/down":
                sim.down = True
                self.send(200, "text/plain", b"down\n")
            elif path == "/fixture/up":
                sim.down = False
                self.send(200, "text/plain", b"up\n")
            else:
                self.send(404, "text/plain", b"not found\n")

        def log_message(self, *args):
            pass

    return Handler


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--port", type=int, required=True, help="0: any free port")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--page", required=True, help="the page to serve at /")
    ap.add_argument("--cluster", action="store_true", help="three nodes, one down")
    ap.add_argument("--down", action="store_true", help="start with /status failing")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--start", type=float, default=12.345,
                    help="uptime of the pretended process at start, seconds")
    ap.add_argument("--step", type=float, default=0.25,
                    help="least simulated seconds per /status request (1 for a "
                         "screenshot under --virtual-time-budget)")
    args = ap.parse_args()
    sim = Simulation(args.cluster, args.seed, args.start, args.step)
    sim.down = args.down
    server = ThreadingHTTPServer((args.host, args.port), make_handler(sim, args.page))
    print(f"fixture listening on http://{args.host}:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
