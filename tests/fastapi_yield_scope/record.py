#!/usr/bin/env python3
"""Record FastAPI's answers for tests/fastapi_yield_scope (cases.py) into recorded.json, and
FastAPI's /openapi.json for app.py into openapi.json.

Same format as tests/fastapi_twin/record.py (whose loop this reuses).
Usage: python3 tests/fastapi_yield_scope/record.py   (deterministic)
"""
import importlib.util
import json
import os
import sys
import warnings

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
warnings.filterwarnings("ignore")

# The twin's recorder, run on this directory's app and cases.
spec = importlib.util.spec_from_file_location("twin_record", os.path.join(HERE, "..", "fastapi_twin", "record.py"))
twin = importlib.util.module_from_spec(spec)
sys.path.insert(0, HERE)
import app  # noqa: E402,F401  (imported first, so the twin's `from app import app` gets this one)
import cases  # noqa: E402,F401
spec.loader.exec_module(twin)
assert twin.app.title == "Yield scope", "app.py of tests/fastapi_yield_scope expected"
twin.HERE = HERE


def main():
    twin.main()
    doc = twin.app.openapi()
    with open(os.path.join(HERE, "openapi.json"), "w", encoding="utf-8") as f:
        f.write(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
    print("wrote openapi.json")


if __name__ == "__main__":
    main()
