# compose.yaml at the project root: `docker-compose config -q` (the Debian
# package, v1.29) accepts it, and it declares what the cluster needs: the
# services broker, generator, coordinator, aggregator-1, aggregator-2 and
# reader-1; one named volume per node on /data; restart: on-failure on the
# nodes; every node listening on 0.0.0.0:7000 and advertising
# <service>:7000; the broker command as docs say. No Docker engine is
# needed (nothing is started). cluster_hosts_test.sh runs these commands.
source "$(dirname "$0")/common.sh"

COMPOSE="$HERE/../../compose.yaml"
[[ -f $COMPOSE ]] || fail "no compose.yaml at the project root ($COMPOSE)"
command -v docker-compose >/dev/null \
  || fail "docker-compose is missing (scripts/install-deps.sh installs it)"

# docker-compose wants a writable HOME for its config, nothing else.
HOME="$TMP" docker-compose -f "$COMPOSE" config -q 2>"$TMP/config.err" \
  || fail "docker-compose config rejects compose.yaml: $(cat "$TMP/config.err")"
HOME="$TMP" docker-compose -f "$COMPOSE" config >"$TMP/resolved.yaml" 2>"$TMP/config.err" \
  || fail "docker-compose config: $(cat "$TMP/config.err")"

PY=""
for p in python3 /usr/bin/python3; do
  if "$p" -c 'import yaml' 2>/dev/null; then PY=$p; break; fi
done
[[ -n $PY ]] || fail "no python3 with the yaml module (python3-yaml; scripts/install-deps.sh installs it)"

# Checked on what docker-compose resolved (anchors merged, defaults filled).
"$PY" - "$TMP/resolved.yaml" "$BIN" <<'PY' || fail "compose.yaml: see above"
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
errors = []
def err(msg):
    errors.append(msg)

services = doc.get("services") or {}
want = ["broker", "generator", "coordinator", "aggregator-1", "aggregator-2", "reader-1"]
for s in want:
    if s not in services:
        err(f"service {s} is missing")
nodes = {"coordinator": "coordinator", "aggregator-1": "aggregator",
         "aggregator-2": "aggregator", "reader-1": "reader"}
volumes = doc.get("volumes") or {}

def opt(cmd, name):
    """The value of --name in cmd (a list), or None; given twice is an error."""
    vals = [cmd[i + 1] for i, w in enumerate(cmd[:-1]) if w == name]
    if len(vals) > 1:
        err(f"{' '.join(cmd[:3])}: {name} given {len(vals)} times")
    return vals[0] if vals else None

for s, svc in services.items():
    cmd = svc.get("command")
    if not isinstance(cmd, list) or not cmd or cmd[0] != "crashwatch":
        err(f"{s}: command must be a list starting with crashwatch, is {cmd!r}")

broker = services.get("broker", {}).get("command")
want_broker = ["crashwatch", "broker", "--port", "9092", "--listen", "0.0.0.0",
               "--advertise", "broker", "--partitions", "3", "--topic", "logs"]
if broker != want_broker:
    err(f"broker: command is {broker!r}, want {want_broker!r}")

gen = services.get("generator", {}).get("command") or []
if gen[:2] != ["crashwatch", "generate"] or opt(gen, "--brokers") != "broker:9092" \
        or opt(gen, "--topic") != "logs" or opt(gen, "--rate") is None:
    err(f"generator: want crashwatch generate --brokers broker:9092 --topic logs --rate N, is {gen!r}")

for s, role in nodes.items():
    svc = services.get(s)
    if svc is None:
        continue
    cmd = svc.get("command") or []
    if cmd[:2] != ["crashwatch", "node"]:
        err(f"{s}: command must be crashwatch node ..., is {cmd!r}")
    if svc.get("restart") != "on-failure":
        err(f"{s}: restart is {svc.get('restart')!r}, want on-failure")
    for name, value in (("--role", role), ("--node-id", s),
                        ("--listen", "0.0.0.0:7000"), ("--advertise", f"{s}:7000"),
                        ("--data-dir", "/data")):
        if opt(cmd, name) != value:
            err(f"{s}: {name} is {opt(cmd, name)!r}, want {value!r}")
    if role == "coordinator":
        for name, value in (("--expect-nodes", "3"), ("--brokers", "broker:9092"),
                            ("--topic", "logs"), ("--shards", "4")):
            if opt(cmd, name) != value:
                err(f"{s}: {name} is {opt(cmd, name)!r}, want {value!r}")
        for name in ("--output-file", "--late-output", "--dead-letter"):
            v = opt(cmd, name)
            if v is not None and not v.startswith("/data/"):
                err(f"{s}: {name} {v} is not under /data (lost with the container)")
        for name in ("--late-output", "--dead-letter"):
            if opt(cmd, name) is None:
                err(f"{s}: no {name} (would go to stderr, mixed with the log)")
    elif opt(cmd, "--join") != "coordinator:7000":
        err(f"{s}: --join is {opt(cmd, '--join')!r}, want coordinator:7000")
    # One named volume of its own, mounted on /data.
    mounts = []
    for v in svc.get("volumes") or []:
        if isinstance(v, str):
            src, _, rest = v.partition(":")
            mounts.append((src, rest.split(":")[0]))
        else:
            mounts.append((v.get("source"), v.get("target")))
    data = [src for src, target in mounts if target == "/data"]
    if len(data) != 1 or data[0] not in volumes:
        err(f"{s}: want one named volume on /data, has {mounts!r}")
    else:
        nodes[s] = (role, data[0])

used = [v[1] for v in nodes.values() if isinstance(v, tuple)]
if len(set(used)) != len(used):
    err(f"nodes share a data volume: {used!r}")

for e in errors:
    print("compose.yaml:", e, file=sys.stderr)
sys.exit(1 if errors else 0)
PY

# Every option the nodes' and the generator's commands use is one the binary
# knows (its --help names it): a renamed option fails here, not in a
# container. (The broker's --listen/--advertise may be newer than the binary.)
"$PY" - "$COMPOSE" <<'PY' >"$TMP/options" || fail "cannot read compose.yaml"
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
for s, svc in doc["services"].items():
    cmd = svc["command"]
    if cmd[1] == "broker":
        continue
    for w in cmd[2:]:
        if w.startswith("--"):
            print(cmd[1], w)
PY
while read -r sub option; do
  [[ -f $TMP/help.$sub ]] || "$BIN" "$sub" --help >"$TMP/help.$sub"
  grep -qE -- "(^| |,)$option( |,|$)" "$TMP/help.$sub" \
    || fail "compose.yaml: crashwatch $sub has no option $option"
done <"$TMP/options"
note "compose.yaml: docker-compose config accepts it; 6 services, a named /data volume and restart: on-failure per node"
