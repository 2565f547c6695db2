"""Requests for app.py, in order: each request, then /log."""


def case(name, path):
    return {"name": name, "method": "GET", "path": path, "headers": {}, "body": None}


CASES = [
    case("stream", "/stream"),
    case("stream_log", "/log"),
    case("json", "/json"),
    case("json_log", "/log"),
    case("fail", "/fail"),
    case("fail_log", "/log"),
]

CASES += [
    case("function_scope", "/users/me"),
    case("function_scope_log", "/log"),
]
