#!/usr/bin/env python3
"""Record FastAPI's real `openapi.json` for the apps the Rust side also declares.

Writes (deterministic; re-running gives identical output):
  openapi/hello.json  - openapi_app.hello_app (the article's first page, examples/hello)
  openapi/twin.json   - app.app, as is (the request-comparison twin, tests/conformance.rs)
  openapi/rich.json   - openapi_app.rich_app (the OpenAPI features)
and validates each with openapi-spec-validator as OpenAPI 3.1 (validate_openapi.py).

twin.json is expected to fail only the `default` check: app.py's
`Product.quantity: int = Field(default=1, multiple_of=5)` has a default that is not a
multiple of 5 (Pydantic does not validate defaults). It is recorded as FastAPI emits it
and must be valid once defaults are not checked (`validate_openapi.py --ignore-defaults`).

Usage: python3 tests/fastapi_twin/record_openapi.py
"""
import json
import os
import sys

sys.dont_write_bytecode = True  # keep tests/fastapi_twin free of __pycache__
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from app import app as twin_app  # noqa: E402
from openapi_app import hello_app, rich_app  # noqa: E402
from validate_openapi import openapi_errors  # noqa: E402

# name -> (app, the exact strict-validation errors expected, [] = fully valid)
APPS = {
    "hello": (hello_app, []),
    "twin": (twin_app, ["1 is not a multiple of 5.0"]),
    "rich": (rich_app, []),
}


def main():
    out_dir = os.path.join(HERE, "openapi")
    os.makedirs(out_dir, exist_ok=True)
    failed = False
    for name, (app, expected) in APPS.items():
        app.openapi_schema = None  # always regenerate
        doc = app.openapi()
        text = json.dumps(doc, indent=1, sort_keys=False, ensure_ascii=False)
        path = os.path.join(out_dir, f"{name}.json")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text + "\n")
        # Validate exactly what was written.
        written = json.loads(text)
        strict = [e.splitlines()[0] for e in openapi_errors(written)]
        lenient = openapi_errors(written, check_defaults=False)
        ops = sum(len(v) for v in doc["paths"].values())
        where = os.path.relpath(path, os.getcwd())
        if not strict:
            print(f"OK {where}: valid OpenAPI {doc['openapi']} ({ops} operations)")
        elif strict == expected and not lenient:
            print(f"OK {where}: valid OpenAPI {doc['openapi']} ({ops} operations) "
                  f"except for the expected default-value error(s): {strict}")
        else:
            failed = True
            print(f"INVALID {where}: {strict} / ignoring defaults: {lenient}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
