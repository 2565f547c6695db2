"""The sessions record.py plays against app.py. Each case: a path, optional
cookies/headers, and the client's actions: ["send_text", s], ["send_json", v],
["send_bytes", hex], ["receive"], ["close", code], ["http_get", path]."""

R = ["receive"]
CASES = [
    # tutorial001
    {"name": "echo", "path": "/ws", "actions": [["send_text", "Hello"], R, ["send_text", "again"], R]},
    # tutorial002 (tests/test_tutorial/test_websockets/test_tutorial002.py)
    {"name": "items_cookie", "path": "/items/foo/ws", "cookies": {"session": "fakesession"},
     "actions": [["send_text", "Message one"], R, R, ["send_text", "Message two"], R, R]},
    {"name": "items_token", "path": "/items/bar/ws?token=some-token",
     "actions": [["send_text", "Message one"], R, R]},
    {"name": "items_token_and_query", "path": "/items/2/ws?q=3&token=some-token",
     "actions": [["send_text", "Message one"], R, R, R]},
    {"name": "items_no_credentials", "path": "/items/foo/ws", "actions": []},
    {"name": "items_invalid_query", "path": "/items/foo/ws?q=bar&token=some-token", "actions": []},
    # tutorial003 (one client: its own message and the broadcast)
    {"name": "chat", "path": "/ws/1234", "actions": [["send_text", "Hello from 1234"], R, R]},
    {"name": "chat_bad_client_id", "path": "/ws/abc", "actions": []},
    # ours
    {"name": "json_valid", "path": "/json", "actions": [["send_json", {"name": "Foo", "price": "2.5"}], R]},
    {"name": "json_invalid_model", "path": "/json",
     "actions": [["send_json", {"price": -1, "tags": "x"}], R, ["send_json", {"name": "ok", "price": 1}], R]},
    {"name": "json_broken", "path": "/json", "actions": [["send_text", "{\"name\": "], R]},
    {"name": "bytes", "path": "/bytes", "actions": [["send_bytes", "00010203ff"], R, R]},
    {"name": "server_closes_with_code", "path": "/close", "actions": [["send_text", "4001"], R]},
    {"name": "client_closes_with_code", "path": "/disconnect",
     "actions": [["send_text", "x"], ["close", 4000], ["http_get", "/last-disconnect"]]},
    {"name": "refused_before_accept", "path": "/refuse", "actions": []},
    {"name": "header", "path": "/header", "headers": {"x-token": "abc"}, "actions": [R, R]},
    {"name": "header_missing", "path": "/header", "actions": []},
    {"name": "http_error_in_dependency", "path": "/http-error", "actions": []},
    {"name": "router_dependency_ok", "path": "/r/ws?key=secret", "actions": [R, R]},
    {"name": "router_dependency_refuses", "path": "/r/ws?key=wrong", "actions": []},
    {"name": "router_dependency_missing", "path": "/r/ws", "actions": []},
    {"name": "security_key", "path": "/secure?api_key=k1", "actions": [R, R]},
    {"name": "security_no_key", "path": "/secure", "actions": []},
    {"name": "no_such_route", "path": "/nowhere", "actions": []},
]
