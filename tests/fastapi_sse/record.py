#!/usr/bin/env python3
"""Record FastAPI's answers for the apps of tests/fastapi_sse.

FastAPI's tutorial apps for Server-Sent Events and JSON Lines
(docs_src/server_sent_events/tutorial00N_py310.py as sse_tutorial00N.py,
docs_src/stream_json_lines/tutorial001_py310.py as jsonl_tutorial001.py, copied
unchanged) and app.py (edge cases). For each module of cases.py this writes
`<module>.recorded.json` (every response header in order, and the body as
text: streamed bodies compare byte for byte) and `<module>.openapi.json`.
Keep-alive pings never show: every stream ends well within FastAPI's 15 s.
Usage: python3 tests/fastapi_sse/record.py   (deterministic)
"""
import importlib
import json
import os
import sys
import warnings
from importlib.metadata import version

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
warnings.filterwarnings("ignore", message=".*httpx.*")

from fastapi.testclient import TestClient  # noqa: E402

from cases import CASES  # noqa: E402


def record(module_name, cases):
    mod = importlib.import_module(module_name)
    versions = {p: version(p) for p in ("fastapi", "pydantic", "starlette")}
    out = []
    with TestClient(mod.app, raise_server_exceptions=False, follow_redirects=False) as client:
        for name, method, path, headers, body in cases:
            raw = body.encode("utf-8") if isinstance(body, str) else body
            resp = client.request(method, path, headers=headers, content=raw)
            ct = resp.headers.get("content-type", "")
            if ct == "application/json" and resp.content:
                parsed, text = json.loads(resp.content), None
            else:
                parsed, text = None, resp.content.decode("utf-8")
            out.append({
                "name": name,
                "request": {"method": method, "path": path, "headers": headers, "body": body},
                "response": {
                    "status": resp.status_code,
                    "headers": [[k.decode("latin-1"), v.decode("latin-1")] for k, v in resp.headers.raw],
                    "json": parsed,
                    "text": text,
                },
            })
    with open(os.path.join(HERE, f"{module_name}.recorded.json"), "w", encoding="utf-8") as f:
        json.dump({"versions": versions, "cases": out}, f, indent=1, ensure_ascii=False)
        f.write("\n")
    mod.app.openapi_schema = None
    with open(os.path.join(HERE, f"{module_name}.openapi.json"), "w", encoding="utf-8") as f:
        f.write(json.dumps(mod.app.openapi(), indent=1, ensure_ascii=False) + "\n")
    print(f"{module_name}: {len(out)} cases")


def main():
    for module_name, cases in CASES.items():
        record(module_name, cases)


if __name__ == "__main__":
    main()
