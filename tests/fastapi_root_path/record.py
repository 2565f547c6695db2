#!/usr/bin/env python3
"""Record FastAPI's answers for tests/fastapi_root_path (cases.py) into recorded.json.

Each variant of app.py runs in a real uvicorn on 127.0.0.1 (the `server` variant with
`--root-path /api/v1`, uvicorn's own option, which prepends the root path to the request
path as uvicorn does); the cases are sent with httpx, redirects not followed.
Usage: python3 tests/fastapi_root_path/record.py   (deterministic)
"""
import json
import os
import socket
import subprocess
import sys
import time
from importlib.metadata import version

import httpx

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True
from app import VARIANTS  # noqa: E402
from cases import CASES  # noqa: E402

RECORDED_HEADERS = ("location",)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(variant):
    port = free_port()
    cmd = [sys.executable, "-m", "uvicorn", "app:app", "--host", "127.0.0.1", "--port", str(port),
           "--no-access-log", "--log-level", "warning"]
    if VARIANTS[variant]["root_path_option"]:
        cmd += ["--root-path", VARIANTS[variant]["root_path_option"]]
    env = dict(os.environ, ROOT_PATH_VARIANT=variant, PYTHONDONTWRITEBYTECODE="1")
    proc = subprocess.Popen(cmd, cwd=HERE, env=env)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, port
        except OSError:
            time.sleep(0.1)
    proc.terminate()
    raise SystemExit(f"uvicorn for {variant} did not start")


def main():
    versions = {p: version(p) for p in ("fastapi", "starlette", "uvicorn")}
    versions["python"] = sys.version.split()[0]
    out = []
    for variant in VARIANTS:
        proc, port = serve(variant)
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", follow_redirects=False) as client:
                for c in [c for c in CASES if c["variant"] == variant]:
                    r = client.request(c["method"], c["path"], headers=c["headers"])
                    try:
                        parsed, text = r.json(), None
                    except ValueError:
                        parsed, text = None, r.text
                    out.append({
                        "name": c["name"],
                        "variant": variant,
                        "request": {"method": c["method"], "path": c["path"], "headers": c["headers"]},
                        "response": {
                            "status": r.status_code,
                            "content_type": r.headers.get("content-type"),
                            "headers": {h: r.headers[h] for h in RECORDED_HEADERS if h in r.headers},
                            "json": parsed,
                            "text": text,
                        },
                    })
        finally:
            proc.terminate()
            proc.wait()
    with open(os.path.join(HERE, "recorded.json"), "w", encoding="utf-8") as f:
        json.dump({"versions": versions, "cases": out}, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {len(out)} cases")


if __name__ == "__main__":
    main()
