#!/usr/bin/env python3
"""Record FastAPI's answers for the "Handling Errors" page's apps.

Each tutorial whose exception handlers are app-wide has its own directory
(app.py = the page's app, cases.py = the requests); this runs the twin's
recorder (tests/fastapi_twin/record.py) on each and writes its recorded.json.
Usage: python3 tests/fastapi_errors/record.py   (deterministic)
"""
import importlib.util
import os
import sys
import warnings

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
warnings.filterwarnings("ignore")
APPS = ["t001_003", "t004", "t005", "t006"]


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    # The twin's recorder imports `app` and `cases` once: give it the first.
    first = os.path.join(HERE, APPS[0])
    sys.modules["app"] = load(os.path.join(first, "app.py"), "app")
    sys.modules["cases"] = load(os.path.join(first, "cases.py"), "cases")
    twin = load(os.path.join(HERE, "..", "fastapi_twin", "record.py"), "twin_record")
    for name in APPS:
        d = os.path.join(HERE, name)
        twin.app = load(os.path.join(d, "app.py"), f"app_{name}").app
        twin.CASES = load(os.path.join(d, "cases.py"), f"cases_{name}").CASES
        twin.HERE = d
        twin.main()


if __name__ == "__main__":
    main()
