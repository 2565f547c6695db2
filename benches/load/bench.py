#!/usr/bin/env python3
"""The load benchmark of issue 6, driven by run.sh (which builds and installs).

Starts every server pinned to CPU 0, checks that each answers the benchmarked
requests correctly (a server that does not is reported and excluded), then
for ROUNDS rounds runs wrk pinned to CPU 1 against every endpoint of every
server, interleaved (per round: for each endpoint, A B C D E F), while sampling
the server's CPU use (/proc/PID/stat), the CPU use of everything else
(/proc/stat), and the server's peak RSS (VmHWM). Writes results/<stamp>.csv
and results/<stamp>.md (medians over rounds; ratios taken within a round).

fastrs_base is fastrs built at another revision (run.sh FASTRS_BASE_REV=<rev>,
binary target/release/fastrs-base-server), for a before/after comparison in
one run: it runs right after fastrs in every round, the two swapping places
in every other round, and the tables and `--ratios` give fastrs's server CPU
per request over fastrs_base's (server CPU-seconds from /proc/PID/stat over
the requests wrk completed), a median of within-round ratios.

The sixth "server", ceiling, is an instrument, not a peer: canned answers
over one mio poll loop, so its req/s is what wrk can drive on this machine
with a server that does almost no work, a bound on every server's req/s and
on every ratio against FastAPI (the "vs ceiling" column).

Environment: QUICK=1 (1 round, 2 s warm-up, 3 s measured), ROUNDS, WARMUP,
DURATION (seconds), CONNECTIONS (64), PIPELINE (HTTP/1.1 requests sent per
write through wrk/pipeline.lua; default 1, no pipelining), SERVERS (comma list to run a subset),
ENDPOINTS (comma list; fastrs_base is in the default list only when
FASTRS_BASE_REV is set), BASE_PORT (18080), QUIET_WAIT (seconds to wait for the
machine to go quiet before a cell, default 20), RETRIES (re-measurements of a
cell that other load disturbed, default 2), MAX_MINUTES (time budget: waits
and retries are skipped when they would overrun it; default 3 quick, 25 full).

Other load: this machine may be shared (other builds). Before every cell the
script waits (within the budget) until the whole machine is quiet, and a cell
during which something else used the server's CPU (> 10% of it) or the
machine (> 30% of a core) is measured again (up to RETRIES); the cleanest
attempt is kept and the CSV records the attempts and the other load.
"""

import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
RELEASE = os.path.join(HERE, "target", "release")
CLK_TCK = os.sysconf("SC_CLK_TCK")

QUICK = os.environ.get("QUICK", "") not in ("", "0")
ROUNDS = int(os.environ.get("ROUNDS", "1" if QUICK else "3"))
WARMUP = float(os.environ.get("WARMUP", "2" if QUICK else "3"))
DURATION = float(os.environ.get("DURATION", "3" if QUICK else "5"))
CONNECTIONS = int(os.environ.get("CONNECTIONS", "64"))
PIPELINE = int(os.environ.get("PIPELINE", "1"))
BASE_PORT = int(os.environ.get("BASE_PORT", "18080"))
QUIET_WAIT = float(os.environ.get("QUIET_WAIT", "20"))
RETRIES = int(os.environ.get("RETRIES", "2"))
MAX_MINUTES = float(os.environ.get("MAX_MINUTES", "3" if QUICK else "25"))
QUIET_PCT = 15.0   # system-wide CPU use (% of one core) below which the machine counts as quiet
NOISY_CPU0 = 10.0  # other use of the server's CPU during a cell above which the cell is noisy
NOISY_ALL = 30.0   # other use of all CPUs during a cell above which the cell is noisy
SERVER_CPU = os.environ.get("SERVER_CPU", "0")
CLIENT_CPU = os.environ.get("CLIENT_CPU", "1")

# name -> command (argv after `taskset -c 0`); order = interleaving order.
SERVERS = {
    "fastrs": [os.path.join(RELEASE, "fastrs-server")],
    # fastrs at another revision (run.sh FASTRS_BASE_REV=<rev>): the "before"
    # of a before/after comparison, measured next to fastrs in every round.
    "fastrs_base": [os.path.join(RELEASE, "fastrs-base-server")],
    "hyper": [os.path.join(RELEASE, "hyper-server")],
    "axum": [os.path.join(RELEASE, "axum-server")],
    "actix": [os.path.join(RELEASE, "actix-server")],
    "fastapi": [sys.executable, "-m", "uvicorn", "fastapi_app:app", "--workers", "1",
                "--log-level", "warning", "--no-access-log", "--host", "127.0.0.1"],
    # Not a server to compare: an instrument. Canned answers over one mio poll
    # loop (ceiling-server/src/main.rs), so its req/s is what the client can
    # drive here; the tables give every server's req/s over it ("vs ceiling").
    "ceiling": [os.path.join(RELEASE, "ceiling-server")],
}
BINARIES = {n: c[0] for n, c in SERVERS.items() if n != "fastapi"}

USER_VALID = {"name": "Alice Smith", "email": "alice@example.com", "age": 30,
              "bio": "Loves Rust and Python.", "password": "correct-horse-battery"}
USER_INVALID = {"name": "", "email": "not-an-email", "age": 200, "password": "short"}
ORDER = {"items": [{"product_id": 1, "quantity": 1}, {"product_id": 2, "quantity": 2},
                   {"product_id": 3, "quantity": 3}],
         "shipping_address": {"street": "1 Main St", "city": "Springfield", "country": "US",
                              "zip_code": "12345"},
         "notes": "Leave at the door."}

# name -> (method, path, wrk script or None, body, expected status, check(body))
ENDPOINTS = {
    "hello": ("GET", "/", None, None, 200,
              lambda b: b == {"message": "Hello, World"}),
    "items": ("GET", "/items/42?q=hello&skip=5&limit=50", None, None, 200,
              lambda b: b == {"item_id": 42, "q": "hello", "skip": 5, "limit": 50}),
    "users": ("POST", "/users", "users_valid.lua", USER_VALID, 201,
              lambda b: b == {"id": 1, "name": "Alice Smith", "email": "alice@example.com",
                              "age": 30, "bio": "Loves Rust and Python."}),
    "orders": ("POST", "/orders", "orders.lua", ORDER, 200,
               lambda b: b == {"item_count": 6, "total_lines": 3}),
    "users_422": ("POST", "/users", "users_invalid.lua", USER_INVALID, 422,
                  lambda b: isinstance(b, dict) and isinstance(b.get("detail"), list)
                  and len(b["detail"]) == 4),
}

# Extra constraint checks, reported (not used to exclude): (label, method, path, body, status)
EXTRA_CHECKS = [
    ("items defaults", "GET", "/items/7", None, 200),
    ("item_id=0", "GET", "/items/0", None, 422),
    ("item_id=abc", "GET", "/items/abc", None, 422),
    ("skip=-1", "GET", "/items/1?skip=-1", None, 422),
    ("limit=101", "GET", "/items/1?limit=101", None, 422),
    ("user missing fields", "POST", "/users", {"name": "A"}, 422),
    ("user age 151", "POST", "/users", dict(USER_VALID, age=151), 422),
    ("user bad email", "POST", "/users", dict(USER_VALID, email="a@b"), 422),
    ("user name 101 chars", "POST", "/users", dict(USER_VALID, name="x" * 101), 422),
    ("user broken JSON", "POST", "/users", "{\"name\":", 422),
    ("order no items", "POST", "/orders", dict(ORDER, items=[]), 422),
    ("order quantity 0", "POST", "/orders",
     dict(ORDER, items=[{"product_id": 1, "quantity": 0}]), 422),
    ("order product_id 0", "POST", "/orders",
     dict(ORDER, items=[{"product_id": 0, "quantity": 1}]), 422),
    ("order no address", "POST", "/orders", {"items": ORDER["items"]}, 422),
    ("unknown path", "GET", "/nope", None, 404),
]


def log(*a):
    print(*a, flush=True)


def port_of(name):
    return BASE_PORT + 1 + list(SERVERS).index(name)


# ---------------------------------------------------------------- /proc readers

def proc_cpu_ticks(pid):
    """utime + stime of a process (all its threads), in clock ticks."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def vm_hwm_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def thread_count(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    return 0


def cpu_busy_ticks():
    """Busy ticks (all but idle and iowait) per CPU line of /proc/stat: {'cpu': n, 'cpu0': n, ...}."""
    out = {}
    with open("/proc/stat") as f:
        for line in f:
            if not line.startswith("cpu"):
                break
            parts = line.split()
            vals = [int(v) for v in parts[1:]]
            # user nice system idle iowait irq softirq steal guest guest_nice
            busy = sum(vals[:8]) - vals[3] - vals[4]
            out[parts[0]] = busy
    return out


def all_process_ticks():
    ticks = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    data = f.read()
                name = data[data.index("(") + 1:data.rindex(")")]
                fields = data.rsplit(")", 1)[1].split()
                ticks[int(d)] = (name, int(fields[11]) + int(fields[12]))
            except (OSError, ValueError):
                pass
    return ticks


def busy_processes(seconds=1.0, threshold=5.0):
    """Processes that used more than `threshold` % of a core over `seconds`."""
    a = all_process_ticks()
    t0 = time.monotonic()
    time.sleep(seconds)
    b = all_process_ticks()
    dt = time.monotonic() - t0
    busy = []
    for pid, (name, t) in b.items():
        if pid in a and pid != os.getpid():
            pct = 100.0 * (t - a[pid][1]) / CLK_TCK / dt
            if pct >= threshold:
                busy.append((pct, pid, name))
    return sorted(busy, reverse=True)


def system_busy_pct(seconds=0.5):
    """CPU use of the whole machine over `seconds`, in % of one core."""
    a = cpu_busy_ticks()["cpu"]
    t0 = time.monotonic()
    time.sleep(seconds)
    b = cpu_busy_ticks()["cpu"]
    return 100.0 * (b - a) / CLK_TCK / (time.monotonic() - t0)


def wait_quiet(max_wait):
    """Waits up to `max_wait` s for the machine to be quiet; returns (seconds waited, last busy %)."""
    t0 = time.monotonic()
    while True:
        busy = system_busy_pct()
        waited = time.monotonic() - t0
        if busy < QUIET_PCT or waited >= max_wait:
            return waited, busy
        time.sleep(1.0)


def loadavg():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


# ---------------------------------------------------------------- servers

def wait_port(port, proc, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def start_server(name):
    port = port_of(name)
    env = dict(os.environ, PORT=str(port), RUST_LOG="warn")
    cmd = ["taskset", "-c", SERVER_CPU] + SERVERS[name]
    if name == "fastapi":
        cmd += ["--port", str(port)]
    logf = open(os.path.join(tempfile.gettempdir(), f"fastrs-load-{name}.log"), "w")
    proc = subprocess.Popen(cmd, cwd=HERE, env=env, stdout=logf, stderr=subprocess.STDOUT)
    if not wait_port(port, proc):
        log(f"  {name}: did not start (see {logf.name})")
        stop_server(proc)
        return None
    return proc


def stop_server(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def curl(port, method, path, body):
    cmd = ["curl", "-s", "-o", "-", "-w", "\n%{http_code}", "-X", method,
           f"http://127.0.0.1:{port}{path}"]
    if body is not None:
        data = body if isinstance(body, str) else json.dumps(body)
        cmd += ["-H", "Content-Type: application/json", "--data-binary", data]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=10).stdout
    text, _, code = out.rpartition("\n")
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    return int(code or 0), parsed, text


def conformance(name):
    """Checks the benchmarked requests (must pass) and the extra constraint cases (reported)."""
    port = port_of(name)
    ok = True
    report = {"core": {}, "extra": {}}
    for ep, (method, path, _script, body, status, check) in ENDPOINTS.items():
        code, parsed, text = curl(port, method, path, body)
        good = code == status and parsed is not None and check(parsed)
        report["core"][ep] = {"status": code, "ok": good, "body": text}
        if not good:
            ok = False
            log(f"  {name} FAILS {ep}: {method} {path} -> {code} {text[:200]}")
    for label, method, path, body, status in EXTRA_CHECKS:
        code, parsed, text = curl(port, method, path, body)
        report["extra"][label] = {"status": code, "expected": status, "ok": code == status,
                                  "body": text}
    return ok, report


# ---------------------------------------------------------------- wrk

UNIT = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def parse_latency_ms(s):
    m = re.match(r"([\d.]+)(us|ms|s|m)$", s)
    return float(m.group(1)) * UNIT[m.group(2)] if m else float("nan")


def parse_wrk(out):
    res = {"rps": 0.0, "p50_ms": float("nan"), "p99_ms": float("nan"), "requests": 0,
           "non2xx": 0, "socket_errors": 0}
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if m:
        res["rps"] = float(m.group(1))
    m = re.search(r"^\s+50%\s+(\S+)", out, re.M)
    if m:
        res["p50_ms"] = parse_latency_ms(m.group(1))
    m = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    if m:
        res["p99_ms"] = parse_latency_ms(m.group(1))
    m = re.search(r"(\d+) requests in", out)
    if m:
        res["requests"] = int(m.group(1))
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if m:
        res["non2xx"] = int(m.group(1))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if m:
        res["socket_errors"] = sum(int(x) for x in m.groups())
    return res


def wrk_cmd(port, ep, seconds):
    method, path, script, _body, _status, _check = ENDPOINTS[ep]
    cmd = ["taskset", "-c", CLIENT_CPU, "wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds:g}s",
           "--latency"]
    if PIPELINE > 1:
        # pipeline.lua reads PIPELINE and WRK_INNER from the environment.
        os.environ["WRK_INNER"] = os.path.join(HERE, "wrk", script) if script else ""
        cmd += ["-s", os.path.join(HERE, "wrk", "pipeline.lua")]
    elif script:
        cmd += ["-s", os.path.join(HERE, "wrk", script)]
    return cmd + [f"http://127.0.0.1:{port}{path}"]


def children_cpu_s():
    r = os.times()
    return r.children_user + r.children_system


def measure(name, proc, ep):
    port = port_of(name)
    if WARMUP > 0:
        subprocess.run(wrk_cmd(port, ep, WARMUP), capture_output=True, text=True)
    pid = proc.pid
    s0, c0, k0, t0 = proc_cpu_ticks(pid), children_cpu_s(), cpu_busy_ticks(), time.monotonic()
    out = subprocess.run(wrk_cmd(port, ep, DURATION), capture_output=True, text=True).stdout
    s1, c1, k1, t1 = proc_cpu_ticks(pid), children_cpu_s(), cpu_busy_ticks(), time.monotonic()
    dt = t1 - t0
    res = parse_wrk(out)
    server = 100.0 * (s1 - s0) / CLK_TCK / dt
    client = 100.0 * (c1 - c0) / dt
    total = 100.0 * (k1["cpu"] - k0["cpu"]) / CLK_TCK / dt
    cpu0 = 100.0 * (k1[f"cpu{SERVER_CPU}"] - k0[f"cpu{SERVER_CPU}"]) / CLK_TCK / dt
    # Server CPU per request: the server's CPU-seconds over the measured run
    # (utime + stime, clock ticks) over the requests wrk completed in it. Unlike
    # req/s it stays meaningful when the server is not saturated.
    cpu_s = (s1 - s0) / CLK_TCK
    res.update(server_cpu=server, wrk_cpu=client, server_cpu_s=cpu_s, wall_s=dt,
               cpu_us_per_req=1e6 * cpu_s / res["requests"] if res["requests"] else float("nan"),
               other_cpu0=max(0.0, cpu0 - server),
               other_total=max(0.0, total - server - client),
               vmhwm_kb=vm_hwm_kb(pid), load1=loadavg())
    if res["rps"] == 0:
        log(f"    wrk output for {name}/{ep}:\n{out}")
    return res


# ---------------------------------------------------------------- reporting

def stripped_size(path):
    with tempfile.NamedTemporaryFile(delete=False) as t:
        tmp = t.name
    try:
        subprocess.run(["strip", "-o", tmp, path], check=True, capture_output=True)
        return os.path.getsize(tmp)
    except (OSError, subprocess.CalledProcessError):
        return os.path.getsize(path)
    finally:
        os.unlink(tmp)


def fmt_ratio(x):
    return "–" if x is None else f"{x:.2f}×"


def median_or_none(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def saturated(r):
    """The server used >= 90% of its core (the ceiling always counts: it is
    not meant to saturate its core, the client is its limit)."""
    return r["server_cpu"] >= 90 or r["server"] == "ceiling"


def clean(r):
    """A cell measured with the server saturated and nothing else on the machine."""
    return not r["noisy"] and saturated(r)


def quiet(r):
    """A cell measured with nothing else on the machine (saturated or not):
    enough for server CPU per request, which does not need a saturated server."""
    return not r["noisy"] and r["requests"] > 0 and r["cpu_us_per_req"] == r["cpu_us_per_req"]


def cpu_ratios(cell, rounds, e, a="fastrs", b="fastrs_base", noisy_too=False):
    """a's server CPU per request over b's on endpoint e, one value per round
    where both cells are quiet (every round with noisy_too):
    [(round, ratio, both saturated, both quiet)]."""
    xs = []
    for rd in rounds:
        x, y = cell.get((rd, a, e)), cell.get((rd, b, e))
        if not (x and y and x["requests"] and y["requests"] and y["cpu_us_per_req"] > 0):
            continue
        calm = quiet(x) and quiet(y)
        if calm or noisy_too:
            xs.append((rd, x["cpu_us_per_req"] / y["cpu_us_per_req"],
                       saturated(x) and saturated(y), calm))
    return xs


def summarize(rows, servers, endpoints, sizes, peak_rss):
    """Medians over the clean cells of each server × endpoint (over all of
    them when none is clean, marked *); ratios within a round, over the
    rounds where both cells are clean (– when there is none)."""
    by = {}
    for r in rows:
        by.setdefault((r["server"], r["endpoint"]), []).append(r)
    rounds = sorted({r["round"] for r in rows})
    cell = {(r["round"], r["server"], r["endpoint"]): r for r in rows}

    def ratio(s, e, base):
        xs = []
        for rd in rounds:
            a, b = cell.get((rd, s, e)), cell.get((rd, base, e))
            if a and b and b["rps"] and clean(a) and clean(b):
                xs.append(a["rps"] / b["rps"])
        return median_or_none(xs)

    ceiling = "ceiling" in servers
    base = "fastrs" in servers and "fastrs_base" in servers
    lines = ["| endpoint | server | req/s | p99 | server CPU | CPU/req | wrk CPU | clean cells | vs hyper | vs FastAPI |"
             + (" vs ceiling |" if ceiling else "") + (" CPU/req vs fastrs_base |" if base else ""),
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|" + ("---:|" if ceiling else "")
             + ("---:|" if base else "")]
    for e in endpoints:
        for s in servers:
            rs = by.get((s, e))
            if not rs:
                continue
            good = [r for r in rs if clean(r)]
            use, mark = (good, "") if good else (rs, "*")
            lines.append(
                f"| {e} | {s} | {statistics.median(r['rps'] for r in use):,.0f}{mark} "
                f"| {statistics.median(r['p99_ms'] for r in use):.2f} ms{mark} "
                f"| {statistics.median(r['server_cpu'] for r in use):.0f}%{mark} "
                f"| {statistics.median(r['cpu_us_per_req'] for r in use):.3f} µs{mark} "
                f"| {statistics.median(r['wrk_cpu'] for r in use):.0f}%{mark} "
                f"| {len(good)}/{len(rs)} "
                f"| {fmt_ratio(ratio(s, e, 'hyper') if 'hyper' in servers else None)} "
                f"| {fmt_ratio(ratio(s, e, 'fastapi') if 'fastapi' in servers else None)} |"
                + (f" {fmt_ratio(ratio(s, e, 'ceiling'))} |" if ceiling else "")
                + (f" {fmt_ratio(median_or_none([x for _, x, _, _ in cpu_ratios(cell, rounds, e)]) if s == 'fastrs' else None)} |"
                   if base else ""))
    lines += ["", "| server | peak RSS (VmHWM) | binary (stripped) |", "|---|---:|---:|"]
    for s in servers:
        size = sizes.get(s)
        lines.append(f"| {s} | {peak_rss.get(s, 0) / 1024:.1f} MiB "
                     f"| {'%.1f MiB' % (size / 2**20) if size else 'n/a (Python)'} |")
    return "\n".join(lines)


def read_csv(path):
    """The rows of a results CSV, with numbers parsed."""
    import csv
    with open(path) as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        for k in ("rps", "p50_ms", "p99_ms", "server_cpu", "wrk_cpu", "other_cpu0", "other_total"):
            r[k] = float(r[k])
        r["round"], r["noisy"], r["requests"] = int(r["round"]), int(r["noisy"]), int(r["requests"])
        if r.get("cpu_us_per_req"):
            r["cpu_us_per_req"] = float(r["cpu_us_per_req"])
        else:
            # CSVs from before the column: server CPU share over req/s (the
            # CPU was sampled over a slightly longer window than wrk's).
            r["cpu_us_per_req"] = 1e6 * r["server_cpu"] / 100 / r["rps"] if r["rps"] else float("nan")
    return rows


def summarize_csv(path):
    """Re-reads a results CSV and prints its tables (`python3 bench.py --summarize FILE`)."""
    rows = read_csv(path)
    servers, endpoints, sizes, peak = [], [], {}, {}
    for r in rows:
        if r["server"] not in servers:
            servers.append(r["server"])
        if r["endpoint"] not in endpoints:
            endpoints.append(r["endpoint"])
        if r["binary_stripped_bytes"]:
            sizes[r["server"]] = int(r["binary_stripped_bytes"])
        peak[r["server"]] = max(peak.get(r["server"], 0), int(r["vmhwm_kb"]))
    print(summarize(rows, servers, endpoints, sizes, peak))


def ratios_csv(paths, subject="fastrs"):
    """fastrs's req/s over each peer's, within each round, over the rounds
    of one or more runs (`python3 bench.py --ratios FILE...`): the median
    and every round's value, over rounds where both cells are clean; and
    the median p99 of fastrs and actix-web over their clean cells."""
    cell, endpoints, peers = {}, [], []
    for i, path in enumerate(paths):
        for r in read_csv(path):
            cell[((i, r["round"]), r["server"], r["endpoint"])] = r
            if r["endpoint"] not in endpoints:
                endpoints.append(r["endpoint"])
            if r["server"] != subject and r["server"] not in peers:
                peers.append(r["server"])
    rounds = sorted({k[0] for k in cell})
    print(f"{len(rounds)} round(s) from {len(paths)} run(s); {subject}'s req/s over each peer's, within each round")
    print()
    print("| endpoint | " + " | ".join(f"{subject} / {p}" for p in peers) + f" | {subject} p99 | actix p99 |")
    print("|---|" + "---:|" * (len(peers) + 2))
    per_round = []
    for e in endpoints:
        row = [e]
        for p in peers:
            xs = []
            for rd in rounds:
                a, b = cell.get((rd, subject, e)), cell.get((rd, p, e))
                if a and b and b["rps"] and clean(a) and clean(b):
                    xs.append(a["rps"] / b["rps"])
            row.append(fmt_ratio(median_or_none(xs)))
            per_round.append(f"{e} / {p}: " + " ".join(f"{x:.2f}" for x in xs))
        for s in (subject, "actix"):
            ps = [cell[(rd, s, e)]["p99_ms"] for rd in rounds if (rd, s, e) in cell and clean(cell[(rd, s, e)])]
            row.append(f"{statistics.median(ps):.2f} ms" if ps else "–")
        print("| " + " | ".join(row) + " |")
    print()
    print("\n".join(per_round))
    if subject == "fastrs" and "fastrs_base" in peers:
        print()
        print(f"server CPU per request (server CPU-seconds / requests), {subject} over fastrs_base, "
              "within each round where neither cell had other load (saturated or not)")
        print()
        print("| endpoint | fastrs CPU/req | fastrs_base CPU/req | fastrs / fastrs_base | rounds | min–max |")
        print("|---|---:|---:|---:|---:|---:|")
        lines = []
        for e in endpoints:
            xs = cpu_ratios(cell, rounds, e)
            med = {s: median_or_none([cell[(rd, s, e)]["cpu_us_per_req"] for rd in rounds
                                      if (rd, s, e) in cell and quiet(cell[(rd, s, e)])])
                   for s in ("fastrs", "fastrs_base")}
            vals = [x for _, x, _, _ in xs]
            print(f"| {e} | " + " | ".join("–" if med[s] is None else f"{med[s]:.3f} µs"
                                          for s in ("fastrs", "fastrs_base"))
                  + f" | {fmt_ratio(median_or_none(vals))} | {len(vals)} | "
                  + (f"{min(vals):.3f}–{max(vals):.3f} |" if vals else "– |"))
            # Every round, the excluded ones (other load) marked, to show why.
            lines.append(f"{e} CPU/req fastrs / fastrs_base: "
                         + " ".join(f"{x:.3f}" + ("" if sat else "(unsaturated)")
                                    + ("" if calm else "(other load: excluded)")
                                    for _, x, sat, calm in cpu_ratios(cell, rounds, e, noisy_too=True)))
        print()
        print("\n".join(lines))


# ---------------------------------------------------------------- main

def check_quiet(round_no):
    """Warns when something else uses the CPUs before a round; returns its % of a core."""
    total = system_busy_pct(1.0)
    la = loadavg()
    if total >= QUIET_PCT:
        busy = busy_processes(1.0, 5.0)
        desc = ", ".join(f"{n}[{pid}] {p:.0f}%" for p, pid, n in busy[:6]) or "not visible here"
        log(f"  WARNING before round {round_no}: the machine is busy ({total:.0f}% of a core): {desc}")
    if la > 1.0:
        log(f"  WARNING before round {round_no}: load average {la:.2f}")
    return total


T_START = time.monotonic()


def main():
    # The quick mode leaves the ceiling out (to stay under 3 minutes); SERVERS=... adds it.
    default = [s for s in SERVERS if not (QUICK and s == "ceiling")
               and not (s == "fastrs_base" and not os.environ.get("FASTRS_BASE_REV"))]
    servers = [s for s in os.environ.get("SERVERS", ",".join(default)).split(",") if s]
    endpoints = [e for e in os.environ.get("ENDPOINTS", ",".join(ENDPOINTS)).split(",") if e]
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    suffix = ("-quick" if QUICK else "") + (f"-pipeline{PIPELINE}" if PIPELINE > 1 else "")
    csv_path = os.path.join(HERE, "results", f"{stamp}{suffix}.csv")
    md_path = csv_path[:-4] + ".md"
    log(f"mode: {'QUICK' if QUICK else 'full'}: {ROUNDS} round(s), {WARMUP:g} s warm-up, "
        f"{DURATION:g} s measured, {CONNECTIONS} connections, pipeline depth {PIPELINE}; "
        f"server on CPU {SERVER_CPU}, "
        f"wrk on CPU {CLIENT_CPU}")

    procs = {}
    try:
        log("starting servers:")
        for s in servers:
            p = start_server(s)
            if p:
                procs[s] = p
                log(f"  {s}: pid {p.pid}, port {port_of(s)}, threads {thread_count(p.pid)}")
        log("conformance:")
        conf = {}
        for s in list(procs):
            ok, report = conformance(s)
            conf[s] = report
            extra_fail = [k for k, v in report["extra"].items() if not v["ok"]]
            log(f"  {s}: {'PASS' if ok else 'FAIL (excluded)'}"
                + (f"; differs on: {', '.join(extra_fail)}" if extra_fail else ""))
            if not ok:
                stop_server(procs.pop(s))
        if "fastapi" in conf:
            ref = conf["fastapi"]
            for s in conf:
                if s == "fastapi":
                    continue
                same = sum((conf[s][sec][k]["status"], conf[s][sec][k]["body"])
                           == (ref[sec][k]["status"], ref[sec][k]["body"])
                           for sec in ("core", "extra") for k in ref[sec])
                total = sum(len(ref[sec]) for sec in ("core", "extra"))
                log(f"  {s}: status and body byte-identical to FastAPI on {same}/{total} requests")
        with open(csv_path[:-4] + "-conformance.json", "w") as f:
            json.dump(conf, f, indent=1)
        active = [s for s in servers if s in procs]

        rows = []
        cell_time = WARMUP + DURATION + 0.6
        total_cells = ROUNDS * len(endpoints) * len(active)
        deadline = T_START + MAX_MINUTES * 60
        done = 0

        def slack():
            return deadline - time.monotonic() - (total_cells - done) * cell_time

        for rd in range(1, ROUNDS + 1):
            other = check_quiet(rd)
            log(f"round {rd}/{ROUNDS} (other load before it: {other:.0f}% of a core, "
                f"load average {loadavg():.2f})")
            order = list(active)
            if rd % 2 == 0 and "fastrs" in order and "fastrs_base" in order:
                # The two fastrs builds swap places every other round (ABBA), so
                # that a drift within a round does not favour either.
                i, j = order.index("fastrs"), order.index("fastrs_base")
                order[i], order[j] = order[j], order[i]
            for e in endpoints:
                for s in order:
                    best, attempts, waited = None, 0, 0.0
                    while True:
                        w, _busy = wait_quiet(max(0.0, min(QUIET_WAIT, slack())))
                        waited += w
                        r = measure(s, procs[s], e)
                        attempts += 1
                        noise = r["other_cpu0"] + r["other_total"]
                        if best is None or noise < best[0]:
                            best = (noise, r)
                        noisy = r["other_cpu0"] > NOISY_CPU0 or r["other_total"] > NOISY_ALL
                        if not noisy or attempts > RETRIES or slack() < cell_time:
                            break
                    done += 1
                    r = best[1]
                    r.update(round=rd, server=s, endpoint=e, attempts=attempts,
                             quiet_wait_s=waited,
                             noisy=int(r["other_cpu0"] > NOISY_CPU0 or r["other_total"] > NOISY_ALL))
                    rows.append(r)
                    warn = ""
                    if not saturated(r):
                        warn += " [server not saturated]"
                    if r["noisy"]:
                        warn += " [other load]"
                    if attempts > 1:
                        warn += f" [{attempts} attempts]"
                    if r["socket_errors"]:
                        warn += f" [{r['socket_errors']} socket errors]"
                    expect_non2xx = e == "users_422"
                    if (r["non2xx"] > 0) != expect_non2xx:
                        warn += f" [non-2xx {r['non2xx']}/{r['requests']}]"
                    log(f"  {e:9} {s:11} {r['rps']:>10,.0f} req/s  p99 {r['p99_ms']:7.2f} ms  "
                        f"server {r['server_cpu']:3.0f}% {r['cpu_us_per_req']:6.3f} µs/req  wrk {r['wrk_cpu']:3.0f}%  "
                        f"other cpu{SERVER_CPU} {r['other_cpu0']:3.0f}%  "
                        f"other all {r['other_total']:3.0f}%{warn}")

        peak_rss = {s: vm_hwm_kb(procs[s].pid) for s in active}
        sizes = {s: stripped_size(BINARIES[s]) for s in active if s in BINARIES}
        cols = ["round", "server", "endpoint", "rps", "p50_ms", "p99_ms", "server_cpu",
                "wrk_cpu", "other_cpu0", "other_total", "requests", "non2xx",
                "socket_errors", "vmhwm_kb", "load1", "attempts", "quiet_wait_s", "noisy",
                "server_cpu_s", "wall_s", "cpu_us_per_req"]
        with open(csv_path, "w") as f:
            f.write(",".join(cols + ["binary_stripped_bytes"]) + "\n")
            for r in rows:
                vals = [r[c] for c in cols] + [sizes.get(r["server"], "")]
                f.write(",".join((f"{v:.4f}" if c in ("cpu_us_per_req", "wall_s") else f"{v:.2f}")
                                 if isinstance(v, float) else str(v)
                                 for c, v in zip(cols + ["binary_stripped_bytes"], vals)) + "\n")
        table = summarize(rows, active, endpoints, sizes, peak_rss)
        header = (f"Run {stamp}: {'QUICK' if QUICK else 'full'}, {ROUNDS} round(s), "
                  f"{WARMUP:g} s warm-up + {DURATION:g} s measured per cell, wrk -t1 "
                  f"-c{CONNECTIONS}"
                  + (f", {PIPELINE} requests pipelined per write (wrk/pipeline.lua)" if PIPELINE > 1 else "")
                  + "; medians over rounds, ratios of req/s within a round.\n"
                  "server CPU = the server's CPU use over the measured run, in % of one core. "
                  "A cell is clean when the server used >= 90% of its core and other processes "
                  f"used <= {NOISY_CPU0:g}% of CPU {SERVER_CPU} and <= {NOISY_ALL:g}% of a core in all; "
                  "medians are over clean cells (* = none was clean: median of all), ratios over "
                  "rounds where both cells are clean. CPU/req = the server's CPU-seconds over the "
                  "requests wrk completed; its ratio vs fastrs_base is over rounds where neither "
                  "cell had other load.\n")
        header += f"Source: {os.environ.get('FASTRS_DESC', 'unknown')}.\n"
        if "fastrs_base" in active:
            header += f"fastrs_base: {os.environ.get('FASTRS_BASE_DESC', 'unknown')}.\n"
        with open(md_path, "w") as f:
            f.write(header + "\n" + table + "\n")
        log("\n" + header + "\n" + table)
        log(f"\nwrote {csv_path}\n      {md_path}\n      {csv_path[:-4]}-conformance.json")
    finally:
        for p in procs.values():
            stop_server(p)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--summarize":
        summarize_csv(sys.argv[2])
    elif len(sys.argv) >= 3 and sys.argv[1] == "--ratios":
        ratios_csv(sys.argv[2:])
    else:
        main()
