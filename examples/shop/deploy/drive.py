#!/usr/bin/env python3
"""Clients for scale-out.sh: the shop behind a load balancer, from outside.

Python's standard library only (http.client and threads), so the script
needs nothing installed but python3.

    drive.py setup URL            registers a user, logs in, creates the items;
                                  prints KEY=VALUE lines (TOKEN, RACE_ITEM, ...)
    drive.py race URL TOKEN ITEM  50 orders for 1 unit of ITEM at once
    drive.py load URL TOKEN PLENTY GONE STOP_FILE
                                  GETs, idempotent DELETEs and a few POSTs
                                  (orders, logins) with a few keep-alive
                                  connections until STOP_FILE exists
                                  (bounded in count and time)
    drive.py upstream URL PORT    waits until the balancer has routed a
                                  request to PORT (its X-Upstream header)

Every figure is printed as KEY=VALUE on stdout; diagnostics go to stderr.
"""

import http.client
import json
import os
import sys
import threading
import time
import urllib.parse

ADDRESS = {"street": "1 Main St", "city": "Springfield", "country": "US", "zip_code": "12345"}


def connect(url):
    u = urllib.parse.urlsplit(url)
    return http.client.HTTPConnection(u.hostname, u.port or 80, timeout=30)


def request(conn, method, path, body=None, headers=None, form=None):
    """One request on `conn`; returns (status, parsed JSON or None, upstream)."""
    h = dict(headers or {})
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        h["content-type"] = "application/json"
    elif form is not None:
        data = urllib.parse.urlencode(form).encode()
        h["content-type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=data, headers=h)
    r = conn.getresponse()
    raw = r.read()
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        parsed = raw.decode("utf-8", "replace")
    # nginx's $upstream_addr: "a:1" or, after a retry, "a:1, b:2"
    upstream = r.getheader("x-upstream", "none").replace(", ", "+")
    return r.status, parsed, upstream


def expect(what, got, status):
    if got[0] != status:
        sys.exit(f"drive.py: {what}: expected {status}, got {got[0]} {got[1]}")
    return got[1]


def setup(url):
    c = connect(url)
    user = {"name": "Scale", "email": "scale@example.com", "age": 30, "password": "password123"}
    expect("register", request(c, "POST", "/users", user), 201)
    token = expect(
        "login",
        request(c, "POST", "/auth/token", form={"username": user["email"], "password": user["password"]}),
        200,
    )["access_token"]
    auth = {"authorization": f"Bearer {token}"}
    ids = {}
    for key, name, stock in [("RACE_ITEM", "Last units", 10), ("PLENTY_ITEM", "Plenty", 1_000_000), ("GONE_ITEM", "Gone", 1)]:
        ids[key] = expect(f"create {name}", request(c, "POST", "/items", {"name": name, "price": 2.5, "stock": stock}, auth), 201)["id"]
    print(f"TOKEN={token}")
    for k, v in ids.items():
        print(f"{k}={v}")


def race(url, token, item, n=50):
    auth = {"authorization": f"Bearer {token}"}
    # Connect first, then release every order at once.
    conns = [connect(url) for _ in range(n)]
    for c in conns:
        c.connect()
    barrier = threading.Barrier(n)
    results = [None] * n

    def order(i):
        barrier.wait()
        try:
            results[i] = request(conns[i], "POST", "/orders", {"items": [{"product_id": item, "quantity": 1}], "shipping_address": ADDRESS}, auth)
        except Exception as e:  # a failure, counted below
            results[i] = (f"error: {e!r}", None, "none")

    threads = [threading.Thread(target=order, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    won = sum(1 for r in results if r and r[0] == 201)
    def out_of_stock(r):
        return r[0] == 409 and isinstance(r[1], dict) and r[1].get("error", {}).get("code") == "INSUFFICIENT_INVENTORY"

    lost = sum(1 for r in results if r and out_of_stock(r))
    other = [r for r in results if not r or (r[0] != 201 and not out_of_stock(r))]
    per_upstream = {}
    for r in results:
        if r:
            per_upstream[r[2]] = per_upstream.get(r[2], 0) + 1
    c = connect(url)
    stock = expect("read the item", request(c, "GET", f"/items/{item}"), 200)["stock"]
    orders = expect("read the orders", request(c, "GET", "/orders", headers=auth), 200)
    for r in other:
        print(f"drive.py: race: unexpected {r}", file=sys.stderr)
    print(f"RACE_ORDERS={n}")
    print(f"RACE_WON={won}")
    print(f"RACE_OUT_OF_STOCK={lost}")
    print(f"RACE_OTHER={len(other)}")
    print(f"RACE_FINAL_STOCK={stock}")
    print(f"RACE_ORDERS_STORED={len(orders)}")
    print("RACE_PER_UPSTREAM=" + ",".join(f"{k}:{v}" for k, v in sorted(per_upstream.items())))


def load(url, token, plenty, gone, stop_file, concurrency=4, max_requests=200_000, max_seconds=240):
    """Requests until stop_file exists, max_requests are sent or max_seconds pass."""
    auth = {"authorization": f"Bearer {token}"}
    order = {"items": [{"product_id": plenty, "quantity": 1}], "shipping_address": ADDRESS}
    login = {"username": "scale@example.com", "password": "password123"}
    # (method, path, headers, JSON body, form, expected status): reads and
    # idempotent deletes, which nginx may retry on another instance, and
    # POSTs, which it never sends twice: a POST that a stopping instance
    # dropped instead of finishing fails here. A login is the slowest
    # request (an argon2 verification): the likeliest to be in flight when
    # SIGTERM comes.
    mix = [
        ("GET", f"/items/{plenty}", {}, None, None, 200),
        ("GET", "/items?limit=5", {}, None, None, 200),
        ("GET", "/users/me", auth, None, None, 200),
        ("POST", "/orders", auth, order, None, 201),
        ("GET", "/orders/1", auth, None, None, 200),
        ("DELETE", f"/items/{gone}", auth, None, None, 204),
        ("GET", f"/items/{gone}", {}, None, None, 410),
        ("POST", "/auth/token", {}, None, login, 200),
    ]
    lock = threading.Lock()
    counts = {"sent": 0, "ok": 0, "failed": 0, "posts": 0}
    failures = {}
    per_upstream = {}
    deadline = time.monotonic() + max_seconds

    def worker(w):
        conn = connect(url)
        i = w
        while not os.path.exists(stop_file) and time.monotonic() < deadline:
            with lock:
                if counts["sent"] >= max_requests:
                    return
                counts["sent"] += 1
                counts["posts"] += mix[i % len(mix)][0] == "POST"
            method, path, headers, body, form, status = mix[i % len(mix)]
            i += 1
            try:
                got = request(conn, method, path, body, headers, form)
                ok = got[0] == status
                kind = f"{method} {path.split('?')[0]} -> {got[0]}"
                upstream = got[2]
            except Exception as e:  # connection reset, timeout: a failure
                ok = False
                kind = f"{method} {path.split('?')[0]} -> {type(e).__name__}"
                upstream = "none"
                conn.close()
                conn = connect(url)
            with lock:
                per_upstream[upstream] = per_upstream.get(upstream, 0) + 1
                if ok:
                    counts["ok"] += 1
                else:
                    counts["failed"] += 1
                    failures[kind] = failures.get(kind, 0) + 1

    start = time.monotonic()
    threads = [threading.Thread(target=worker, args=(w,)) for w in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(max_seconds + 60)
    elapsed = time.monotonic() - start
    for k, v in sorted(failures.items()):
        print(f"drive.py: load: failed {v}x {k}", file=sys.stderr)
    print(f"LOAD_SENT={counts['sent']}")
    print(f"LOAD_OK={counts['ok']}")
    print(f"LOAD_FAILED={counts['failed']}")
    print(f"LOAD_POSTS={counts['posts']}")
    print(f"LOAD_SECONDS={elapsed:.1f}")
    print(f"LOAD_CONCURRENCY={concurrency}")
    print("LOAD_PER_UPSTREAM=" + ",".join(f"{k}:{v}" for k, v in sorted(per_upstream.items()) if "+" not in k))
    # answered by a second instance after the first refused or dropped them
    print(f"LOAD_RETRIED={sum(v for k, v in per_upstream.items() if '+' in k)}")
    print("LOAD_STOPPED_BY=" + ("stop-file" if os.path.exists(stop_file) else "bound"))


def upstream(url, port, max_seconds=30):
    """Exits 0 once a request through the balancer was answered by PORT."""
    deadline = time.monotonic() + max_seconds
    conn = connect(url)
    while time.monotonic() < deadline:
        try:
            status, _, up = request(conn, "GET", "/")
            if status == 200 and up.endswith(f":{port}"):
                return
        except Exception:
            conn.close()
            conn = connect(url)
        time.sleep(0.05)
    sys.exit(f"drive.py: the balancer sent nothing to port {port} within {max_seconds} s")


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "setup":
        setup(*args)
    elif cmd == "race":
        race(args[0], args[1], int(args[2]))
    elif cmd == "load":
        load(args[0], args[1], int(args[2]), int(args[3]), args[4])
    elif cmd == "upstream":
        upstream(args[0], args[1])
    else:
        sys.exit(f"drive.py: unknown command {cmd}")


if __name__ == "__main__":
    main()
