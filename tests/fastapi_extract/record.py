#!/usr/bin/env python3
"""Record FastAPI's real responses for every case in cases.py into recorded.json.

Usage: python3 tests/fastapi_extract/record.py   (deterministic; re-running gives identical output)
"""
import base64
import json
import os
import sys
import warnings
from importlib.metadata import version

sys.dont_write_bytecode = True  # keep this folder free of __pycache__
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
# starlette.testclient warns that httpx is deprecated in favour of httpx2; irrelevant here.
warnings.filterwarnings("ignore", message=".*httpx.*")

from fastapi.testclient import TestClient  # noqa: E402

from app import app  # noqa: E402
from cases import CASES  # noqa: E402

RECORDED_HEADERS = ("allow", "location", "www-authenticate")

_seen = {}


async def spy(scope, receive, send):
    """ASGI wrapper capturing the target exactly as the server received it."""
    if scope["type"] == "http":
        target = scope["raw_path"].decode("latin-1")
        if scope.get("query_string"):
            target += "?" + scope["query_string"].decode("latin-1")
        _seen["target"] = target
        _seen["method"] = scope["method"]
    await app(scope, receive, send)


def main():
    versions = {p: version(p) for p in
                ("fastapi", "pydantic", "pydantic-core", "starlette", "email-validator")}
    versions["python"] = sys.version.split()[0]
    out_cases = []
    names = set()
    with TestClient(spy, raise_server_exceptions=False, follow_redirects=False) as client:
        for c in CASES:
            assert c["name"] not in names, c["name"]
            names.add(c["name"])
            body = c["body"]
            raw = body.encode("utf-8") if isinstance(body, str) else body
            _seen.clear()
            resp = client.request(c["method"], c["path"], headers=c["headers"], content=raw)
            if _seen.get("target") != c["path"] or _seen.get("method") != c["method"]:
                raise SystemExit(f"{c['name']}: sent {c['method']} {c['path']!r} but server saw "
                                 f"{_seen.get('method')} {_seen.get('target')!r}")
            req = {"method": c["method"], "path": c["path"], "headers": c["headers"]}
            if raw is None:
                req["body"] = None
            else:
                try:
                    req["body"] = raw.decode("utf-8")
                except UnicodeDecodeError:
                    req["body_b64"] = base64.b64encode(raw).decode("ascii")
            text = resp.content.decode("utf-8", errors="replace")
            try:
                parsed, text_out = json.loads(resp.content), None
            except ValueError:
                parsed, text_out = None, text
            out_cases.append({
                "name": c["name"],
                "request": req,
                "response": {
                    "status": resp.status_code,
                    "content_type": resp.headers.get("content-type"),
                    "headers": {h: resp.headers[h] for h in RECORDED_HEADERS if h in resp.headers},
                    "json": parsed,
                    "text": text_out,
                },
            })
    dest = os.path.join(HERE, "recorded.json")
    with open(dest, "w", encoding="utf-8") as f:
        json.dump({"versions": versions, "cases": out_cases}, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {len(out_cases)} cases to {dest}")


if __name__ == "__main__":
    main()
