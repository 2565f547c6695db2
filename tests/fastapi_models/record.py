#!/usr/bin/env python3
"""Record FastAPI's answers for each app of tests/fastapi_models: for APP.py,
the requests of cases.py into APP.recorded.json and its /openapi.json into
APP.openapi.json. The apps are FastAPI's own tutorial files (docs_src of
"Body - Updates", "Response Model", "Extra Models", copied unchanged) and
dump_options.py. tests/models.rs is the fastrs twin.

Usage: python3 tests/fastapi_models/record.py   (deterministic)
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
warnings.filterwarnings("ignore")

from fastapi.testclient import TestClient  # noqa: E402

from cases import CASES  # noqa: E402


def record(name, cases):
    app = importlib.import_module(name).app
    out = []
    with TestClient(app, raise_server_exceptions=False) as client:
        for c in cases:
            raw = None if c["body"] is None else c["body"].encode("utf-8")
            resp = client.request(c["method"], c["path"], headers=c["headers"], content=raw)
            try:
                parsed, text = json.loads(resp.content), None
            except ValueError:
                parsed, text = None, resp.content.decode("utf-8", errors="replace")
            out.append({
                "name": c["name"],
                "request": {"method": c["method"], "path": c["path"], "headers": c["headers"], "body": c["body"]},
                "response": {
                    "status": resp.status_code,
                    "content_type": resp.headers.get("content-type"),
                    "headers": {},
                    "json": parsed,
                    "text": text,
                },
            })
    return app, out


def main():
    versions = {p: version(p) for p in ("fastapi", "pydantic", "pydantic-core", "starlette", "email-validator")}
    versions["python"] = sys.version.split()[0]
    for name, cases in CASES.items():
        app, out = record(name, cases)
        with open(os.path.join(HERE, f"{name}.recorded.json"), "w", encoding="utf-8") as f:
            json.dump({"versions": versions, "cases": out}, f, indent=1, ensure_ascii=False)
            f.write("\n")
        with open(os.path.join(HERE, f"{name}.openapi.json"), "w", encoding="utf-8") as f:
            f.write(json.dumps(app.openapi(), indent=1, ensure_ascii=False) + "\n")
        print(f"{name}: {len(out)} cases")


if __name__ == "__main__":
    main()
