#!/usr/bin/env python3
"""Record what uvicorn's ProxyHeadersMiddleware (uvicorn runs it by default,
`--proxy-headers`, trusting FORWARDED_ALLOW_IPS) makes of a request's client and
scheme, for tests/request_response.rs: forwarded.json, one case per
(trusted hosts, peer, X-Forwarded-For values, X-Forwarded-Proto).
Usage: python3 tests/fastapi_request_response/record_forwarded.py   (deterministic)
"""
import asyncio
import json
import os
from importlib.metadata import version

from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

HERE = os.path.dirname(os.path.abspath(__file__))

TRUSTED = ["127.0.0.1,::1", "10.0.0.0/8, 192.168.1.1", "*", "proxy.local", ""]
PEERS = ["127.0.0.1", "::1", "10.1.2.3", "192.168.1.1", "203.0.113.9"]
FORWARDED = [
    [],
    ["198.51.100.7"],
    ["198.51.100.7, 10.0.0.5"],
    ["198.51.100.7", "10.0.0.5"],
    ["10.0.0.5, 127.0.0.1"],
    ["198.51.100.7:4321"],
    ["[2001:db8::1]:8080, 10.0.0.5"],
    ["2001:db8::1"],
    [" 198.51.100.7 ,unknown"],
    [""],
]
PROTOS = [None, "https", "wss", "ftp", " https "]


async def run(trusted, peer, forwarded, proto):
    seen = {}

    async def app(scope, receive, send):
        seen["client"] = list(scope["client"])
        seen["scheme"] = scope["scheme"]

    headers = [(b"x-forwarded-for", v.encode("latin1")) for v in forwarded]
    if proto is not None:
        headers.append((b"x-forwarded-proto", proto.encode("latin1")))
    scope = {"type": "http", "client": (peer, 50000), "scheme": "http", "headers": headers}
    await ProxyHeadersMiddleware(app, trusted_hosts=trusted)(scope, None, None)
    return seen


def main():
    cases = []
    for trusted in TRUSTED:
        for peer in PEERS:
            for forwarded in FORWARDED:
                for proto in PROTOS[:2] if forwarded not in ([], [""]) else PROTOS:
                    out = asyncio.run(run(trusted, peer, forwarded, proto))
                    cases.append({"trusted": trusted, "peer": peer, "forwarded_for": forwarded,
                                  "forwarded_proto": proto, "client": out["client"], "scheme": out["scheme"]})
    with open(os.path.join(HERE, "forwarded.json"), "w", encoding="utf-8") as f:
        json.dump({"versions": {"uvicorn": version("uvicorn")}, "cases": cases}, f, indent=1)
        f.write("\n")
    print(f"wrote {len(cases)} cases")


if __name__ == "__main__":
    main()
