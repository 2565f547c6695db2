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

# A proxy's X-Forwarded-Prefix (Traefik's StripPrefix sets it) from a trusted address
# (127.0.0.1): neither uvicorn nor FastAPI reads it; the root path stays what it was.
PREFIX = {"host": "testserver", "x-forwarded-prefix": "/api/v2"}
CASES += [
    {"name": f"{v}:{p}+x-forwarded-prefix", "variant": v, "method": "GET", "path": p, "headers": PREFIX}
    for v in ("none", "app")
    for p in ("/app", "/urls", "/openapi.json")
]
