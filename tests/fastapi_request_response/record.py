#!/usr/bin/env python3
"""Record FastAPI's answers for the apps of tests/fastapi_request_response.

For each app module (APPS below; each defines `app` and `CASES`, a list of
(name, method, path, headers, body)) this writes `<module>.recorded.json`
(every response header, in order, so cookies and headers compare byte for
byte), `<module>.openapi.json`, and `<module>.warnings.json` (the warnings
FastAPI gives while building the document, the file name left out).
Usage: python3 tests/fastapi_request_response/record.py   (deterministic)
"""
import importlib
import json
import os
import re
import sys
import warnings
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from importlib.metadata import version

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
warnings.filterwarnings("ignore", message=".*httpx.*")

from fastapi.testclient import TestClient  # noqa: E402

APPS = [a for a in ["app_ids", "app"] if os.path.exists(os.path.join(HERE, a + ".py"))]


DATE = re.compile(r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT")


def relative_dates(value):
    """A date within a day of now (delete_cookie's `expires`, an `expires` in
    seconds) becomes `<now+N>`, N in seconds, for the replay to check against
    its own clock."""
    def sub(m):
        when = parsedate_to_datetime(m.group(0))
        delta = round((when - datetime.now(timezone.utc)).total_seconds())
        return f"<now+{delta}>" if abs(delta) < 86400 else m.group(0)
    return DATE.sub(sub, value)


def record(module_name):
    mod = importlib.import_module(module_name)
    versions = {p: version(p) for p in ("fastapi", "pydantic", "starlette")}
    out = []
    names = set()
    with TestClient(mod.app, raise_server_exceptions=False, follow_redirects=False) as client:
        for name, method, path, headers, body in mod.CASES:
            assert name not in names, name
            names.add(name)
            raw = body.encode("utf-8") if isinstance(body, str) else body
            client.cookies.clear()  # each case alone: no cookie kept from an earlier answer
            resp = client.request(method, path, headers=headers, content=raw)
            try:
                parsed, text = json.loads(resp.content), None
            except ValueError:
                parsed, text = None, resp.content.decode("utf-8", errors="replace")
            headers_out = [[k.decode("latin-1"), v.decode("latin-1")] for k, v in resp.headers.raw]
            for pair in headers_out:
                pair[1] = relative_dates(pair[1])
            out.append({
                "name": name,
                "request": {"method": method, "path": path, "headers": headers,
                            "body": None if raw is None else raw.decode("utf-8")},
                "response": {
                    "status": resp.status_code,
                    "headers": headers_out,
                    "json": parsed,
                    "text": text,
                },
            })
    with open(os.path.join(HERE, f"{module_name}.recorded.json"), "w", encoding="utf-8") as f:
        json.dump({"versions": versions, "cases": out}, f, indent=1, ensure_ascii=False)
        f.write("\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mod.app.openapi_schema = None
        doc = mod.app.openapi()
    messages = [str(w.message).split(" at /")[0] for w in caught if "httpx" not in str(w.message)]
    with open(os.path.join(HERE, f"{module_name}.openapi.json"), "w", encoding="utf-8") as f:
        f.write(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
    with open(os.path.join(HERE, f"{module_name}.warnings.json"), "w", encoding="utf-8") as f:
        f.write(json.dumps(messages, indent=1) + "\n")
    print(f"{module_name}: {len(out)} cases, {len(messages)} warnings")


def main():
    for name in APPS:
        record(name)


if __name__ == "__main__":
    main()
