#!/usr/bin/env python3
"""Record FastAPI's websocket sessions (cases.py against app.py) with Starlette's
TestClient into recorded.json: for each case, how the connection ended up
(accepted, closed before accepting with a code and reason, or denied with an
HTTP response) and what each "receive" and "http_get" action got.

Usage: python3 tests/fastapi_websockets/record.py   (deterministic)
"""
import json
import os
import sys
import warnings

sys.dont_write_bytecode = True
warnings.filterwarnings("ignore")
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from starlette.testclient import TestClient, WebSocketDenialResponse  # noqa: E402
from starlette.websockets import WebSocketDisconnect  # noqa: E402

from app import app  # noqa: E402
from cases import CASES  # noqa: E402


def message(m):
    if m["type"] == "websocket.close":
        return {"close": {"code": m.get("code", 1000), "reason": m.get("reason") or ""}}
    if m.get("text") is not None:
        return {"text": m["text"]}
    return {"bytes": m["bytes"].hex()}


def play(case):
    client = TestClient(app, cookies=case.get("cookies"))
    got = []
    entered = False
    try:
        with client.websocket_connect(case["path"], headers=dict(case.get("headers") or {})) as ws:
            entered = True
            for action in case["actions"]:
                kind = action[0]
                if kind == "send_text":
                    ws.send_text(action[1])
                elif kind == "send_json":
                    ws.send_json(action[1])
                elif kind == "send_bytes":
                    ws.send_bytes(bytes.fromhex(action[1]))
                elif kind == "receive":
                    got.append(message(ws.receive()))
                elif kind == "close":
                    ws.close(action[1])
                elif kind == "http_get":
                    r = client.get(action[1])
                    got.append({"http": {"status": r.status_code, "json": r.json()}})
        # The session's last http_get runs after the close (the handler has ended).
        outcome = {"accepted": True}
    except WebSocketDenialResponse as e:
        outcome = {"denied": {"status": e.status_code, "json": e.json()}}
    except WebSocketDisconnect as e:
        # Raised when leaving the `with` (the handler's uncaught disconnect,
        # as in FastAPI's own tests): the session was accepted all the same.
        outcome = {"accepted": True} if entered else {"closed": {"code": e.code, "reason": e.reason}}
    return {"name": case["name"], "case": case, "outcome": outcome, "got": got}


def main():
    recorded = {"cases": [play(c) for c in CASES]}
    with open(os.path.join(HERE, "recorded.json"), "w", encoding="utf-8") as f:
        f.write(json.dumps(recorded, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote recorded.json ({len(CASES)} cases)")


if __name__ == "__main__":
    main()
