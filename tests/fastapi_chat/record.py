#!/usr/bin/env python3
"""Record FastAPI's chat (docs_src/websockets_/tutorial003_py310.py, copied unchanged as app.py)
for examples/chat: its page, and a session of two clients through Starlette's TestClient
(SCRIPT below), into recorded.json. tests/chat.rs plays the same script against examples/chat.

Each step is [client, action, argument]: "connect" (argument: the path), "send_text",
"receive_text" (the message recorded), "close" (the client closes; argument: the code).
Usage: python3 tests/fastapi_chat/record.py   (deterministic)
"""
import json
import os
import sys
from importlib.metadata import version

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from fastapi.testclient import TestClient  # noqa: E402
from starlette.websockets import WebSocketDisconnect  # noqa: E402

from app import app  # noqa: E402

# Each client speaks first once connected: a socket joins the manager's list right after
# its accept, so it is known to be in it once its own message was answered.
SCRIPT = [
    ["first", "connect", "/ws/1"],
    ["first", "send_text", "Hello"],
    ["first", "receive_text", None],
    ["first", "receive_text", None],
    ["second", "connect", "/ws/2"],
    ["second", "send_text", "Hi there, ünïcode ☕"],
    ["second", "receive_text", None],
    ["second", "receive_text", None],
    ["first", "receive_text", None],
    ["first", "send_text", "Welcome"],
    ["first", "receive_text", None],
    ["first", "receive_text", None],
    ["second", "receive_text", None],
    ["second", "close", 1000],
    ["first", "receive_text", None],
    ["first", "send_text", "Alone"],
    ["first", "receive_text", None],
    ["first", "receive_text", None],
    ["third", "connect", "/ws/abc"],
]


def main():
    out = []
    with TestClient(app) as client:
        page = client.get("/")
        sockets = {}
        contexts = {}
        for who, action, arg in SCRIPT:
            step = {"client": who, "action": action, "argument": arg}
            if action == "connect":
                try:
                    cm = client.websocket_connect(arg)
                    sockets[who] = cm.__enter__()
                    contexts[who] = cm
                    step["result"] = "accepted"
                except WebSocketDisconnect as e:
                    step["result"] = {"refused": e.code}
            elif action == "send_text":
                sockets[who].send_text(arg)
            elif action == "receive_text":
                step["result"] = sockets[who].receive_text()
            elif action == "close":
                # the session's exit closes (with 1000) and waits for the handler
                assert arg == 1000
                contexts.pop(who).__exit__(None, None, None)
            out.append(step)
        for cm in contexts.values():
            cm.__exit__(None, None, None)
    versions = {p: version(p) for p in ("fastapi", "starlette")}
    doc = {
        "versions": versions,
        "page": {"status": page.status_code, "content_type": page.headers["content-type"], "text": page.text},
        "session": out,
    }
    with open(os.path.join(HERE, "recorded.json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"{len(out)} steps")


if __name__ == "__main__":
    main()
