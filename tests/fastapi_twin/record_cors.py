#!/usr/bin/env python3
"""Record Starlette's CORSMiddleware answers (through FastAPI) into cors.json.

Every configuration in CONFIGS wraps the same small app (the routes below);
every request in CASES is sent to every configuration. tests/middleware.rs
builds the same app with fastrs's `Cors` from each recorded `config` and
replays every request: status, body, and the `access-control-*`, `vary` and
`content-type` headers must match.

Usage: python3 tests/fastapi_twin/record_cors.py   (deterministic)
"""
import json
import os
import sys
import warnings
from importlib.metadata import version

sys.dont_write_bytecode = True
warnings.filterwarnings("ignore", message=".*httpx.*")

from fastapi import FastAPI, Response  # noqa: E402
from fastapi.middleware.cors import CORSMiddleware  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))

# CORSMiddleware keyword arguments; the Rust side maps each to the `Cors`
# builder method of the same name.
CONFIGS = {
    # The article's configuration.
    "credentials": dict(allow_origins=["http://localhost:3000"], allow_credentials=True,
                        allow_methods=["*"], allow_headers=["*"]),
    "defaults_wildcard": dict(allow_origins=["*"]),
    "wildcard_credentials": dict(allow_origins=["*"], allow_credentials=True,
                                 expose_headers=["X-Total-Count"]),
    "restricted": dict(allow_origins=["https://example.org", "http://localhost:3000"],
                       allow_origin_regex=r"https://.*\.example\.com",
                       allow_methods=["GET", "POST"], allow_headers=["X-Token", "content-type"],
                       expose_headers=["X-A", "X-B"], max_age=3600),
    "private_network": dict(allow_origins=["*"], allow_methods=["*"], allow_private_network=True),
    "nothing_allowed": dict(),
}

LOCAL = "http://localhost:3000"
EVIL = "http://evil.example"
PRE = {"access-control-request-method": "GET"}

# (name, method, path, headers)
CASES = [
    ("get_no_origin", "GET", "/", {}),
    ("get_allowed_origin", "GET", "/", {"origin": LOCAL}),
    ("get_other_origin", "GET", "/", {"origin": EVIL}),
    ("get_origin_case_differs", "GET", "/", {"origin": "HTTP://LOCALHOST:3000"}),
    ("get_origin_trailing_slash", "GET", "/", {"origin": LOCAL + "/"}),
    ("get_regex_origin", "GET", "/", {"origin": "https://api.example.com"}),
    ("get_regex_origin_suffix", "GET", "/", {"origin": "https://api.example.com.evil.net"}),
    ("get_404_allowed_origin", "GET", "/nowhere", {"origin": LOCAL}),
    ("get_404_other_origin", "GET", "/nowhere", {"origin": EVIL}),
    ("get_own_vary", "GET", "/vary", {"origin": LOCAL}),
    ("get_own_vary_no_origin", "GET", "/vary", {}),
    ("get_own_cors_header", "GET", "/own-cors", {"origin": EVIL}),
    ("post_405_allowed_origin", "POST", "/", {"origin": LOCAL}),
    ("post_allowed_origin", "POST", "/items", {"origin": LOCAL, "content-type": "application/json"}),
    ("preflight", "OPTIONS", "/", {"origin": LOCAL, **PRE}),
    ("preflight_post_with_headers", "OPTIONS", "/items",
     {"origin": LOCAL, "access-control-request-method": "POST",
      "access-control-request-headers": "X-Token, Content-Type"}),
    ("preflight_unlisted_header", "OPTIONS", "/items",
     {"origin": LOCAL, "access-control-request-method": "POST",
      "access-control-request-headers": "X-Unknown"}),
    ("preflight_safelisted_header", "OPTIONS", "/",
     {"origin": LOCAL, **PRE, "access-control-request-headers": "accept-language"}),
    ("preflight_empty_headers", "OPTIONS", "/",
     {"origin": LOCAL, **PRE, "access-control-request-headers": ""}),
    ("preflight_other_origin", "OPTIONS", "/", {"origin": EVIL, **PRE}),
    ("preflight_regex_origin", "OPTIONS", "/", {"origin": "https://api.example.com", **PRE}),
    ("preflight_method_put", "OPTIONS", "/", {"origin": LOCAL, "access-control-request-method": "PUT"}),
    ("preflight_method_query", "OPTIONS", "/", {"origin": LOCAL, "access-control-request-method": "QUERY"}),
    ("preflight_method_lowercase", "OPTIONS", "/", {"origin": LOCAL, "access-control-request-method": "get"}),
    ("preflight_everything_wrong", "OPTIONS", "/",
     {"origin": EVIL, "access-control-request-method": "TRACE",
      "access-control-request-headers": "X-Unknown",
      "access-control-request-private-network": "true"}),
    ("preflight_private_network", "OPTIONS", "/",
     {"origin": LOCAL, **PRE, "access-control-request-private-network": "true"}),
    ("preflight_unknown_path", "OPTIONS", "/nowhere", {"origin": LOCAL, **PRE}),
    ("options_without_request_method", "OPTIONS", "/", {"origin": LOCAL}),
    ("options_without_origin", "OPTIONS", "/", PRE),
]

RECORDED = ("content-type", "vary")


def make_app(config):
    app = FastAPI()

    @app.get("/")
    def read_root():
        return {"message": "Hello"}

    @app.post("/items")
    def create_item():
        return {"created": True}

    @app.get("/vary")
    def vary():
        return Response('{"vary":true}', media_type="application/json",
                        headers={"Vary": "Accept-Encoding"})

    @app.get("/own-cors")
    def own_cors():
        return Response('{"own":true}', media_type="application/json",
                        headers={"Access-Control-Allow-Origin": "https://mine.example"})

    app.add_middleware(CORSMiddleware, **config)
    return app


def main():
    versions = {p: version(p) for p in ("fastapi", "starlette")}
    versions["python"] = sys.version.split()[0]
    configs = []
    for cname, config in CONFIGS.items():
        client = TestClient(make_app(config), raise_server_exceptions=False, follow_redirects=False)
        cases = []
        for name, method, path, headers in CASES:
            r = client.request(method, path, headers=headers)
            kept = [[k, v] for k, v in r.headers.multi_items()
                    if k.startswith("access-control-") or k in RECORDED]
            cases.append({
                "name": name,
                "request": {"method": method, "path": path, "headers": headers},
                "response": {"status": r.status_code, "body": r.text,
                             "headers": sorted(kept)},
            })
        configs.append({"name": cname, "config": config, "cases": cases})
    dest = os.path.join(HERE, "cors.json")
    with open(dest, "w", encoding="utf-8") as f:
        json.dump({"versions": versions, "configs": configs}, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {len(configs)} configurations x {len(CASES)} requests to {dest}")


if __name__ == "__main__":
    main()
