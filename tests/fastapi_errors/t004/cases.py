"""Requests for t004/app.py."""


def case(name, path):
    return {"name": name, "method": "GET", "path": path, "headers": {}, "body": None}


CASES = [
    case("ok", "/items/2"),
    case("teapot", "/items/3"),
    case("not_an_int", "/items/foo"),
    case("no_route", "/nothing"),
]
