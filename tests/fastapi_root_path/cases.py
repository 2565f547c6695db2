"""Requests sent to each variant of app.py (record.py), with `Host: testserver`."""

PATHS = [
    "/app",
    "/api/v1/app",
    "/urls",
    "/api/v1/urls",
    "/openapi.json",
    "/api/v1/openapi.json",
    "/docs",
    "/api/v1/docs",
    "/redoc",
    "/app/",
    "/api/v1/app/",
]

VARIANTS = ["server", "app", "servers", "no_servers", "none"]

CASES = [
    {"name": f"{v}:{p}", "variant": v, "method": "GET", "path": p, "headers": {"host": "testserver"}}
    for v in VARIANTS
    for p in PATHS
]
