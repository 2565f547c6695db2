#!/usr/bin/env python3
"""Record FastAPI's answers for tests/fastapi_extract (cases.py) into recorded.json.

Same format as tests/fastapi_twin/record.py, whose loop this reuses.
Usage: python3 tests/fastapi_extract/record.py   (deterministic)
"""
import importlib.util
import os
import sys

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))

# The twin's recorder, run on this directory's app and cases (imported first,
# so that the twin's `from app import app` and `from cases import CASES` get these).
sys.path.insert(0, HERE)
import app  # noqa: E402,F401
import cases  # noqa: E402,F401

spec = importlib.util.spec_from_file_location(
    "twin_record", os.path.join(HERE, "..", "fastapi_twin", "record.py"))
twin = importlib.util.module_from_spec(spec)
spec.loader.exec_module(twin)
assert twin.app is app.app, "app.py of tests/fastapi_extract expected"
twin.HERE = HERE

if __name__ == "__main__":
    twin.main()
